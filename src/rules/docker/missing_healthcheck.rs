//! docker/missing-healthcheck: the shipped (final) stage has no HEALTHCHECK.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;

pub const RULE: Rule = Rule {
    id: "docker/missing-healthcheck",
    kinds: &[Kind::Dockerfile],
    packs: &["healthchecks"],
    severity: Severity::Note,
    security_severity: None,
    summary: "the final stage has no HEALTHCHECK",
    doc: include_str!("../../../rules/docker/missing-healthcheck.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
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
