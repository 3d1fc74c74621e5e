//! k8s/network-policy-missing: a namespace whose workloads no NetworkPolicy of the
//! manifests covers. One finding per namespace, at its first workload.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::k8s::{Object, same_namespace};

pub static RULE: Rule = rule!("k8s/network-policy-missing")
    .summary("a namespace with workloads and no NetworkPolicy in the manifests")
    .packs(&["least-privilege"])
    .severity(Severity::Note)
    .security(4.0)
    .off_by_default()
    .on_object(check);

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    if obj.pod_spec().is_none() {
        return;
    }
    let ns = obj.namespace().and_then(|n| n.as_str()).unwrap_or_default();
    let set = cx.project().k8s_set();
    if set
        .of_kind("NetworkPolicy")
        .any(|o| same_namespace(&o.namespace, ns))
    {
        return;
    }
    // the first workload of this namespace in the set carries the finding
    let first = set.first_workload(ns);
    let me =
        first.is_some_and(|f| f.file == cx.rel() && f.kind == obj.kind() && f.name == obj.name());
    if !me {
        return;
    }
    let anchor = obj.node.key("kind").unwrap_or(obj.node);
    let which = if ns.is_empty() {
        "the namespace these manifests are applied to".to_string()
    } else {
        format!("namespace {ns}")
    };
    out.push(
        cx.finding(
            anchor.span(),
            format!("{which} runs workloads ({} first) and no NetworkPolicy in the manifests restricts their traffic: every pod of the cluster can reach them", obj.display()),
        )
        .help("start with a default-deny NetworkPolicy (podSelector: {}, policyTypes: [Ingress, Egress]) and allow what each workload needs"),
    );
}
