//! gha/missing-timeout: a job without `timeout-minutes`.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/missing-timeout")
    .summary("a job without timeout-minutes runs up to GitHub's 6-hour default")
    .packs(&["reliability"])
    .severity(Severity::Note)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for j in wf.jobs() {
        // reusable-workflow calls cannot set timeout-minutes
        if j.uses().is_some() || j.node.get("timeout-minutes").is_some() {
            continue;
        }
        out.push(cx.finding(j.key.span(), format!("job \"{}\" has no timeout-minutes: a hung step holds a runner for 6 hours; set timeout-minutes to a little more than its usual run time", j.id)));
    }
}
