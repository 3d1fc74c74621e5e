//! docker/shell-form-entrypoint: CMD/ENTRYPOINT in shell form, where `/bin/sh -c` is PID 1.

use crate::api::{Cx, Finding, Fix, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/shell-form-entrypoint")
    .summary("CMD or ENTRYPOINT in shell form: signals do not reach the process")
    .packs(&["reliability"])
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for inst in &df.instructions {
        let kw = match inst.keyword {
            Keyword::Cmd => "CMD",
            Keyword::Entrypoint => "ENTRYPOINT",
            _ => continue,
        };
        if inst.is_exec_form() || inst.args.text.trim().is_empty() || !df.is_shipped(inst) {
            continue;
        }
        // `exec app` in shell form replaces the shell: signals reach the app
        if inst.args.text.trim_start().starts_with("exec ") {
            continue;
        }
        let simple =
            inst.commands().len() == 1 && !inst.args.text.contains(['$', '>', '<', '*', '`']);
        let words: Vec<String> = inst.words().into_iter().map(|(w, _)| w).collect();
        let suggestion = if simple {
            format!("use the exec form, {kw} {}", serde_json_like(&words))
        } else {
            "use the exec form, or end the script with `exec <your app>`".to_string()
        };
        let f = cx
            .finding(
                inst.args_span,
                format!("{kw} in shell form runs under /bin/sh -c, which does not pass SIGTERM on: {suggestion}"),
            )
            .help("exec form is a JSON array: CMD [\"gunicorn\", \"app:app\"]; if you need the shell, end with `exec your-app`");
        // unsafe: the program becomes PID 1 and gets signals itself, and no shell expands
        // anything any more; offered only for one plain command that needs no shell
        let plain = simple
            && inst.heredocs.is_empty()
            && inst.commands()[0].program().is_some_and(|(_, i)| i == 0)
            && words
                .first()
                .is_some_and(|w| !SHELL_ONLY.contains(&w.as_str()) && !w.contains('='))
            && !inst
                .args
                .text
                .contains(['~', '&', '|', ';', '(', ')', '#', '\\']);
        out.push(if plain {
            f.fix(
                Fix::unsafe_("use the exec form").replace(inst.args_span, serde_json_like(&words)),
            )
        } else {
            f
        });
    }
}

/// Shell builtins and keywords: no program of that name to exec.
const SHELL_ONLY: &[&str] = &[
    ".", "source", "cd", "export", "set", "unset", "ulimit", "umask", "trap", "eval", "exit", "if",
    "for", "while", "case", "until", "{", "!", "[[",
];

/// The words as a JSON array, for the suggestion.
fn serde_json_like(words: &[String]) -> String {
    let items: Vec<String> = words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("[{}]", items.join(", "))
}
