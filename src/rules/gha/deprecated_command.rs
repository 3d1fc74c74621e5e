//! gha/deprecated-command: workflow commands GitHub disabled or deprecated.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::Span;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/deprecated-command")
    .summary("a run: script uses a deprecated workflow command (::set-output, ::set-env, ...)")
    .packs(&["hygiene"])
    .on_workflow(check)
    .on_action(check);

const COMMANDS: &[(&str, &str)] = &[
    ("::set-output", "echo \"name=value\" >> \"$GITHUB_OUTPUT\""),
    ("::save-state", "echo \"name=value\" >> \"$GITHUB_STATE\""),
    ("::set-env", "echo \"NAME=value\" >> \"$GITHUB_ENV\""),
    ("::add-path", "echo \"/path\" >> \"$GITHUB_PATH\""),
];

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for (_, step) in wf.all_steps() {
        let Some(run) = step.run() else { continue };
        let Some(text) = run.as_str() else { continue };
        let map = run.value_map(cx.text());
        for (cmd, instead) in COMMANDS {
            let mut from = 0;
            while let Some(i) = text.get(from..).and_then(|t| t.find(cmd)) {
                let at = from + i;
                from = at + cmd.len();
                let span = map.span(Span::new(at, at + cmd.len()));
                let sev = if matches!(*cmd, "::set-env" | "::add-path") {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                out.push(
                    cx.finding(
                        span,
                        format!(
                            "`{cmd}` is deprecated{}: use {instead}",
                            if sev == Severity::Error {
                                " and disabled by GitHub"
                            } else {
                                ""
                            }
                        ),
                    )
                    .severity(sev),
                );
            }
        }
    }
}
