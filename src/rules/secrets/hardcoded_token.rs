//! secrets/hardcoded-token: known token formats anywhere in a checked file's text, comments
//! and scripts included; passwords in URLs and on database client command lines; and, in
//! compose files and manifests, `password = ...` lines of configs embedded in block scalars.

use crate::api::{Cx, Finding, Opt, Regexes, Rule, Severity};
use crate::detect::secrets::{self, redact};
use crate::project::Model;
use crate::rule;
use crate::source::yaml::{NodeKind, Style, Yaml};
use crate::source::{Kind, Span};

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
    let tokens = secrets::file_tokens(cx.file(), cx.project());
    for hit in &tokens.tokens {
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
    // passwords by their shape: in the raw text, and in a Dockerfile also in each
    // instruction's logical text (continuations joined, comment lines between them dropped)
    let mut hits: Vec<(&'static str, Span, &str)> = tokens
        .credentials
        .iter()
        .map(|h| {
            let span = Span::new(h.range.0, h.range.1);
            (h.what, span, span.text(text))
        })
        .collect();
    if let Some(df) = cx.file().dockerfile() {
        for inst in &df.instructions {
            let args = &inst.args;
            for h in secrets::find_credentials(&args.text) {
                let value = &args.text[h.range.0..h.range.1];
                let span = args.map.span(Span::new(h.range.0, h.range.1));
                hits.push((h.what, span, value));
            }
        }
    }
    hits.sort_by_key(|(_, s, _)| (s.start, s.end));
    hits.dedup_by_key(|(_, s, _)| (s.start, s.end));
    for (what, span, value) in hits {
        if allow.is_some_and(|a| a.is_match(value)) {
            continue;
        }
        // a password for a database on the runner itself (`@localhost`) is a test fixture
        // far more often than a credential: still reported, not gating
        let local = what == "password in a URL" && secrets::loopback_url_password(text, span.end);
        let f = cx
            .finding(
                span,
                format!(
                    "{what} in plain text ({}){}: change it, then read it from a secret at run time",
                    redact(value),
                    if local { ", for a local address" } else { "" }
                ),
            )
            .secret(span)
            .help("a committed password is compromised: change it, then pass it from a secret store (a build secret, an environment variable, an option file mounted from a secret)");
        out.push(if local {
            f.severity(Severity::Warning)
        } else {
            f
        });
    }
    if matches!(cx.file().src.kind, Kind::Compose | Kind::K8s) {
        embedded_configs(cx, out);
    }
}

/// `password = ...` lines of config files written into block scalars of a compose file or a
/// manifest (a compose `configs:` content, a CRD's config, a script's heredoc).
fn embedded_configs(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    let Model::Yaml(y) = &cx.file().model else {
        return;
    };
    let text = cx.text();
    let allow = cx.opt(&ALLOW);
    for id in 0..y.node_count() {
        // block scalars themselves (an alias to one is the same text)
        if !matches!(
            y.node(id).kind,
            NodeKind::Scalar {
                style: Style::Literal | Style::Folded,
                ..
            }
        ) {
            continue;
        }
        let node = Yaml { file: y, id };
        let Some(value) = node.as_str() else { continue };
        if !value.contains('=') && !value.contains(':') {
            continue;
        }
        let hits = secrets::config_passwords(value, cx.secret_names());
        if hits.is_empty() {
            continue;
        }
        let map = node.value_map(text);
        for (key, (a, b)) in hits {
            let secret = &value[a..b];
            if allow.is_some_and(|r| r.is_match(secret)) {
                continue;
            }
            let span = map.span(Span::new(a, b));
            out.push(
                cx.finding(
                    span,
                    format!(
                        "{key} in a config written into this file holds a secret in plain text ({}): move the config to a secret, or template the value from one",
                        redact(secret)
                    ),
                )
                .secret(span)
                .help("keep the config's secret values out of the file: a Kubernetes Secret or a compose secret mounted as a file, or an environment variable the config reads"),
            );
        }
    }
}
