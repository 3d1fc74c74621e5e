//! What the security rules share about untrusted data in workflows: the context fields whose
//! text an outsider controls (one table, a source per row), the events that carry each, and
//! the triggers that run with the base repository's secrets and a write token.
//!
//! Used by `gha/template-injection`, `gha/github-env-injection` and the trigger rules.

use std::sync::LazyLock;

use crate::rules::gha::common::is_or_under;
use crate::source::expr::path_matches;

/// When [`FIELDS`] was last reviewed against its sources.
pub const FIELDS_DATE: &str = "2026-12-01";

/// One attacker-controlled context field: its path (`*` = any one segment) and where the fact
/// comes from.
pub struct Field {
    pub path: &'static str,
    pub source: &'static str,
}

const GHSL: &str = "GitHub Security Lab, Keeping your GitHub Actions and workflows secure part 2: untrusted input (2020-08)";
const ZIZMOR_CAPS: &str =
    "zizmor data/context-capabilities.csv, `arbitrary` (commit 11bbf7e, 2026-08-22)";
const DOCS_WR: &str =
    "GitHub docs, Webhook events and payloads: workflow_run (fields a fork's run sets)";

/// Context paths whose text anyone who opens an issue, a pull request, a discussion or a fork
/// controls. Fields a fork can set but GitHub restricts to a safe alphabet (logins, repository
/// names, SHAs, numbers) are left out: they cannot end a quoted string or start a command. So
/// are `github.event.workflow_run.name` and `github.event.workflow.name`: a `workflow_run`
/// trigger fires only for the workflow names its `workflows:` list spells out, so the name is
/// one the base repository chose (the file path of a fork's workflow is not).
pub const FIELDS: &[Field] = &[
    Field {
        path: "github.event.issue.title",
        source: GHSL,
    },
    Field {
        path: "github.event.issue.body",
        source: GHSL,
    },
    Field {
        path: "github.event.pull_request.title",
        source: GHSL,
    },
    Field {
        path: "github.event.pull_request.body",
        source: GHSL,
    },
    Field {
        path: "github.event.pull_request.head.ref",
        source: GHSL,
    },
    Field {
        path: "github.event.pull_request.head.label",
        source: GHSL,
    },
    Field {
        path: "github.event.pull_request.head.repo.default_branch",
        source: GHSL,
    },
    Field {
        path: "github.event.pull_request.head.repo.description",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.pull_request.head.repo.homepage",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.comment.body",
        source: GHSL,
    },
    Field {
        path: "github.event.review.body",
        source: GHSL,
    },
    Field {
        path: "github.event.review_comment.body",
        source: GHSL,
    },
    Field {
        path: "github.event.discussion.title",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.discussion.body",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.pages.*.page_name",
        source: GHSL,
    },
    Field {
        path: "github.event.head_commit.message",
        source: GHSL,
    },
    Field {
        path: "github.event.head_commit.author.email",
        source: GHSL,
    },
    Field {
        path: "github.event.head_commit.author.name",
        source: GHSL,
    },
    Field {
        path: "github.event.head_commit.committer.email",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.head_commit.committer.name",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.commits.*.message",
        source: GHSL,
    },
    Field {
        path: "github.event.commits.*.author.email",
        source: GHSL,
    },
    Field {
        path: "github.event.commits.*.author.name",
        source: GHSL,
    },
    Field {
        path: "github.event.commits.*.committer.email",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.commits.*.committer.name",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.workflow_run.head_branch",
        source: GHSL,
    },
    Field {
        path: "github.event.workflow_run.head_commit.message",
        source: GHSL,
    },
    Field {
        path: "github.event.workflow_run.head_commit.author.email",
        source: GHSL,
    },
    Field {
        path: "github.event.workflow_run.head_commit.author.name",
        source: GHSL,
    },
    Field {
        path: "github.event.workflow_run.head_commit.committer.email",
        source: DOCS_WR,
    },
    Field {
        path: "github.event.workflow_run.head_commit.committer.name",
        source: DOCS_WR,
    },
    Field {
        path: "github.event.workflow_run.head_repository.description",
        source: DOCS_WR,
    },
    Field {
        path: "github.event.workflow_run.pull_requests.*.head.ref",
        source: GHSL,
    },
    Field {
        path: "github.event.workflow_run.display_title",
        source: ZIZMOR_CAPS,
    },
    Field {
        path: "github.event.workflow_run.path",
        source: DOCS_WR,
    },
    Field {
        path: "github.event.workflow.path",
        source: DOCS_WR,
    },
    Field {
        path: "github.head_ref",
        source: GHSL,
    },
];

/// Whether a path is a whole attacker-controlled value.
pub fn attacker_value(path: &str) -> bool {
    under_github(path) && is_field(path)
}

/// The table's walk for [`attacker_value`].
fn is_field(path: &str) -> bool {
    FIELDS.iter().any(|f| path_matches(path, f.path))
}

/// Every path of [`FIELDS`] is under `github`, and under one of a few properties of it
/// (`event`, `head_ref`): the test that spares the table's walk for every other path
/// (`github.sha`, `github.ref`, `env.X`). A path's own `*` segment matches any property.
fn under_github(path: &str) -> bool {
    static SECOND: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut s: Vec<&str> = FIELDS
            .iter()
            .filter_map(|f| f.path.split('.').nth(1))
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    });
    let mut segs = path.splitn(3, '.');
    if !segs
        .next()
        .is_some_and(|h| h.eq_ignore_ascii_case("github"))
    {
        return false;
    }
    let Some(second) = segs.next() else {
        return false; // `github` alone: every field is deeper
    };
    second == "*"
        || SECOND
            .iter()
            .any(|s| *s == "*" || s.eq_ignore_ascii_case(second))
}

/// Whether a path is attacker-controlled, or an object holding such a path
/// (`toJSON(github.event.issue)`).
pub fn attacker(path: &str) -> bool {
    // Answers kept per thread: the same few hundred paths come back in file after file,
    // and the table's walk was 2.4% of a check of real-world workflows.
    thread_local! {
        static SEEN: std::cell::RefCell<crate::hash::TextMemo<bool>> =
            std::cell::RefCell::new(crate::hash::TextMemo::new(4096));
    }
    if !under_github(path) {
        return false;
    }
    SEEN.with(|seen| {
        if let Some(&known) = seen.borrow().get(path) {
            return known;
        }
        let answer = holds_field(path);
        seen.borrow_mut().insert(path, answer);
        answer
    })
}

/// The table's walk for [`attacker`].
fn holds_field(path: &str) -> bool {
    let depth = path.split('.').count();
    let below_event = depth >= 2 && path.starts_with("github.event");
    FIELDS.iter().any(|f| {
        // or a proper prefix of a dangerous path, below `github.event`
        path_matches(path, f.path) || (below_event && proper_prefix(path, f.path, depth))
    })
}

/// Whether `path` (of `depth` segments) matches the first `depth` segments of `pattern`,
/// and `pattern` has more.
fn proper_prefix(path: &str, pattern: &str, depth: usize) -> bool {
    if pattern.split('.').count() <= depth {
        return false;
    }
    let mut p = path.split('.');
    let mut q = pattern.split('.').take(depth);
    loop {
        match (p.next(), q.next()) {
            (_, Some("**")) | (None, None) => return true,
            (Some(a), Some(b)) if b == "*" || a == "*" || a.eq_ignore_ascii_case(b) => {}
            _ => return false,
        }
    }
}

/// Branch names: git refuses whitespace and control characters in them, so one cannot end a
/// line, a quoted heredoc or a here-string.
pub fn ref_name(path: &str) -> bool {
    [
        "github.head_ref",
        "github.event.pull_request.head.ref",
        "github.event.workflow_run.head_branch",
        "github.event.workflow_run.pull_requests.*.head.ref",
    ]
    .iter()
    .any(|p| path_matches(path, p))
}

/// Triggers whose runs get a read-only token and no secrets when a fork opens them: text an
/// outsider controls there can only reach what the outsider's own pull request could run
/// anyway.
pub const UNPRIVILEGED: &[&str] = &[
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
    "merge_group",
];

/// Triggers an outsider can cause that run with the base repository's secrets and a write
/// token (GitHub docs, "Events that trigger workflows"; GitHub Security Lab, "preventing pwn
/// requests").
pub const PRIVILEGED: &[&str] = &[
    "pull_request_target",
    "workflow_run",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
];

/// The events whose payload carries a path's attacker text (`github.head_ref` only exists for
/// pull request events; `head_commit` only for pushes). `None`: unknown, any event.
pub fn carriers(path: &str) -> Option<&'static [&'static str]> {
    const PR: &[&str] = &[
        "pull_request",
        "pull_request_target",
        "pull_request_review",
        "pull_request_review_comment",
    ];
    let table: &[(&str, &'static [&str])] = &[
        ("github.head_ref", PR),
        ("github.event.pull_request", PR),
        ("github.event.review", &["pull_request_review"]),
        (
            "github.event.review_comment",
            &["pull_request_review_comment"],
        ),
        ("github.event.issue", &["issues", "issue_comment"]),
        (
            "github.event.comment",
            &[
                "issue_comment",
                "pull_request_review_comment",
                "commit_comment",
                "discussion_comment",
            ],
        ),
        (
            "github.event.discussion",
            &["discussion", "discussion_comment"],
        ),
        ("github.event.head_commit", &["push"]),
        ("github.event.commits", &["push"]),
        ("github.event.workflow_run", &["workflow_run"]),
        ("github.event.workflow", &["workflow_run"]),
        ("github.event.pages", &["gollum"]),
    ];
    table
        .iter()
        .find(|(p, _)| is_or_under(path, p, '.'))
        .map(|(_, events)| *events)
}

/// Why the path's text cannot reach a privileged run of this workflow, if it cannot: no
/// trigger carries it, or only triggers where forks get no secrets and a read-only token do.
pub fn unprivileged_reason(path: &str, triggers: &[&str]) -> Option<&'static str> {
    if triggers.is_empty() {
        return None;
    }
    let carrying: Vec<&&str> = match carriers(path) {
        Some(events) => triggers.iter().filter(|t| events.contains(t)).collect(),
        None => triggers.iter().collect(),
    };
    if carrying.is_empty() {
        Some("no trigger of this workflow carries it, so it is empty when this runs")
    } else if carrying.iter().all(|t| UNPRIVILEGED.contains(t)) {
        Some(
            "only pull request and merge-queue events carry it here: no secrets, a read-only token for forks",
        )
    } else {
        None
    }
}

/// Whether some trigger carrying the path's text runs privileged.
pub fn privileged_carrier(path: &str, triggers: &[&str]) -> bool {
    let carrying: Vec<&&str> = match carriers(path) {
        Some(events) => triggers.iter().filter(|t| events.contains(t)).collect(),
        None => triggers.iter().collect(),
    };
    carrying.iter().any(|t| PRIVILEGED.contains(t))
}

/// The workflow's privileged triggers.
pub fn privileged<'a>(triggers: &[&'a str]) -> Vec<&'a str> {
    triggers
        .iter()
        .copied()
        .filter(|t| PRIVILEGED.contains(t))
        .collect()
}

/// Refs and repositories that name the pull request's code.
pub const UNTRUSTED_REFS: &[&str] = &[
    "github.event.pull_request.head.**",
    "github.head_ref",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_commit.id",
    "github.event.workflow_run.head_repository.**",
    "github.event.number",
    "github.event.pull_request.number",
    "github.event.issue.number",
];

/// The `ref:` (or `repository:`) of an `actions/checkout` step that fetches the pull
/// request's code.
pub fn untrusted_checkout<'a>(
    step: &crate::source::workflow::Step<'a>,
) -> Option<crate::source::yaml::Yaml<'a>> {
    if !step.uses_action("actions/checkout") {
        return None;
    }
    [step.with("ref"), step.with("repository")]
        .into_iter()
        .flatten()
        .find(|r| {
            r.as_str().is_some_and(|value| {
                crate::source::expr::find(value).iter().any(|e| {
                    e.contexts()
                        .iter()
                        .any(|c| UNTRUSTED_REFS.iter().any(|p| c.matches(p)))
                })
            })
        })
}

/// Whether a command builds or runs the checked-out code: package managers' installs and
/// scripts, build tools, test runners that load the project's files, local scripts.
pub fn runs_project_code(c: &crate::source::shell::Command) -> Option<String> {
    let (w, i) = c.program()?;
    let prog = crate::source::shell::basename(&w.value);
    let args: Vec<&str> = c.args_after(i).iter().map(|a| a.value.as_str()).collect();
    let first = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    let hit = match prog {
        "npm" => matches!(
            first,
            "install"
                | "i"
                | "ci"
                | "run"
                | "run-script"
                | "test"
                | "t"
                | "start"
                | "exec"
                | "rebuild"
                | "pack"
                | "publish"
        ),
        "yarn" | "pnpm" | "bun" => !matches!(
            first,
            "--version" | "-v" | "config" | "info" | "view" | "why"
        ),
        "make" | "gmake" | "gradle" | "gradlew" | "mvn" | "mvnw" | "tox" | "nox" | "pytest"
        | "rake" | "ant" | "sbt" | "bazel" | "bazelisk" | "meson" | "ninja" | "just" | "task" => {
            true
        }
        "pip" | "pip3" => {
            first == "install"
                && args
                    .iter()
                    .any(|a| a.starts_with('.') || *a == "-r" || *a == "-e" || a.starts_with("-r"))
        }
        "python" | "python3" => {
            args.first()
                .is_some_and(|a| a.ends_with(".py") && !a.starts_with('/'))
                || args
                    .windows(2)
                    .any(|w| w[0] == "-m" && matches!(w[1], "pip" | "build" | "pytest" | "tox"))
        }
        "poetry" | "uv" | "pdm" | "hatch" | "pipenv" => {
            matches!(first, "install" | "sync" | "run" | "build")
                || (first == "pip" && args.contains(&"install"))
        }
        "cargo" => matches!(
            first,
            "build" | "test" | "run" | "check" | "clippy" | "install" | "bench" | "doc"
        ),
        "go" => matches!(
            first,
            "build" | "test" | "run" | "generate" | "install" | "vet"
        ),
        "bundle" => matches!(first, "install" | "exec"),
        "composer" => matches!(first, "install" | "update" | "run" | "run-script"),
        "dotnet" => matches!(
            first,
            "build" | "test" | "run" | "restore" | "pack" | "publish"
        ),
        "docker" => first == "build" || (first == "compose" && args.contains(&"build")),
        "pre-commit" => first == "run",
        "sh" | "bash" | "zsh" | "pwsh" | "node" | "ruby" | "perl" => {
            args.iter().find(|a| !a.starts_with('-')).is_some_and(|a| {
                !a.starts_with('/') && (a.contains('/') || a.contains('.')) && !a.starts_with('$')
            })
        }
        _ => {
            w.value.starts_with("./")
                || (w.value.contains('/')
                    && !w.value.starts_with('/')
                    && !w.value.starts_with('$')
                    && !w.value.starts_with('~'))
        }
    };
    hit.then(|| {
        let mut s = w.value.clone();
        if !first.is_empty() && !w.value.starts_with('.') {
            s.push(' ');
            s.push_str(first);
        }
        s
    })
}

/// Actions that build or run the workspace's code.
const EXEC_ACTIONS: &[&str] = &[
    "pre-commit/action",
    "github/codeql-action/autobuild",
    "docker/build-push-action",
    "gradle/gradle-build-action",
    "borales/actions-yarn",
];

/// A step after an untrusted checkout that runs the checked-out code: where, and what.
pub struct Exec {
    pub span: crate::source::Span,
    pub what: String,
}

/// For the steps of one job: each untrusted checkout (its `ref:` node and step index) with the
/// first later step that runs the code it fetched, if any. With `path:`, only steps working in
/// that directory (`working-directory:`, a `cd`, or an argument naming it) count.
pub fn checkouts_and_execs<'a>(
    cx: &crate::api::Cx<'a>,
    steps: &[crate::source::workflow::Step<'a>],
) -> Vec<(crate::source::yaml::Yaml<'a>, Option<Exec>)> {
    let mut out = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        let Some(r) = untrusted_checkout(s) else {
            continue;
        };
        let path = s
            .with("path")
            .and_then(|p| p.as_str())
            .map(|p| {
                p.trim()
                    .trim_start_matches("./")
                    .trim_end_matches('/')
                    .to_string()
            })
            .filter(|p| !p.is_empty() && p != ".");
        let exec = steps[i + 1..]
            .iter()
            .find_map(|t| exec_in(cx, t, path.as_deref()));
        out.push((r, exec));
    }
    out
}

fn exec_in(
    cx: &crate::api::Cx<'_>,
    step: &crate::source::workflow::Step<'_>,
    path: Option<&str>,
) -> Option<Exec> {
    let under = |s: &str| {
        path.is_none_or(|p| {
            let s = s.trim().trim_start_matches("./");
            is_or_under(s, p, '/')
        })
    };
    if let Some(u) = step.uses() {
        let v = u.as_str()?;
        if let Some(local) = crate::source::workflow::local_uses(v) {
            if under(local) {
                return Some(Exec {
                    span: u.span(),
                    what: format!("the local action `{v}`"),
                });
            }
            return None;
        }
        if EXEC_ACTIONS.iter().any(|a| step.uses_action(a)) {
            let wd_ok = path.is_none()
                || [
                    step.with("context"),
                    step.with("working-directory"),
                    step.with("build-root-directory"),
                ]
                .into_iter()
                .flatten()
                .any(|c| c.as_str().is_some_and(&under));
            if wd_ok {
                return Some(Exec {
                    span: u.span(),
                    what: format!("`{}`", step.action().unwrap_or_default()),
                });
            }
        }
        return None;
    }
    let run = step.run()?;
    let script = cx.script(run)?;
    let wd_in = step
        .node
        .get("working-directory")
        .and_then(|w| w.as_str())
        .is_some_and(|w| path.is_some() && under(w));
    let mut entered = wd_in || path.is_none();
    for c in &script.commands {
        if let Some(p) = path {
            if c.name() == Some("cd") && c.words.get(1).is_some_and(|w| under(&w.value)) {
                entered = true;
                continue;
            }
            let names_path = names_dir(c, p);
            if !entered && !names_path {
                continue;
            }
        }
        if let Some(what) = runs_project_code(c) {
            return Some(Exec {
                span: c.span,
                what: format!("`{what}`"),
            });
        }
    }
    None
}

/// Whether a command is pointed at directory `p`: its program or first operand lies there
/// (`pr/build.sh`, `bash pr/x.sh`, `pip install ./pr`), or an option that changes directory
/// names it (`make -C pr`, `npm --prefix pr`).
fn names_dir(c: &crate::source::shell::Command, p: &str) -> bool {
    let inside = |v: &str| {
        let v = v.trim_start_matches("./");
        is_or_under(v, p, '/')
    };
    let Some((w, i)) = c.program() else {
        return false;
    };
    if inside(&w.value) {
        return true;
    }
    let args = c.args_after(i);
    const DIR_OPTS: &[&str] = &[
        "-C",
        "--prefix",
        "--cwd",
        "--dir",
        "--directory",
        "--manifest-path",
        "-f",
        "--file",
        "--project-dir",
        "--project",
        "-p",
    ];
    let operands: Vec<&str> = args
        .iter()
        .map(|a| a.value.as_str())
        .filter(|a| !a.starts_with('-'))
        .collect();
    let prog = crate::source::shell::basename(&w.value);
    let operand = match prog {
        // `pip install ./pr`, `docker build pr`: the second operand
        "pip" | "pip3" | "docker" | "uv" | "poetry" => operands.get(1),
        _ => operands.first(),
    };
    operand.is_some_and(|o| inside(o))
        || args
            .windows(2)
            .any(|w| DIR_OPTS.contains(&w[0].value.as_str()) && inside(&w[1].value))
        || args.iter().any(|a| {
            DIR_OPTS.iter().any(|o| {
                o.starts_with("--")
                    && a.value
                        .strip_prefix(o)
                        .and_then(|r| r.strip_prefix('='))
                        .is_some_and(inside)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_answers_are_the_walks_answers() {
        let paths = [
            "github.event.issue.title",
            "github.event.issue",
            "github.event",
            "github.head_ref",
            "github.sha",
            "github.event.pull_request.head.sha",
            "github.event.pull_request.head.ref",
            "GITHUB.EVENT.ISSUE.BODY",
            "github.event.commits.*.message",
            "env.x",
        ];
        let walk = |p: &str| under_github(p) && holds_field(p);
        for round in 0..3 {
            for p in paths {
                assert_eq!(attacker(p), walk(p), "{p} (round {round})");
            }
            // fill the memory past its bound, so the next round starts afresh
            for n in 0..5000 {
                let p = format!("github.event.x{n}");
                assert_eq!(attacker(&p), walk(&p));
            }
        }
    }

    #[test]
    fn the_property_filter_changes_no_answer() {
        // the filter before it had the property test: the first segment only
        let github = |p: &str| {
            p.split('.')
                .next()
                .is_some_and(|h| h.eq_ignore_ascii_case("github"))
        };
        let mut paths: Vec<String> = [
            "github",
            "github.",
            "github.sha",
            "github.*",
            "github.*.title",
            "GITHUB.EVENT",
            "github.Head_Ref",
            "github.eventx.issue.title",
            "env.github",
            "github.event",
            "github.event.*",
            "github.event.**",
            "github.ref_name",
            "",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        for f in FIELDS {
            let segs: Vec<&str> = f.path.split('.').collect();
            for n in 1..=segs.len() {
                let p = segs[..n].join(".");
                paths.push(p.to_uppercase());
                for i in 0..n {
                    let mut w = segs[..n].to_vec();
                    w[i] = "*";
                    paths.push(w.join("."));
                }
                paths.push(format!("{p}.extra"));
                paths.push(p);
            }
        }
        let mut hits = 0;
        for p in &paths {
            assert_eq!(attacker(p), github(p) && holds_field(p), "attacker({p:?})");
            let value = github(p) && is_field(p);
            assert_eq!(attacker_value(p), value, "attacker_value({p:?})");
            hits += usize::from(attacker(p));
        }
        assert!(
            hits > FIELDS.len(),
            "{hits} of {} paths matched",
            paths.len()
        );
    }

    #[test]
    fn classification() {
        assert!(attacker("github.event.issue.title"));
        assert!(attacker("GitHub.Event.Issue.Title"));
        assert!(!attacker("steps.github.outputs.title"));
        assert!(!attacker_value("inputs.github"));
        assert!(attacker("github.event.commits.*.message"));
        assert!(attacker("github.event.issue"));
        assert!(attacker("github.event"));
        assert!(attacker(
            "github.event.workflow_run.head_repository.description"
        ));
        assert!(attacker("github.event.workflow.path"));
        assert!(!attacker("github.event.workflow_run.name"));
        assert!(!attacker("github.event.pull_request.head.sha"));
        assert!(!attacker("github.event.pull_request.number"));
        assert!(!attacker("github.event.workflow_run.head_sha"));
        assert!(!attacker("github.sha"));
        assert!(!attacker("secrets.token"));
    }
}
