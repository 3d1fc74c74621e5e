//! One walk over a file's model, handing each node to the rules that asked for it.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::identity;
use crate::api::{Cx, Finding, Severity};
use crate::project::{Model, ParsedFile};
use crate::source::Kind;
use crate::source::compose::Compose;
use crate::source::k8s;
use crate::source::workflow::Workflow;

/// The rules of one file, each with its context and severity override.
pub(super) struct Runner<'a> {
    pub cxs: Vec<(Cx<'a>, Option<Severity>)>,
    /// Rules that panicked on this file: not called again.
    dead: Vec<bool>,
    pub findings: Vec<Finding>,
    /// One message per rule that panicked.
    pub panics: Vec<String>,
}

impl<'a> Runner<'a> {
    pub fn new(cxs: Vec<(Cx<'a>, Option<Severity>)>) -> Runner<'a> {
        let n = cxs.len();
        Runner {
            cxs,
            dead: vec![false; n],
            findings: Vec::new(),
            panics: Vec::new(),
        }
    }

    /// Run `call` for rule `i`, catching a panic (the rule is then off for this file) and
    /// applying its severity override to what it found.
    fn run(&mut self, i: usize, call: impl FnOnce(&Cx<'a>, &mut Vec<Finding>)) {
        if self.dead[i] {
            return;
        }
        let start = self.findings.len();
        let (cx, sev) = &self.cxs[i];
        let findings = &mut self.findings;
        if catch_unwind(AssertUnwindSafe(|| call(cx, findings))).is_err() {
            self.dead[i] = true;
            self.findings.truncate(start);
            self.panics.push(format!("rule {} panicked", cx.rule().id));
            return;
        }
        if let Some(sev) = sev {
            for f in &mut self.findings[start..] {
                f.severity = *sev;
            }
        }
    }

    /// Indices of the rules having the hook `has`.
    fn with(&self, has: impl Fn(&crate::api::Hooks) -> bool) -> Vec<usize> {
        (0..self.cxs.len())
            .filter(|&i| has(&self.cxs[i].0.rule().hooks))
            .collect()
    }

    /// Walk `file`'s model once, calling every hook of every rule on its nodes, then the
    /// raw-text hooks.
    pub fn walk(&mut self, file: &'a ParsedFile) {
        if self.model(file) {
            self.text();
        }
        identity::by_place(file, &mut self.findings);
    }

    /// The model's hooks only (no raw-text hooks).
    pub fn walk_model(&mut self, file: &'a ParsedFile) {
        self.model(file);
        identity::by_place(file, &mut self.findings);
    }

    /// Findings from `start` on are about `id` (those a hook did not tag otherwise).
    fn tag(&mut self, start: usize, id: impl FnOnce() -> String) {
        identity::tag(&mut self.findings[start..], id);
    }

    /// The model's hooks; false when the file has no model to check (its text hooks do not
    /// run either). Findings of node hooks are tagged with the node's identity.
    fn model(&mut self, file: &'a ParsedFile) -> bool {
        match &file.model {
            Model::Dockerfile(df) => {
                for i in self.with(|h| h.dockerfile.is_some()) {
                    let f = self.cxs[i].0.rule().hooks.dockerfile.expect("hook");
                    self.run(i, |cx, out| f(cx, df, out));
                }
                let on_inst = self.with(|h| h.instruction.is_some());
                if !on_inst.is_empty() {
                    for inst in &df.instructions {
                        let start = self.findings.len();
                        for &i in &on_inst {
                            let f = self.cxs[i].0.rule().hooks.instruction.expect("hook");
                            self.run(i, |cx, out| f(cx, df, inst, out));
                        }
                        if let Some(stage) = inst.stage.and_then(|s| df.stages.get(s)) {
                            self.tag(start, || identity::stage(stage, inst.stage.unwrap_or(0)));
                        }
                    }
                }
            }
            Model::Yaml(y) => match file.src.kind {
                Kind::Compose => {
                    let Some(compose) = Compose::of(y) else {
                        return true;
                    };
                    // `${VAR}` values come from the `.env` beside the file
                    let env = self
                        .cxs
                        .first()
                        .and_then(|(cx, _)| file.compose_env(cx.project()));
                    let compose = compose.with_env(env);
                    for i in self.with(|h| h.compose.is_some()) {
                        let f = self.cxs[i].0.rule().hooks.compose.expect("hook");
                        self.run(i, |cx, out| f(cx, &compose, out));
                    }
                    let on_svc = self.with(|h| h.service.is_some());
                    if !on_svc.is_empty() {
                        for svc in compose.services() {
                            let start = self.findings.len();
                            for &i in &on_svc {
                                let f = self.cxs[i].0.rule().hooks.service.expect("hook");
                                self.run(i, |cx, out| f(cx, &compose, &svc, out));
                            }
                            self.tag(start, || identity::service(&svc));
                        }
                    }
                }
                Kind::K8s => {
                    let objects = k8s::objects(y);
                    for i in self.with(|h| h.manifest.is_some()) {
                        let f = self.cxs[i].0.rule().hooks.manifest.expect("hook");
                        self.run(i, |cx, out| f(cx, &objects, out));
                    }
                    let on_obj = self.with(|h| h.object.is_some());
                    let on_ctr = self.with(|h| h.container.is_some());
                    for obj in &objects {
                        let start = self.findings.len();
                        for &i in &on_obj {
                            let f = self.cxs[i].0.rule().hooks.object.expect("hook");
                            self.run(i, |cx, out| f(cx, obj, out));
                        }
                        self.tag(start, || identity::object(obj));
                        if on_ctr.is_empty() {
                            continue;
                        }
                        let Some(pod) = obj.pod_spec() else { continue };
                        for c in pod.containers() {
                            let start = self.findings.len();
                            for &i in &on_ctr {
                                let f = self.cxs[i].0.rule().hooks.container.expect("hook");
                                self.run(i, |cx, out| f(cx, &c, out));
                            }
                            self.tag(start, || identity::container(&c));
                        }
                    }
                }
                Kind::Workflow | Kind::Action => {
                    let Some(wf) = Workflow::of(y) else {
                        return true;
                    };
                    if file.src.kind == Kind::Workflow {
                        for i in self.with(|h| h.workflow.is_some()) {
                            let f = self.cxs[i].0.rule().hooks.workflow.expect("hook");
                            self.run(i, |cx, out| f(cx, &wf, out));
                        }
                        let on_job = self.with(|h| h.job.is_some());
                        let on_step = self.with(|h| h.step.is_some());
                        if !on_job.is_empty() || !on_step.is_empty() {
                            for job in wf.jobs() {
                                let start = self.findings.len();
                                for &i in &on_job {
                                    let f = self.cxs[i].0.rule().hooks.job.expect("hook");
                                    self.run(i, |cx, out| f(cx, &wf, &job, out));
                                }
                                self.tag(start, || identity::job(&job));
                                if on_step.is_empty() {
                                    continue;
                                }
                                for step in job.steps() {
                                    let start = self.findings.len();
                                    for &i in &on_step {
                                        let f = self.cxs[i].0.rule().hooks.step.expect("hook");
                                        self.run(i, |cx, out| f(cx, &wf, Some(&job), &step, out));
                                    }
                                    self.tag(start, || identity::step(Some(&job), &step));
                                }
                            }
                        }
                    } else {
                        for i in self.with(|h| h.action.is_some()) {
                            let f = self.cxs[i].0.rule().hooks.action.expect("hook");
                            self.run(i, |cx, out| f(cx, &wf, out));
                        }
                        let on_step = self.with(|h| h.step.is_some());
                        if !on_step.is_empty() {
                            for step in wf.action_steps() {
                                let start = self.findings.len();
                                for &i in &on_step {
                                    let f = self.cxs[i].0.rule().hooks.step.expect("hook");
                                    self.run(i, |cx, out| f(cx, &wf, None, &step, out));
                                }
                                self.tag(start, || identity::step(None, &step));
                            }
                        }
                    }
                }
                Kind::Dockerfile | Kind::Terraform => {}
            },
            Model::Terraform(Some(tf)) => {
                for i in self.with(|h| h.terraform.is_some()) {
                    let f = self.cxs[i].0.rule().hooks.terraform.expect("hook");
                    self.run(i, |cx, out| f(cx, tf, out));
                }
                let on_block = self.with(|h| h.block.is_some());
                if !on_block.is_empty() {
                    for block in tf.body.blocks() {
                        let start = self.findings.len();
                        for &i in &on_block {
                            let f = self.cxs[i].0.rule().hooks.block.expect("hook");
                            self.run(i, |cx, out| f(cx, block, out));
                        }
                        self.tag(start, || block.address());
                    }
                }
            }
            Model::Terraform(None) | Model::Unreadable => return false,
        }
        true
    }

    /// The raw-text hooks, on every kind.
    pub fn text(&mut self) {
        for i in self.with(|h| h.text.is_some()) {
            let f = self.cxs[i].0.rule().hooks.text.expect("hook");
            self.run(i, |cx, out| f(cx, out));
        }
    }
}
