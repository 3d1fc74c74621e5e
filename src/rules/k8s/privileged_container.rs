//! k8s/privileged-container: `securityContext.privileged: true`.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::k8s;

pub const RULE: Rule = Rule {
    id: "k8s/privileged-container",
    kinds: &[Kind::K8s],
    packs: &["least-privilege"],
    severity: Severity::Error,
    security_severity: Some(8.8),
    summary: "a container that runs privileged, with every device and capability of the node",
    doc: include_str!("../../../rules/k8s/privileged-container.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    for c in k8s::containers(yaml) {
        let Some(s) = c.setting("privileged") else {
            continue;
        };
        if s.value.as_bool() != Some(true) {
            continue;
        }
        out.push(
            cx.finding(
                s.value.span(),
                format!(
                    "{} runs privileged (privileged: true): remove it and add only the capabilities it needs under securityContext.capabilities.add",
                    c.display()
                ),
            )
            .help("a privileged container can reach every device of the node and escape to it; grant single capabilities (NET_BIND_SERVICE, ...) instead"),
        );
    }
}
