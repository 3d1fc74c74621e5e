//! k8s/missing-probes: long-running containers must say when they are ready and alive.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::k8s::Container;

pub static RULE: Rule = rule!("k8s/missing-probes")
    .summary("a long-running container without a readinessProbe or a livenessProbe")
    .packs(&["healthchecks", "reliability"])
    .on_container(check);

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    if !c.is_long_running() {
        return;
    }
    for (probe, why) in [
        (
            "readinessProbe",
            "traffic reaches it before it is ready and while it is overloaded",
        ),
        ("livenessProbe", "a hung process is never restarted"),
    ] {
        if c.node.get(probe).is_some_and(|p| p.is_map()) {
            continue;
        }
        out.push(
            cx.finding(
                c.anchor().span(),
                format!(
                    "{} has no {probe}: {why}; add one (httpGet, tcpSocket, grpc or exec)",
                    c.display()
                ),
            )
            .help(format!(
                "e.g. `{probe}: {{httpGet: {{path: /healthz, port: 8080}}, periodSeconds: 10}}`; a liveness probe should check only the process itself, not its dependencies"
            )),
        );
    }
}
