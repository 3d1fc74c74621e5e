//! gha/tls-verification-disabled: `run:` scripts and `env:` values that switch TLS
//! verification off (the shared detector in `src/tls.rs`).

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::rules::gha::common::run_scripts;
use crate::source::Kind;
use crate::source::workflow::Workflow;
use crate::tls;

pub const RULE: Rule = Rule {
    id: "gha/tls-verification-disabled",
    kinds: &[Kind::Workflow, Kind::Action],
    packs: &["tls"],
    severity: Severity::Error,
    security_severity: Some(7.4),
    summary: "a run: script or env: value switches TLS certificate verification off",
    doc: include_str!("../../../rules/gha/tls-verification-disabled.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let Some(wf) = Workflow::of(yaml) else { return };
    for r in run_scripts(cx, &wf) {
        for hit in tls::in_script(&r.script) {
            out.push(cx.finding(r.span(hit.span), format!("`{}` switches TLS certificate verification off: traffic can be intercepted; fix the CA bundle instead", hit.what)));
        }
    }
    let mut envs = wf.env();
    for j in wf.jobs() {
        envs.extend(j.env());
        for (_, _, svc) in j.services() {
            if let Some(e) = svc.get("env") {
                envs.extend(e.entries());
            }
        }
    }
    for (_, s) in wf.all_steps() {
        envs.extend(s.env());
    }
    for (k, v) in envs {
        let (Some(name), Some(value)) = (k.as_str(), v.scalar()) else {
            continue;
        };
        if tls::env_disables(name, value) {
            out.push(cx.finding(v.span(), format!("{name}={value} switches TLS certificate verification off: remove it and trust the right CA instead")));
        }
    }
}
