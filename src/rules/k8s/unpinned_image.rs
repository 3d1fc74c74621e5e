//! k8s/unpinned-image: images without a tag, with `:latest`, or (optionally) without a digest.

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::source::k8s::{self, Container};
use crate::source::yaml::{Yaml, YamlFile};

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
    let unpinned = r.tag.is_none_or(|t| t.eq_ignore_ascii_case("latest"));
    if (unpinned || require_digest) && replaced_by_build_tool(cx, r.name) {
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

/// Whether a build tool of the repository sets this image when it deploys: a `skaffold.yaml`
/// artifact (`build.artifacts[].image`, profiles too) or a kustomization's `images:` entry, in
/// the manifest's directory or one above it. The name in the manifest is a placeholder that
/// tool replaces with a built, tagged (or digested) image.
fn replaced_by_build_tool(cx: &Cx<'_>, name: &str) -> bool {
    let root = crate::paths::absolute(&cx.project().root);
    let mut dir = crate::paths::absolute(cx.path());
    let mut depth = 0;
    while dir.pop() && depth < 16 {
        depth += 1;
        for file in [
            "skaffold.yaml",
            "skaffold.yml",
            "kustomization.yaml",
            "kustomization.yml",
            "Kustomization",
        ] {
            let Some(text) = cx.project().read_text(&dir.join(file)) else {
                continue;
            };
            let y = YamlFile::parse(&text);
            if y.documents().any(|d| names_image(d, name)) {
                return true;
            }
        }
        if dir == root {
            break;
        }
    }
    false
}

fn names_image(doc: Yaml<'_>, name: &str) -> bool {
    let artifacts = |build: Option<Yaml<'_>>| -> bool {
        build.and_then(|b| b.get("artifacts")).is_some_and(|a| {
            a.items()
                .any(|x| x.get("image").and_then(|i| i.as_str()) == Some(name))
        })
    };
    artifacts(doc.get("build"))
        || doc
            .get("profiles")
            .is_some_and(|p| p.items().any(|x| artifacts(x.get("build"))))
        || doc.get("images").is_some_and(|i| {
            i.items()
                .any(|x| x.get("name").and_then(|n| n.as_str()) == Some(name))
        })
}
