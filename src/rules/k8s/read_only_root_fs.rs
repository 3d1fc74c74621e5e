//! k8s/read-only-root-fs: containers should run with a read-only root filesystem.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::k8s::{self, ContainerKind};

pub const RULE: Rule = Rule {
    id: "k8s/read-only-root-fs",
    kinds: &[Kind::K8s],
    packs: &["least-privilege"],
    severity: Severity::Warning,
    security_severity: Some(4.0),
    summary: "a container whose root filesystem is writable: readOnlyRootFilesystem is not true",
    doc: include_str!("../../../rules/k8s/read-only-root-fs.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

const FIX: &str =
    "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write";

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    for c in k8s::containers(yaml) {
        let f = match c.setting("readOnlyRootFilesystem") {
            Some(s) if s.value.as_bool() == Some(true) => continue,
            Some(s) => cx.finding(
                s.value.span(),
                format!(
                    "{} has a writable root filesystem (readOnlyRootFilesystem: {}): {FIX}",
                    c.display(),
                    s.value.scalar().unwrap_or("")
                ),
            ),
            None if c.kind == ContainerKind::Ephemeral => continue,
            None => cx.finding(
                c.security_anchor().span(),
                format!("{} has a writable root filesystem: {FIX}", c.display()),
            ),
        };
        out.push(f.help(
            "a read-only root keeps an attacker from dropping tools or changing binaries; give /tmp and caches their own emptyDir volumes",
        ));
    }
}
