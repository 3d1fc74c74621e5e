//! compose/obsolete-version: the top-level `version:` of old compose files.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::compose::Compose;

pub const RULE: Rule = Rule {
    id: "compose/obsolete-version",
    kinds: &[Kind::Compose],
    packs: &["hygiene"],
    severity: Severity::Note,
    security_severity: None,
    summary: "a top-level version:, obsolete in the Compose Specification",
    doc: include_str!("../../../rules/compose/obsolete-version.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(compose) = cx.yaml().and_then(Compose::of) else {
        return;
    };
    if let Some((key, _)) = compose.root.entry("version") {
        out.push(cx.finding(
            key.span(),
            "version: is obsolete and ignored by Docker Compose: remove it",
        ));
    }
}
