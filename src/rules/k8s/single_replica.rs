//! k8s/single-replica: Deployments and StatefulSets that run one replica with no autoscaler,
//! and multi-replica ones with no PodDisruptionBudget beside them.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::k8s::{Object, same_namespace};

pub static RULE: Rule = rule!("k8s/single-replica")
    .summary("a Deployment or StatefulSet with one replica and no autoscaler, or several replicas and no PodDisruptionBudget")
    .packs(&["reliability"])
    .severity(Severity::Note)
    .off_by_default()
    .on_object(check);

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    if !matches!(obj.kind(), "Deployment" | "StatefulSet") {
        return;
    }
    let replicas_node = obj.node.path(&["spec", "replicas"]);
    let replicas = match replicas_node {
        Some(n) => match n.as_i64() {
            Some(r) => r,
            None => return, // templated
        },
        None => 1,
    };
    if replicas == 0 {
        return;
    }
    let ns = obj.namespace().and_then(|n| n.as_str()).unwrap_or_default();
    let set = cx.project().k8s_set();
    let name = obj.name();
    let scaled = set.scalers().any(|o| {
        same_namespace(&o.namespace, ns)
            && o.scale_target
                .as_ref()
                .is_some_and(|(k, n)| k == obj.kind() && n == name)
    });
    if scaled {
        return;
    }
    let anchor = replicas_node
        .or_else(|| obj.node.key("spec"))
        .unwrap_or(obj.node);
    if replicas == 1 {
        out.push(
            cx.finding(
                anchor.span(),
                format!("{} runs one replica and no autoscaler targets it: a node drain or a crash takes it down; run 2 or more, or scale it with a HorizontalPodAutoscaler", obj.display()),
            )
            .help("spec.replicas: 2 (with a PodDisruptionBudget of minAvailable: 1) keeps one pod serving through drains and rollouts"),
        );
        return;
    }
    let Some(labels) = obj.pod_labels().map(crate::source::k8s::labels_of) else {
        return;
    };
    let dir = cx.rel().rfind('/').map_or("", |i| &cx.rel()[..=i]);
    let covered = set.in_dir(dir).any(|o| {
        same_namespace(&o.namespace, ns)
            && o.selector
                .as_ref()
                .is_some_and(|s| !s.is_empty() && s.matches(&labels))
    });
    if !covered {
        out.push(
            cx.finding(
                anchor.span(),
                format!("{} runs {replicas} replicas and no PodDisruptionBudget beside it covers its pods: a node drain may evict them all at once", obj.display()),
            )
            .help("a PodDisruptionBudget with minAvailable: 1 (or maxUnavailable: 1) selecting its pods"),
        );
    }
}
