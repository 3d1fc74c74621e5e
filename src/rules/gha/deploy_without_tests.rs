//! gha/deploy-without-tests: a deploying job that does not need a job that runs tests.

use std::collections::{BTreeSet, HashMap};

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::gha::common::{by_job, job_deploys, job_tests, of_job, run_scripts};
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
    let by_job = by_job(&scripts);
    let jobs = wf.jobs();
    // each job's tests found once, jobs indexed once: searching per deploying job and per
    // need made a workflow of thousands of jobs cubic
    let index: HashMap<&str, usize> = jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.id, i))
        .rev()
        .collect();
    let tests: Vec<bool> = jobs
        .iter()
        .map(|j| job_tests(of_job(&by_job, j.id), j.id).is_some() || calls_tests(j))
        .collect();
    let testing: Vec<usize> = (0..jobs.len()).filter(|&i| tests[i]).take(2).collect();
    for job in &jobs {
        let own = of_job(&by_job, job.id);
        let Some((what, at)) = job_deploys(own, job) else {
            continue;
        };
        // tests earlier in the same job count
        if let Some(t) = job_tests(own, job.id) {
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
            let Some(&i) = index.get(id) else {
                continue;
            };
            if tests[i] {
                tested = true;
                break;
            }
            stack.extend(jobs[i].needs().into_iter().map(|(n, _)| n));
        }
        if tested {
            continue;
        }
        let candidate = testing.iter().map(|&i| &jobs[i]).find(|j| j.id != job.id);
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
