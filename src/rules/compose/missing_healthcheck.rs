//! compose/missing-healthcheck (being written).

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;

pub const RULE: Rule = Rule {
    id: "compose/missing-healthcheck",
    kinds: &[Kind::Compose],
    packs: &["healthchecks"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "",
    doc: include_str!("../../../rules/compose/missing-healthcheck.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(_cx: &Ctx<'_>, _out: &mut Vec<Finding>) {}
