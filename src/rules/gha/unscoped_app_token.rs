//! gha/unscoped-app-token: a GitHub App installation token issued with every permission the
//! App has (no `permission-*` input), for every repository of an owner, or kept alive.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::workflow::{Job, Step, Workflow};

pub static RULE: Rule = rule!("gha/unscoped-app-token")
    .summary("a GitHub App token issued without scoped permissions or repositories")
    .packs(&["least-privilege"])
    .security(6.0)
    .on_step(check);

/// Actions that issue an App installation token, and the input (or input prefix) that scopes
/// its permissions. Sources: each action's `action.yml` (2026-12-01).
const ISSUERS: &[(&str, &str)] = &[
    ("actions/create-github-app-token", "permission-"),
    ("tibdex/github-app-token", "permissions"),
    (
        "peter-murray/workflow-application-token-action",
        "permissions",
    ),
    ("getsentry/action-github-app-token", "permissions"),
];

fn check(
    cx: &Cx<'_>,
    _wf: &Workflow<'_>,
    _job: Option<&Job<'_>>,
    step: &Step<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(uses) = step.uses() else { return };
    let Some((action, scope)) = ISSUERS.iter().find(|(a, _)| step.uses_action(a)) else {
        return;
    };
    let inputs = step.with_entries();
    let scoped = inputs.iter().any(|(k, _)| {
        k.as_str().is_some_and(|k| {
            if scope.ends_with('-') {
                k.starts_with(scope)
            } else {
                k == *scope
            }
        })
    });
    if !scoped {
        out.push(
            cx.finding(uses.span(), format!("{action} issues a token with every permission the App was installed with: request only what the job needs with `{}` inputs", if scope.ends_with('-') { "permission-<scope>: read|write" } else { "permissions:" }))
                .help("e.g. `permission-contents: write` and `permission-pull-requests: write` for a release bot"),
        );
    }
    if *action == "actions/create-github-app-token" {
        if let (Some(owner), None) = (step.with("owner"), step.with("repositories")) {
            out.push(
                cx.finding(owner.span(), "`owner:` without `repositories:` issues a token for every repository the App can reach under that owner: list the repositories the job needs")
                    .help("add `repositories: repo-a,repo-b`"),
            );
        }
        if let Some(skip) = step.with("skip-token-revoke") {
            if skip.as_bool() == Some(true) || skip.as_str() == Some("true") {
                out.push(cx.finding(skip.span(), "`skip-token-revoke: true` keeps the token valid for an hour after the job: let the action revoke it"));
            }
        }
    }
}
