//! gha/deploy-without-tests: a deploying job that does not need a job that runs tests (or,
//! with `require`, lint, a security scan or a build).

use std::collections::{BTreeSet, HashMap};

use crate::api::{Cx, Finding, Opt, Rule, StrList};
use crate::rule;
use crate::rules::gha::gate::{Category, job_deploys, job_does};
use crate::source::workflow::{Job, Workflow};

const REQUIRE: Opt<StrList> = Opt::list(
    "require",
    &["tests"],
    "what a deploy must depend on: tests, lint, security-scan, build",
)
.one_of(Category::NAMES);

pub static RULE: Rule = rule!("gha/deploy-without-tests")
    .summary("a job deploys without depending, through needs, on a job that runs tests")
    .packs(&["coverage-gates"])
    .options(&[REQUIRE.decl])
    // one misdetected job is one finding: this one, not also "without an environment"
    .supersedes(&["gha/deploy-without-environment"])
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let triggers = wf.triggers();
    let jobs = wf.jobs();
    // jobs indexed once: a search per need made thousands of jobs quadratic
    let index: HashMap<&str, &Job<'_>> = jobs.iter().rev().map(|j| (j.id, j)).collect();
    if triggers.contains(&"workflow_run") {
        // gated by the workflow that triggers it, when the triggering run's conclusion is
        // checked
        workflow_run(cx, wf, &jobs, out);
        return;
    }
    if !triggers.is_empty() && triggers.iter().all(|t| *t == "workflow_call") {
        // a reusable workflow runs when a caller calls it: the caller's `needs:` gate it, and
        // a local caller's deploy is judged there, where the missing `needs:` goes
        return;
    }
    let mut require: Vec<Category> = Vec::new();
    for s in cx.opt(&REQUIRE) {
        // config refused any other value at load
        if let Some(c) = Category::parse(s) {
            if !require.contains(&c) {
                require.push(c);
            }
        }
    }
    for job in &jobs {
        let Some(deploy) = job_deploys(cx, wf, job) else {
            continue;
        };
        let mut missing: Vec<Category> = Vec::new();
        for &cat in &require {
            // done earlier in the same job counts
            if job_does(cx, wf, job, cat).is_some_and(|t| t.start < deploy.span.start) {
                continue;
            }
            let mut seen = BTreeSet::new();
            let mut stack: Vec<&str> = job.needs().into_iter().map(|(n, _)| n).collect();
            let mut done = false;
            while let Some(id) = stack.pop() {
                if !seen.insert(id) {
                    continue;
                }
                let Some(&j) = index.get(id) else {
                    continue;
                };
                if job_does(cx, wf, j, cat).is_some() {
                    done = true;
                    break;
                }
                stack.extend(j.needs().into_iter().map(|(n, _)| n));
            }
            if !done {
                missing.push(cat);
            }
        }
        let what = &deploy.what;
        if missing.contains(&Category::Tests) {
            let candidate: Option<&Job<'_>> = jobs
                .iter()
                .find(|j| j.id != job.id && job_does(cx, wf, j, Category::Tests).is_some());
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
        let others: Vec<Category> = missing
            .into_iter()
            .filter(|c| *c != Category::Tests)
            .collect();
        if others.is_empty() {
            continue;
        }
        let names: Vec<&str> = others.iter().map(|c| c.name()).collect();
        let mut f = cx
            .finding(
                job.key.span(),
                format!(
                    "job \"{}\" deploys ({what}) without needing {}: add the job that runs it to `needs:` (required by this rule's `require` option)",
                    job.id,
                    names.join(", ")
                ),
            )
            .related(deploy.span, "the deployment");
        for c in &others {
            if let Some(j) = jobs
                .iter()
                .find(|j| j.id != job.id && job_does(cx, wf, j, *c).is_some())
            {
                f = f.related(j.key.span(), format!("a job that runs {}", c.name()));
            }
        }
        out.push(f);
    }
}

/// A workflow started by `workflow_run` runs when the triggering workflow completes, passed
/// or failed: a deploy there is gated only when it checks the run's conclusion (in its own
/// `if:` or one of a job it needs).
fn workflow_run(cx: &Cx<'_>, wf: &Workflow<'_>, jobs: &[Job<'_>], out: &mut Vec<Finding>) {
    let index: HashMap<&str, &Job<'_>> = jobs.iter().rev().map(|j| (j.id, j)).collect();
    let checks = |j: &Job<'_>| {
        j.condition()
            .and_then(|c| c.as_str().map(str::to_string))
            .is_some_and(|c| c.contains("workflow_run.conclusion"))
    };
    // a run only on `requested` starts before the triggering run ends: nothing to check yet
    let only_requested = wf
        .root
        .path(&["on", "workflow_run", "types"])
        .is_some_and(|t| {
            let text = t.span().text(cx.text());
            text.contains("requested") && !text.contains("completed")
        });
    if only_requested {
        return;
    }
    for job in jobs {
        let Some(deploy) = job_deploys(cx, wf, job) else {
            continue;
        };
        // tests earlier in the same job gate it as well
        if checks(job)
            || job_does(cx, wf, job, Category::Tests).is_some_and(|t| t.start < deploy.span.start)
        {
            continue;
        }
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = job.needs().into_iter().map(|(n, _)| n).collect();
        let mut gated = false;
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some(&j) = index.get(id) else {
                continue;
            };
            if checks(j) {
                gated = true;
                break;
            }
            stack.extend(j.needs().into_iter().map(|(n, _)| n));
        }
        // a step that reads the conclusion before the deploy (`if [ "${{ github.event.workflow_run.conclusion }}" ...`)
        let text = job.node.span().text(cx.text());
        let step_check = text
            .find("workflow_run.conclusion")
            .is_some_and(|i| job.node.span().start + i < deploy.span.start);
        if gated || step_check {
            continue;
        }
        out.push(
            cx.finding(
                job.key.span(),
                format!(
                    "job \"{}\" deploys ({}) on workflow_run without checking the triggering run's conclusion: it deploys even when that run failed: add `if: github.event.workflow_run.conclusion == 'success'`",
                    job.id, deploy.what
                ),
            )
            .related(deploy.span, "the deployment"),
        );
    }
}
