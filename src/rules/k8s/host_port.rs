//! k8s/host-port: containers that bind a port of the node (`hostPort`).

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::k8s::Container;

pub static RULE: Rule = rule!("k8s/host-port")
    .summary("a container port published on the node with hostPort")
    .packs(&["least-privilege"])
    .security(4.0)
    .on_container(check);

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    // hostNetwork pods get hostPort = containerPort filled in: k8s/host-namespaces reports them
    if c.pod.node.get("hostNetwork").and_then(|v| v.as_bool()) == Some(true) {
        return;
    }
    let Some(ports) = c.node.get("ports") else {
        return;
    };
    for p in ports.items() {
        let Some(hp) = p.get("hostPort") else {
            continue;
        };
        if hp.as_i64().is_some_and(|n| n == 0) || hp.is_null() {
            continue;
        }
        let port = hp.scalar().unwrap_or("");
        out.push(
            cx.finding(
                hp.span(),
                format!(
                    "{} binds port {port} of its node (hostPort): expose it through a Service instead",
                    c.display()
                ),
            )
            .help("a hostPort ties the pod to nodes where the port is free, bypasses NetworkPolicy on many CNIs and exposes the pod on the node's address; a Service (NodePort or LoadBalancer if it must be reached from outside) does not"),
        );
    }
}
