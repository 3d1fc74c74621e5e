//! k8s/privilege-escalation: `allowPrivilegeEscalation` must be false.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::k8s::{self, ContainerKind};

pub const RULE: Rule = Rule {
    id: "k8s/privilege-escalation",
    kinds: &[Kind::K8s],
    packs: &["least-privilege"],
    severity: Severity::Warning,
    security_severity: Some(6.0),
    summary: "a container whose allowPrivilegeEscalation is not false",
    doc: include_str!("../../../rules/k8s/privilege-escalation.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

const FIX: &str = "set securityContext.allowPrivilegeEscalation: false";

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    for c in k8s::containers(yaml) {
        let f = match c.setting("allowPrivilegeEscalation") {
            Some(s) if s.value.as_bool() == Some(false) => continue,
            Some(s) => cx.finding(
                s.value.span(),
                format!(
                    "{} allows privilege escalation (allowPrivilegeEscalation: {}): {FIX}",
                    c.display(),
                    s.value.scalar().unwrap_or("")
                ),
            ),
            None if c.kind == ContainerKind::Ephemeral => continue,
            None => cx.finding(
                c.security_anchor().span(),
                format!(
                    "{} allows privilege escalation (the default): {FIX}",
                    c.display()
                ),
            ),
        };
        out.push(f.help(
            "without it a setuid binary or file capability in the image can give the process more privileges than its parent (no_new_privs stays off)",
        ));
    }
}
