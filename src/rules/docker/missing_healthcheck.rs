//! docker/missing-healthcheck: the shipped (final) stage has no HEALTHCHECK.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::Dockerfile;

pub static RULE: Rule = rule!("docker/missing-healthcheck")
    .summary("the final stage has no HEALTHCHECK")
    .packs(&["healthchecks"])
    .severity(Severity::Note)
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    let Some(stage) = df.final_stage() else {
        return;
    };
    // HEALTHCHECK NONE is an explicit choice
    if df.healthcheck(stage).is_some() {
        return;
    }
    out.push(
        cx.finding(
            stage.image.span,
            format!("the final stage (FROM {}) has no HEALTHCHECK: add one so Docker and Compose know when the container serves", stage.image.raw),
        )
        .help("HEALTHCHECK --interval=30s --timeout=5s CMD [\"/app\", \"healthcheck\"] (or HEALTHCHECK NONE when an orchestrator probes instead)"),
    );
}
