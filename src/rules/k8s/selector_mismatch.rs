//! k8s/selector-mismatch: a workload whose selector does not match its own pod template,
//! and a Service, NetworkPolicy or PodDisruptionBudget that selects no pod of the manifests
//! beside it (judged only where the set looks complete: the same directory and namespace,
//! with every pod-making object known).

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::k8s::{Object, Selector, labels_of, same_namespace};
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("k8s/selector-mismatch")
    .summary("a workload whose selector does not match its template's labels, or a Service, NetworkPolicy or PodDisruptionBudget selecting no pod of its directory")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .on_object(check);

/// Workload kinds whose `spec.selector` must match their template's labels.
const SELECTING: &[&str] = &[
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Rollout",
    "DeploymentConfig",
];

fn describe(sel: &Selector) -> String {
    let mut parts: Vec<String> = sel.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.extend(sel.exprs.iter().map(|(k, op, vs)| {
        if vs.is_empty() {
            format!("{k} {op}")
        } else {
            format!("{k} {op} ({})", vs.join(","))
        }
    }));
    parts.join(", ")
}

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let kind = obj.kind();
    if SELECTING.contains(&kind) {
        own_template(cx, obj, out);
        return;
    }
    let (node, sel, what) = match kind {
        "Service" if obj.group().is_empty() => {
            if obj.node.path(&["spec", "type"]).and_then(|t| t.as_str()) == Some("ExternalName") {
                return;
            }
            let Some((k, n)) = obj.node.get("spec").and_then(|s| s.entry("selector")) else {
                return; // endpoints managed by hand
            };
            (k, Selector::of_map(n), "sends traffic to")
        }
        "NetworkPolicy" => {
            let Some((k, n)) = obj.node.get("spec").and_then(|s| s.entry("podSelector")) else {
                return;
            };
            (k, Selector::of_label_selector(n), "applies to")
        }
        "PodDisruptionBudget" => {
            let Some((k, n)) = obj.node.get("spec").and_then(|s| s.entry("selector")) else {
                return;
            };
            (k, Selector::of_label_selector(n), "protects")
        }
        _ => return,
    };
    if sel.is_empty() || sel.is_templated() {
        return;
    }
    let dir = cx.rel().rfind('/').map_or("", |i| &cx.rel()[..=i]);
    let ns = obj.namespace().and_then(|n| n.as_str()).unwrap_or_default();
    let set = cx.project().k8s_set();
    let group: Vec<_> = set
        .in_dir(dir)
        .filter(|o| same_namespace(&o.namespace, ns))
        .collect();
    // pods made by something the set does not show (an operator's resource), pods whose
    // labels are filled in later, or no pods at all here: the set is not complete
    let pods: Vec<&Vec<(String, String)>> =
        group.iter().filter_map(|o| o.pod_labels.as_ref()).collect();
    if pods.is_empty()
        || group
            .iter()
            .any(|o| o.may_make_hidden_pods() || o.templated)
        || pods.iter().any(|l| l.is_empty())
        || cx.project().holds_skipped_template(dir)
    {
        return;
    }
    if pods.iter().any(|labels| sel.matches(labels)) {
        return;
    }
    out.push(
        cx.finding(
            node.span(),
            format!(
                "{} {what} pods labelled {}, and no workload in {} makes such pods: fix the selector or the pod template's labels",
                obj.display(),
                describe(&sel),
                if dir.is_empty() { "this directory".to_string() } else { dir.trim_end_matches('/').to_string() }
            ),
        )
        .severity(Severity::Warning)
        .help("a selector that matches nothing leaves a Service without endpoints, a NetworkPolicy without effect and a PodDisruptionBudget protecting nothing, silently"),
    );
}

/// A workload's selector must select its own template's pods (the API server refuses it).
fn own_template(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let Some((sel_key, sel_node)) = obj.node.get("spec").and_then(|s| s.entry("selector")) else {
        return;
    };
    let Some(labels_node) = obj.pod_labels() else {
        return; // a patch, or labels added by kustomize/Helm
    };
    let sel: Selector = if obj.kind() == "DeploymentConfig" || !is_label_selector(sel_node) {
        Selector::of_map(sel_node)
    } else {
        Selector::of_label_selector(sel_node)
    };
    let labels = labels_of(labels_node);
    if sel.is_empty() || sel.is_templated() || labels.is_empty() {
        return;
    }
    if labels
        .iter()
        .any(|(k, v)| k.contains("{{") || v.contains("{{") || v.contains("${"))
    {
        return;
    }
    if sel.matches(&labels) {
        return;
    }
    let missing: Vec<String> = sel
        .labels
        .iter()
        .filter(|(k, v)| !labels.iter().any(|(lk, lv)| lk == k && lv == v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let detail = if missing.is_empty() {
        describe(&sel)
    } else {
        missing.join(", ")
    };
    out.push(
        cx.finding(
            sel_key.span(),
            format!(
                "{} selects pods labelled {detail}, which its own pod template does not carry: the API server rejects it (selector does not match template labels); make the template's labels include the selector's",
                obj.display()
            ),
        )
        .related(labels_node.span(), "the template's labels")
        .help("the selector is immutable once created: change the template's labels to match it"),
    );
}

fn is_label_selector(n: Yaml<'_>) -> bool {
    n.get("matchLabels").is_some() || n.get("matchExpressions").is_some()
}
