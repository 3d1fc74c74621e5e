//! compose/tls-verification-disabled: environment values or command flags that switch TLS
//! certificate checks off (the shared detector in `crate::tls`).

use crate::api::{Cx, Finding, Rule};
use crate::detect::tls;
use crate::rule;
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/tls-verification-disabled")
    .summary("environment values or command flags that switch TLS certificate verification off")
    .packs(&["tls"])
    .security(6.5)
    .on_compose(check);

const HELP: &str = "trust the right CA instead (mount it and point SSL_CERT_FILE / NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE at it)";

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
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
            let script = svc.node.get(key).and_then(|n| cx.script(n));
            for cmd in script.map_or(&[][..], |s| &s.commands) {
                for hit in tls::in_command(cmd) {
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
