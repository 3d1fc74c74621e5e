//! k8s/missing-probes: long-running containers must say when they are ready and alive. One
//! finding per container, naming every missing probe.

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
    let missing: Vec<(&str, &str)> = [
        (
            "readinessProbe",
            "traffic reaches it before it is ready and while it is overloaded",
        ),
        ("livenessProbe", "a hung process is never restarted"),
    ]
    .into_iter()
    .filter(|(probe, _)| !c.node.get(probe).is_some_and(|p| p.is_map()))
    .collect();
    let (names, why): (Vec<&str>, Vec<&str>) = missing.into_iter().unzip();
    if names.is_empty() {
        return;
    }
    let example = names
        .iter()
        .map(|p| format!("`{p}: {{httpGet: {{path: /healthz, port: 8080}}, periodSeconds: 10}}`"))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(
        cx.finding(
            c.anchor().span(),
            format!(
                "{} has no {}: {}; add {} (httpGet, tcpSocket, grpc or exec)",
                c.display(),
                names.join(" or "),
                why.join(", and "),
                if names.len() == 1 { "one" } else { "both" }
            ),
        )
        .help(format!(
            "e.g. {example}; a liveness probe should check only the process itself, not its dependencies"
        )),
    );
}
