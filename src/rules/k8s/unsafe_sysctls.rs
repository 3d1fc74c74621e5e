//! k8s/unsafe-sysctls: pod sysctls outside the kubelet's safe set.

use super::tables::{self, DEFAULT_VERSION, SAFE_SYSCTLS};
use crate::api::{Cx, Finding, Opt, Rule, Str};
use crate::rule;
use crate::source::k8s::Object;

const VERSION: Opt<Str> = Opt::str(
    "kubernetes-version",
    DEFAULT_VERSION,
    "the oldest Kubernetes version the pods must run on (`1.29`): a sysctl is safe if that version's kubelet allows it",
);

pub static RULE: Rule = rule!("k8s/unsafe-sysctls")
    .summary("a pod sysctl outside the safe set the kubelet allows by default")
    .packs(&["least-privilege", "reliability"])
    .security(5.0)
    .options(&[VERSION.decl])
    .on_object(check);

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = obj.pod_spec() else { return };
    let Some(list) = pod.node.path(&["securityContext", "sysctls"]) else {
        return;
    };
    let target = tables::parse_version(cx.opt(&VERSION))
        .or_else(|| tables::parse_version(DEFAULT_VERSION))
        .unwrap_or((1, 33));
    for item in list.items() {
        let Some(name_node) = item.get("name") else {
            continue;
        };
        let Some(name) = name_node.as_str() else {
            continue;
        };
        if name.contains("{{") || name.contains('$') {
            continue;
        }
        // `net/ipv4/...` is accepted for `net.ipv4....`
        let dotted = name.replace('/', ".");
        match SAFE_SYSCTLS.iter().find(|s| s.name == dotted) {
            Some(s) if s.since <= target => continue,
            Some(s) => out.push(
                cx.finding(
                    name_node.span(),
                    format!(
                        "{} sets sysctl {name}, safe only from Kubernetes {} on: older kubelets refuse the pod unless their --allowed-unsafe-sysctls lists it",
                        obj.display(),
                        tables::show(s.since)
                    ),
                )
                .help("raise kubernetes-version in the rule's options if every cluster runs that version or later"),
            ),
            None => out.push(
                cx.finding(
                    name_node.span(),
                    format!(
                        "{} sets sysctl {name}, which is not in the kubelet's safe set: the pod fails to start unless the node allows it (--allowed-unsafe-sysctls), and then it can affect every pod on that node",
                        obj.display()
                    ),
                )
                .help("set node-level kernel parameters on the nodes (a tuned node pool, or a privileged DaemonSet run by the cluster's owners), not from an application's pod"),
            ),
        }
    }
}
