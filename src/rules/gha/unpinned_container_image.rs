//! gha/unpinned-container-image: a job `container:` or `services:` image with no tag or
//! `:latest` (or without a digest, when required).

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::rules::support::gha::has_expr;
use crate::source::k8s;
use crate::source::workflow::{Job, Workflow};
use crate::source::yaml::Yaml;

const REQUIRE_DIGEST: Opt<bool> = Opt::bool(
    "require-digest",
    false,
    "require every job and service image to be pinned by digest (@sha256:...)",
);

pub static RULE: Rule = rule!("gha/unpinned-container-image")
    .summary("a job container or service image with no tag or the latest tag (or no digest, when required)")
    .packs(&["supply-chain"])
    .security(5.0)
    .options(&[REQUIRE_DIGEST.decl])
    .on_job(check);

/// A `container:` / `services.<id>:` value: the image string, or a map's `image:`.
fn image_node(v: Yaml<'_>) -> Option<Yaml<'_>> {
    if v.is_map() { v.get("image") } else { Some(v) }
}

fn check(cx: &Cx<'_>, _wf: &Workflow<'_>, job: &Job<'_>, out: &mut Vec<Finding>) {
    let mut images: Vec<(String, Yaml<'_>)> = Vec::new();
    if let Some(c) = job.node.get("container").and_then(image_node) {
        images.push((format!("job \"{}\" container", job.id), c));
    }
    if let Some(s) = job.node.get("services").filter(|s| s.is_map()) {
        for (k, v) in s.entries() {
            if let (Some(name), Some(img)) = (k.as_str(), image_node(v)) {
                images.push((format!("job \"{}\" service \"{name}\"", job.id), img));
            }
        }
    }
    let require_digest = cx.opt(&REQUIRE_DIGEST);
    for (what, node) in images {
        let Some(image) = node.as_str().map(str::trim) else {
            continue;
        };
        // chosen by an expression (a matrix, an input): judged where the value is written
        if image.is_empty() || has_expr(image) {
            continue;
        }
        let image = image.strip_prefix("docker://").unwrap_or(image);
        let r = k8s::parse_image(image);
        if r.digest.is_some() {
            continue;
        }
        let msg = match r.tag {
            None => format!(
                "{what} uses image \"{image}\" with no tag, which means :latest: pin a version tag or a digest"
            ),
            Some(t) if t.eq_ignore_ascii_case("latest") => format!(
                "{what} uses image \"{image}\": pin a version tag or a digest instead of :latest"
            ),
            Some(_) if require_digest => format!(
                "{what} uses image \"{image}\" without a digest: pin it as {image}@sha256:<digest>"
            ),
            Some(_) => continue,
        };
        out.push(cx.finding(node.span(), msg).help(
            "a moving tag runs whatever was pushed last, with the job's token and secrets: pin `image: name:1.2.3@sha256:<digest>`",
        ));
    }
}
