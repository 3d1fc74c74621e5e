//! docker/non-root-user (being written).

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;

pub const RULE: Rule = Rule {
    id: "docker/non-root-user",
    kinds: &[Kind::Dockerfile],
    packs: &["non-root"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "",
    doc: include_str!("../../../rules/docker/non-root-user.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(_cx: &Ctx<'_>, _out: &mut Vec<Finding>) {}
