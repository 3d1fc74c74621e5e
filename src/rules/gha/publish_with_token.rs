//! gha/publish-with-token: a package published to an index that supports Trusted Publishing
//! (PyPI, npm, crates.io, RubyGems) with a long-lived API token from a secret.
//!
//! Judged where the token is handed over: the `password:` input of the PyPA publish action,
//! an npm registry token next to `setup-node`'s `registry-url` for npmjs.org, and a
//! publishing command (`twine upload`, `uv publish`, `cargo publish`, `gem push`, ...) whose
//! token comes from a secret through the environment or a flag. A custom index (a
//! `repository-url`, `--registry`, `--host` elsewhere) may not support Trusted Publishing: it
//! stays silent.

use crate::api::{Confidence, Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::gha::common::is_or_under;
use crate::source::shell::Command;
use crate::source::workflow::{Job, Step, Workflow};
use crate::source::yaml::Yaml;

use super::common::prog_args;

pub static RULE: Rule = rule!("gha/publish-with-token")
    .summary("a package published with a long-lived API token where Trusted Publishing works")
    .packs(&["supply-chain", "secrets"])
    .security(3.0)
    .severity(Severity::Note)
    .on_workflow(check);

/// Whether a value hands over a secret: `${{ secrets.X }}`.
fn from_secret(v: &Yaml<'_>) -> bool {
    v.as_str().is_some_and(|s| {
        let s = s.replace(' ', "");
        s.contains("${{secrets.") && !s.contains("secrets.GITHUB_TOKEN")
    })
}

/// The env entries in scope of a step: workflow, job, step (nearer ones last).
fn env_in_scope<'a>(
    wf: &Workflow<'a>,
    job: &Job<'a>,
    step: &Step<'a>,
) -> Vec<(Yaml<'a>, Yaml<'a>)> {
    let mut all = wf.env();
    all.extend(job.env());
    all.extend(step.env());
    all
}

/// The value a step sees for env variable `name`, if it comes from a secret.
fn secret_env<'a>(env: &[(Yaml<'a>, Yaml<'a>)], name: &str) -> Option<Yaml<'a>> {
    let (_, v) = env.iter().rev().find(|(k, _)| k.as_str() == Some(name))?;
    from_secret(v).then_some(*v)
}

/// A publishing command: the index, the command as named in messages, the env variables and
/// the flags that carry its token.
type Publish = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// The index a command publishes to, with the env variables and flags that carry its token,
/// when it publishes to a public index that supports Trusted Publishing. `None` for other
/// commands and for a custom index.
fn publishes(c: &Command) -> Option<Publish> {
    let (prog, args) = prog_args(c)?;
    let first = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    let custom = |flags: &[&str]| {
        args.iter()
            .any(|a| flags.iter().any(|f| is_or_under(a, f, '=')))
    };
    let twine = (prog == "twine" && first == "upload")
        || (matches!(prog, "python" | "python3")
            && args.windows(3).any(|w| w == ["-m", "twine", "upload"]));
    if twine {
        // `-r testpypi` / `-r pypi` stay public; any other repository or URL is custom
        let named = args
            .windows(2)
            .find(|w| w[0] == "-r" || w[0] == "--repository")
            .map(|w| w[1]);
        if custom(&["--repository-url"]) || named.is_some_and(|r| !matches!(r, "pypi" | "testpypi"))
        {
            return None;
        }
        return Some((
            "PyPI",
            "twine upload",
            &["TWINE_PASSWORD"],
            &["-p", "--password"],
        ));
    }
    match (prog, first) {
        ("uv", "publish") => {
            if custom(&["--publish-url", "--index"]) {
                return None;
            }
            Some((
                "PyPI",
                "uv publish",
                &["UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD"],
                &["--token", "-t", "--password", "-p"],
            ))
        }
        ("cargo", "publish") => {
            if custom(&["--registry", "--index"]) {
                return None;
            }
            Some((
                "crates.io",
                "cargo publish",
                &["CARGO_REGISTRY_TOKEN"],
                &["--token"],
            ))
        }
        ("gem", "push") => {
            if custom(&["--host"]) {
                return None;
            }
            Some((
                "RubyGems",
                "gem push",
                &["GEM_HOST_API_KEY"],
                &["-k", "--key"],
            ))
        }
        _ => None,
    }
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for job in wf.jobs() {
        let steps = job.steps();
        for (i, step) in steps.iter().enumerate() {
            if step.uses_action("pypa/gh-action-pypi-publish") {
                pypa(cx, step, out);
            }
            if step.uses_action("actions/setup-node") {
                npm(cx, wf, &job, &steps[i..], step, out);
            }
            let Some(run) = step.run() else { continue };
            let Some(script) = cx.script(run) else {
                continue;
            };
            let env = env_in_scope(wf, &job, step);
            for c in &script.commands {
                let Some((index, prog, vars, flags)) = publishes(c) else {
                    continue;
                };
                let via_env = vars
                    .iter()
                    .find_map(|v| secret_env(&env, v).map(|y| (*v, y)));
                let via_flag = c.words.windows(2).any(|w| {
                    flags.contains(&w[0].value.as_str()) && w[1].value.contains("secrets.")
                }) || c.words.iter().any(|w| {
                    flags.iter().any(|f| {
                        f.starts_with("--")
                            && w.value.strip_prefix(f).is_some_and(|r| r.starts_with('='))
                            && w.value.contains("secrets.")
                    })
                });
                if via_env.is_none() && !via_flag {
                    continue;
                }
                let mut f = cx
                    .finding(
                        c.span,
                        format!("`{prog}` publishes to {index} with a long-lived token from a secret: use Trusted Publishing (OIDC, `id-token: write`) instead"),
                    )
                    .confidence(Confidence::High)
                    .help(help(index));
                if let Some((name, v)) = via_env {
                    f = f.related(v.span(), format!("{name} comes from a secret here"));
                }
                out.push(f);
            }
        }
    }
}

fn help(index: &str) -> &'static str {
    match index {
        "PyPI" => {
            "register this workflow as a Trusted Publisher on PyPI, grant `id-token: write` to the job, and publish with pypa/gh-action-pypi-publish (or `uv publish --trusted-publishing always`) without a password"
        }
        "crates.io" => {
            "register this workflow as a Trusted Publisher on crates.io, grant `id-token: write`, and get a short-lived token with rust-lang/crates-io-auth-action"
        }
        "RubyGems" => {
            "register this workflow as a Trusted Publisher on RubyGems.org, grant `id-token: write`, and publish with rubygems/release-gem (or rubygems/configure-rubygems-credentials)"
        }
        _ => {
            "register this workflow as a Trusted Publisher for the package on npmjs.com, grant `id-token: write`, and run `npm publish` (npm 11.5.1 or later) without NODE_AUTH_TOKEN"
        }
    }
}

/// The PyPA publish action given a token (`password:`) for PyPI or TestPyPI.
fn pypa(cx: &Cx<'_>, step: &Step<'_>, out: &mut Vec<Finding>) {
    let Some(password) = step.with("password") else {
        return;
    };
    if !from_secret(&password) {
        return;
    }
    if let Some(url) = step
        .with("repository-url")
        .or_else(|| step.with("repository_url"))
    {
        let u = url.as_str().unwrap_or("");
        if !(u.contains("//upload.pypi.org/") || u.contains("//test.pypi.org/")) {
            return;
        }
    }
    out.push(
        cx.finding(
            password.span(),
            "pypa/gh-action-pypi-publish is given a long-lived PyPI token: drop `password:` and use Trusted Publishing (OIDC, `id-token: write`)",
        )
        .confidence(Confidence::High)
        .help(help("PyPI")),
    );
}

/// `setup-node` pointed at npmjs.org, with an npm token from a secret in scope of a later step
/// of the job that publishes (or of the job, when no step can be judged).
fn npm(
    cx: &Cx<'_>,
    wf: &Workflow<'_>,
    job: &Job<'_>,
    rest: &[Step<'_>],
    setup: &Step<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(url) = setup.with("registry-url") else {
        return;
    };
    if url
        .as_str()
        .is_none_or(|u| u.trim_end_matches('/') != "https://registry.npmjs.org")
    {
        return;
    }
    let token = rest.iter().find_map(|s| {
        let env = env_in_scope(wf, job, s);
        secret_env(&env, "NODE_AUTH_TOKEN")
    });
    let Some(token) = token else { return };
    let Some(uses) = setup.uses() else { return };
    out.push(
        cx.finding(
            uses.span(),
            "this job sets up npm for registry.npmjs.org with a long-lived NODE_AUTH_TOKEN from a secret: publish with Trusted Publishing (OIDC, `id-token: write`) instead",
        )
        .related(token.span(), "the token comes from a secret here")
        // the token may serve `npm install` of private packages rather than a publish
        .confidence(Confidence::Medium)
        .help(help("npm")),
    );
}
