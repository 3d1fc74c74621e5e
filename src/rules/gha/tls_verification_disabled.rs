//! gha/tls-verification-disabled: `run:` scripts and `env:` values that switch TLS
//! verification off (the shared detector in `src/tls.rs`).

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::tls;
use crate::rule;
use crate::rules::gha::common::run_scripts;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/tls-verification-disabled")
    .summary("a run: script or env: value switches TLS certificate verification off")
    .packs(&["tls"])
    .severity(Severity::Error)
    .security(7.4)
    .on_workflow(check)
    .on_action(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for r in run_scripts(cx, wf) {
        for hit in tls::in_script(r.script) {
            out.push(cx.finding(hit.span, format!("`{}` switches TLS certificate verification off: traffic can be intercepted; fix the CA bundle instead", hit.what)));
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
