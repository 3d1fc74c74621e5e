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
        let steps = job.steps();
        for (checkout, exec) in checkouts_and_execs(cx, &steps) {
            let Some(exec) = exec else { continue };
            out.push(
                cx.finding(exec.span, format!("{} runs the pull request's code in a `{t}` workflow, with the base repository's secrets and a write token: build untrusted code in a `pull_request` workflow instead", exec.what))
                    .related(checkout.span(), "the pull request's code is checked out here")
                    .help("split the work: build and test in `on: pull_request` (no secrets), upload the results as an artifact, and let the privileged workflow only read that data"),
            );
        }
    }
}
