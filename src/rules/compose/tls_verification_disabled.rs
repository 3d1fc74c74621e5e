//! compose/tls-verification-disabled: environment values or command flags that switch TLS
//! certificate checks off (the shared detector in `crate::tls`).

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::compose::Compose;
use crate::tls;

pub const RULE: Rule = Rule {
    id: "compose/tls-verification-disabled",
    kinds: &[Kind::Compose],
    packs: &["tls"],
    severity: Severity::Warning,
    security_severity: Some(6.5),
    summary: "environment values or command flags that switch TLS certificate verification off",
    doc: include_str!("../../../rules/compose/tls-verification-disabled.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

const HELP: &str = "trust the right CA instead (mount it and point SSL_CERT_FILE / NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE at it)";

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(compose) = cx.yaml().and_then(Compose::of) else {
        return;
    };
    let text = cx.text();
    for svc in compose.services() {
        for e in svc.environment() {
            let Some(v) = e.value else { continue };
            if tls::env_disables(e.name, v) {
                let span = e.value_span(text, (0, v.len()));
                out.push(
                    cx.finding(
                        e.name_span.cover(span),
                        format!("service \"{}\" switches TLS verification off ({}={v}): remove it and trust the right CA instead", svc.name, e.name),
                    )
                    .help(HELP),
                );
            }
        }
        for key in ["command", "entrypoint"] {
            for cmd in svc.commands(key, text) {
                for hit in tls::in_command(&cmd) {
                    out.push(
                        cx.finding(
                            hit.span,
                            format!("service \"{}\" switches TLS verification off in its {key} ({}): remove the flag and trust the right CA instead", svc.name, hit.what),
                        )
                        .help(HELP),
                    );
                }
            }
        }
    }
}
