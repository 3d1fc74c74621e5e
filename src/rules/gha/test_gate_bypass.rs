//! gha/test-gate-bypass: test failures that cannot fail the workflow.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::gha::common::{RunScript, TestTool, prog_args, run_scripts, test_tool};
use crate::source::shell::{Op, Script};
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/test-gate-bypass")
    .summary("a test step whose failure cannot fail the workflow")
    .packs(&["coverage-gates"])
    .severity(Severity::Error)
    .on_workflow(check)
    .on_action(check);

/// The index of the command after test command `i` (and its pipeline) when it discards the
/// failure: `|| true`, `|| exit 0`, `; true`.
fn swallowed(script: &Script, i: usize) -> Option<usize> {
    let mut k = i;
    while script
        .commands
        .get(k)
        .is_some_and(|x| x.op_after == Some(Op::Pipe))
    {
        k += 1;
    }
    let next = script.commands.get(k + 1)?;
    if !matches!(next.op_before, Some(Op::Or | Op::Semi)) {
        return None;
    }
    let swallow = match prog_args(next) {
        Some(("true" | ":", _)) => true,
        Some(("exit", a)) => a.first().is_none_or(|x| *x == "0"),
        _ => false,
    };
    swallow.then_some(k + 1)
}

/// Whether a later step of the same job runs `tool` with its failure intact: the best-effort
/// run before it (to collect logs, to warm a cache) gates nothing, this one does.
fn rerun_later(scripts: &[RunScript<'_>], at: usize, tool: &TestTool) -> bool {
    let job = scripts[at].job.map(|j| j.id);
    scripts.iter().skip(at + 1).any(|r| {
        r.job.map(|j| j.id) == job
            && r.step.continue_on_error().is_none()
            && r.script.commands.iter().enumerate().any(|(i, c)| {
                test_tool(c).as_ref() == Some(tool) && swallowed(r.script, i).is_none()
            })
    })
}

/// Whether a later step of the same job fails the job when step `id` did not succeed: its
/// `if:` reads `steps.<id>.outcome` (or `conclusion`) and its script exits non-zero.
fn reraised_later(scripts: &[RunScript<'_>], at: usize, id: &str) -> bool {
    let job = scripts[at].job.map(|j| j.id);
    let outcome = format!("steps.{id}.outcome");
    let conclusion = format!("steps.{id}.conclusion");
    scripts.iter().skip(at + 1).any(|r| {
        r.job.map(|j| j.id) == job
            && r.step
                .condition()
                .and_then(|c| c.as_str())
                .is_some_and(|c| c.contains(&outcome) || c.contains(&conclusion))
            && r.script.commands.iter().any(|c| match prog_args(c) {
                Some(("exit", a)) => a.first().is_some_and(|x| *x != "0"),
                Some(("false", _)) => true,
                _ => false,
            })
    })
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let scripts = run_scripts(cx, wf);
    let mut flagged_jobs: Vec<&str> = Vec::new();
    for (at, r) in scripts.iter().enumerate() {
        let tests: Vec<(usize, TestTool)> = r
            .script
            .commands
            .iter()
            .enumerate()
            .filter_map(|(i, c)| Some((i, test_tool(c)?)))
            .collect();
        if tests.is_empty() {
            continue;
        }
        if let Some(coe) = r.step.continue_on_error() {
            let reraised = r
                .step
                .node
                .get("id")
                .and_then(|n| n.as_str())
                .is_some_and(|id| reraised_later(&scripts, at, id));
            if !reraised && !tests.iter().all(|(_, t)| rerun_later(&scripts, at, t)) {
                out.push(cx.finding(coe.span(), format!("{} runs tests with `continue-on-error: true`: a failing test does not fail the job; remove it", r.step.display())));
            }
        }
        if let Some(j) = r.job {
            if let Some(coe) = j.continue_on_error() {
                if !flagged_jobs.contains(&j.id) {
                    flagged_jobs.push(j.id);
                    out.push(cx.finding(coe.span(), format!("job \"{}\" runs tests with `continue-on-error: true`: a failing test does not fail the workflow; remove it", j.id)));
                }
            }
        }
        for (i, tool) in &tests {
            let c = &r.script.commands[*i];
            if let Some(w) = c.words.iter().find(|w| {
                w.value == "--passWithNoTests" || w.value.starts_with("--passWithNoTests=true")
            }) {
                out.push(cx.finding(
                    w.span,
                    "`--passWithNoTests` lets the test step pass when no test runs: remove it",
                ));
            }
            let Some(k) = swallowed(r.script, *i) else {
                continue;
            };
            // a best-effort run followed by the real one, in this step or a later one
            let again_here = r
                .script
                .commands
                .iter()
                .enumerate()
                .skip(k + 1)
                .any(|(j, x)| {
                    test_tool(x).as_ref() == Some(tool) && swallowed(r.script, j).is_none()
                });
            if again_here || rerun_later(&scripts, at, tool) {
                continue;
            }
            let next = &r.script.commands[k];
            let sep = if next.op_before == Some(Op::Or) {
                "||"
            } else {
                ";"
            };
            out.push(cx.finding(next.span, format!("`{sep} {}` after the test command discards its failure: remove it so failing tests fail the job", next.span.text(cx.text()))));
        }
    }
}
