//! gha/deploy-without-tests: a deploying job that does not need a job that runs tests.

use std::collections::BTreeSet;

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::gha::common::{job_deploys, job_tests, run_scripts};
use crate::source::workflow::{Job, Workflow};

pub static RULE: Rule = rule!("gha/deploy-without-tests")
    .summary("a job deploys without depending, through needs, on a job that runs tests")
    .packs(&["coverage-gates"])
    .severity(Severity::Error)
    .on_workflow(check);

/// A reusable-workflow call that reads like a test suite (`./.github/workflows/test.yml`).
fn calls_tests(job: &Job<'_>) -> bool {
    job.uses().and_then(|u| u.as_str()).is_some_and(|u| {
        let file = u
            .split('@')
            .next()
            .unwrap_or(u)
            .rsplit('/')
            .next()
            .unwrap_or(u);
        let l = file.to_ascii_lowercase();
        l.contains("test") || l.starts_with("ci.") || l.contains("check")
    })
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    if wf.triggers().contains(&"workflow_run") {
        return; // gated by the workflow that triggers it
    }
    let scripts = run_scripts(cx, wf);
    let jobs = wf.jobs();
    let tests = |j: &Job<'_>| job_tests(&scripts, j.id).is_some() || calls_tests(j);
    for job in &jobs {
        let Some((what, at)) = job_deploys(&scripts, job) else {
            continue;
        };
        // tests earlier in the same job count
        if let Some(t) = job_tests(&scripts, job.id) {
            if t.start < at.start {
                continue;
            }
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
            if tests(j) {
                tested = true;
                break;
            }
            stack.extend(j.needs().into_iter().map(|(n, _)| n));
        }
        if tested {
            continue;
        }
        let candidate = jobs.iter().find(|j| j.id != job.id && tests(j));
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
            .related(at, "the deployment");
        if let Some(t) = candidate {
            f = f.related(t.key.span(), "the test job it should need");
        }
        out.push(f);
    }
}
