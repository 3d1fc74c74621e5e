//! compose/obsolete-version: the top-level `version:` of old compose files.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/obsolete-version")
    .summary("a top-level version:, obsolete in the Compose Specification")
    .packs(&["hygiene"])
    .severity(Severity::Note)
    .on_compose(check);

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    if let Some((key, _)) = compose.root.entry("version") {
        out.push(cx.finding(
            key.span(),
            "version: is obsolete and ignored by Docker Compose: remove it",
        ));
    }
}
