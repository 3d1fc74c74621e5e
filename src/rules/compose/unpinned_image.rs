//! compose/unpinned-image: `image:` with no tag or `:latest`.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::compose::{Compose, resolve_defaults};

pub const RULE: Rule = Rule {
    id: "compose/unpinned-image",
    kinds: &[Kind::Compose],
    packs: &["supply-chain"],
    severity: Severity::Warning,
    security_severity: Some(4.0),
    summary: "an image: with no tag or the latest tag",
    doc: include_str!("../../../rules/compose/unpinned-image.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

/// The tag of an image reference (`None` when absent), and whether it has a digest.
pub fn tag_of(image: &str) -> (Option<&str>, bool) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, _)) => (r, true),
        None => (image, false),
    };
    let last = rest.rfind('/').map_or(0, |k| k + 1);
    (rest[last..].rsplit_once(':').map(|(_, t)| t), digest)
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(compose) = cx.yaml().and_then(Compose::of) else {
        return;
    };
    for svc in compose.services() {
        // a service that builds names its own output with image:
        if svc.get("build").is_some() {
            continue;
        }
        let Some(node) = svc.get("image") else {
            continue;
        };
        let Some(raw) = node.as_str() else { continue };
        let Some(image) = resolve_defaults(raw) else {
            continue;
        };
        let image = image.trim();
        if image.is_empty() {
            continue;
        }
        let (tag, digest) = tag_of(image);
        if digest {
            continue;
        }
        let msg = match tag {
            None => format!(
                "service \"{}\" uses image {image} with no tag, so it gets whatever latest is today: pin a version tag (or a digest)",
                svc.name
            ),
            Some(t) if t.eq_ignore_ascii_case("latest") => format!(
                "service \"{}\" uses {image}: latest moves under you; pin a version tag (or a digest)",
                svc.name
            ),
            Some(_) => continue,
        };
        out.push(cx.finding(node.span(), msg).help(
            "image: postgres:16.4 (or postgres:16.4@sha256:<digest> to pin the exact bytes)",
        ));
    }
}
