//! gha/unpinned-action: `uses:` must pin a full commit SHA (or an image digest).

use std::sync::LazyLock;

use globset::{Glob, GlobSetBuilder};
use regex::Regex;

use crate::api::{Cx, Finding, Opt, Rule, Severity, StrList};
use crate::rule;
use crate::rules::gha::common::repo_root;
use crate::source::workflow::{Workflow, local_uses};
use crate::source::yaml::Yaml;

const ALLOW_TAGS_FOR: Opt<StrList> = Opt::list(
    "allow-tags-for",
    &[],
    "globs of `owner/repo` that may use tags, e.g. [\"actions/*\", \"github/*\"]",
);

pub static RULE: Rule = rule!("gha/unpinned-action")
    .summary("an action or reusable workflow not pinned to a full commit SHA")
    .packs(&["supply-chain"])
    .security(6.5)
    .options(&[ALLOW_TAGS_FOR.decl])
    .on_workflow(check)
    .on_action(check);

static SHA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9a-f]{40}$").expect("sha regex"));
static DIGEST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@sha256:[0-9a-f]{64}$").expect("digest regex"));

/// Reusable workflows that must be referenced by a release tag: they verify their own ref,
/// and a SHA fails that check. Source: slsa-github-generator's README, "Referencing SLSA
/// builders and generators" (2025-06); OpenSSF Scorecard's Pinned-Dependencies check makes
/// the same exception.
const TAG_REQUIRED: &[&str] = &["slsa-framework/slsa-github-generator/.github/workflows/"];

fn tag_required(target: &str, reference: &str) -> bool {
    static SEMVER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^v\d+\.\d+\.\d+$").expect("semver regex"));
    let t = target.to_ascii_lowercase();
    TAG_REQUIRED.iter().any(|p| t.starts_with(p)) && SEMVER.is_match(reference)
}

/// Whether `owner/repo/path@ref` names an action or reusable workflow of this repository:
/// the path exists here. A repository that calls its own reusable workflows from other
/// repositories must name its actions this way (`./` would resolve in the caller's
/// checkout); the ref is the repository's own release process, not a third party's
/// (GitHub's `$/path` self-repository syntax now does this at the running commit).
fn own_action(cx: &Cx<'_>, value: &str) -> bool {
    let target = value.split('@').next().unwrap_or(value);
    let mut parts = target.splitn(3, '/');
    let (Some(_), Some(_), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if path.is_empty() || path.contains("..") {
        return false;
    }
    let root = repo_root(cx);
    let p = root.join(path);
    if path.ends_with(".yml") || path.ends_with(".yaml") {
        return cx.project().read_text(&p).is_some();
    }
    ["action.yml", "action.yaml"]
        .iter()
        .any(|n| cx.project().read_text(&p.join(n)).is_some())
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut allow = GlobSetBuilder::new();
    for g in cx.opt(&ALLOW_TAGS_FOR) {
        if let Ok(g) = Glob::new(g) {
            allow.add(g);
        }
    }
    let allow = allow.build().unwrap_or_default();
    let mut uses: Vec<Yaml<'_>> = wf
        .all_steps()
        .iter()
        .filter_map(|(_, s)| s.uses())
        .collect();
    uses.extend(wf.jobs().iter().filter_map(|j| j.uses()));
    for node in uses {
        let Some(value) = node.as_str() else { continue };
        let value = value.trim();
        if local_uses(value).is_some() {
            continue; // local action or workflow (`./x`, `$/x`): versioned with the repository
        }
        if let Some(image) = value.strip_prefix("docker://") {
            if !DIGEST.is_match(image) {
                out.push(
                    cx.finding(
                        node.span(),
                        format!("docker action \"{image}\" is not pinned by digest: use docker://{}@sha256:<digest>", image.split('@').next().unwrap_or(image)),
                    )
                    .help("pin the image by digest; tags can be moved to other content"),
                );
            }
            continue;
        }
        if own_action(cx, value) {
            continue; // this repository's own action or workflow, named by owner/repo
        }
        let Some((target, reference)) = value.rsplit_once('@') else {
            out.push(
                cx.finding(node.span(), format!("\"{value}\" has no ref: pin it to a full commit SHA (uses: {value}@<sha> # vX.Y.Z)"))
                    .severity(Severity::Error),
            );
            continue;
        };
        if SHA.is_match(reference) || tag_required(target, reference) {
            continue;
        }
        let repo: String = target.split('/').take(2).collect::<Vec<_>>().join("/");
        if allow.is_match(&repo) {
            continue;
        }
        out.push(
            cx.finding(
                node.span(),
                format!("{target} is pinned to \"{reference}\", which can move: pin it to a full commit SHA ({target}@<40-hex sha> # {reference})"),
            )
            .help("resolve the tag with `git ls-remote https://github.com/<owner>/<repo> <tag>` and keep the tag in a comment so Dependabot/Renovate can update it"),
        );
    }
}
