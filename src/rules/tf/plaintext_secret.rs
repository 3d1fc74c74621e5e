//! tf/plaintext-secret (being written).

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;

pub const RULE: Rule = Rule {
    id: "tf/plaintext-secret",
    kinds: &[Kind::Terraform],
    packs: &["secrets"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "",
    doc: include_str!("../../../rules/tf/plaintext-secret.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(_cx: &Ctx<'_>, _out: &mut Vec<Finding>) {}
