//! k8s/missing-probes: long-running containers must say when they are ready and alive.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::k8s;

pub const RULE: Rule = Rule {
    id: "k8s/missing-probes",
    kinds: &[Kind::K8s],
    packs: &["healthchecks", "reliability"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "a long-running container without a readinessProbe or a livenessProbe",
    doc: include_str!("../../../rules/k8s/missing-probes.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    for c in k8s::containers(yaml) {
        if !c.is_long_running() {
            continue;
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
}
