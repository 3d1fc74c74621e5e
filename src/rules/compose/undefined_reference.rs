//! compose/undefined-reference: a service names a service, network, volume, secret or config
//! that the file does not define.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::project::ParsedFile;
use crate::rule;
use crate::source::Kind;
use crate::source::Span;
use crate::source::compose::Compose;
use std::sync::Arc;

pub static RULE: Rule = rule!("compose/undefined-reference")
    .summary("depends_on, networks, volumes, secrets, configs or extends naming something the file does not define")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .on_compose(check);

/// A named volume (not a host path) in the short `source:target[:mode]` syntax.
fn named_volume(spec: &str) -> Option<&str> {
    let (source, _) = spec.split_once(':')?;
    let first = source.chars().next()?;
    (first.is_ascii_alphanumeric()
        && source
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    .then_some(source)
}

/// The files an overlay is merged with (`compose.yaml` and the other `compose.*.yaml` of the
/// directory for `compose.agent.yaml`; `docker-compose.yml` and its siblings for
/// `docker-compose.prod.yml`): the overlay's name is a base name with a `.suffix` before the
/// extension, and a base file sits in the same directory. Which of the siblings a
/// `docker compose -f ... -f ...` chain combines is not written down, so all of them count.
fn family_of(cx: &Cx<'_>) -> Vec<Arc<ParsedFile>> {
    let path = cx.path();
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let Some((base, suffix)) = split_name(name) else {
        return Vec::new();
    };
    if suffix.is_none() {
        return Vec::new();
    }
    let dir = crate::paths::parent(path);
    let bases: &[&str] = if base == "docker-stack" {
        &["docker-stack.yml", "docker-stack.yaml"]
    } else {
        &[
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.yaml",
        ]
    };
    let mut family: Vec<Arc<ParsedFile>> = bases
        .iter()
        .filter_map(|b| cx.project().file(&dir.join(b), Kind::Compose))
        .collect();
    if family.is_empty() {
        return family;
    }
    for f in &cx.project().files {
        let fname = f
            .src
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        if f.src.kind == Kind::Compose
            && f.src.path != path
            && crate::paths::parent(&f.src.path) == dir
            && split_name(fname).is_some_and(|(b, s)| {
                s.is_some() && (b == "docker-stack") == (base == "docker-stack")
            })
        {
            family.push(f.clone());
        }
    }
    family
}

/// `compose.agent.yaml` -> (`compose`, Some(`agent`)); `compose.yaml` -> (`compose`, None).
fn split_name(name: &str) -> Option<(String, Option<String>)> {
    let lower = name.to_ascii_lowercase();
    let stem = lower
        .strip_suffix(".yml")
        .or_else(|| lower.strip_suffix(".yaml"))?;
    let (base, suffix) = match stem.split_once('.') {
        Some((b, s)) => (b, Some(s.to_string())),
        None => (stem, None),
    };
    matches!(base, "compose" | "docker-compose" | "docker-stack")
        .then(|| (base.to_string(), suffix))
}

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    // merged with other files: definitions may live there
    if compose.root.get("include").is_some() {
        return;
    }
    let name = cx.path().file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.contains("override") {
        return;
    }
    let mut services: Vec<&str> = compose.services().iter().map(|s| s.name).collect();
    let mut networks = compose.defined("networks");
    let mut volumes = compose.defined("volumes");
    let mut secrets = compose.defined("secrets");
    let mut configs = compose.defined("configs");
    // an overlay is judged merged with its base file, as `docker compose -f base -f overlay`
    // runs it
    let family = family_of(cx);
    for b in family
        .iter()
        .filter_map(|f| f.yaml())
        .filter_map(Compose::of)
    {
        services.extend(b.services().iter().map(|s| s.name));
        networks.extend(b.defined("networks"));
        volumes.extend(b.defined("volumes"));
        secrets.extend(b.defined("secrets"));
        configs.extend(b.defined("configs"));
    }
    let merged = !family.is_empty();
    let mut report = |span: Span, svc: &str, what: &str, name: &str, section: &str| {
        out.push(
            cx.finding(
                span,
                format!("service \"{svc}\" refers to {what} \"{name}\", which this file does not define{}: add it under top-level {section}: or fix the name", if merged { " (nor the files it is merged with)" } else { "" }),
            ),
        );
    };
    for svc in compose.services() {
        for dep in svc.depends_on() {
            if !services.contains(&dep.name) {
                report(dep.span, svc.name, "service", dep.name, "services");
            }
        }
        if let Some(nets) = svc.get("networks") {
            let names: Vec<(&str, Span)> = if nets.is_map() {
                nets.entries()
                    .into_iter()
                    .filter_map(|(k, _)| k.as_str().map(|s| (s, k.span())))
                    .collect()
            } else {
                nets.str_or_list()
            };
            for (n, span) in names {
                if n != "default" && !n.contains('$') && !networks.contains(&n) {
                    report(span, svc.name, "network", n, "networks");
                }
            }
        }
        if let Some(vols) = svc.get("volumes") {
            for v in vols.items() {
                let (n, span) = if let Some(s) = v.as_str() {
                    match named_volume(s) {
                        Some(n) => (
                            n,
                            Span::new(v.value_map_start(), v.value_map_start() + n.len()),
                        ),
                        None => continue,
                    }
                } else {
                    let is_volume = v.get("type").and_then(|t| t.as_str()) == Some("volume");
                    match v.get("source").filter(|_| is_volume) {
                        Some(src) => match src.as_str() {
                            Some(n) if !n.contains('$') => (n, src.span()),
                            _ => continue,
                        },
                        None => continue,
                    }
                };
                if !volumes.contains(&n) {
                    report(span, svc.name, "volume", n, "volumes");
                }
            }
        }
        for (key, defined) in [("secrets", &secrets), ("configs", &configs)] {
            let Some(list) = svc.get(key) else { continue };
            for item in list.items() {
                let (n, span) = match item.as_str() {
                    Some(n) => (n, item.span()),
                    None => match item.get("source") {
                        Some(src) => match src.as_str() {
                            Some(n) => (n, src.span()),
                            None => continue,
                        },
                        None => continue,
                    },
                };
                if !n.contains('$') && !defined.contains(&n) {
                    report(span, svc.name, &key[..key.len() - 1], n, key);
                }
            }
        }
        if let Some(ext) = svc.get("extends") {
            let target = if let Some(s) = ext.as_str() {
                Some((s, ext.span()))
            } else if ext.get("file").is_none() {
                ext.get("service")
                    .and_then(|s| s.as_str().map(|n| (n, s.span())))
            } else {
                None
            };
            if let Some((n, span)) = target {
                if !services.contains(&n) {
                    report(span, svc.name, "service", n, "services");
                }
            }
        }
    }
}
