//! k8s/privilege-escalation: `allowPrivilegeEscalation` must be false.

use super::fix::set_security;
use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::k8s::{Container, ContainerKind};

pub static RULE: Rule = rule!("k8s/privilege-escalation")
    .summary("a container whose allowPrivilegeEscalation is not false")
    .packs(&["least-privilege"])
    .security(6.0)
    .on_container(check);

const FIX: &str = "set securityContext.allowPrivilegeEscalation: false";

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let f = match c.setting("allowPrivilegeEscalation") {
        Some(s) if s.value.as_bool() == Some(false) => return,
        Some(s) => cx.finding(
            s.value.span(),
            format!(
                "{} allows privilege escalation (allowPrivilegeEscalation: {}): {FIX}",
                c.display(),
                s.value.scalar().unwrap_or("")
            ),
        ),
        None if c.kind == ContainerKind::Ephemeral => return,
        None => cx.finding(
            c.security_anchor().span(),
            format!(
                "{} allows privilege escalation (the default): {FIX}",
                c.display()
            ),
        ),
    };
    let f = f.help(
        "without it a setuid binary or file capability in the image can give the process more privileges than its parent (no_new_privs stays off)",
    );
    out.push(
        match set_security(cx.text(), c, "allowPrivilegeEscalation", "false") {
            Some(fix) => f.fix(fix),
            None => f,
        },
    );
}
