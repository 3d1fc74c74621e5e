//! docker/secret-in-env: ENV or ARG with a secret-like name: the value stays in the image
//! (ENV) or its build history (ARG).

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::secrets::{self, ValueKind, redact};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/secret-in-env")
    .summary(
        "an ENV or ARG with a secret-like name: its value persists in the image or its history",
    )
    .packs(&["secrets"])
    .severity(Severity::Error)
    .security(7.5)
    .on_dockerfile(check);

const HELP: &str = "pass secrets at build time with `RUN --mount=type=secret,id=x` (docker build --secret id=x,...) and at run time through the environment or a mounted file";

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    let extra = cx.secret_names();
    for inst in &df.instructions {
        let kw = match inst.keyword {
            Keyword::Env => "ENV",
            Keyword::Arg => "ARG",
            _ => continue,
        };
        for kv in inst.key_values() {
            if !secrets::is_secret_name(&kv.key, extra) {
                continue;
            }
            let key = &kv.key;
            match (&kv.value, kv.value_span) {
                (Some(v), Some(span)) if secrets::judge_for(&kv.key, v) == ValueKind::Literal => out.push(
                    cx.finding(
                        span,
                        format!("{kw} {key} holds a secret in plain text ({}), which stays in the image history: remove it and use a build secret or a runtime variable", redact(v)),
                    )
                    .secret(span)
                    .help(HELP),
                ),
                (Some(v), _) if matches!(secrets::judge_for(&kv.key, v), ValueKind::Placeholder | ValueKind::NotSecret) || secrets::is_file_path(v) => {}
                (Some(v), _) if !v.trim().is_empty() && kw == "ENV" => out.push(
                    cx.finding(
                        kv.key_span,
                        format!("ENV {key} bakes a secret into the image, where every layer and `docker inspect` shows it: set it at run time instead"),
                    )
                    .severity(Severity::Warning)
                    .help(HELP),
                ),
                (Some(_), _) => {}
                (None, _) if kw == "ARG" => out.push(
                    cx.finding(
                        kv.key_span,
                        format!("ARG {key} passes a secret as a build argument, which `docker history` shows: use RUN --mount=type=secret,id={} instead", key.to_ascii_lowercase()),
                    )
                    .severity(Severity::Warning)
                    .help(HELP),
                ),
                (None, _) => {}
            }
        }
    }
}
