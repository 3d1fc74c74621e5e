//! gha/unknown-needs: `needs:` naming a job that does not exist, or a cycle.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/unknown-needs")
    .summary("needs: names a job that does not exist, or jobs need each other in a cycle")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let jobs = wf.jobs();
    let ids: Vec<&str> = jobs.iter().map(|j| j.id).collect();
    for j in &jobs {
        for (n, span) in j.needs() {
            if n.contains("${{") {
                continue;
            }
            if !ids.contains(&n) {
                out.push(cx.finding(span, format!("job \"{}\" needs \"{n}\", which is not a job of this workflow: the workflow is rejected; use one of: {}", j.id, ids.join(", "))));
            } else if n == j.id || reaches(&jobs, n, j.id) {
                out.push(cx.finding(span, format!("job \"{}\" needs \"{n}\", which (through its own needs) needs \"{}\": the cycle makes the workflow invalid; remove one of the needs", j.id, j.id)));
            }
        }
    }
}

/// Whether `from` needs `to`, directly or through other jobs.
fn reaches(jobs: &[crate::source::workflow::Job<'_>], from: &str, to: &str) -> bool {
    let mut stack = vec![from];
    let mut seen: Vec<&str> = Vec::new();
    while let Some(id) = stack.pop() {
        if id == to {
            return true;
        }
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        if let Some(j) = jobs.iter().find(|j| j.id == id) {
            stack.extend(j.needs().into_iter().map(|(n, _)| n));
        }
    }
    false
}
