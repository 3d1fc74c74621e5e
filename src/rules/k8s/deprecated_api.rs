//! k8s/deprecated-api: objects written against an API version that Kubernetes no longer
//! serves (or will stop serving), with the release that removed it and the replacement.

use super::tables::{self, DEFAULT_VERSION, REMOVED};
use crate::api::{Cx, Finding, Opt, Rule, Severity, Str};
use crate::rule;
use crate::source::k8s::{self, Object};

const VERSION: Opt<Str> = Opt::str(
    "kubernetes-version",
    DEFAULT_VERSION,
    "the oldest Kubernetes version the manifests must apply to (`1.29`): APIs removed by then are errors, later removals warnings",
);

pub static RULE: Rule = rule!("k8s/deprecated-api")
    .summary("an apiVersion that Kubernetes removed (or deprecated), with the release and the replacement")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .options(&[VERSION.decl])
    .on_object(check);

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let api = obj.api_version();
    let kind = obj.kind();
    let Some(row) = REMOVED
        .iter()
        .find(|r| r.api_version == api && r.kinds.contains(&kind))
    else {
        return;
    };
    let Some(node) = obj.node.get("apiVersion") else {
        return;
    };
    let target = tables::parse_version(cx.opt(&VERSION))
        .or_else(|| tables::parse_version(DEFAULT_VERSION))
        .unwrap_or((1, 33));
    let removed = tables::show(row.removed_in);
    let f = if !applied_as_written(cx) {
        // a kustomize patch (or a file the kustomization leaves out): the object it patches
        // carries the same apiVersion and is reported where it is written
        cx.finding(
            node.span(),
            format!(
                "{} uses {api}, which Kubernetes stopped serving in {removed}; this file is not applied as written (the kustomization beside it does not list it under resources: a patch, or unused): move it and the object it patches to {}",
                obj.display(),
                row.replacement
            ),
        )
        .severity(Severity::Warning)
    } else if row.removed_in <= target {
        cx.finding(
            node.span(),
            format!(
                "{} uses {api}, which Kubernetes stopped serving in {removed}: the API server rejects it; use {}",
                obj.display(),
                row.replacement
            ),
        )
    } else {
        cx.finding(
            node.span(),
            format!(
                "{} uses {api}, deprecated and removed in Kubernetes {removed}: move to {} before upgrading",
                obj.display(),
                row.replacement
            ),
        )
        .severity(Severity::Warning)
    };
    out.push(f.help(format!(
        "`kubectl convert -f <file> --output-version {}` rewrites it; check the fields the new version renamed (Deprecated API Migration Guide, {removed})",
        row.replacement.split(' ').next().unwrap_or(row.replacement)
    )));
}

/// Whether the file goes to the API server as written: not a file beside a kustomization
/// that leaves it out of its resources (a patch, or a file nothing uses).
fn applied_as_written(cx: &Cx<'_>) -> bool {
    let path = cx.path();
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    let dir = crate::paths::parent(path);
    for k in ["kustomization.yaml", "kustomization.yml", "Kustomization"] {
        if let Some(text) = cx.project().read_text(&dir.join(k)) {
            return k8s::kustomization_applies(&text, name);
        }
    }
    true
}
