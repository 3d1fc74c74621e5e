//! docker/shell-form-entrypoint: CMD/ENTRYPOINT in shell form, where `/bin/sh -c` is PID 1.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;

pub const RULE: Rule = Rule {
    id: "docker/shell-form-entrypoint",
    kinds: &[Kind::Dockerfile],
    packs: &["reliability"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "CMD or ENTRYPOINT in shell form: signals do not reach the process",
    doc: include_str!("../../../rules/docker/shell-form-entrypoint.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
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
            inst.run_commands().len() == 1 && !inst.args.text.contains(['$', '>', '<', '*', '`']);
        let suggestion = if simple {
            let words: Vec<String> = inst.words().into_iter().map(|(w, _)| w).collect();
            format!("use the exec form, {kw} {}", serde_json_like(&words))
        } else {
            "use the exec form, or end the script with `exec <your app>`".to_string()
        };
        out.push(
            cx.finding(
                inst.args_span,
                format!("{kw} in shell form runs under /bin/sh -c, which does not pass SIGTERM on: {suggestion}"),
            )
            .help("exec form is a JSON array: CMD [\"gunicorn\", \"app:app\"]; if you need the shell, end with `exec your-app`"),
        );
    }
}

/// The words as a JSON array, for the suggestion.
fn serde_json_like(words: &[String]) -> String {
    let items: Vec<String> = words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("[{}]", items.join(", "))
}
