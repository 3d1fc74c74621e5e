//! gha/secrets-inherit: a reusable-workflow call handed every secret.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/secrets-inherit")
    .summary("a reusable-workflow call passes every secret with secrets: inherit")
    .packs(&["least-privilege"])
    .security(5.0)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for j in wf.jobs() {
        if j.uses().is_none() {
            continue;
        }
        if let Some(s) = j.secrets().filter(|s| s.as_str() == Some("inherit")) {
            out.push(cx.finding(s.span(), format!("job \"{}\" passes every secret of the repository to the called workflow: list only the secrets it needs under `secrets:`", j.id)));
        }
    }
}
