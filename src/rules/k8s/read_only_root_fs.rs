//! k8s/read-only-root-fs: containers should run with a read-only root filesystem.

use super::fix::set_security;
use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::k8s::{Container, ContainerKind};

pub static RULE: Rule = rule!("k8s/read-only-root-fs")
    .summary("a container whose root filesystem is writable: readOnlyRootFilesystem is not true")
    .packs(&["least-privilege"])
    .security(4.0)
    // hardening beyond the Pod Security Standards' restricted profile: selected by id or pack
    .off_by_default()
    .on_container(check);

const FIX: &str =
    "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write";

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let f = match c.setting("readOnlyRootFilesystem") {
        Some(s) if s.value.as_bool() == Some(true) => return,
        Some(s) => cx.finding(
            s.value.span(),
            format!(
                "{} has a writable root filesystem (readOnlyRootFilesystem: {}): {FIX}",
                c.display(),
                s.value.scalar().unwrap_or("")
            ),
        ),
        None if c.kind == ContainerKind::Ephemeral => return,
        None => cx.finding(
            c.security_anchor().span(),
            format!("{} has a writable root filesystem: {FIX}", c.display()),
        ),
    };
    let f = f.help(
        "a read-only root keeps an attacker from dropping tools or changing binaries; give /tmp and caches their own emptyDir volumes",
    );
    out.push(
        match set_security(cx.text(), c, "readOnlyRootFilesystem", "true") {
            Some(fix) => f.fix(fix),
            None => f,
        },
    );
}
