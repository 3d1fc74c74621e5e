//! gha/unpinned-action: `uses:` must pin a full commit SHA (or an image digest).

use std::sync::LazyLock;

use globset::{Glob, GlobSetBuilder};
use regex::Regex;

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::{OptionType, Rule, RuleOption};
use crate::source::Kind;
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

pub const RULE: Rule = Rule {
    id: "gha/unpinned-action",
    kinds: &[Kind::Workflow, Kind::Action],
    packs: &["supply-chain"],
    severity: Severity::Warning,
    security_severity: Some(6.5),
    summary: "an action or reusable workflow not pinned to a full commit SHA",
    doc: include_str!("../../../rules/gha/unpinned-action.md"),
    default_enabled: true,
    options: &[RuleOption {
        name: "allow-tags-for",
        ty: OptionType::StrList,
        default: "[]",
        help: "globs of `owner/repo` that may use tags, e.g. [\"actions/*\", \"github/*\"]",
    }],
    aliases: &[],
    check,
};

static SHA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9a-f]{40}$").expect("sha regex"));
static DIGEST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@sha256:[0-9a-f]{64}$").expect("digest regex"));

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let Some(wf) = Workflow::of(yaml) else { return };
    let mut allow = GlobSetBuilder::new();
    for g in cx.opt_list("allow-tags-for") {
        if let Ok(g) = Glob::new(&g) {
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
        if value.starts_with("./") || value.starts_with(".\\") {
            continue; // local action or workflow: versioned with the repository
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
