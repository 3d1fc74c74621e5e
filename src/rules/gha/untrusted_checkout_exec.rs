//! gha/untrusted-checkout-exec: under a privileged trigger, the pull request's code checked
//! out and then built or run.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::workflow::Workflow;

use super::untrusted::{checkouts_and_execs, privileged};

pub static RULE: Rule = rule!("gha/untrusted-checkout-exec")
    .summary("a privileged workflow checks out a pull request's code and runs its build tools")
    .packs(&["injection"])
    .severity(Severity::Error)
    .security(9.0)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let triggers = wf.triggers();
    let risky = privileged(&triggers);
    let Some(t) = risky.first() else { return };
    for job in wf.jobs() {
        let guard = job
            .condition()
            .and_then(|c| c.as_str())
            .and_then(same_repository_guard);
        let steps = job.steps();
        for (checkout, exec) in checkouts_and_execs(cx, &steps) {
            let Some(exec) = exec else { continue };
            let mut f = cx.finding(exec.span, format!("{} runs the pull request's code in a `{t}` workflow, with the base repository's secrets and a write token: build untrusted code in a `pull_request` workflow instead", exec.what))
                    .related(checkout.span(), "the pull request's code is checked out here")
                    .help("split the work: build and test in `on: pull_request` (no secrets), upload the results as an artifact, and let the privileged workflow only read that data");
            if let Some(why) = guard {
                // only people with push access can put code on such a branch
                f = f.severity(Severity::Warning).help(format!("the job only runs {why}, whose branches live in this repository: only people with push access can add code there; still, build in `pull_request` where you can"));
            }
            out.push(f);
        }
    }
}

/// Whether a job condition keeps forks out: the pull request's head is this repository, or
/// its author is a bot whose branches live here (`user.login` names who opened it and cannot
/// be spoofed, unlike `github.actor`). Says which, for the message.
fn same_repository_guard(cond: &str) -> Option<&'static str> {
    let c: String = cond
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if c.contains("github.event.pull_request.head.repo.full_name==github.repository")
        || c.contains("github.repository==github.event.pull_request.head.repo.full_name")
        || c.contains("github.event.pull_request.head.repo.fork==false")
        || c.contains("!github.event.pull_request.head.repo.fork")
    {
        return Some("for pull requests from branches of this repository");
    }
    if c.contains("github.event.pull_request.user.login=='dependabot[bot]'")
        || c.contains("github.event.pull_request.user.login=='renovate[bot]'")
    {
        return Some("for pull requests a bot opened");
    }
    None
}
