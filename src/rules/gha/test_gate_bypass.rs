//! gha/test-gate-bypass: test failures that cannot fail the workflow.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::rules::gha::common::{prog_args, run_scripts, test_tool};
use crate::source::Kind;
use crate::source::shell::Op;
use crate::source::workflow::Workflow;

pub const RULE: Rule = Rule {
    id: "gha/test-gate-bypass",
    kinds: &[Kind::Workflow, Kind::Action],
    packs: &["coverage-gates"],
    severity: Severity::Error,
    security_severity: None,
    summary: "a test step whose failure cannot fail the workflow",
    doc: include_str!("../../../rules/gha/test-gate-bypass.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let Some(wf) = Workflow::of(yaml) else { return };
    let scripts = run_scripts(cx, &wf);
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
                    r.span(w.span),
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
                out.push(cx.finding(r.span(next.span), format!("`{sep} {}` after the test command discards its failure: remove it so failing tests fail the job", next.span.text(r.text))));
            }
        }
    }
}
