//! k8s/unpinned-image: images without a tag, with `:latest`, or (optionally) without a digest.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::{OptionType, Rule, RuleOption};
use crate::source::Kind;
use crate::source::k8s;

pub const RULE: Rule = Rule {
    id: "k8s/unpinned-image",
    kinds: &[Kind::K8s],
    packs: &["supply-chain", "reliability"],
    severity: Severity::Warning,
    security_severity: Some(5.0),
    summary: "a container image with no tag or the latest tag (or no digest, when required)",
    doc: include_str!("../../../rules/k8s/unpinned-image.md"),
    default_enabled: true,
    options: &[RuleOption {
        name: "require-digest",
        ty: OptionType::Bool,
        default: "false",
        help: "require every image to be pinned by digest (@sha256:...)",
    }],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let require_digest = cx.opt_bool("require-digest");
    for c in k8s::containers(yaml) {
        let Some(node) = c.image() else { continue };
        let Some(image) = node.as_str() else { continue };
        let image = image.trim();
        if image.is_empty()
            || image.contains("${")
            || image.contains("{{")
            || image.starts_with('$')
        {
            continue; // filled in by a template or kustomize/envsubst
        }
        let r = k8s::parse_image(image);
        if r.digest.is_some() {
            continue;
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
            Some(_) => continue,
        };
        out.push(cx.finding(node.span(), msg).help(
            "a moving tag deploys whatever was pushed last: rollbacks and replicas can run different code; `crane digest <image>` prints the digest to pin",
        ));
    }
}
