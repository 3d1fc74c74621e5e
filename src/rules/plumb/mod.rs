//! Engine rules: findings the engine itself makes (parse errors, suppression hygiene). They
//! are registered so they can be selected, ignored, re-levelled and explained like any rule.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;

fn engine_only(_: &Ctx<'_>, _: &mut Vec<Finding>) {}

pub const PARSE_ERROR: Rule = Rule {
    id: "plumb/parse-error",
    kinds: &Kind::ALL,
    packs: &["reliability"],
    severity: Severity::Error,
    security_severity: None,
    summary: "a file that cannot be parsed, so no other rule could check it",
    doc: include_str!("../../../rules/plumb/parse-error.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check: engine_only,
};

pub const SUPPRESSION_WITHOUT_REASON: Rule = Rule {
    id: "plumb/suppression-without-reason",
    kinds: &Kind::ALL,
    packs: &["hygiene"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "an inline suppression that does not say why",
    doc: include_str!("../../../rules/plumb/suppression-without-reason.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check: engine_only,
};

pub const UNUSED_SUPPRESSION: Rule = Rule {
    id: "plumb/unused-suppression",
    kinds: &Kind::ALL,
    packs: &["hygiene"],
    severity: Severity::Note,
    security_severity: None,
    summary: "an inline suppression that suppresses nothing",
    doc: include_str!("../../../rules/plumb/unused-suppression.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check: engine_only,
};
