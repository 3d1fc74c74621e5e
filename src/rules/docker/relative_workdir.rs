//! docker/relative-workdir: WORKDIR with a relative path.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/relative-workdir")
    .summary("WORKDIR with a relative path")
    .packs(&["hygiene"])
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
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
