//! compose/plaintext-secret: secrets written into the compose file: a secret-like
//! environment variable with a literal value or a literal `${VAR:-default}`, credentials in
//! a URL, and `--requirepass <literal>`-style flags in `command`.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::secrets::{self, ValueKind, redact};
use crate::rule;
use crate::source::Span;
use crate::source::compose::{Compose, interpolations};

pub static RULE: Rule = rule!("compose/plaintext-secret")
    .summary("a secret written in plain text in the compose file: environment, defaults, URLs, command flags")
    .packs(&["secrets"])
    .severity(Severity::Error)
    .security(7.5)
    .supersedes(&["secrets/hardcoded-token"])
    .on_compose(check);

const HELP: &str = "pass it from the environment with no default (`${DB_PASSWORD:?set it}`), an env_file kept out of git, or a `secrets:` entry read through a *_FILE variable";

/// A setting naming where a credential is used: `DB_HOST`, `RCLONE_CONFIG_X_HOST`,
/// `REDIS_URL`.
fn host_word(w: &str) -> bool {
    matches!(
        w,
        "host" | "hostname" | "server" | "addr" | "address" | "endpoint" | "url" | "uri"
    )
}

/// The service a host value names, when it is a service of this file (or its
/// `container_name`) or this machine: `db`, `db:5432`, `http://minio:9000`.
fn internal_host<'s>(value: &str, services: &'s [String]) -> Option<&'s str> {
    let v = value.trim();
    let host = match v.split_once("://") {
        Some((_, rest)) => rest.rsplit('@').next().unwrap_or(rest),
        None => v,
    };
    let host = host
        .split(['/', '?', '#'])
        .next()
        .unwrap_or(host)
        .split(':')
        .next()
        .unwrap_or(host);
    services
        .iter()
        .find(|s| s.as_str() == host)
        .map(String::as_str)
        .or_else(|| secrets::is_local_host(host).then_some("this machine"))
}

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    let text = cx.text();
    let extra = cx.secret_names();
    let all = compose.services();
    let mut names: Vec<String> = all.iter().map(|s| s.name.to_string()).collect();
    names.extend(
        all.iter()
            .filter_map(|s| s.get("container_name").and_then(|n| n.as_str()))
            .map(str::to_string),
    );
    for svc in all {
        let env = svc.environment();
        // settings of this service that point at another service of the stack:
        // (their name's words before the host word, the service)
        let endpoints: Vec<(Vec<String>, &str)> = env
            .iter()
            .filter_map(|e| {
                let w = secrets::words(e.name);
                let (last, prefix) = w.split_last()?;
                if !host_word(last) {
                    return None;
                }
                Some((prefix.to_vec(), internal_host(e.value?, &names)?))
            })
            .collect();
        let internal = |name: &str| -> Option<&str> {
            let w = secrets::words(name);
            let prefix = &w[..w.len().saturating_sub(1)];
            endpoints
                .iter()
                .find(|(p, _)| !p.is_empty() && prefix.starts_with(p))
                .map(|(_, s)| *s)
        };
        for (i, e) in env.iter().enumerate() {
            let Some(value) = e.value else { continue };
            if secrets::comment_says_placeholder(text, e.value_span(text, (0, value.len()))) {
                continue;
            }
            if let Some((start, end)) = secrets::url_password(value) {
                let span = e.value_span(text, (start, end));
                let pw = redact(&value[start..end]);
                let f = match secrets::credential_host(value).and_then(|h| internal_host(h, &names)) {
                    Some(host) => cx
                        .finding(span, format!("service \"{}\": {} holds a URL with the password of {} ({pw}), an internal credential of this stack: take it from a variable so each deployment sets its own", svc.name, e.name, describe(host)))
                        .severity(Severity::Warning),
                    None => cx.finding(span, format!("service \"{}\": {} holds a URL with a password ({pw}): take the password from a secret or a variable", svc.name, e.name)),
                };
                out.push(f.secret(span).help(HELP));
                continue;
            }
            if !secrets::is_secret_name(e.name, extra) {
                continue;
            }
            if !interpolations(value).is_empty() {
                if let Some((default, range)) = secrets::literal_default(value) {
                    let span = e.value_span(text, range);
                    out.push(
                        cx.finding(
                            span,
                            format!("service \"{}\": {} falls back to a literal default ({}) when the variable is unset: drop the default, or use ${{VAR:?}} to require it", svc.name, e.name, redact(default)),
                        )
                        .secret(span)
                        .help(HELP),
                    );
                }
                continue;
            }
            let plain = value.replace("$$", "$");
            if secrets::judge_for(e.name, &plain) != ValueKind::Literal {
                continue;
            }
            let span = e.value_span(text, (0, value.len()));
            let neighbours: Vec<&str> = env
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(_, n)| n.value)
                .collect();
            let f = if secrets::is_demo_value(e.name, &plain, &neighbours) {
                cx.finding(span, format!("service \"{}\": {} is set to a weak demo value ({}): read it from the environment so each deployment sets its own", svc.name, e.name, redact(value)))
                    .severity(Severity::Warning)
            } else if let Some(host) = internal(e.name) {
                cx.finding(span, format!("service \"{}\": {} is set to the password of {} ({}), an internal credential of this stack: read it from the environment so each deployment sets its own", svc.name, e.name, describe(host), redact(value)))
                    .severity(Severity::Warning)
            } else {
                cx.finding(span, format!("service \"{}\": {} is set to a plaintext secret ({}): read it from the environment or a secret", svc.name, e.name, redact(value)))
            };
            out.push(f.secret(span).help(HELP));
        }
        for key in ["command", "entrypoint"] {
            let script = svc.node.get(key).and_then(|n| cx.script(n));
            for cmd in script.map_or(&[][..], |s| &s.commands) {
                flag_args(cx, svc.name, &cmd.words, text, out);
            }
        }
    }
}

fn describe(host: &str) -> String {
    if host == "this machine" {
        "a service on this machine".to_string()
    } else {
        format!("service \"{host}\"")
    }
}

/// `--requirepass secret`, `--password=secret`, and URLs with credentials among words.
fn flag_args(
    cx: &Cx<'_>,
    service: &str,
    words: &[crate::source::shell::Word],
    text: &str,
    out: &mut Vec<Finding>,
) {
    let extra = cx.secret_names();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        // a list item holding a whole script is lexed on its own
        if w.value.contains(char::is_whitespace) {
            continue;
        }
        if let Some((s, e)) = secrets::url_password(&w.value) {
            // only when the word is written plainly, so offsets line up
            let raw = w.span.text(text);
            let span = match raw.find(&w.value) {
                Some(off) => Span::new(w.span.start + off + s, w.span.start + off + e),
                None => w.span,
            };
            out.push(
                cx.finding(
                    span,
                    format!("service \"{service}\": a command argument holds a URL with a password ({}): take it from a secret or a variable", redact(&w.value[s..e])),
                )
                .secret(span)
                .help(HELP),
            );
            continue;
        }
        let Some(flag) = w.value.strip_prefix("--").or_else(|| {
            w.value
                .strip_prefix('-')
                .filter(|f| f.len() > 1 && !f.starts_with('-'))
        }) else {
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (flag, None),
        };
        if !secrets::is_secret_name(name, extra) {
            continue;
        }
        let (value, span) = match inline {
            Some(v) => {
                let raw = w.span.text(text);
                let span = match raw.rfind(v).filter(|_| !v.is_empty()) {
                    Some(off) => Span::new(w.span.start + off, w.span.start + off + v.len()),
                    None => w.span,
                };
                (v.to_string(), span)
            }
            None => match words.get(i) {
                Some(next) if !next.value.starts_with('-') => {
                    i += 1;
                    (next.value.clone(), next.span)
                }
                _ => continue,
            },
        };
        if !interpolations(&value).is_empty()
            || secrets::judge_for(name, &value.replace("$$", "$")) != ValueKind::Literal
        {
            continue;
        }
        out.push(
            cx.finding(
                span,
                format!("service \"{service}\": --{name} is given a plaintext secret ({}): pass it from a variable or a secrets file", redact(&value)),
            )
            .secret(span)
            .help(HELP),
        );
    }
}
