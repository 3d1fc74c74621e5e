//! gha/test-gate-bypass: test failures that cannot fail the workflow.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::gha::common::{prog_args, run_scripts, test_tool};
use crate::source::shell::Op;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/test-gate-bypass")
    .summary("a test step whose failure cannot fail the workflow")
    .packs(&["coverage-gates"])
    .severity(Severity::Error)
    .on_workflow(check)
    .on_action(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let scripts = run_scripts(cx, wf);
    let mut flagged_jobs: Vec<&str> = Vec::new();
    for r in &scripts {
        let tests: Vec<usize> = (0..r.script.commands.len())
            .filter(|&i| test_tool(&r.script.commands[i]).is_some())
            .collect();
        if tests.is_empty() {
            continue;
        }
        if let Some(coe) = r.step.continue_on_error() {
            out.push(cx.finding(coe.span(), format!("{} runs tests with `continue-on-error: true`: a failing test does not fail the job; remove it", r.step.display())));
        }
        if let Some(j) = r.job {
            if let Some(coe) = j.continue_on_error() {
                if !flagged_jobs.contains(&j.id) {
                    flagged_jobs.push(j.id);
                    out.push(cx.finding(coe.span(), format!("job \"{}\" runs tests with `continue-on-error: true`: a failing test does not fail the workflow; remove it", j.id)));
                }
            }
        }
        for &i in &tests {
            let c = &r.script.commands[i];
            if let Some(w) = c.words.iter().find(|w| {
                w.value == "--passWithNoTests" || w.value.starts_with("--passWithNoTests=true")
            }) {
                out.push(cx.finding(
                    w.span,
                    "`--passWithNoTests` lets the test step pass when no test runs: remove it",
                ));
            }
            // `|| true`, `|| exit 0`, `; true` right after the test command (or its pipeline)
            let mut k = i;
            while r
                .script
                .commands
                .get(k)
                .is_some_and(|x| x.op_after == Some(Op::Pipe))
            {
                k += 1;
            }
            let Some(next) = r.script.commands.get(k + 1) else {
                continue;
            };
            if !matches!(next.op_before, Some(Op::Or | Op::Semi)) {
                continue;
            }
            let swallow = match prog_args(next) {
                Some(("true" | ":", _)) => true,
                Some(("exit", a)) => a.first().is_none_or(|x| *x == "0"),
                _ => false,
            };
            if swallow {
                let sep = if next.op_before == Some(Op::Or) {
                    "||"
                } else {
                    ";"
                };
                out.push(cx.finding(next.span, format!("`{sep} {}` after the test command discards its failure: remove it so failing tests fail the job", next.span.text(cx.text()))));
            }
        }
    }
}
