//! compose/unpinned-image: `image:` with no tag or `:latest` (or no digest, when required).

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::source::compose::{self, Compose};

const REQUIRE_DIGEST: Opt<bool> = Opt::bool(
    "require-digest",
    false,
    "require every image to be pinned by digest (@sha256:...)",
);

pub static RULE: Rule = rule!("compose/unpinned-image")
    .summary("an image: with no tag or the latest tag (or no digest, when required)")
    .packs(&["supply-chain"])
    .security(4.0)
    .options(&[REQUIRE_DIGEST.decl])
    .on_compose(check);

/// The tag of an image reference (`None` when absent), and whether it has a digest.
pub fn tag_of(image: &str) -> (Option<&str>, bool) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, _)) => (r, true),
        None => (image, false),
    };
    let last = rest.rfind('/').map_or(0, |k| k + 1);
    (rest[last..].rsplit_once(':').map(|(_, t)| t), digest)
}

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    let require_digest = cx.opt(&REQUIRE_DIGEST);
    for svc in compose.services() {
        // a service that builds names its own output with image:
        if svc.get("build").is_some() {
            continue;
        }
        let Some(node) = svc.get("image") else {
            continue;
        };
        let Some(raw) = node.as_str() else { continue };
        // `${VAR}` from the `.env` beside the file, or its default
        let Some(image) = svc.resolve(raw) else {
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
            Some(_) if require_digest => format!(
                "service \"{}\" uses {image} without a digest: pin it as {image}@sha256:<digest>",
                svc.name
            ),
            Some(_) => continue,
        };
        // say where a value read from the .env came from
        let from_env = compose::resolve_defaults(raw).is_none();
        let msg = if from_env {
            format!("{msg} ({} with the .env beside this file)", raw.trim())
        } else {
            msg
        };
        out.push(cx.finding(node.span(), msg).help(
            "image: postgres:16.4 (or postgres:16.4@sha256:<digest> to pin the exact bytes)",
        ));
    }
}
