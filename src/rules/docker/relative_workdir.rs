//! docker/relative-workdir: WORKDIR with a relative path.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;

pub const RULE: Rule = Rule {
    id: "docker/relative-workdir",
    kinds: &[Kind::Dockerfile],
    packs: &["hygiene"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "WORKDIR with a relative path",
    doc: include_str!("../../../rules/docker/relative-workdir.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    for inst in df
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Workdir)
    {
        let Some((path, span)) = inst.words().into_iter().next() else {
            continue;
        };
        let b = path.as_bytes();
        let windows = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
        if path.starts_with('/') || path.starts_with('$') || path.starts_with('\\') || windows {
            continue;
        }
        out.push(cx.finding(
            span,
            format!("WORKDIR {path} is relative to whatever the previous WORKDIR was: write an absolute path, e.g. WORKDIR /{path}"),
        ));
    }
}
