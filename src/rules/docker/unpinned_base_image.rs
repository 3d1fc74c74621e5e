//! docker/unpinned-base-image: FROM with no tag or `:latest` (and, on request, no digest).

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::{OptionType, Rule, RuleOption};
use crate::source::Kind;

pub const RULE: Rule = Rule {
    id: "docker/unpinned-base-image",
    kinds: &[Kind::Dockerfile],
    packs: &["supply-chain"],
    severity: Severity::Warning,
    security_severity: Some(4.0),
    summary: "a FROM image with no tag or the latest tag (or no digest, when required)",
    doc: include_str!("../../../rules/docker/unpinned-base-image.md"),
    default_enabled: true,
    options: &[RuleOption {
        name: "require-digest",
        ty: OptionType::Bool,
        default: "false",
        help: "require every base image to be pinned by @sha256: digest",
    }],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    let digest_required = cx.opt_bool("require-digest");
    for stage in &df.stages {
        let image = &stage.image;
        if stage.base.is_some() || image.is_scratch() || image.unresolved || image.raw.is_empty() {
            continue;
        }
        if image.digest.is_some() {
            continue;
        }
        let msg = match image.tag.as_deref() {
            None => format!(
                "FROM {} has no tag, so it builds on whatever latest is today: pin a version tag",
                image.raw
            ),
            Some(t) if t.eq_ignore_ascii_case("latest") => format!(
                "FROM {}: latest moves under you; pin a version tag",
                image.raw
            ),
            Some(_) if digest_required => format!(
                "FROM {} is not pinned by digest: append @sha256:<digest>",
                image.raw
            ),
            Some(_) => continue,
        };
        out.push(cx.finding(image.span, msg).help(
            "FROM python:3.12.4-slim (or python:3.12.4-slim@sha256:<digest> for the exact bytes)",
        ));
    }
}
