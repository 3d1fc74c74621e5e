//! gha/insecure-commands: `ACTIONS_ALLOW_UNSECURE_COMMANDS` switched on.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("gha/insecure-commands")
    .summary("ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables the ::set-env and ::add-path commands")
    .packs(&["injection"])
    .severity(Severity::Error)
    .security(7.5)
    .on_workflow(check)
    .on_action(check);

const NAME: &str = "ACTIONS_ALLOW_UNSECURE_COMMANDS";

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut envs: Vec<(Yaml<'_>, Yaml<'_>)> = wf.env();
    for j in wf.jobs() {
        envs.extend(j.env());
        if let Some(c) = j.node.get("container") {
            envs.extend(
                c.get("env")
                    .filter(|e| e.is_map())
                    .map(|e| e.entries())
                    .unwrap_or_default(),
            );
        }
    }
    for (_, s) in wf.all_steps() {
        envs.extend(s.env());
    }
    for (k, v) in envs {
        if !k.as_str().is_some_and(|n| n.eq_ignore_ascii_case(NAME)) {
            continue;
        }
        // any value but false, 0 or empty switches them on (the runner reads "true")
        let on = v.as_bool().unwrap_or_else(|| {
            v.as_str()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("true"))
        });
        if on {
            out.push(
                cx.finding(k.span(), format!("{NAME} re-enables `::set-env` and `::add-path`, which let anything a step prints set environment variables and PATH: remove it and write to $GITHUB_ENV / $GITHUB_PATH"))
                    .help("delete the variable; replace `echo ::set-env name=X::v` with `echo \"X=v\" >> \"$GITHUB_ENV\"`"),
            );
        }
    }
}
