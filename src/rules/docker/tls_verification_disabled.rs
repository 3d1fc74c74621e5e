//! docker/tls-verification-disabled: TLS certificate checks switched off in RUN steps or by
//! ENV/ARG (the shared detector in `crate::tls`).

use crate::api::{Cx, Finding, Rule};
use crate::detect::tls;
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/tls-verification-disabled")
    .summary("TLS certificate verification switched off in RUN, ENV or ARG (curl -k, wget --no-check-certificate, NODE_TLS_REJECT_UNAUTHORIZED=0)")
    .packs(&["tls"])
    .security(6.5)
    .on_dockerfile(check);

const HELP: &str = "install the CA your network needs (COPY ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates) instead of switching verification off";

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
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
                for c in inst.commands() {
                    for hit in tls::in_command(c) {
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
