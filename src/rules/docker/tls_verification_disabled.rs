//! docker/tls-verification-disabled: TLS certificate checks switched off in RUN steps or by
//! ENV/ARG (the shared detector in `crate::tls`).

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;
use crate::tls;

pub const RULE: Rule = Rule {
    id: "docker/tls-verification-disabled",
    kinds: &[Kind::Dockerfile],
    packs: &["tls"],
    severity: Severity::Warning,
    security_severity: Some(6.5),
    summary: "TLS certificate verification switched off in RUN, ENV or ARG (curl -k, wget --no-check-certificate, NODE_TLS_REJECT_UNAUTHORIZED=0)",
    doc: include_str!("../../../rules/docker/tls-verification-disabled.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

const HELP: &str = "install the CA your network needs (COPY ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates) instead of switching verification off";

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    for inst in &df.instructions {
        match inst.keyword {
            Keyword::Env | Keyword::Arg => {
                for kv in inst.key_values() {
                    let (Some(v), Some(vspan)) = (&kv.value, kv.value_span) else {
                        continue;
                    };
                    if tls::env_disables(&kv.key, v) {
                        let what = if inst.keyword == Keyword::Env {
                            "every process in the image"
                        } else {
                            "the build"
                        };
                        out.push(
                            cx.finding(
                                kv.key_span.cover(vspan),
                                format!("{}={v} switches TLS verification off for {what}: remove it and trust the right CA instead", kv.key),
                            )
                            .help(HELP),
                        );
                    }
                }
            }
            _ => {
                for c in inst.run_commands() {
                    for hit in tls::in_command(&c) {
                        out.push(
                            cx.finding(
                                hit.span,
                                format!("{} switches TLS verification off, so anyone on the network can swap what is downloaded: remove it and trust the right CA instead", hit.what),
                            )
                            .help(HELP),
                        );
                    }
                }
            }
        }
    }
}
