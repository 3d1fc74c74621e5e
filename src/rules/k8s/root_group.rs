//! k8s/root-group: pods and containers that run with the root group: `runAsGroup: 0`,
//! `fsGroup: 0`, or 0 among `supplementalGroups`.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::k8s::Object;
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("k8s/root-group")
    .summary("runAsGroup: 0, fsGroup: 0 or supplementalGroups with 0")
    .packs(&["non-root", "least-privilege"])
    .security(5.0)
    .on_object(check);

fn is_zero(v: Yaml<'_>) -> bool {
    v.as_i64() == Some(0)
}

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = obj.pod_spec() else { return };
    let who = obj.display();
    let mut report = |v: Yaml<'_>, what: String| {
        out.push(
            cx.finding(v.span(), what)
                .help("group 0 owns much of a container's filesystem (/etc, most images' app files): a non-root user in it can still write there; pick a group id of 1000 or more"),
        );
    };
    if let Some(sc) = pod.node.get("securityContext") {
        if let Some(v) = sc.get("runAsGroup").filter(|v| is_zero(*v)) {
            report(
                v,
                format!(
                    "{who} runs its containers with the root group (runAsGroup: 0): use a non-zero group id"
                ),
            );
        }
        if let Some(v) = sc.get("fsGroup").filter(|v| is_zero(*v)) {
            report(
                v,
                format!(
                    "{who} gives its volumes to the root group (fsGroup: 0): use a non-zero group id"
                ),
            );
        }
        if let Some(groups) = sc.get("supplementalGroups") {
            for g in groups.items().filter(|g| is_zero(*g)) {
                report(
                    g,
                    format!(
                        "{who} adds the root group to its processes (supplementalGroups has 0): remove it"
                    ),
                );
            }
        }
    }
    for c in pod.containers() {
        if let Some(v) = c
            .node
            .path(&["securityContext", "runAsGroup"])
            .filter(|v| is_zero(*v))
        {
            report(
                v,
                format!(
                    "{} runs with the root group (runAsGroup: 0): use a non-zero group id",
                    c.display()
                ),
            );
        }
    }
}
