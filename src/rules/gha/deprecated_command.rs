//! gha/deprecated-command: workflow commands GitHub disabled or deprecated.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::source::Span;
use crate::source::workflow::Workflow;
use crate::source::yaml::{Style, Yaml};

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
        // every command starts `::`: a script without one needs no value map
        if !text.contains("::") {
            continue;
        }
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
                let fix = replacement(cx, run, span, cmd);
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
                    .severity(sev)
                    .fix_opt(fix),
                );
            }
        }
    }
}

/// The fix of `echo "::set-output name=NAME::VALUE"` (or `::save-state`): the same echo
/// writing `NAME=VALUE` to `$GITHUB_OUTPUT` (`$GITHUB_STATE`). Only for an echo of that one
/// argument, with no redirection, in a literal block or a plain scalar (whose text is the
/// script as written). Safe unless the value holds `%`: the old command decoded `%25`,
/// `%0A` and `%0D`, the file does not.
fn replacement(cx: &Cx<'_>, run: Yaml<'_>, at: Span, cmd: &str) -> Option<Fix> {
    let file = match cmd {
        "::set-output" => "$GITHUB_OUTPUT",
        "::save-state" => "$GITHUB_STATE",
        _ => return None,
    };
    if !matches!(run.style(), Some(Style::Literal | Style::Plain)) {
        return None;
    }
    let script = cx.script(run)?;
    let c = script.commands.iter().find(|c| c.span.contains(at))?;
    let (echo, args) = c.words.split_first()?;
    let (first, last) = (args.first()?, args.last()?);
    let span = Span::new(first.span.start, last.span.end);
    if echo.value != "echo" || span.end != c.span.end || !span.contains(at) {
        return None;
    }
    let raw = cx.text().get(span.start..span.end)?;
    let head = format!("{cmd} name=");
    let start = raw.find(&head)?;
    let rest = &raw[start + head.len()..];
    let sep = rest.find("::")?;
    let name = &rest[..sep];
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return None;
    }
    let value = &rest[sep + 2..];
    let new = format!("{}{name}={value}", &raw[..start]);
    let title = format!("write to \"{file}\" instead of `{cmd}`");
    let fix = if value.contains('%') {
        Fix::unsafe_(title)
    } else {
        Fix::safe(title)
    };
    Some(
        fix.replace(span, new)
            .insert(c.span.end, format!(" >> \"{file}\"")),
    )
}
