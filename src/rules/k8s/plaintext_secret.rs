//! k8s/plaintext-secret: secrets written into manifests: literal env values, committed
//! Secret objects, and credentials inside ConfigMaps.

use std::sync::LazyLock;

use regex::Regex;

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::secrets::{self, ValueKind, redact};
use crate::rule;
use crate::source::Span;
use crate::source::k8s::{Container, Object};
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("k8s/plaintext-secret")
    .summary("a secret written in a manifest: a literal env value, a committed Secret, a credential in a ConfigMap")
    .packs(&["secrets"])
    .severity(Severity::Error)
    .security(8.5)
    .supersedes(&["secrets/hardcoded-token"])
    .on_object(object)
    .on_container(container);

/// `requirepass s3cret` / `masterauth s3cret` in a Redis config.
static REDIS_AUTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r##"(?m)^[ \t]*(requirepass|masterauth)[ \t]+"?([^\s"#]+)"##).expect("redis regex")
});

/// `password=s3cret`, `db.password: s3cret`, `?token=abc` inside a config file.
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r##"(?m)(?:^|[\s;,&?"'{])([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*[=:][ \t]*["']?(\$\{[^}]*\}|\{\{[^}]*\}\}|[^\s"',;&#}]+)"##)
        .expect("key-value regex")
});

fn object(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    match obj.kind() {
        "Secret" => secret_object(cx, obj, out),
        "ConfigMap" => config_map(cx, obj, out),
        _ => {}
    }
}

fn container(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let names = cx.secret_names();
    let text = cx.text();
    let env = c.env();
    for (i, e) in env.iter().enumerate() {
        let Some(v) = e.value else { continue };
        let Some(value) = v.as_str() else { continue };
        // the comment may sit on the value's line or on the `- name:` line above it
        if secrets::comment_says_placeholder(text, v.span())
            || secrets::comment_says_placeholder(text, e.name_node.span())
        {
            continue;
        }
        if secrets::is_secret_name(e.name, names)
            && secrets::judge_for(e.name, value) == ValueKind::Literal
        {
            let neighbours: Vec<&str> = env
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(_, n)| n.value.and_then(|x| x.as_str()))
                .collect();
            let f = if secrets::is_demo_value(e.name, value, &neighbours) {
                cx.finding(
                    v.span(),
                    format!(
                        "{} sets {} to a weak demo value ({}): move it to a Secret and use valueFrom.secretKeyRef",
                        c.display(),
                        e.name,
                        redact(value)
                    ),
                )
                .severity(Severity::Warning)
            } else {
                cx.finding(
                    v.span(),
                    format!(
                        "{} sets {} to a literal ({}): move it to a Secret and use valueFrom.secretKeyRef",
                        c.display(),
                        e.name,
                        redact(value)
                    ),
                )
            };
            out.push(
                f.secret(v.span())
                    .help("create the Secret outside git (sealed-secrets, external-secrets, SOPS) and reference it: `valueFrom: {secretKeyRef: {name: app, key: password}}`"),
            );
        } else if let Some((s, end)) = secrets::url_password(value) {
            let span = v.value_map(text).span(Span::new(s, end));
            out.push(
                cx.finding(
                    span,
                    format!(
                        "{} has a password in the URL of {} ({}): move the URL to a Secret and use valueFrom.secretKeyRef",
                        c.display(),
                        e.name,
                        redact(&value[s..end])
                    ),
                )
                .secret(span),
            );
        }
    }
}

/// A committed Secret, judged by what it holds: a known token format or a private key (an
/// error at the value, `data:` decoded first), secret-named keys with literal values or
/// high-entropy values (one warning for the object, naming them). A Secret holding only
/// configuration (a timezone, a URL without credentials, routing rules) gets nothing.
fn secret_object(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let names = cx.secret_names();
    let text = cx.text();
    for section in ["stringData", "data"] {
        let Some((key, data)) = obj.node.entry(section) else {
            continue;
        };
        let mut secretish: Vec<&str> = Vec::new();
        for (k, v) in data.entries() {
            let (Some(name), Some(raw)) = (k.as_str(), v.as_str()) else {
                continue;
            };
            let decoded;
            let value: &str = if section == "data" {
                decoded = secrets::decode_base64(raw)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                &decoded
            } else {
                raw
            };
            if value.trim().is_empty() || secrets::comment_says_placeholder(text, v.span()) {
                continue;
            }
            let hits = secrets::find_tokens(value);
            if let Some(hit) = hits.first() {
                // inside base64 the token has no span of its own: the value is the place
                let span = if section == "data" {
                    v.span()
                } else {
                    v.value_map(text).span(Span::new(hit.range.0, hit.range.1))
                };
                out.push(
                    cx.finding(
                        span,
                        format!(
                            "{} commits a {} in {section}.{name}{}: revoke it, and keep the Secret out of git with sealed-secrets, external-secrets or SOPS",
                            obj.display(),
                            hit.provider,
                            if section == "data" { " (base64 is an encoding, not encryption)" } else { "" }
                        ),
                    )
                    .secret(v.span())
                    .help("commit a SealedSecret, an ExternalSecret pointing at your secret store, or a SOPS-encrypted file instead"),
                );
                continue;
            }
            let named = secrets::is_secret_name(name, names)
                && secrets::judge_for(name, value) == ValueKind::Literal;
            if named || secrets::url_password(value).is_some() || high_entropy(value) {
                secretish.push(name);
            }
        }
        if secretish.is_empty() {
            continue;
        }
        let how = if section == "data" {
            "base64 is an encoding, not encryption"
        } else {
            "in plain text"
        };
        out.push(
            cx.finding(
                key.span(),
                format!(
                    "{} commits secret values in {section} ({how}): {}; keep it out of git with sealed-secrets, external-secrets or SOPS",
                    obj.display(),
                    secretish.join(", ")
                ),
            )
            .severity(Severity::Warning)
            .help("commit a SealedSecret, an ExternalSecret pointing at your secret store, or a SOPS-encrypted file instead"),
        );
    }
}

/// A value that looks generated: one token of 20+ characters mixing letters and digits with
/// high Shannon entropy (a random password or key), not a word, a URL or a path.
fn high_entropy(value: &str) -> bool {
    let v = value.trim();
    if v.len() < 20 || v.len() > 4096 || v.contains(char::is_whitespace) || v.contains("://") {
        return false;
    }
    let has_digit = v.chars().any(|c| c.is_ascii_digit());
    let has_alpha = v.chars().any(|c| c.is_ascii_alphabetic());
    if !(has_digit && has_alpha) {
        return false;
    }
    let mut counts = [0usize; 256];
    for b in v.bytes() {
        counts[b as usize] += 1;
    }
    let n = v.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum();
    entropy >= 4.0
}

fn config_map(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let Some(data) = obj.node.get("data") else {
        return;
    };
    let names = cx.secret_names();
    for (k, v) in data.entries() {
        let (Some(key), Some(value)) = (k.as_str(), v.as_str()) else {
            continue;
        };
        if !value.contains('\n')
            && secrets::is_secret_name(key, names)
            && secrets::judge_for(key, value) == ValueKind::Literal
            && !secrets::comment_says_placeholder(cx.text(), v.span())
        {
            push_cm(cx, obj, key, key, v.span(), value, out);
            continue;
        }
        embedded(cx, obj, key, v, value, out);
    }
}

/// Credentials inside a ConfigMap value (a config file).
fn embedded(
    cx: &Cx<'_>,
    obj: &Object<'_>,
    key: &str,
    node: Yaml<'_>,
    value: &str,
    out: &mut Vec<Finding>,
) {
    let names = cx.secret_names();
    let mut hits: Vec<(String, (usize, usize))> = Vec::new();
    for c in REDIS_AUTH.captures_iter(value) {
        if let (Some(d), Some(m)) = (c.get(1), c.get(2)) {
            if secrets::judge(m.as_str()) == ValueKind::Literal {
                hits.push((d.as_str().to_string(), (m.start(), m.end())));
            }
        }
    }
    for c in KEY_VALUE.captures_iter(value) {
        if let (Some(n), Some(m)) = (c.get(1), c.get(2)) {
            // a value of one to three characters in a config file is a placeholder or a
            // parse slip far more often than a password
            if m.as_str().chars().count() >= 4
                && secrets::is_secret_name(n.as_str(), names)
                && secrets::judge_for(n.as_str(), m.as_str()) == ValueKind::Literal
            {
                hits.push((n.as_str().to_string(), (m.start(), m.end())));
            }
        }
    }
    let mut rest = value;
    let mut base = 0;
    while let Some((s, e)) = secrets::url_password(rest) {
        hits.push(("a URL password".to_string(), (base + s, base + e)));
        base += e;
        rest = &value[base..];
    }
    hits.sort_by_key(|h| h.1);
    hits.dedup_by(|b, a| b.1.0 < a.1.1); // overlapping reports of one value
    if hits.is_empty() {
        return;
    }
    let map = node.value_map(cx.text());
    for (what, (s, e)) in hits {
        let span = map.span(Span::new(s, e));
        push_cm(cx, obj, key, &what, span, &value[s..e], out);
    }
}

fn push_cm(
    cx: &Cx<'_>,
    obj: &Object<'_>,
    key: &str,
    what: &str,
    span: Span,
    secret: &str,
    out: &mut Vec<Finding>,
) {
    let what = if what == key {
        String::new()
    } else {
        format!(" ({what})")
    };
    out.push(
        cx.finding(
            span,
            format!(
                "{} holds a credential in \"{key}\"{what}: {}: move it to a Secret and mount or reference that instead",
                obj.display(),
                redact(secret)
            ),
        )
        .secret(span)
        .help("ConfigMaps are readable by anyone who can read the namespace's config; a Secret can be access-controlled and encrypted at rest"),
    );
}
