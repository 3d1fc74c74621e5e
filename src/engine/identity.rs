//! The identity of the object a finding is about (a Kubernetes object and its container, a
//! compose service, a workflow job and its step, a Dockerfile stage, a Terraform block), for
//! fingerprints that survive edits moving where a finding points (`resolve.rs`).
//!
//! Findings of the node hooks are tagged with the node the walk called them for; findings of
//! the file-wide hooks with the innermost such node whose text holds their span. Identities
//! are names, never values: a secret's value cannot reach one.

use std::sync::Arc;

use crate::api::Finding;
use crate::project::{Model, ParsedFile};
use crate::source::compose::{Compose, Service};
use crate::source::k8s::{self, Container, Object};
use crate::source::workflow::{Job, Step, Workflow};
use crate::source::{Kind, Span};

pub(super) fn object(o: &Object<'_>) -> String {
    let ns = o.namespace().and_then(|n| n.as_str()).unwrap_or("");
    format!("{}/{ns}/{}", o.kind(), o.name())
}

pub(super) fn container(c: &Container<'_>) -> String {
    format!("{} {} {}", object(&c.pod.object), c.kind.label(), c.name())
}

pub(super) fn service(s: &Service<'_>) -> String {
    format!("service {}", s.name)
}

pub(super) fn job(j: &Job<'_>) -> String {
    ["job ", j.id].concat()
}

/// A step by its `id`, else its `name`, else the action it uses (without the ref), else
/// "run": never by its index, so inserting a step does not rename the others.
pub(super) fn step(j: Option<&Job<'_>>, s: &Step<'_>) -> String {
    // joined by hand: three `format!`s per step were 10.6M instructions over 1,080
    // real-world workflows (every step holding a finding is named)
    let named = |k: &str| s.node.get(k).and_then(|n| n.as_str());
    let (what, name): (&str, Option<std::borrow::Cow<'_, str>>) = if let Some(id) = named("id") {
        ("id ", Some(id.into()))
    } else if let Some(name) = named("name") {
        ("name ", Some(name.into()))
    } else if let Some(a) = s.action() {
        ("uses ", Some(a.to_string().into()))
    } else {
        ("run", None)
    };
    let mut out = j.map(job).unwrap_or_default();
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str("step ");
    out.push_str(what);
    if let Some(n) = name {
        out.push_str(&n);
    }
    out
}

/// A Dockerfile stage by its `AS` name, else its index.
pub(super) fn stage(s: &crate::source::dockerfile::Stage, index: usize) -> String {
    match &s.name {
        Some((name, _)) => format!("stage {name}"),
        None => format!("stage {index}"),
    }
}

/// Set `id` on the findings not tagged yet.
pub(super) fn tag(findings: &mut [Finding], id: impl FnOnce() -> String) {
    if findings.iter().all(|f| f.object.is_some()) {
        return;
    }
    let id: Arc<str> = Arc::from(id());
    for f in findings.iter_mut().filter(|f| f.object.is_none()) {
        f.object = Some(id.clone());
    }
}

/// Tag the findings the hooks left untagged with the innermost object whose text (its key
/// included) holds their span.
pub(super) fn by_place(file: &ParsedFile, findings: &mut [Finding]) {
    if findings.iter().all(|f| f.object.is_some()) {
        return;
    }
    let mut places: Vec<(Span, String)> = Vec::new();
    let within = |key: Span, node: Span| Span::new(key.start.min(node.start), node.end);
    match &file.model {
        Model::Dockerfile(df) => {
            for (i, stage) in df.stages.iter().enumerate() {
                let insts = df.stage_instructions(stage);
                let (Some(first), Some(last)) = (insts.first(), insts.last()) else {
                    continue;
                };
                places.push((
                    Span::new(first.span.start, last.span.end),
                    self::stage(stage, i),
                ));
            }
        }
        Model::Yaml(y) => match file.src.kind {
            Kind::K8s => {
                for o in k8s::objects(y) {
                    places.push((o.node.span(), object(&o)));
                    if let Some(pod) = o.pod_spec() {
                        for c in pod.containers() {
                            places.push((c.node.span(), container(&c)));
                        }
                    }
                }
            }
            Kind::Compose => {
                if let Some(compose) = Compose::of(y) {
                    for s in compose.services() {
                        places.push((within(s.key.span(), s.node.span()), service(&s)));
                    }
                }
            }
            Kind::Workflow | Kind::Action => {
                if let Some(wf) = Workflow::of(y) {
                    if file.src.kind == Kind::Workflow {
                        for j in wf.jobs() {
                            places.push((within(j.key.span(), j.node.span()), job(&j)));
                            for s in j.steps() {
                                places.push((s.node.span(), step(Some(&j), &s)));
                            }
                        }
                    } else {
                        for s in wf.action_steps() {
                            places.push((s.node.span(), step(None, &s)));
                        }
                    }
                }
            }
            Kind::Dockerfile | Kind::Terraform => {}
        },
        Model::Terraform(Some(tf)) => {
            for b in tf.body.blocks() {
                places.push((b.span, b.address()));
            }
        }
        Model::Terraform(None) | Model::Unreadable => {}
    }
    if places.is_empty() {
        return;
    }
    // objects nest (a container in its object, a step in its job) and never overlap
    // otherwise: the innermost one holding a span is the holder that starts last. Sorted by
    // start with the largest end so far, each finding is a binary search and a short walk
    // back (a manifest of thousands of objects and findings stays linear).
    places.sort_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)));
    let ids: Vec<Arc<str>> = places
        .iter()
        .map(|(_, id)| Arc::from(id.as_str()))
        .collect();
    let mut reach = Vec::with_capacity(places.len());
    let mut far = 0;
    for (s, _) in &places {
        far = far.max(s.end);
        reach.push(far);
    }
    for f in findings.iter_mut().filter(|f| f.object.is_none()) {
        let mut i = places.partition_point(|(s, _)| s.start <= f.span.start);
        while i > 0 && reach[i - 1] >= f.span.end {
            i -= 1;
            if places[i].0.end >= f.span.end {
                f.object = Some(ids[i].clone());
                break;
            }
        }
    }
}
