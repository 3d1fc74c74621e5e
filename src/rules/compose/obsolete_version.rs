//! compose/obsolete-version: the top-level `version:` of old compose files.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::rules::support::edit::{line_start, whole_line};
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/obsolete-version")
    .summary("a top-level version:, obsolete in the Compose Specification")
    .packs(&["hygiene"])
    .severity(Severity::Note)
    .on_compose(check);

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    if let Some((key, value)) = compose.root.entry("version") {
        let f = cx.finding(
            key.span(),
            "version: is obsolete and ignored by Docker Compose: remove it",
        );
        // the whole line goes, when the key starts it and the value ends on it
        let text = cx.text();
        let line = whole_line(text, key.span().start);
        let alone = line_start(text, key.span().start) == key.span().start
            && value.span().end <= line.end
            && value.is_scalar();
        out.push(if alone {
            f.fix(Fix::safe("remove version:").delete(line))
        } else {
            f
        });
    }
}
