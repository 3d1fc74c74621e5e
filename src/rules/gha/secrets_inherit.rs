//! gha/secrets-inherit: a reusable-workflow call handed every secret.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::workflow::Workflow;

pub const RULE: Rule = Rule {
    id: "gha/secrets-inherit",
    kinds: &[Kind::Workflow],
    packs: &["least-privilege"],
    severity: Severity::Warning,
    security_severity: Some(5.0),
    summary: "a reusable-workflow call passes every secret with secrets: inherit",
    doc: include_str!("../../../rules/gha/secrets-inherit.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let Some(wf) = Workflow::of(yaml) else { return };
    for j in wf.jobs() {
        if j.uses().is_none() {
            continue;
        }
        if let Some(s) = j.secrets().filter(|s| s.as_str() == Some("inherit")) {
            out.push(cx.finding(s.span(), format!("job \"{}\" passes every secret of the repository to the called workflow: list only the secrets it needs under `secrets:`", j.id)));
        }
    }
}
