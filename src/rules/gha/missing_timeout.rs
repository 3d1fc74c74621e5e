//! gha/missing-timeout: a job that can hang while holding something scarce has no
//! `timeout-minutes`: a self-hosted (or larger) runner, a deploy, service containers.
//!
//! A job on a GitHub-hosted standard runner that hangs costs a public repository nothing and
//! holds no one else's runner: it is not asked (set `all-jobs: true` to ask every job).

use crate::api::{Cx, Finding, Fix, Opt, Rule, Severity};
use crate::rule;
use crate::rules::gha::gate::job_deploys;
use crate::rules::support::edit::{add_entry, plain_region};
use crate::rules::support::gha::has_expr;
use crate::source::workflow::{Job, Workflow};

const ALL_JOBS: Opt<bool> = Opt::bool(
    "all-jobs",
    false,
    "ask every job, not only those on self-hosted or larger runners, deploying or with services",
);

const FIX_MINUTES: Opt<i64> = Opt::int(
    "fix-minutes",
    30,
    "the timeout-minutes the fix writes (an unsafe fix: the job is cancelled past it)",
);

pub static RULE: Rule = rule!("gha/missing-timeout")
    .summary("a job that can hang on a self-hosted runner, a deploy or service containers has no timeout-minutes")
    .packs(&["reliability"])
    .severity(Severity::Note)
    .options(&[ALL_JOBS.decl, FIX_MINUTES.decl])
    .on_workflow(check);

/// Labels of GitHub-hosted standard runners (2025-06, GitHub docs "GitHub-hosted runners":
/// ubuntu-*, windows-*, macos-*); a larger runner or a self-hosted one has other labels.
fn hosted_label(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    ["ubuntu-", "windows-", "macos-"]
        .iter()
        .any(|p| l.starts_with(p))
        && !l.contains("-xl")
        && !l.contains("core")
        && !l.contains("gpu")
        && !l.contains("arm64-") // larger arm runners carry a size suffix
}

/// Why a job without a timeout is worth asking about, if it is: the runner it holds.
fn scarce_runner(job: &Job<'_>) -> Option<String> {
    let runs_on = job.node.get("runs-on")?;
    let labels: Vec<&str> = if let Some(group) = runs_on.get("group").and_then(|g| g.as_str()) {
        return Some(format!("runner group \"{group}\""));
    } else if let Some(l) = runs_on.get("labels") {
        l.str_or_list().into_iter().map(|(s, _)| s).collect()
    } else {
        runs_on.str_or_list().into_iter().map(|(s, _)| s).collect()
    };
    if labels.iter().any(|l| has_expr(l)) || labels.is_empty() {
        return None; // chosen at run time: unknown
    }
    if labels.iter().any(|l| l.eq_ignore_ascii_case("self-hosted")) {
        return Some("a self-hosted runner".into());
    }
    if labels.iter().all(|l| hosted_label(l)) {
        return None;
    }
    Some(format!("runner \"{}\"", labels.join(", ")))
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let all = cx.opt(&ALL_JOBS);
    for j in wf.jobs() {
        // reusable-workflow calls cannot set timeout-minutes
        if j.uses().is_some() || j.node.get("timeout-minutes").is_some() {
            continue;
        }
        let why = if let Some(r) = scarce_runner(&j) {
            format!("a hung step holds {r} for 6 hours")
        } else if !j.services().is_empty() {
            "a service container that never becomes healthy can hold the job for 6 hours".into()
        } else if let Some(d) = job_deploys(cx, wf, &j) {
            format!(
                "a deploy ({}) that waits on a remote system can hang for 6 hours",
                d.what
            )
        } else if all {
            "a hung step holds the runner for 6 hours".into()
        } else {
            continue;
        };
        let mut f = cx.finding(
            j.key.span(),
            format!(
                "job \"{}\" has no timeout-minutes: {why}; set timeout-minutes to a little more than its usual run time",
                j.id
            ),
        );
        // unsafe: a job that usually runs longer is cancelled from now on
        let minutes = cx.opt(&FIX_MINUTES).max(1);
        let line = format!("timeout-minutes: {minutes}");
        if plain_region(cx.text(), j.node.span())
            && let Some((at, ins)) =
                add_entry(cx.text(), j.node, std::slice::from_ref(&line), &line)
        {
            f = f.fix(Fix::unsafe_(format!("set {line}")).insert(at, ins));
        }
        out.push(f);
    }
}
