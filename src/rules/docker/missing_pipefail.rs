//! docker/missing-pipefail: a RUN whose shell pipes one command into another without
//! `set -o pipefail`, so a failure on the left of the pipe does not fail the build.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Instruction, Keyword};
use crate::source::shell::{Command, Op, basename};

pub static RULE: Rule = rule!("docker/missing-pipefail")
    .summary("a RUN with a pipe under a POSIX shell without set -o pipefail")
    .packs(&["reliability"])
    .on_dockerfile(check);

/// Shells that understand `-o pipefail` (or where a pipe's status is the last command's).
fn posix(shell: &str) -> bool {
    matches!(
        basename(shell),
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// What a `SHELL` instruction says: (a POSIX shell, with pipefail).
fn shell_of(inst: &Instruction) -> Option<(bool, bool)> {
    let words: Vec<String> = inst.words().into_iter().map(|(w, _)| w).collect();
    let first = words.first()?;
    let pipefail = words.iter().any(|w| w.contains("pipefail"));
    Some((posix(first), pipefail))
}

fn sets_pipefail(c: &Command) -> bool {
    c.name() == Some("set") && c.words.iter().any(|w| w.value.contains("pipefail"))
}

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    // the SHELL in force per stage; a stage built on another inherits its SHELL
    let mut stage_shell: Vec<(bool, bool)> = Vec::with_capacity(df.stages.len());
    for (si, stage) in df.stages.iter().enumerate() {
        let mut shell = stage
            .base
            .and_then(|b| stage_shell.get(b).copied())
            .unwrap_or((true, false));
        for inst in df.stage_instructions(stage) {
            match inst.keyword {
                Keyword::Shell => {
                    if let Some(s) = shell_of(inst) {
                        shell = s;
                    }
                }
                Keyword::Run if !inst.is_exec_form() => {
                    let (is_posix, pipefail) = shell;
                    if is_posix && !pipefail {
                        pipe_without_pipefail(cx, inst, out);
                    }
                }
                _ => {}
            }
        }
        debug_assert_eq!(stage_shell.len(), si);
        stage_shell.push(shell);
    }
}

fn pipe_without_pipefail(cx: &Cx<'_>, inst: &Instruction, out: &mut Vec<Finding>) {
    let cmds = inst.commands();
    let mut pipefail = false;
    for (i, c) in cmds.iter().enumerate() {
        if sets_pipefail(c) {
            pipefail = true;
        }
        if pipefail || c.op_after != Some(Op::Pipe) || c.in_subshell {
            continue;
        }
        // the whole pipeline: from this command to the last one sharing its id
        let last = cmds[i..]
            .iter()
            .take_while(|x| x.pipeline == c.pipeline)
            .last()
            .unwrap_or(c);
        let left = c.name().map(basename).unwrap_or("the command");
        let right = last.name().map(basename).unwrap_or("the last command");
        out.push(
            cx.finding(
                c.span.cover(last.span),
                format!("this pipe's exit status is {right}'s alone: if {left} fails the build goes on; start the RUN with set -o pipefail, or SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]"),
            )
            .help("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before the RUN covers every later RUN of the stage (on Alpine, /bin/ash understands -o pipefail too)"),
        );
        return; // one finding per RUN
    }
}
