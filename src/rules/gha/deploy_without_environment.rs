//! gha/deploy-without-environment: a deploying job with no `environment:`.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::rules::gha::common::{job_deploys, run_scripts};
use crate::source::Kind;
use crate::source::workflow::Workflow;

pub const RULE: Rule = Rule {
    id: "gha/deploy-without-environment",
    kinds: &[Kind::Workflow],
    packs: &["least-privilege"],
    severity: Severity::Warning,
    security_severity: Some(4.5),
    summary: "a job deploys without an environment: no approval gate, no environment-scoped secrets",
    doc: include_str!("../../../rules/gha/deploy-without-environment.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let Some(wf) = Workflow::of(yaml) else { return };
    let scripts = run_scripts(cx, &wf);
    for j in wf.jobs() {
        if j.environment().is_some() {
            continue;
        }
        let Some((what, at)) = job_deploys(&scripts, &j) else {
            continue;
        };
        out.push(
            cx.finding(j.key.span(), format!("job \"{}\" deploys ({what}) without `environment:`: add one (e.g. environment: production) to require approval and scope its secrets", j.id))
                .related(at, "the deployment"),
        );
    }
}
