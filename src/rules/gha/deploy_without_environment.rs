//! gha/deploy-without-environment: a deploying job with no `environment:`.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::rules::gha::gate::job_deploys;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/deploy-without-environment")
    .summary(
        "a job deploys without an environment: no approval gate, no environment-scoped secrets",
    )
    .packs(&["least-privilege"])
    .security(4.5)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for j in wf.jobs() {
        // a reusable-workflow call cannot name an environment: its jobs do, where they are
        if j.environment().is_some() || j.uses().is_some() {
            continue;
        }
        let Some(deploy) = job_deploys(cx, wf, &j) else {
            continue;
        };
        out.push(
            cx.finding(j.key.span(), format!("job \"{}\" deploys ({}) without `environment:`: add one (e.g. environment: production) to require approval and scope its secrets", j.id, deploy.what))
                .related(deploy.span, "the deployment"),
        );
    }
}
