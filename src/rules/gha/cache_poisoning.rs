//! gha/cache-poisoning: a cache restored in a job that publishes, or that builds what a
//! publishing job ships.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::shell::Command;
use crate::source::workflow::{Job, Step, Workflow};
use crate::source::yaml::Yaml;

use super::common::prog_args;

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
        _ => false,
    }
}

/// The step of a job that publishes, if one does.
fn publishes<'a>(cx: &Cx<'a>, job: &Job<'a>) -> Option<Yaml<'a>> {
    job.steps().into_iter().find_map(|s| {
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
        script
            .commands
            .iter()
            .any(publish_command)
            .then(|| s.run())
            .flatten()
    })
}

fn truthy(v: Option<Yaml<'_>>) -> bool {
    v.is_some_and(|v| {
        v.as_bool() == Some(true)
            || v.as_str().is_some_and(|s| {
                let s = s.trim();
                !s.is_empty() && s != "false" && !s.contains("${{")
            })
    })
}

fn off(v: Option<Yaml<'_>>) -> bool {
    v.is_some_and(|v| v.as_bool() == Some(false) || v.as_str() == Some("false"))
}

/// Whether a step restores a cache, and how: the node to point at.
fn restores<'a>(s: &Step<'a>) -> Option<(Yaml<'a>, &'static str)> {
    let uses = s.uses()?;
    let what = if s.uses_action("actions/cache") {
        // `actions/cache/save` only writes
        let u = uses.as_str().unwrap_or("");
        if u.to_ascii_lowercase().starts_with("actions/cache/save") {
            return None;
        }
        (uses, "actions/cache")
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
        let c = s.with("enable-cache").filter(|c| truthy(Some(*c)))?;
        (c, "`enable-cache:`")
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
            let Some((node, how)) = restores(&s) else {
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
            out.push(
                cx.finding(node.span(), msg)
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
