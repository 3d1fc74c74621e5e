//! docker/sudo: `sudo` in a Dockerfile.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};
use crate::source::shell::basename;

pub static RULE: Rule = rule!("docker/sudo")
    .summary("sudo in RUN")
    .packs(&["least-privilege"])
    .security(3.0)
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        for c in inst.commands() {
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
