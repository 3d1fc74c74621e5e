//! k8s/rbac-dangerous-access: Role and ClusterRole rules that open a path to more privilege:
//! reading secrets, creating pods or workloads, exec/attach/port-forward into pods,
//! escalate/bind/impersonate, the node proxy, and writes to admission webhooks. One finding
//! per rule, naming what it grants.

use super::rbac::{PolicyRule, policy_rules};
use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::Span;
use crate::source::k8s::Object;

pub static RULE: Rule = rule!("k8s/rbac-dangerous-access")
    .summary("a Role or ClusterRole rule that reads secrets, creates pods or workloads, execs into pods, escalates, binds, impersonates, proxies to nodes or writes admission webhooks")
    .packs(&["least-privilege"])
    .security(6.0)
    .on_object(check);

/// Workload resources whose creation runs code under any service account of the namespace.
const WORKLOADS: &[(&str, &str)] = &[
    ("", "pods"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
    ("", "replicationcontrollers"),
];

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    for rule in policy_rules(obj) {
        let found = dangers(&rule);
        let Some((first, _)) = found.first() else {
            continue;
        };
        let what: Vec<&str> = found.iter().map(|(_, w)| w.as_str()).collect();
        out.push(
            cx.finding(
                *first,
                format!(
                    "{} rule {} grants {}: each is a way to more privilege than the rule names; grant it only to what needs it",
                    obj.display(),
                    rule.index,
                    what.join(", ")
                ),
            )
            .help("narrow with resourceNames, move the access to a Role in one namespace, or drop the verbs the subject does not use"),
        );
    }
}

/// What the rule grants that leads to more privilege, each with the item to point at.
fn dangers(rule: &PolicyRule<'_>) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    // read of secrets (a named secret is a deliberate grant)
    if rule.in_group("") && !rule.named {
        if let Some(s) = rule.resource("secrets") {
            let reads: Vec<&str> = ["get", "list", "watch"]
                .into_iter()
                .filter(|v| rule.grants(v))
                .collect();
            if !reads.is_empty() {
                out.push((s, format!("read of secrets ({})", reads.join("/"))));
            }
        }
    }
    // creating pods or workloads runs code as any service account of the namespace
    if rule.grants("create") {
        let made: Vec<&str> = WORKLOADS
            .iter()
            .filter(|(g, r)| rule.in_group(g) && rule.resource(r).is_some())
            .map(|(_, r)| *r)
            .collect();
        if let Some(first) = made.first().and_then(|r| rule.resource(r)) {
            out.push((first, format!("create of {}", made.join("/"))));
        }
    }
    for (sub, what) in [
        ("pods/exec", "pods/exec"),
        ("pods/attach", "pods/attach"),
        ("pods/portforward", "pods/portforward"),
    ] {
        if let Some(s) = rule.resource(sub) {
            if rule.in_group("") && (rule.grants("create") || rule.grants("get")) {
                out.push((s, what.to_string()));
            }
        }
    }
    for v in ["escalate", "bind", "impersonate"] {
        // a `*` verb is k8s/rbac-wildcard's to report
        if let Some(s) = rule
            .verbs
            .iter()
            .find(|(x, _)| x.eq_ignore_ascii_case(v))
            .map(|(_, s)| *s)
        {
            out.push((s, format!("the {v} verb")));
        }
    }
    if let Some(s) = rule.resource("nodes/proxy") {
        if rule.in_group("") && (rule.grants("get") || rule.grants("create")) {
            out.push((s, "nodes/proxy (the kubelet API of every node)".to_string()));
        }
    }
    let writes = ["create", "update", "patch", "delete"];
    if rule.in_group("admissionregistration.k8s.io") && writes.iter().any(|v| rule.grants(v)) {
        for r in [
            "mutatingwebhookconfigurations",
            "validatingwebhookconfigurations",
        ] {
            if let Some(s) = rule.resource(r) {
                if !rule.named {
                    out.push((s, format!("writes to {r}")));
                }
            }
        }
    }
    out.sort_by_key(|(s, _)| s.start);
    out
}
