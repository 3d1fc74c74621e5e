//! gha/unpinned-action: `uses:` must pin a full commit SHA (or an image digest).

use std::sync::LazyLock;

use globset::{Glob, GlobSetBuilder};
use regex::Regex;

use crate::api::{Cx, Finding, Opt, Rule, Severity, StrList};
use crate::rule;
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
        let Some((target, reference)) = value.rsplit_once('@') else {
            out.push(
                cx.finding(node.span(), format!("\"{value}\" has no ref: pin it to a full commit SHA (uses: {value}@<sha> # vX.Y.Z)"))
                    .severity(Severity::Error),
            );
            continue;
        };
        if SHA.is_match(reference) {
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
