//! secrets/hardcoded-token: known token formats anywhere in a checked file's text, comments
//! and scripts included.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use regex::RegexSet;

use crate::engine::Ctx;
use crate::finding::{Finding, Severity, redact};
use crate::rules::{OptionType, Rule, RuleOption};
use crate::secrets;
use crate::source::{Kind, Span};

pub const RULE: Rule = Rule {
    id: "secrets/hardcoded-token",
    kinds: &Kind::ALL,
    packs: &["secrets"],
    severity: Severity::Error,
    security_severity: Some(8.9),
    summary: "a credential of a known format (cloud key, API token, private key) in the file's text",
    doc: include_str!("../../../rules/secrets/hardcoded-token.md"),
    default_enabled: true,
    options: &[RuleOption {
        name: "allow",
        ty: OptionType::StrList,
        default: "[]",
        help: "regexes of known test values to accept",
    }],
    aliases: &[],
    check,
};

/// Compiled `allow` lists, one per distinct list (configs are few; files are many).
static ALLOW: LazyLock<Mutex<HashMap<Vec<String>, Arc<RegexSet>>>> = LazyLock::new(Mutex::default);

fn allow_set(patterns: Vec<String>) -> Option<Arc<RegexSet>> {
    if patterns.is_empty() {
        return None;
    }
    let mut cache = ALLOW.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = cache.get(&patterns) {
        return Some(s.clone());
    }
    let set = regex::RegexSetBuilder::new(&patterns)
        .size_limit(1 << 20)
        .build()
        .ok()
        .map(Arc::new)?;
    cache.insert(patterns, set.clone());
    Some(set)
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let text = cx.text();
    let allow = allow_set(cx.opt_list("allow"));
    for hit in secrets::find_tokens(text) {
        let value = &text[hit.range.0..hit.range.1];
        if allow.as_ref().is_some_and(|a| a.is_match(value)) {
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
