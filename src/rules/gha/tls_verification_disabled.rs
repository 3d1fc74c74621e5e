//! gha/tls-verification-disabled: `run:` scripts and `env:` values that switch TLS
//! verification off (the shared detector in `src/tls.rs`).

use std::sync::LazyLock;

use regex::Regex;

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::{secrets, tls};
use crate::rule;
use crate::rules::gha::common::run_scripts;
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("gha/tls-verification-disabled")
    .summary("a run: script or env: value switches TLS certificate verification off")
    .packs(&["tls"])
    .severity(Severity::Error)
    .security(7.4)
    .on_workflow(check)
    .on_action(check);

/// The hosts of the URLs in a text.
fn url_hosts(text: &str) -> Vec<&str> {
    static URL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\b[a-z][a-z0-9+.\-]*://(?:[^\s/@]*@)?(\[[^\]]+\]|[^\s:/?#'\x22]+)")
            .expect("url regex")
    });
    URL.captures_iter(text)
        .filter_map(|c| c.get(1).map(|m| m.as_str()))
        .collect()
}

/// Whether there are URLs and every one is this machine (`https://localhost:8888`, a port
/// forwarded into a throwaway test cluster): with no network in between, there is nothing to
/// intercept.
fn all_local(hosts: &[&str]) -> bool {
    !hosts.is_empty() && hosts.iter().all(|h| secrets::is_local_host(h))
}

/// A variable no tool documents (`DISABLE_TLS_CHECK`): plumb reads its name only, so what it
/// switches is the project's to say: a warning, not an error.
fn project_variable(f: Finding) -> Finding {
    f.severity(Severity::Warning)
        .help("plumb judged this variable by its name only; if it does not switch verification off, suppress the finding with a reason")
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for r in run_scripts(cx, wf) {
        // what the whole script talks to, for switches that name no URL themselves
        let script_hosts: Vec<&str> = r
            .step
            .run()
            .and_then(|n| n.as_str())
            .map(url_hosts)
            .unwrap_or_default();
        for cmd in &r.script.commands {
            let hits = tls::in_command(cmd);
            if hits.is_empty() {
                continue;
            }
            let own: Vec<&str> = cmd.words.iter().flat_map(|w| url_hosts(&w.value)).collect();
            if all_local(if own.is_empty() { &script_hosts } else { &own }) {
                continue;
            }
            for hit in hits {
                let var = hit.what.split_once('=').map(|(n, _)| n);
                let f = cx.finding(hit.span, format!("`{}` switches TLS certificate verification off: traffic can be intercepted; fix the CA bundle instead", hit.what));
                out.push(match var {
                    Some(n) if !tls::is_standard_env(n) => project_variable(f),
                    _ => f,
                });
            }
        }
    }
    let mut envs: Vec<Vec<(Yaml<'_>, Yaml<'_>)>> = vec![wf.env()];
    for j in wf.jobs() {
        envs.push(j.env());
        for (_, _, svc) in j.services() {
            if let Some(e) = svc.get("env") {
                envs.push(e.entries());
            }
        }
    }
    for (_, s) in wf.all_steps() {
        envs.push(s.env());
    }
    for map in envs {
        // the endpoints the same env block points at
        let hosts: Vec<&str> = map
            .iter()
            .filter_map(|(_, v)| v.as_str())
            .flat_map(url_hosts)
            .collect();
        for (k, v) in &map {
            let (Some(name), Some(value)) = (k.as_str(), v.scalar()) else {
                continue;
            };
            if tls::env_disables(name, value) && !all_local(&hosts) {
                let f = cx.finding(v.span(), format!("{name}={value} switches TLS certificate verification off: remove it and trust the right CA instead"));
                out.push(if tls::is_standard_env(name) {
                    f
                } else {
                    project_variable(f)
                });
            }
        }
    }
}
