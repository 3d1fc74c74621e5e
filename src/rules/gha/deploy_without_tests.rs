//! gha/deploy-without-tests: a deploying job that does not need a job that runs tests.

use std::collections::BTreeSet;

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::rules::gha::gate::{job_deploys, job_tests};
use crate::source::workflow::{Job, Workflow};

pub static RULE: Rule = rule!("gha/deploy-without-tests")
    .summary("a job deploys without depending, through needs, on a job that runs tests")
    .packs(&["coverage-gates"])
    // one misdetected job is one finding: this one, not also "without an environment"
    .supersedes(&["gha/deploy-without-environment"])
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let triggers = wf.triggers();
    if triggers.contains(&"workflow_run") {
        return; // gated by the workflow that triggers it
    }
    if !triggers.is_empty() && triggers.iter().all(|t| *t == "workflow_call") {
        // a reusable workflow runs when a caller calls it: the caller's `needs:` gate it, and
        // a local caller's deploy is judged there, where the missing `needs:` goes
        return;
    }
    let jobs = wf.jobs();
    for job in &jobs {
        let Some(deploy) = job_deploys(cx, wf, job) else {
            continue;
        };
        // tests earlier in the same job count
        if job_tests(cx, wf, job).is_some_and(|t| t.start < deploy.span.start) {
            continue;
        }
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = job.needs().into_iter().map(|(n, _)| n).collect();
        let mut tested = false;
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(j) = jobs.iter().find(|j| j.id == id) else {
                continue;
            };
            if job_tests(cx, wf, j).is_some() {
                tested = true;
                break;
            }
            stack.extend(j.needs().into_iter().map(|(n, _)| n));
        }
        if tested {
            continue;
        }
        let candidate: Option<&Job<'_>> = jobs
            .iter()
            .find(|j| j.id != job.id && job_tests(cx, wf, j).is_some());
        let what = &deploy.what;
        let msg = match candidate {
            Some(t) => format!(
                "job \"{}\" deploys ({what}) without needing the tests: add `needs: [{}]` so it runs only after they pass",
                job.id, t.id
            ),
            None => format!(
                "job \"{}\" deploys ({what}) but no job it needs runs tests: add a test job and list it in `needs:`",
                job.id
            ),
        };
        let mut f = cx
            .finding(job.key.span(), msg)
            .related(deploy.span, "the deployment");
        if let Some(t) = candidate {
            f = f.related(t.key.span(), "the test job it should need");
        }
        out.push(f);
    }
}
