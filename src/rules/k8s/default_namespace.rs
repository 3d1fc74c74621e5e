//! k8s/default-namespace: objects that land in the `default` namespace.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::{OptionType, Rule, RuleOption};
use crate::source::Kind;
use crate::source::k8s;

pub const RULE: Rule = Rule {
    id: "k8s/default-namespace",
    kinds: &[Kind::K8s],
    packs: &["hygiene"],
    severity: Severity::Note,
    security_severity: None,
    summary: "a namespaced object placed in the default namespace, or without a namespace in a file that sets them",
    doc: include_str!("../../../rules/k8s/default-namespace.md"),
    default_enabled: false,
    options: &[RuleOption {
        name: "require-namespace",
        ty: OptionType::Bool,
        default: "false",
        help: "report every namespaced object without metadata.namespace, even in files applied with `-n` or a kustomize namespace",
    }],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let objects: Vec<_> = k8s::objects(yaml)
        .into_iter()
        .filter(|o| o.is_namespaced())
        .collect();
    // a file where no object names a namespace is applied into one (kubectl -n, kustomize,
    // Helm, Argo CD): leave it alone unless asked
    let file_sets_namespaces = objects
        .iter()
        .any(|o| o.namespace().and_then(|n| n.as_str()).is_some());
    let strict = cx.opt_bool("require-namespace");
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
