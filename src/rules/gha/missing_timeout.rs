//! gha/missing-timeout: a job without `timeout-minutes`.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::workflow::Workflow;

pub const RULE: Rule = Rule {
    id: "gha/missing-timeout",
    kinds: &[Kind::Workflow],
    packs: &["reliability"],
    severity: Severity::Note,
    security_severity: None,
    summary: "a job without timeout-minutes runs up to GitHub's 6-hour default",
    doc: include_str!("../../../rules/gha/missing-timeout.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let Some(wf) = Workflow::of(yaml) else { return };
    for j in wf.jobs() {
        // reusable-workflow calls cannot set timeout-minutes
        if j.uses().is_some() || j.node.get("timeout-minutes").is_some() {
            continue;
        }
        out.push(cx.finding(j.key.span(), format!("job \"{}\" has no timeout-minutes: a hung step holds a runner for 6 hours; set timeout-minutes to a little more than its usual run time", j.id)));
    }
}
