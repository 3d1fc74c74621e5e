//! k8s/default-namespace: objects that land in the `default` namespace.

use crate::api::{Cx, Finding, Opt, Rule, Severity};
use crate::rule;
use crate::source::k8s::Object;

const REQUIRE_NAMESPACE: Opt<bool> = Opt::bool(
    "require-namespace",
    false,
    "report every namespaced object without metadata.namespace, even in files applied with `-n` or a kustomize namespace",
);

pub static RULE: Rule = rule!("k8s/default-namespace")
    .summary("a namespaced object placed in the default namespace, or without a namespace in a file that sets them")
    .packs(&["hygiene"])
    .severity(Severity::Note)
    .off_by_default()
    .options(&[REQUIRE_NAMESPACE.decl])
    .on_manifest(check);

fn check(cx: &Cx<'_>, objects: &[Object<'_>], out: &mut Vec<Finding>) {
    let objects: Vec<_> = objects.iter().filter(|o| o.is_namespaced()).collect();
    // a file where no object names a namespace is applied into one (kubectl -n, kustomize,
    // Helm, Argo CD): leave it alone unless asked
    let file_sets_namespaces = objects
        .iter()
        .any(|o| o.namespace().and_then(|n| n.as_str()).is_some());
    let strict = cx.opt(&REQUIRE_NAMESPACE);
    for obj in objects {
        match obj.namespace() {
            Some(ns) if ns.as_str() == Some("default") => out.push(
                cx.finding(
                    ns.span(),
                    format!(
                        "{} is placed in the default namespace: give it a namespace of its own",
                        obj.display()
                    ),
                )
                .help("the default namespace has no quotas, network policies or RBAC of its own; everything put there shares them"),
            ),
            Some(ns) if ns.as_str().is_some() => {}
            _ if strict || file_sets_namespaces => {
                let anchor = obj
                    .node
                    .key("metadata")
                    .or_else(|| obj.node.key("kind"))
                    .unwrap_or(obj.node);
                out.push(
                    cx.finding(
                        anchor.span(),
                        format!(
                            "{} has no metadata.namespace, so it lands in whatever namespace is current (often default): set metadata.namespace",
                            obj.display()
                        ),
                    )
                    .help("set metadata.namespace, or leave it out of every object of the file and apply it with -n or a kustomize namespace"),
                );
            }
            _ => {}
        }
    }
}
