//! secrets/hardcoded-token: known token formats anywhere in a checked file's text, comments
//! and scripts included.

use crate::api::{Cx, Finding, Opt, Regexes, Rule, Severity};
use crate::detect::secrets::{self, redact};
use crate::rule;
use crate::source::Span;

const ALLOW: Opt<Regexes> = Opt::regexes("allow", "regexes of known test values to accept");

pub static RULE: Rule = rule!("secrets/hardcoded-token")
    .summary(
        "a credential of a known format (cloud key, API token, private key) in the file's text",
    )
    .packs(&["secrets"])
    .severity(Severity::Error)
    .security(8.9)
    .options(&[ALLOW.decl])
    .on_text(check);

fn check(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let text = cx.text();
    let allow = cx.opt(&ALLOW);
    for hit in secrets::find_tokens(text) {
        let value = &text[hit.range.0..hit.range.1];
        if allow.is_some_and(|a| a.is_match(value)) {
            continue;
        }
        let span = Span::new(hit.range.0, hit.range.1);
        let mut f = cx
            .finding(
                span,
                format!(
                    "{} in plain text ({}): revoke it, then read it from a secret store",
                    hit.provider,
                    redact(value)
                ),
            )
            .secret(span)
            .help("a committed credential is compromised: rotate it now, even if you delete it from the file");
        if !hit.high {
            f = f.severity(Severity::Warning);
        }
        out.push(f);
    }
}
