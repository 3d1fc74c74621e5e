//! gha/deploy-without-environment: a deploying job with no `environment:`.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::rules::gha::common::{by_job, job_deploys, of_job, run_scripts};
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/deploy-without-environment")
    .summary(
        "a job deploys without an environment: no approval gate, no environment-scoped secrets",
    )
    .packs(&["least-privilege"])
    .security(4.5)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let scripts = run_scripts(cx, wf);
    let by_job = by_job(&scripts);
    for j in wf.jobs() {
        if j.environment().is_some() {
            continue;
        }
        let Some((what, at)) = job_deploys(of_job(&by_job, j.id), &j) else {
            continue;
        };
        out.push(
            cx.finding(j.key.span(), format!("job \"{}\" deploys ({what}) without `environment:`: add one (e.g. environment: production) to require approval and scope its secrets", j.id))
                .related(at, "the deployment"),
        );
    }
}
