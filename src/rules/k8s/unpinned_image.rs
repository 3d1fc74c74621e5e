//! k8s/unpinned-image: images without a tag, with `:latest`, or (optionally) without a digest.

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::source::k8s::{self, Container};

const REQUIRE_DIGEST: Opt<bool> = Opt::bool(
    "require-digest",
    false,
    "require every image to be pinned by digest (@sha256:...)",
);

pub static RULE: Rule = rule!("k8s/unpinned-image")
    .summary("a container image with no tag or the latest tag (or no digest, when required)")
    .packs(&["supply-chain", "reliability"])
    .security(5.0)
    .options(&[REQUIRE_DIGEST.decl])
    .on_container(check);

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let require_digest = cx.opt(&REQUIRE_DIGEST);
    let Some(node) = c.image() else { return };
    let Some(image) = node.as_str() else { return };
    let image = image.trim();
    if image.is_empty() || image.contains("${") || image.contains("{{") || image.starts_with('$') {
        return; // filled in by a template or kustomize/envsubst
    }
    let r = k8s::parse_image(image);
    if r.digest.is_some() {
        return;
    }
    let msg = match r.tag {
        None => format!(
            "{} uses image \"{image}\" with no tag, which means :latest: pin a version tag (e.g. {}:1.2.3) or a digest",
            c.display(),
            r.name
        ),
        Some(t) if t.eq_ignore_ascii_case("latest") => format!(
            "{} uses image \"{image}\": pin a version tag (e.g. {}:1.2.3) or a digest instead of :latest",
            c.display(),
            r.name
        ),
        Some(_) if require_digest => format!(
            "{} uses image \"{image}\" without a digest: pin it as {image}@sha256:<digest>",
            c.display()
        ),
        Some(_) => return,
    };
    out.push(cx.finding(node.span(), msg).help(
        "a moving tag deploys whatever was pushed last: rollbacks and replicas can run different code; `crane digest <image>` prints the digest to pin",
    ));
}
