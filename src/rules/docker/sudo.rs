//! docker/sudo: `sudo` in a Dockerfile.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;
use crate::source::shell::basename;

pub const RULE: Rule = Rule {
    id: "docker/sudo",
    kinds: &[Kind::Dockerfile],
    packs: &["least-privilege"],
    severity: Severity::Warning,
    security_severity: Some(3.0),
    summary: "sudo in RUN",
    doc: include_str!("../../../rules/docker/sudo.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        for c in inst.run_commands() {
            let Some(w) = c
                .words
                .iter()
                .find(|w| !w.is_assignment())
                .filter(|w| basename(&w.value) == "sudo")
            else {
                continue;
            };
            out.push(
                cx.finding(
                    w.span,
                    "sudo in a build step: run the step as root (USER root ... USER app) instead of installing and using sudo",
                )
                .help("put the steps that need root before the final USER, or wrap them in USER root / USER app"),
            );
        }
    }
}
