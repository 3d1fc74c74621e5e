//! gha/cache-poisoning: a cache restored in a job that publishes, or that builds what a
//! publishing job ships.

use crate::api::{Confidence, Cx, Finding, Rule};
use crate::rule;
use crate::rules::support::gha::has_expr;
use crate::source::shell::Command;
use crate::source::workflow::{Job, Step, Workflow};
use crate::source::yaml::Yaml;

use crate::rules::support::follow::Follow;
use crate::source::script::yaml_script;

use super::common::{prog_args, root_of};

pub static RULE: Rule = rule!("gha/cache-poisoning")
    .summary("a cache restored in a workflow job that publishes or releases")
    .packs(&["supply-chain"])
    .security(6.5)
    .on_workflow(check);

/// Actions that publish a package, an image or a release. Taken 2026-12 from each action's
/// README.
const PUBLISH_ACTIONS: &[&str] = &[
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "goreleaser/goreleaser-action",
    "js-devtools/npm-publish",
    "rubygems/release-gem",
    "actions/create-release",
    "svenstaro/upload-release-action",
    "changesets/action",
];

/// Whether a command publishes: `npm publish`, `twine upload`, `cargo publish`, `gh release
/// create`, `docker push`, ...
fn publish_command(c: &Command) -> bool {
    let Some((prog, args)) = prog_args(c) else {
        return false;
    };
    let first = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    match prog {
        "npm" | "pnpm" | "yarn" | "bun" => args.contains(&"publish"),
        "twine" => first == "upload",
        "python" | "python3" => args.windows(3).any(|w| w == ["-m", "twine", "upload"]),
        "cargo" | "poetry" | "uv" | "flit" | "hatch" | "pdm" | "vsce" | "ovsx" => {
            first == "publish"
        }
        "gem" | "helm" => first == "push",
        "gh" => args
            .windows(2)
            .any(|w| w[0] == "release" && matches!(w[1], "create" | "upload")),
        "docker" | "podman" => first == "push" || (first == "buildx" && args.contains(&"--push")),
        "mvn" | "mvnw" => args.contains(&"deploy"),
        "gradle" | "gradlew" => args.iter().any(|a| a.starts_with("publish")),
        "dotnet" | "nuget" => {
            args.windows(2).any(|w| w[0] == "nuget" && w[1] == "push")
                || (prog == "nuget" && first == "push")
        }
        "goreleaser" => first == "release" || first.is_empty(),
        // ko pushes what it builds unless told to keep it local (`--local`, or the
        // `ko.local` / `kind.local` repository)
        "ko" => {
            matches!(first, "build" | "publish" | "resolve" | "apply" | "create")
                && !args
                    .iter()
                    .any(|a| matches!(*a, "--local" | "-L" | "--push=false"))
                && !c.words.iter().any(|w| {
                    w.value.starts_with("KO_DOCKER_REPO=ko.local")
                        || w.value.starts_with("KO_DOCKER_REPO=kind.local")
                })
        }
        _ => false,
    }
}

/// Actions that run a shell command given as an input (retry wrappers), and the input.
/// Source: each action's README (2026-12).
const COMMAND_WRAPPERS: &[(&str, &str)] = &[
    ("nick-invision/retry", "command"),
    ("nick-fields/retry", "command"),
    ("wandalen/wretry.action", "command"),
];

/// Whether a script publishes, directly or through the repository's Makefile targets,
/// scripts and package scripts it runs.
fn script_publishes(cx: &Cx<'_>, script: &crate::source::shell::Script) -> bool {
    if script.commands.iter().any(publish_command) {
        return true;
    }
    let root = root_of(cx.path(), &cx.project().root);
    let mut follow = Follow::new(cx.project(), &root);
    follow.commands(&script.commands, std::path::Path::new(""));
    // a bare `goreleaser` reached through a Makefile is more likely a tool path than a
    // release (a prerequisite line read as a recipe)
    follow
        .ran
        .iter()
        .any(|r| publish_command(&r.cmd) && r.cmd.words.len() > 1 && !local_ko(cx, r))
}

/// Whether a `ko` command reached in another file builds for the local daemon: its recipe
/// (back to the blank line before it) sets `KO_DOCKER_REPO=ko.local` or `kind.local` on a
/// line the Makefile reader keeps apart from the command.
fn local_ko(cx: &Cx<'_>, r: &crate::rules::support::follow::Ran) -> bool {
    if prog_args(&r.cmd).map(|(p, _)| p) != Some("ko") {
        return false;
    }
    let Some((file, span)) = r.place() else {
        return false;
    };
    let Some(text) = cx.project().read_text(&file) else {
        return false;
    };
    let Some(before) = text.get(..span.start) else {
        return false;
    };
    let recipe = &before[before.rfind("\n\n").unwrap_or(0)..];
    recipe.contains("KO_DOCKER_REPO=ko.local") || recipe.contains("KO_DOCKER_REPO=kind.local")
}

/// The step of a job that publishes, if one does.
fn publishes<'a>(cx: &Cx<'a>, job: &Job<'a>) -> Option<Yaml<'a>> {
    job.steps().into_iter().find_map(|s| {
        if let Some((_, input)) = COMMAND_WRAPPERS.iter().find(|(a, _)| s.uses_action(a)) {
            let command = s.with(input)?;
            let script = yaml_script(command, cx.text())?;
            return script_publishes(cx, &script).then_some(command);
        }
        if PUBLISH_ACTIONS.iter().any(|a| s.uses_action(a)) {
            return s.uses();
        }
        if s.uses_action("docker/build-push-action")
            && s.with("push")
                .is_some_and(|p| p.as_bool() == Some(true) || p.as_str() == Some("true"))
        {
            return s.uses();
        }
        let script = s.run().and_then(|r| cx.script(r))?;
        script_publishes(cx, script).then(|| s.run()).flatten()
    })
}

fn truthy(v: Option<Yaml<'_>>) -> bool {
    v.is_some_and(|v| {
        v.as_bool() == Some(true)
            || v.as_str().is_some_and(|s| {
                let s = s.trim();
                !s.is_empty() && s != "false" && !has_expr(s)
            })
    })
}

fn off(v: Option<Yaml<'_>>) -> bool {
    v.is_some_and(|v| v.as_bool() == Some(false) || v.as_str() == Some("false"))
}

/// The major version of the action a `uses:` names: its tag (`@v6`, `@v6.1.0`), else the
/// `# v6.1.0` comment after a commit pin. `None` when neither says.
fn action_major(cx: &Cx<'_>, uses: Yaml<'_>) -> Option<u64> {
    let v = uses.as_str()?;
    let (_, r) = v.trim().rsplit_once('@')?;
    let major = |s: &str| -> Option<u64> {
        let s = s.trim().trim_start_matches(['v', 'V']);
        s.split('.').next()?.parse().ok()
    };
    if let Some(m) = major(r).filter(|_| r.len() < 40) {
        return Some(m);
    }
    let text = cx.text();
    let end = uses.span().end.min(text.len());
    let line = text[end..].lines().next().unwrap_or("");
    let comment = line.split_once('#')?.1.trim();
    major(comment.split_whitespace().next()?)
}

/// Whether the repository's root package.json names its package manager (`packageManager`,
/// or `devEngines.packageManager`); from v6 setup-node caches on its own for npm only.
/// `None` when there is no package.json to read.
fn names_package_manager(cx: &Cx<'_>, major: u64) -> Option<bool> {
    let root = root_of(cx.path(), &cx.project().root);
    let text = cx.project().read_text(&root.join("package.json"))?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let name = json
        .get("packageManager")
        .and_then(|v| v.as_str())
        .or_else(|| {
            let pm = json.get("devEngines")?.get("packageManager")?;
            pm.get("name")
                .and_then(|v| v.as_str())
                .or_else(|| pm.as_array()?.first()?.get("name").and_then(|v| v.as_str()))
        });
    Some(match name {
        None => false,
        Some(n) => major < 6 || n.starts_with("npm"),
    })
}

/// Whether a step restores a cache, and how: the node to point at.
fn restores<'a>(cx: &Cx<'a>, s: &Step<'a>) -> Option<(Yaml<'a>, &'static str)> {
    let uses = s.uses()?;
    let what = if s.uses_action("actions/cache") {
        // `actions/cache/save` only writes
        let u = uses.as_str().unwrap_or("");
        if u.to_ascii_lowercase().starts_with("actions/cache/save") {
            return None;
        }
        (uses, "actions/cache")
    } else if s.uses_action("actions/setup-node")
        && s.with("cache").is_none()
        && !off(s.with("package-manager-cache"))
    {
        // v5 and later cache on their own when package.json names the package manager
        // (v6 and later: npm only)
        let major = action_major(cx, uses)?;
        if major < 5 || !names_package_manager(cx, major)? {
            return None;
        }
        (
            uses,
            "actions/setup-node (caches by default: package.json names its package manager)",
        )
    } else if [
        "actions/setup-node",
        "actions/setup-python",
        "actions/setup-java",
    ]
    .iter()
    .any(|a| s.uses_action(a))
    {
        let c = s.with("cache");
        if !truthy(c) {
            return None;
        }
        (c?, "the setup action's `cache:`")
    } else if s.uses_action("actions/setup-dotnet") {
        let c = s.with("cache").filter(|c| truthy(Some(*c)))?;
        (c, "the setup action's `cache:`")
    } else if s.uses_action("actions/setup-go") {
        // on by default since v4
        if off(s.with("cache")) {
            return None;
        }
        (uses, "actions/setup-go (caches by default)")
    } else if s.uses_action("swatinem/rust-cache") {
        (uses, "Swatinem/rust-cache")
    } else if s.uses_action("ruby/setup-ruby") {
        let c = s.with("bundler-cache").filter(|c| truthy(Some(*c)))?;
        (c, "`bundler-cache:`")
    } else if s.uses_action("astral-sh/setup-uv") {
        match s.with("enable-cache") {
            Some(c) => {
                if !truthy(Some(c)) {
                    return None;
                }
                (c, "`enable-cache:`")
            }
            // v5 and later cache by default on GitHub-hosted runners
            None if action_major(cx, uses)? >= 5 => {
                (uses, "astral-sh/setup-uv (caches by default since v5)")
            }
            None => return None,
        }
    } else if s.uses_action("gradle/actions/setup-gradle")
        || s.uses_action("gradle/gradle-build-action")
    {
        if truthy(s.with("cache-disabled")) {
            return None;
        }
        (uses, "the Gradle action (caches by default)")
    } else if s.uses_action("docker/build-push-action") {
        let c = s.with("cache-from")?;
        if !c.as_str().is_some_and(|v| v.contains("type=gha")) {
            return None;
        }
        (c, "`cache-from: type=gha`")
    } else {
        return None;
    };
    Some(what)
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let triggers = wf.triggers();
    // a workflow that only runs for pull requests publishes nothing anyone consumes
    if !triggers.is_empty()
        && triggers
            .iter()
            .all(|t| matches!(*t, "pull_request" | "merge_group"))
    {
        return;
    }
    let jobs = wf.jobs();
    // nothing restores a cache: nothing to report, and no need to follow every step's
    // commands into Makefiles and scripts to see whether it publishes (that was 70% of
    // this rule's time on the real-world workflows)
    if !jobs
        .iter()
        .any(|j| j.steps().iter().any(|s| restores(cx, s).is_some()))
    {
        return;
    }
    let publishers: Vec<(&str, Yaml<'_>)> = jobs
        .iter()
        .filter_map(|j| publishes(cx, j).map(|s| (j.id, s)))
        .collect();
    if publishers.is_empty() {
        return;
    }
    for job in &jobs {
        // the job publishes itself, or a publishing job needs it (directly or not)
        let feeds = publishers
            .iter()
            .find(|(id, _)| *id == job.id || needs_transitively(wf, id, job.id, 0));
        let Some((pub_id, pub_step)) = feeds else {
            continue;
        };
        for s in job.steps() {
            let Some((node, how)) = restores(cx, &s) else {
                continue;
            };
            let msg = if *pub_id == job.id {
                format!(
                    "job \"{}\" restores a cache with {how} and publishes: a cache entry poisoned by any workflow of this repository ends up in the release",
                    job.id
                )
            } else {
                format!(
                    "job \"{}\" restores a cache with {how} and builds for job \"{pub_id}\", which publishes: a cache entry poisoned by any workflow of this repository ends up in the release",
                    job.id
                )
            };
            // the job that publishes restores it: high; a job whose output a publisher
            // may ship: medium (plumb does not follow what the artifact holds)
            let confidence = if *pub_id == job.id {
                Confidence::High
            } else {
                Confidence::Medium
            };
            out.push(
                cx.finding(node.span(), msg)
                    .confidence(confidence)
                    .related(pub_step.span(), "publishes here")
                    .help("build release artifacts without restoring caches: drop `cache:` (or set `cache: false` / `cache-disabled: true`) in release jobs"),
            );
        }
    }
}

/// Whether job `from` needs `target`, directly or through other jobs.
fn needs_transitively(wf: &Workflow<'_>, from: &str, target: &str, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    let Some(j) = wf.job(from) else { return false };
    j.needs()
        .iter()
        .any(|(n, _)| *n == target || needs_transitively(wf, n, target, depth + 1))
}
