//! gha/template-injection: `${{ }}` expanding attacker-controlled data inside a script.

use crate::api::{Cx, Finding, Opt, Rule, Severity};
use crate::rule;
use crate::source::OffsetMap;
use crate::source::expr::{self, ContextRef, Node, path_matches};
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

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
        for (node, place) in scripts {
            let Some(value) = node.as_str() else { continue };
            let map = node.value_map(cx.text());
            let blocks = literal_blocks(value);
            for e in expr::find(value) {
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
                    report(cx, out, &at, c, shown, unprivileged);
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
            .help(help),
        );
    } else if attacker(path) {
        out.push(
            cx.finding(
                span,
                format!("`{shown}` is attacker-controlled and is pasted into the {place} script before it runs: pass it through env: and use \"$VAR\""),
            )
            .help(help),
        );
    } else if indirect(path) && cx.opt(&INDIRECT) {
        out.push(
            cx.finding(
                span,
                format!("`{shown}` is pasted into the {place} script before it runs and may carry untrusted text: pass it through env: and use \"$VAR\""),
            )
            .severity(Severity::Warning)
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
                .help(help),
            );
        }
    }
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
