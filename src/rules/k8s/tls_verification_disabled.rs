//! k8s/tls-verification-disabled: containers whose env, command or args switch TLS
//! certificate checks off. The patterns live in the shared detector, `crate::tls`.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::k8s::{self, Container};
use crate::source::shell::{Command, Word, basename, parse_script};
use crate::source::yaml::Yaml;
use crate::tls;

pub const RULE: Rule = Rule {
    id: "k8s/tls-verification-disabled",
    kinds: &[Kind::K8s],
    packs: &["tls"],
    severity: Severity::Error,
    security_severity: Some(7.4),
    summary: "a container whose env, command or args switch TLS certificate verification off",
    doc: include_str!("../../../rules/k8s/tls-verification-disabled.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"];

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    for c in k8s::containers(yaml) {
        for e in c.env() {
            let Some(v) = e.value else { continue };
            let Some(value) = v.as_str() else { continue };
            if tls::env_disables(e.name, value) {
                out.push(report(
                    cx,
                    &c,
                    v.span(),
                    &format!("{}={value}", e.name),
                    "remove the variable",
                ));
            }
        }
        argv(cx, &c, out);
    }
}

fn report(
    cx: &Ctx<'_>,
    c: &Container<'_>,
    span: crate::source::Span,
    what: &str,
    fix: &str,
) -> Finding {
    cx.finding(
        span,
        format!(
            "{} switches TLS certificate verification off ({what}): {fix} and give the container the CA bundle it needs instead",
            c.display()
        ),
    )
    .help("without verification anyone on the path can impersonate the server; mount the private CA (a ConfigMap or Secret) and point SSL_CERT_FILE or the tool's CA option at it")
}

/// `command` followed by `args`, as one argument vector; a `sh -c <script>` in it is parsed
/// as a script.
fn argv(cx: &Ctx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let items: Vec<Yaml<'_>> = ["command", "args"]
        .iter()
        .filter_map(|k| c.node.get(k))
        .flat_map(|l| l.items().collect::<Vec<_>>())
        .collect();
    let words: Vec<Word> = items
        .iter()
        .filter_map(|i| {
            i.as_str().map(|s| Word {
                value: s.to_string(),
                span: i.span(),
                quoted: false,
            })
        })
        .collect();
    if words.is_empty() || words.len() != items.len() {
        return;
    }
    let is_shell = words
        .first()
        .is_some_and(|w| SHELLS.contains(&basename(&w.value)));
    if is_shell {
        // sh -c '<script>' (flags may be grouped: -ec, -xc)
        let script_at = words.iter().position(|w| {
            w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('c')
        });
        if let Some(i) = script_at {
            if let (Some(node), Some(script)) = (items.get(i + 1), words.get(i + 1)) {
                let map = node.value_map(cx.text());
                for hit in tls::in_script(&parse_script(&script.value)) {
                    out.push(report(cx, c, map.span(hit.span), &hit.what, "remove it"));
                }
            }
            return;
        }
    }
    let span = words
        .first()
        .map(|w| w.span)
        .unwrap_or_default()
        .cover(words.last().map(|w| w.span).unwrap_or_default());
    let cmd = Command {
        words,
        span,
        op_before: None,
        op_after: None,
        pipeline: 0,
        in_subshell: false,
    };
    for hit in tls::in_command(&cmd) {
        out.push(report(cx, c, hit.span, &hit.what, "remove it"));
    }
}
