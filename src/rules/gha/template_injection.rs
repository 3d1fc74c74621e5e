//! gha/template-injection: `${{ }}` expanding attacker-controlled data inside a script.

use crate::api::{Confidence, Cx, Finding, Fix, Opt, Rule, Severity};
use crate::rule;
use crate::rules::support::edit::{plain_region, set_nested};
use crate::rules::support::gha::has_expr;
use crate::source::OffsetMap;
use crate::source::expr::{self, ContextRef, Node, path_matches};
use crate::source::workflow::{Step, Workflow};
use crate::source::yaml::{Style, Yaml};

use super::untrusted::{attacker, attacker_value, ref_name, unprivileged_reason};

const INDIRECT: Opt<bool> = Opt::bool(
    "indirect",
    false,
    "also report values a caller or an earlier step chose (inputs.*, steps.*.outputs.*, needs.*.outputs.*), which may carry untrusted text",
);

pub static RULE: Rule = rule!("gha/template-injection")
    .summary("a ${{ }} expression expands attacker-controlled data into a script")
    .packs(&["injection"])
    .severity(Severity::Error)
    .security(8.8)
    .options(&[INDIRECT.decl])
    .on_workflow(check)
    .on_action(check);

/// Action inputs that an action runs as code or evaluates (a script, a shell command, a
/// JavaScript object literal, a template): an expression there is pasted into code as a `run:`
/// is. Source: the sink models of CodeQL's GitHub Actions library, as bundled in zizmor's
/// data/codeql-injection-sinks.json at 97f1a85b (2026-03-10); taken 2026-12-01.
const ACTION_SINKS: &[(&str, &[&str])] = &[
    ("8398a7/action-slack", &["custom_payload"]),
    ("actions/github-script", &["script"]),
    ("appleboy/ssh-action", &["script"]),
    ("azure/cli", &["inlineScript"]),
    ("azure/powershell", &["inlineScript"]),
    ("devorbitus/yq-action-output", &["cmd"]),
    ("gautamkrishnar/blog-post-workflow", &["item_exec"]),
    (
        "imjohnbo/issue-bot",
        &[
            "body",
            "linked-comments-previous-issue-text",
            "linked-comments-new-issue-text",
        ],
    ),
    ("lucasbento/auto-close-issues", &["issue-close-message"]),
    ("mikefarah/yq", &["cmd"]),
    (
        "roots/issue-closer-action",
        &["issue-close-message", "pr-close-message"],
    ),
    ("sergeysova/jq-action", &["cmd"]),
    ("skitionek/notify-microsoft-teams", &["overwrite"]),
    (
        "tibdex/backport",
        &[
            "body_template",
            "head_template",
            "labels_template",
            "title_template",
        ],
    ),
];

/// How a message names an action sink: `github-script` as before, else the action.
fn action_place(action: &'static str) -> &'static str {
    if action == "actions/github-script" {
        "github-script"
    } else {
        action
    }
}

/// The context references whose value an expression turns into text through `toJSON`
/// (where an object renders in full; elsewhere it renders as `Object` or `Array`).
fn through_tojson<'a>(n: &'a Node, inside: bool, out: &mut Vec<&'a ContextRef>) {
    match n {
        Node::Context(c) if inside => out.push(c),
        Node::Index(a, _) => through_tojson(a, inside, out),
        Node::Binary(a, "&&" | "||", b) => {
            through_tojson(a, inside, out);
            through_tojson(b, inside, out);
        }
        Node::Call { name, args } => {
            let tojson = name.eq_ignore_ascii_case("tojson");
            args.iter()
                .for_each(|a| through_tojson(a, inside || tojson, out));
        }
        _ => {}
    }
}

/// The byte ranges of a script's quoted heredoc bodies (`<<'EOF'` ... `EOF`) and PowerShell
/// single-quoted here-strings (`@'` ... `'@`): text there is never expanded, and only a line
/// of its own ends it.
fn literal_blocks(script: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String, bool)> = None; // (body start, terminator, pwsh)
    let mut at = 0;
    for line in script.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        if let Some((body, term, pwsh)) = &open {
            let done = if *pwsh {
                text.trim_start().starts_with(term.as_str())
            } else {
                text.trim_start_matches('\t') == term
            };
            if done {
                out.push((*body, start));
                open = None;
            }
            continue;
        }
        if text.trim_end().ends_with("@'") {
            open = Some((at, "'@".to_string(), true));
        } else if let Some(i) = text.find("<<") {
            let rest = text[i + 2..].trim_start_matches('-').trim_start();
            for q in ['\'', '"'] {
                if let Some(r) = rest.strip_prefix(q) {
                    if let Some(end) = r.find(q) {
                        open = Some((at, r[..end].to_string(), false));
                    }
                }
            }
        }
    }
    out
}

/// Medium: values a caller or an earlier step chose.
fn indirect(path: &str) -> bool {
    path_matches(path, "inputs.**")
        || path_matches(path, "github.event.inputs.**")
        || path_matches(path, "steps.*.outputs.**")
        || path_matches(path, "needs.*.outputs.**")
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    // the workflow's triggers (an action's callers are unknown: `None`)
    let triggers = (cx.kind() == crate::source::Kind::Workflow).then(|| wf.triggers());
    for (job, step) in wf.all_steps() {
        let mut scripts: Vec<(Yaml<'_>, &str)> = Vec::new();
        if let Some(run) = step.run() {
            scripts.push((run, "run:"));
        }
        for (action, inputs) in ACTION_SINKS {
            if !step.uses_action(action) {
                continue;
            }
            for input in *inputs {
                if let Some(s) = step.with(input) {
                    scripts.push((s, action_place(action)));
                }
            }
        }
        // only a script holding `${{` can carry an expression: the others skip the work
        // below (most run: scripts hold none)
        scripts.retain(|(node, _)| node.as_str().is_some_and(has_expr));
        if scripts.is_empty() {
            continue;
        }
        // env names fed from attacker-controlled data, step over job over workflow
        let mut tainted: Vec<String> = Vec::new();
        let envs = [
            wf.env(),
            job.map(|j| j.env()).unwrap_or_default(),
            step.env(),
        ];
        for (k, v) in envs.iter().flatten() {
            let (Some(name), Some(value)) = (k.as_str(), v.as_str()) else {
                continue;
            };
            if expr::find(value)
                .iter()
                .any(|e| e.expanded().iter().any(|c| attacker(&c.path)))
            {
                tainted.push(name.to_ascii_lowercase());
            }
        }
        for (node, place) in scripts {
            let Some(value) = node.as_str() else { continue };
            let map = node.value_map(cx.text());
            let blocks = literal_blocks(value);
            let exprs = expr::find(value);
            // the quoting at each expression and whether the step can be edited, found once
            // per script: per finding, they made one long line quadratic
            let quoting = quote_states(value, exprs.iter().map(|e| e.span.start));
            let editable = plain_region(cx.text(), step.node.span());
            for (e, quoting) in exprs.iter().zip(quoting) {
                let mut rendered = Vec::new();
                if let Some(t) = &e.tree {
                    through_tojson(t, false, &mut rendered);
                }
                for c in e.expanded() {
                    // an object outside toJSON renders as `Object`: no attacker text
                    if attacker(&c.path)
                        && !attacker_value(&c.path)
                        && !rendered.iter().any(|r| std::ptr::eq(*r, c))
                    {
                        continue;
                    }
                    // a branch name cannot end a quoted heredoc or here-string
                    if ref_name(&c.path)
                        && blocks
                            .iter()
                            .any(|&(a, b)| a <= c.span.start && c.span.end <= b)
                    {
                        continue;
                    }
                    let shown = c.span.text(value);
                    let unprivileged = triggers
                        .as_ref()
                        .and_then(|t| unprivileged_reason(&c.path, t));
                    let at = Site {
                        map: &map,
                        place,
                        tainted: &tainted,
                    };
                    let before = out.len();
                    report(cx, out, &at, c, shown, unprivileged);
                    if out.len() > before && place == "run:" {
                        let fix = editable
                            .then(|| {
                                let at = Quoted { e, c, quoting };
                                env_fix(cx, &step, node, value, &map, &at, &blocks)
                            })
                            .flatten();
                        if let Some(f) = out.last_mut() {
                            f.fix = fix;
                        }
                    }
                }
            }
        }
    }
}

/// Where an expression sits: its script's offset map, what kind of script, and the env names
/// fed from attacker-controlled data there.
struct Site<'s> {
    map: &'s OffsetMap,
    place: &'s str,
    tainted: &'s [String],
}

fn report(
    cx: &Cx<'_>,
    out: &mut Vec<Finding>,
    at: &Site<'_>,
    c: &ContextRef,
    shown: &str,
    unprivileged: Option<&str>,
) {
    let (map, place, tainted) = (at.map, at.place, at.tainted);
    let path = c.path.as_str();
    let span = map.span(c.span);
    let help = "pass it through an environment variable: `env: { VALUE: ${{ ... }} }` on the step, then use \"$VALUE\" (quoted) in the script";
    if let (true, Some(why)) = (attacker(path), unprivileged) {
        out.push(
            cx.finding(
                span,
                format!("`{shown}` is attacker-controlled and is pasted into the {place} script before it runs ({why}): pass it through env: and use \"$VAR\""),
            )
            .severity(Severity::Warning)
            .confidence(Confidence::High)
            .help(help),
        );
    } else if attacker(path) {
        out.push(
            cx.finding(
                span,
                format!("`{shown}` is attacker-controlled and is pasted into the {place} script before it runs: pass it through env: and use \"$VAR\""),
            )
            .confidence(Confidence::High)
            .help(help),
        );
    } else if indirect(path) && cx.opt(&INDIRECT) {
        out.push(
            cx.finding(
                span,
                format!("`{shown}` is pasted into the {place} script before it runs and may carry untrusted text: pass it through env: and use \"$VAR\""),
            )
            .severity(Severity::Warning)
            // a dispatch input is typed by someone with write access: a guess that it is
            // hostile; a caller's input or an earlier step's output may carry outsider text
            .confidence(if path_matches(path, "github.event.inputs.**") {
                Confidence::Low
            } else {
                Confidence::Medium
            })
            .help(help),
        );
    } else if let Some(name) = path.strip_prefix("env.") {
        if tainted.iter().any(|t| t == name) {
            out.push(
                cx.finding(
                    span,
                    format!("`{shown}` holds attacker-controlled data and ${{{{ }}}} pastes it into the {place} script: use \"${}\" instead", name.to_ascii_uppercase()),
                )
                .severity(Severity::Warning)
                // the variable was set from outsider text at some env level; a nearer level
                // may override it
                .confidence(Confidence::Medium)
                .help(help),
            );
        }
    }
}

/// The unsafe fix: the expression moved into an `env:` entry of the step, the script reading
/// the variable instead (`"${NAME}"`, quoted where the expression was not). Offered only when
/// the whole `${{ }}` is this one context, the step runs a POSIX shell, the script is a
/// literal block or a plain scalar, and the expression is not inside single quotes or a
/// quoted heredoc (where a variable would not expand).
fn env_fix(
    cx: &Cx<'_>,
    step: &Step<'_>,
    run: Yaml<'_>,
    value: &str,
    map: &OffsetMap,
    at: &Quoted<'_>,
    blocks: &[(usize, usize)],
) -> Option<Fix> {
    let (e, c) = (at.e, at.c);
    if !matches!(e.tree, Some(Node::Context(ref only)) if std::ptr::eq(only, c)) {
        return None;
    }
    if !matches!(run.style(), Some(Style::Literal | Style::Plain)) {
        return None;
    }
    let shell = step.shell().and_then(|s| s.as_str()).unwrap_or("bash");
    if !matches!(shell.split_whitespace().next(), Some("bash" | "sh")) {
        return None;
    }
    if blocks
        .iter()
        .any(|&(a, b)| a <= e.span.start && e.span.end <= b)
    {
        return None;
    }
    let quoting = at.quoting?;
    let written = c.span.text(value);
    let (name, add) = match written.strip_prefix("env.") {
        // a variable already: read it as written (env names keep their case)
        Some(n) if n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
            (n.to_string(), false)
        }
        Some(_) => return None,
        None => (env_name(&c.path)?, true),
    };
    let use_var = if quoting == '"' {
        format!("${{{name}}}")
    } else {
        format!("\"${{{name}}}\"")
    };
    let text = cx.text();
    let mut fix =
        Fix::unsafe_(format!("pass it through env: {name}")).replace(map.span(e.span), use_var);
    if add {
        let wanted = format!("${{{{ {written} }}}}");
        match step.node.get("env").and_then(|env| env.get(&name)) {
            // already passed (a second use of it): only the script changes
            Some(v) if v.as_str().map(str::trim) == Some(wanted.as_str()) => {}
            Some(_) => return None,
            None => {
                let (span, ins) = set_nested(text, step.node, "env", &name, &wanted)?;
                fix = fix.replace(span, ins);
            }
        }
    }
    Some(fix)
}

/// `github.event.issue.title` -> `ISSUE_TITLE`, `github.head_ref` -> `HEAD_REF`,
/// `inputs.tag` -> `INPUTS_TAG`; `None` for a path with a wildcard.
fn env_name(path: &str) -> Option<String> {
    let short = path
        .strip_prefix("github.event.")
        .or_else(|| path.strip_prefix("github."))
        .unwrap_or(path);
    if short.contains('*') || short.is_empty() {
        return None;
    }
    let name: String = short
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    Some(if name.as_bytes()[0].is_ascii_digit() {
        format!("_{name}")
    } else {
        name
    })
}

/// An expression of a script, the context in it a finding is about, and the quoting in force
/// where it starts.
struct Quoted<'e> {
    e: &'e expr::Expression,
    c: &'e ContextRef,
    quoting: Option<char>,
}

/// The quoting in force at each of `offsets` (ascending) of a shell script, in one pass:
/// `"` or ` ` (none); `None` inside single quotes or where it cannot be told (after a
/// backtick or an open `$(`).
fn quote_states(script: &str, offsets: impl Iterator<Item = usize>) -> Vec<Option<char>> {
    let b = script.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut state, mut word_start, mut unknown, mut depth) = (0, b' ', true, false, 0i32);
    for at in offsets {
        while i < at.min(b.len()) {
            let ch = b[i];
            i += 1;
            match (state, ch) {
                (b' ', b'#') if word_start => {
                    while i < at.min(b.len()) && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                (b' ' | b'"', b'\\') => i += 1,
                (b' ', b'\'') => state = b'\'',
                (b' ', b'"') => state = b'"',
                (b'\'', b'\'') | (b'"', b'"') => state = b' ',
                (b' ' | b'"', b'`') => unknown = true,
                (b' ' | b'"', b'$') if b.get(i) == Some(&b'(') => depth += 1,
                (b' ' | b'"', b')') if depth > 0 => depth -= 1,
                _ => {}
            }
            word_start = state == b' ' && matches!(ch, b' ' | b'\t' | b'\n' | b';' | b'|' | b'&');
        }
        out.push(match state {
            _ if unknown || depth > 0 => None,
            b'"' => Some('"'),
            b' ' => Some(' '),
            _ => None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert!(indirect("inputs.name"));
        assert!(indirect("steps.meta.outputs.tags"));
    }

    #[test]
    fn spans_inside_block_scalars_are_exact() {
        use crate::source::yaml::YamlFile;
        for text in [
            "run: |\n  echo one\n    echo \"${{ github.event.issue.title }}\" x\nnext: 1\n",
            "run: |\r\n  echo one\r\n    echo \"${{ github.event.issue.title }}\" x\r\n",
            "run: >-\n  echo ${{ github.head_ref }}\n",
            "run: 'echo ${{ github.head_ref }}'\n",
        ] {
            let f = YamlFile::parse(text);
            let run = f
                .documents()
                .next()
                .and_then(|d| d.get("run"))
                .expect("run");
            let value = run.as_str().expect("str");
            let map = run.value_map(text);
            let e = &expr::find(value)[0];
            let c = e.expanded()[0];
            let span = map.span(c.span);
            assert_eq!(span.text(text), c.span.text(value), "{text:?}");
            assert!(attacker(&c.path));
        }
    }
}
