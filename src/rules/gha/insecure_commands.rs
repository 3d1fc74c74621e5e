//! gha/insecure-commands: `ACTIONS_ALLOW_UNSECURE_COMMANDS` switched on.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::rules::support::edit::{is_flow, plain_region, whole_line};
use crate::source::Span;
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
    // the env: mappings, each with its entries
    let mut maps: Vec<Yaml<'_>> = wf.root.get("env").into_iter().collect();
    for j in wf.jobs() {
        maps.extend(j.node.get("env"));
        if let Some(c) = j.node.get("container") {
            maps.extend(c.get("env"));
        }
    }
    for (_, s) in wf.all_steps() {
        maps.extend(s.node.get("env"));
    }
    // the old commands still in use: removing the variable breaks them (an unsafe fix)
    let uses_old = wf.all_steps().iter().any(|(_, s)| {
        s.run()
            .and_then(|r| r.as_str())
            .is_some_and(|t| t.contains("::set-env") || t.contains("::add-path"))
    });
    let envs = maps
        .into_iter()
        .filter(|m| m.is_map())
        .flat_map(|m| m.entries().into_iter().map(move |(k, v)| (m, k, v)));
    for (map, k, v) in envs {
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
                    .help("delete the variable; replace `echo ::set-env name=X::v` with `echo \"X=v\" >> \"$GITHUB_ENV\"`")
                    .fix_opt(remove(cx.text(), map, k, uses_old)),
            );
        }
    }
}

/// Delete the entry's line (and the `env:` key with it when it is the only entry). Only in a
/// block mapping whose entry has a line of its own.
fn remove(text: &str, env: Yaml<'_>, key: Yaml<'_>, uses_old: bool) -> Option<Fix> {
    if is_flow(text, env) || !plain_region(text, env.span()) {
        return None;
    }
    let line = whole_line(text, key.span().start);
    // the key must start its line and the value end on it
    if text[line.start..key.span().start].trim() != "" {
        return None;
    }
    let value_end = env
        .entries()
        .into_iter()
        .find(|(k, _)| k.span() == key.span())
        .map(|(_, v)| v.span().end)?;
    if value_end > line.end {
        return None;
    }
    let span = if env.entries().len() == 1 {
        // `env:` and its one entry: the key line before too
        let env_key_line = whole_line(text, line.start.checked_sub(1)?);
        if !text[env_key_line.start..env_key_line.end]
            .trim_end()
            .ends_with("env:")
        {
            return None;
        }
        Span::new(env_key_line.start, line.end)
    } else {
        line
    };
    let title = format!("remove {NAME}");
    let fix = if uses_old {
        Fix::unsafe_(title)
    } else {
        Fix::safe(title)
    };
    Some(fix.delete(span))
}
