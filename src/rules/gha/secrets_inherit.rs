//! gha/secrets-inherit: a reusable-workflow call handed every secret.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::workflow::{Workflow, local_uses};

pub static RULE: Rule = rule!("gha/secrets-inherit")
    .summary("a reusable-workflow call passes every secret with secrets: inherit")
    .packs(&["least-privilege"])
    .security(5.0)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for j in wf.jobs() {
        // a workflow of this repository runs code the repository already trusts with its
        // secrets: only another repository's workflow crosses a boundary
        match j.uses().and_then(|u| u.as_str()) {
            None => continue,
            Some(u) if local_uses(u).is_some() => continue,
            Some(_) => {}
        }
        if let Some(s) = j.secrets().filter(|s| s.as_str() == Some("inherit")) {
            out.push(cx.finding(s.span(), format!("job \"{}\" passes every secret of the repository to a workflow of another repository: list only the secrets it needs under `secrets:`", j.id)));
        }
    }
}
