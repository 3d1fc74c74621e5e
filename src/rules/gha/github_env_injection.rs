//! gha/github-env-injection: untrusted data written to `$GITHUB_ENV`, `$GITHUB_PATH` or
//! `$GITHUB_OUTPUT`.
//!
//! Each `run:` script is read command by command (lexed once at load). A command writes to a
//! sink when it redirects to one of the three files (`>> "$GITHUB_ENV"`, `| tee -a
//! $GITHUB_ENV`, PowerShell `$env:GITHUB_ENV`). What it writes is untrusted when the words of
//! its pipeline (or its heredoc body) hold:
//! - an attacker-controlled context field (`${{ github.event.issue.title }}`);
//! - an environment variable fed from one (`env: TITLE: ${{ ... }}` then `$TITLE`);
//! - the output of an earlier step that wrote untrusted data to `$GITHUB_OUTPUT`;
//! - under `workflow_run`, after an artifact of another run was downloaded: a file read
//!   (`cat`, `$(<f)`, `jq`, `head`, ...), directly or through a shell variable, unless the
//!   variable is checked against a pattern first (`[[ $PR =~ ^[0-9]+$ ]]`).

use std::sync::LazyLock;

use crate::api::{Confidence, Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::Span;
use crate::source::expr;
use crate::source::shell::{Command, Script, basename};
use crate::source::workflow::{Step, Workflow};

use super::untrusted::{attacker, privileged_carrier, unprivileged_reason};

pub static RULE: Rule = rule!("gha/github-env-injection")
    .summary("untrusted data written to $GITHUB_ENV, $GITHUB_PATH or $GITHUB_OUTPUT")
    .packs(&["injection"])
    .severity(Severity::Error)
    .security(8.0)
    .on_workflow(check)
    .on_action(check);

/// The files a step writes to set what later steps see; each starts `GITHUB_` (`sink_of`
/// searches that first).
const SINKS: &[&str] = &["GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT"];

/// Programs that print a file's content.
const READERS: &[&str] = &[
    "cat",
    "head",
    "tail",
    "jq",
    "yq",
    "unzip",
    "base64",
    "tr",
    "xargs",
    "sed",
    "awk",
    "cut",
    "Get-Content",
];

/// Why a value is untrusted, for the message.
#[derive(Clone, Debug)]
enum Taint {
    /// An attacker-controlled context field, by path.
    Field(String),
    /// A file of a downloaded artifact.
    Artifact,
}

impl Taint {
    fn describe(&self) -> String {
        match self {
            Taint::Field(p) => format!("`{p}`"),
            Taint::Artifact => "a file of an artifact another run uploaded".into(),
        }
    }
}

/// What is known to be untrusted so far in one job (or one composite action).
#[derive(Default)]
struct State {
    /// Environment variable names (lowercase) fed from untrusted data.
    env: Vec<(String, Taint)>,
    /// Step ids whose outputs carry untrusted data.
    outputs: Vec<(String, Taint)>,
    /// Where an artifact of another run was downloaded in this job.
    artifact: Option<Span>,
}

impl State {
    /// The taint of an expression's expanded contexts.
    fn of_expr(&self, value: &str) -> Option<Taint> {
        for e in expr::find(value).iter() {
            for c in e.expanded() {
                if attacker(&c.path) {
                    return Some(Taint::Field(c.path.clone()));
                }
                if let Some(id) = step_output(&c.path) {
                    if let Some((_, t)) = self.outputs.iter().find(|(s, _)| *s == id) {
                        return Some(t.clone());
                    }
                }
                if let Some(name) = c.path.strip_prefix("env.") {
                    if let Some((_, t)) = self.env.iter().find(|(n, _)| n == name) {
                        return Some(t.clone());
                    }
                }
            }
        }
        None
    }
}

/// `steps.<id>.outputs.*` -> `<id>`.
fn step_output(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("steps.")?;
    let (id, tail) = rest.split_once('.')?;
    tail.starts_with("outputs").then_some(id)
}

/// Whether a step fetches an artifact uploaded by another workflow run.
fn downloads_foreign_artifact(step: &Step<'_>, run: Option<&Script>) -> bool {
    if step.uses_action("dawidd6/action-download-artifact") {
        return true;
    }
    if step.uses_action("actions/download-artifact") && step.with("run-id").is_some() {
        return true;
    }
    if step.uses_action("actions/github-script") {
        if let Some(s) = step.with("script").and_then(|s| s.as_str()) {
            return s.contains("downloadArtifact");
        }
    }
    run.is_some_and(|s| {
        s.commands.iter().any(|c| {
            c.program().is_some_and(|(w, i)| {
                basename(&w.value) == "gh"
                    && c.args_after(i).first().is_some_and(|a| a.value == "run")
                    && c.args_after(i)
                        .get(1)
                        .is_some_and(|a| a.value == "download")
            })
        })
    })
}

/// The sink a command writes to, and the span of its name in the file: a redirection or a
/// `tee` argument naming `$GITHUB_ENV` (`${GITHUB_ENV}`, `$env:GITHUB_ENV`).
fn sink_of(text: &str, c: &Command) -> Option<(&'static str, Span)> {
    let raw = c.span.text(text);
    // every sink starts `GITHUB_`: one search spares most commands the three below
    static PREFIX: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("GITHUB_"));
    PREFIX.find(raw.as_bytes())?;
    for sink in SINKS {
        let mut from = 0;
        while let Some(i) = raw[from..].find(sink) {
            let at = from + i;
            from = at + sink.len();
            // the name must be a whole word
            if raw[from..]
                .chars()
                .next()
                .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_')
            {
                continue;
            }
            let before = raw[..at].trim_end_matches(['{', '"', '\'']);
            let before = before
                .strip_suffix("$env:")
                .or_else(|| before.strip_suffix('$'))
                .unwrap_or("");
            let before = before.trim_end_matches(['"', '\'']).trim_end();
            let tee = c.program().is_some_and(|(w, _)| {
                matches!(basename(&w.value), "tee" | "Out-File" | "Add-Content")
            });
            if before.ends_with('>')
                || tee
                || before.ends_with("-Path")
                || before.ends_with("-FilePath")
            {
                let start = c.span.start + at;
                return Some((sink, Span::new(start, start + sink.len())));
            }
        }
    }
    None
}

/// The heredoc body a command reads (`cat <<EOF >> $GITHUB_ENV`), as a file span.
fn heredoc_body(text: &str, c: &Command) -> Option<Span> {
    let raw = c.span.text(text);
    let i = raw.find("<<")?;
    let rest = raw[i + 2..].trim_start_matches('-').trim_start();
    if rest.starts_with('<') {
        return None; // a here-string
    }
    let delim: String = rest
        .trim_start_matches(['\'', '"'])
        .chars()
        .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
        .collect();
    if delim.is_empty() {
        return None;
    }
    let start = text[c.span.end..].find('\n')? + c.span.end + 1;
    let mut at = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim() == delim {
            return Some(Span::new(start, at));
        }
        at += line.len();
    }
    None
}

/// Whether a word reads a file: `$(cat f)`, `$(<f)`, `` `cat f` ``, `$(jq ...)`.
fn reads_file(word: &str) -> bool {
    // every form holds `$(` or a backtick: most words have neither, and the forms below are
    // built per reader
    if !word.bytes().any(|b| b == b'$' || b == b'`') {
        return false;
    }
    word.contains("$(<")
        || READERS.iter().any(|r| {
            word.contains(&format!("$({r} "))
                || word.contains(&format!("`{r} "))
                || word.contains(&format!("$(sudo {r} "))
        })
}

/// Whether `word` references shell variable `name` (`$NAME`, `${NAME}`, `$env:NAME`).
fn mentions_var(word: &str, name: &str) -> bool {
    let mut from = 0;
    while let Some(i) = word[from..].find('$') {
        let at = from + i + 1;
        from = at;
        let rest = &word[at..];
        let rest = rest
            .strip_prefix('{')
            .or_else(|| rest.strip_prefix("env:"))
            .unwrap_or(rest);
        if rest.len() >= name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name)
            && !rest[name.len()..]
                .chars()
                .next()
                .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            return true;
        }
    }
    false
}

/// Whether the script checks variable `name` against a pattern or as a number before use:
/// `[[ $X =~ ^[0-9]+$ ]]`, `grep -E '^[0-9]+$' <<< "$X"`, `[ "$X" -eq "$X" ]`,
/// `printf '%d' "$X"`.
fn validated(script: &Script, name: &str) -> bool {
    script.commands.iter().any(|c| {
        let mentions = c.words.iter().any(|w| mentions_var(&w.value, name));
        if !mentions {
            return false;
        }
        let words: Vec<&str> = c.words.iter().map(|w| w.value.as_str()).collect();
        words.contains(&"=~")
            || words
                .iter()
                .any(|w| matches!(*w, "-eq" | "-ge" | "-gt" | "-le" | "-lt" | "-ne"))
            || (words.first().is_some_and(|w| *w == "grep")
                && words
                    .iter()
                    .any(|w| w.contains("[0-9]") || w.contains("\\d")))
            || (words.first().is_some_and(|w| *w == "printf")
                && words.get(1).is_some_and(|w| w.contains("%d")))
    })
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let text = cx.text();
    let is_workflow = cx.kind() == crate::source::Kind::Workflow;
    let triggers = if is_workflow {
        wf.triggers()
    } else {
        Vec::new()
    };
    let workflow_run = triggers.contains(&"workflow_run");
    let wf_env = wf.env();
    // the steps grouped by job, in order (an action's steps form one group)
    let mut groups: Vec<(Option<crate::source::workflow::Job<'_>>, Vec<Step<'_>>)> = Vec::new();
    for j in wf.jobs() {
        groups.push((Some(j), j.steps()));
    }
    if !is_workflow {
        groups.push((None, wf.action_steps()));
    }
    for (job, steps) in groups {
        let mut st = State::default();
        let job_env = job.map(|j| j.env()).unwrap_or_default();
        for (k, v) in wf_env.iter().chain(job_env.iter()) {
            if let (Some(name), Some(value)) = (k.as_str(), v.as_str()) {
                if let Some(t) = st.of_expr(value) {
                    st.env.push((name.to_ascii_lowercase(), t));
                }
            }
        }
        for step in steps {
            let outer = st.env.len();
            for (k, v) in step.env() {
                if let (Some(name), Some(value)) = (k.as_str(), v.as_str()) {
                    if let Some(t) = st.of_expr(value) {
                        st.env.push((name.to_ascii_lowercase(), t));
                    }
                }
            }
            let script = step.run().and_then(|r| cx.script(r));
            if workflow_run && downloads_foreign_artifact(&step, script) && st.artifact.is_none() {
                st.artifact = Some(step.uses().map_or(step.node.span(), |u| u.span()));
            }
            if let Some(script) = script {
                scan_script(cx, text, script, &step, &triggers, &mut st, out);
            }
            st.env.truncate(outer);
        }
    }
}

/// Reads one script: shell variables assigned from untrusted data, then each write to a sink.
fn scan_script(
    cx: &Cx<'_>,
    text: &str,
    script: &Script,
    step: &Step<'_>,
    triggers: &[&str],
    st: &mut State,
    out: &mut Vec<Finding>,
) {
    // shell variables assigned from untrusted data in this script (`PR=$(cat pr.txt)`)
    let mut vars: Vec<(String, Taint)> = Vec::new();
    let step_id = step.node.get("id").and_then(|i| i.as_str());
    for (i, c) in script.commands.iter().enumerate() {
        let pipeline: Vec<&Command> = script
            .commands
            .iter()
            .filter(|p| p.pipeline == c.pipeline)
            .collect();
        // assignments: `X=$(cat f)`, `read -r X < f`
        for w in c.words.iter().take_while(|w| w.is_assignment()) {
            let (name, value) = w.value.split_once('=').unwrap_or((&w.value, ""));
            let name = name.trim_end_matches('+');
            let raw = w.span.text(text);
            if let Some(t) = taint_of_word(st, &vars, value, raw) {
                if !validated(script, name) {
                    vars.push((name.to_string(), t));
                }
            }
        }
        let Some((sink, span)) = sink_of(text, c) else {
            continue;
        };
        let _ = i;
        // what the write carries: its pipeline's words and its heredoc body
        let mut taint: Option<Taint> = None;
        for p in &pipeline {
            let reader = st.artifact.is_some()
                && p.program()
                    .is_some_and(|(w, _)| READERS.contains(&basename(&w.value)))
                && p.words.len() > 1;
            if reader {
                taint = Some(Taint::Artifact);
            }
            for w in p.words.iter() {
                if taint.is_none() {
                    taint = taint_of_word(st, &vars, &w.value, w.span.text(text));
                }
            }
        }
        if taint.is_none() && st.artifact.is_some() {
            // `cat >> $GITHUB_ENV < file`
            let raw = c.span.text(text);
            if raw.contains(" < ") || raw.starts_with('<') {
                taint = Some(Taint::Artifact);
            }
        }
        if taint.is_none() {
            if let Some(body) = heredoc_body(text, c) {
                let b = body.text(text);
                taint = st.of_expr(b).or_else(|| {
                    vars.iter()
                        .chain(st.env.iter())
                        .find(|(n, _)| mentions_var(b, n))
                        .map(|(_, t)| t.clone())
                });
            }
        }
        let Some(taint) = taint else { continue };
        if sink == "GITHUB_OUTPUT" {
            if let Some(id) = step_id {
                st.outputs.push((id.to_ascii_lowercase(), taint.clone()));
            }
        }
        report(cx, triggers, sink, span, &taint, st, out);
    }
}

/// The taint a word carries: a `${{ }}` of untrusted data, a tainted variable, or (after an
/// artifact download) a command substitution reading a file.
fn taint_of_word(st: &State, vars: &[(String, Taint)], value: &str, raw: &str) -> Option<Taint> {
    if let Some(t) = st.of_expr(raw) {
        return Some(t);
    }
    if let Some((_, t)) = vars
        .iter()
        .chain(st.env.iter())
        .find(|(n, _)| mentions_var(value, n))
    {
        return Some(t.clone());
    }
    (st.artifact.is_some() && reads_file(value)).then_some(Taint::Artifact)
}

fn report(
    cx: &Cx<'_>,
    triggers: &[&str],
    sink: &str,
    span: Span,
    taint: &Taint,
    st: &State,
    out: &mut Vec<Finding>,
) {
    let is_action = cx.kind() != crate::source::Kind::Workflow;
    // confidence: an event field a privileged trigger carries is outsider text (high); in
    // an action (callers unknown) or on other triggers it may be (medium); a file read after
    // an artifact download is taken to come from the artifact (medium)
    let (severity, confidence) = match taint {
        Taint::Artifact => (Severity::Error, Confidence::Medium),
        Taint::Field(p) => {
            if is_action {
                (Severity::Warning, Confidence::Medium)
            } else if unprivileged_reason(p, triggers).is_some() {
                // a fork's pull request already runs its own code without secrets
                return;
            } else if privileged_carrier(p, triggers) {
                (Severity::Error, Confidence::High)
            } else {
                (Severity::Warning, Confidence::Medium)
            }
        }
    };
    // `$GITHUB_OUTPUT` only reaches this job's later steps through outputs we follow
    let severity = if sink == "GITHUB_OUTPUT" {
        Severity::Warning
    } else {
        severity
    };
    let what = match sink {
        "GITHUB_ENV" => {
            "a newline in it sets any environment variable (LD_PRELOAD, NODE_OPTIONS, BASH_ENV) for every later step"
        }
        "GITHUB_PATH" => {
            "it puts a directory of the attacker's choosing first on PATH for every later step"
        }
        _ => "a newline in it sets any other output of this step",
    };
    let mut f = cx
        .finding(
            span,
            format!(
                "{} is written to ${sink}: {what}",
                taint.describe()
            ),
        )
        .severity(severity)
        .confidence(confidence)
        .help("validate the value against a strict pattern first (`[[ $V =~ ^[0-9]+$ ]]`), or pass it to the steps that need it through `env:` instead of $GITHUB_ENV");
    if let (Taint::Artifact, Some(at)) = (taint, st.artifact) {
        f = f.related(at, "the artifact of another run is downloaded here");
    }
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables() {
        assert!(mentions_var("PR=$PR", "PR"));
        assert!(mentions_var("x${PR}y", "pr"));
        assert!(!mentions_var("$PRX", "PR"));
        assert!(mentions_var("$env:TITLE", "TITLE"));
    }

    #[test]
    fn readers() {
        assert!(reads_file("$(cat pr.txt)"));
        assert!(reads_file("$(<pr.txt)"));
        assert!(!reads_file("$(date +%s)"));
    }
}
