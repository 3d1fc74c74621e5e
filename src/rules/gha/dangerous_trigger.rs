//! gha/dangerous-trigger: `pull_request_target` / `workflow_run` running the PR's code.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::Span;
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

use super::untrusted::checkouts_and_execs;

pub static RULE: Rule = rule!("gha/dangerous-trigger")
    .summary("a pull_request_target or workflow_run workflow that checks out untrusted code")
    .packs(&["injection"])
    .severity(Severity::Error)
    .security(8.1)
    .on_workflow(check);

/// The span of trigger `name` in `on:` (map key, list item or the scalar).
fn trigger_span(on: Yaml<'_>, name: &str) -> Option<Span> {
    if on.is_map() {
        return on.key(name).map(|k| k.span());
    }
    if on.as_str() == Some(name) {
        return Some(on.span());
    }
    on.items()
        .find(|i| i.as_str() == Some(name))
        .map(|i| i.span())
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let Some(on) = wf.root.get("on") else { return };
    let triggers = wf.triggers();
    let prt = triggers.contains(&"pull_request_target");
    let wr = triggers.contains(&"workflow_run");
    if !prt && !wr {
        return;
    }
    let trigger = if prt {
        "pull_request_target"
    } else {
        "workflow_run"
    };
    let mut found = false;
    for job in wf.jobs() {
        let steps = job.steps();
        for (r, exec) in checkouts_and_execs(cx, &steps) {
            found = true;
            // running the checked-out code is gha/untrusted-checkout-exec's finding
            if exec.is_some() {
                continue;
            }
            let mut f = cx.finding(r.span(), format!("{trigger} runs with the base repository's secrets and a write token, and this checks out the pull request's code: build untrusted code in a `pull_request` workflow instead"));
            if let Some(s) = trigger_span(on, trigger) {
                f = f.related(s, "the privileged trigger");
            }
            out.push(f);
        }
    }
    if prt && !found {
        if let Some(s) = trigger_span(on, "pull_request_target") {
            out.push(
                cx.finding(s, "pull_request_target runs with secrets and a write token on every fork's pull request: use pull_request unless the workflow needs them, and never check out or run the PR's code")
                    .severity(Severity::Warning),
            );
        }
    }
}
