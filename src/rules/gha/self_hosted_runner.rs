//! gha/self-hosted-runner: a self-hosted runner in a workflow a fork's pull request can start.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::expr;
use crate::source::workflow::{Job, Workflow};
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("gha/self-hosted-runner")
    .summary("a self-hosted runner in a workflow that pull requests from forks can trigger")
    .packs(&["least-privilege"])
    .security(7.0)
    .on_job(check);

/// Triggers a fork's pull request (or a comment on it) starts.
const FORK_TRIGGERS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issue_comment",
];

/// The label `self-hosted` among a `runs-on:` value's labels, or among the values of the
/// matrix key it reads (`runs-on: ${{ matrix.os }}`).
fn self_hosted<'a>(job: &Job<'a>, runs_on: Yaml<'a>) -> Option<Yaml<'a>> {
    let labels = if runs_on.is_map() {
        runs_on.get("labels")?
    } else {
        runs_on
    };
    let mut nodes: Vec<Yaml<'a>> = if labels.is_seq() {
        labels.items().collect()
    } else {
        vec![labels]
    };
    // `${{ matrix.runner }}`: the matrix values (and include entries)
    let mut extra = Vec::new();
    for n in &nodes {
        let Some(v) = n.as_str() else { continue };
        for e in expr::find(v).iter() {
            for c in e.contexts() {
                let Some(key) = c.path.strip_prefix("matrix.") else {
                    continue;
                };
                let Some(m) = job.node.path(&["strategy", "matrix"]) else {
                    continue;
                };
                if let Some(vals) = m.get(key) {
                    extra.extend(flatten(vals));
                }
                if let Some(inc) = m.get("include") {
                    for i in inc.items() {
                        if let Some(v) = i.get(key) {
                            extra.extend(flatten(v));
                        }
                    }
                }
            }
        }
    }
    nodes.extend(extra);
    nodes.into_iter().find(|n| {
        n.as_str()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("self-hosted"))
    })
}

fn flatten(v: Yaml<'_>) -> Vec<Yaml<'_>> {
    if v.is_seq() {
        v.items().flat_map(flatten).collect()
    } else {
        vec![v]
    }
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, job: &Job<'_>, out: &mut Vec<Finding>) {
    let triggers = wf.triggers();
    let Some(t) = triggers.iter().find(|t| FORK_TRIGGERS.contains(t)) else {
        return;
    };
    let Some(runs_on) = job.node.get("runs-on") else {
        return;
    };
    let Some(label) = self_hosted(job, runs_on) else {
        return;
    };
    out.push(
        cx.finding(label.span(), format!("job \"{}\" runs on a self-hosted runner and `{t}` lets a fork's pull request start it: its code can persist on the machine and reach its network and credentials", job.id))
            .help("run fork pull requests on GitHub-hosted runners, or use ephemeral (just-in-time) self-hosted runners in a group restricted to trusted workflows, and require approval for outside contributors"),
    );
}
