//! docker/unpinned-base-image: FROM with no tag or `:latest` (and, on request, no digest).

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::source::dockerfile::Dockerfile;

const REQUIRE_DIGEST: Opt<bool> = Opt::bool(
    "require-digest",
    false,
    "require every base image to be pinned by @sha256: digest",
);

pub static RULE: Rule = rule!("docker/unpinned-base-image")
    .summary("a FROM image with no tag or the latest tag (or no digest, when required)")
    .packs(&["supply-chain"])
    .security(4.0)
    .options(&[REQUIRE_DIGEST.decl])
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    let digest_required = cx.opt(&REQUIRE_DIGEST);
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
