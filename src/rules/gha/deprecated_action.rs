//! gha/deprecated-action: an action major that is retired (see `deprecated_actions.rs`).

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::rules::gha::deprecated_actions::TABLE;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/deprecated-action")
    .summary("a known-retired major version of an action")
    .packs(&["hygiene"])
    .on_workflow(check)
    .on_action(check);

/// The major of a `vN`, `vN.M.K` or `N.M` ref.
fn major(r: &str) -> Option<u32> {
    let r = r.strip_prefix('v').unwrap_or(r);
    r.split('.').next()?.parse().ok()
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (_, step) in wf.all_steps() {
        let Some(node) = step.uses() else { continue };
        let Some(value) = node.as_str() else { continue };
        let Some((target, reference)) = value.trim().rsplit_once('@') else {
            continue;
        };
        let target = target.to_ascii_lowercase();
        let Some(m) = major(reference) else { continue };
        for row in TABLE {
            if target == row.action && m < row.first_supported {
                out.push(
                    cx.finding(
                        node.span(),
                        format!(
                            "{}@{reference} is retired ({}, since {}): upgrade to v{} or later",
                            row.action, row.reason, row.date, row.first_supported
                        ),
                    )
                    .help(format!("source: {}", row.source)),
                );
            }
        }
    }
}
