//! compose/sensitive-host-mount: bind mounts of the host's root, system and runtime
//! directories (`/`, `/etc`, `/proc`, `/sys`, `/root`, `/boot`, `/var/lib/docker`,
//! `/var/run`, `/run`). The Docker socket itself is compose/privileged's.

use super::mounts::binds;
use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/sensitive-host-mount")
    .summary("a bind mount of the host's /, /etc, /proc, /sys, /root, /boot, /var/lib/docker or /var/run, writable unless :ro")
    .packs(&["least-privilege"])
    .severity(Severity::Error)
    .security(8.0)
    .on_compose(check);

/// Host directories and what mounting them hands over.
const SENSITIVE: &[(&str, &str)] = &[
    ("/", "the host's whole filesystem"),
    (
        "/etc",
        "the host's configuration (users, passwords, sudoers, cron)",
    ),
    ("/proc", "the host's processes and kernel settings"),
    ("/sys", "the host's kernel and device settings"),
    ("/root", "root's home on the host (SSH keys, credentials)"),
    ("/boot", "the host's kernel and boot loader"),
    ("/var/lib/docker", "every container's and image's files"),
    (
        "/var/run",
        "the host's runtime sockets (the Docker socket among them)",
    ),
    (
        "/run",
        "the host's runtime sockets (the Docker socket among them)",
    ),
];

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    for svc in compose.services() {
        for b in binds(&svc) {
            let Some((path, what)) = SENSITIVE.iter().find(|(p, _)| *p == b.host) else {
                continue;
            };
            let f = if b.read_only {
                cx.finding(
                    b.span,
                    format!("service \"{}\" mounts the host's {path} read-only at {}: it can read {what}; mount only the files it needs", svc.name, b.target),
                )
                .severity(Severity::Warning)
            } else {
                cx.finding(
                    b.span,
                    format!("service \"{}\" mounts the host's {path} writable at {}: it can change {what}, which is root on the host; mount only what it needs, read-only (:ro)", svc.name, b.target),
                )
            };
            out.push(f.help("monitoring agents that must read /proc or /sys mount them :ro; anything else gets a named volume or the one file it needs"));
        }
    }
}
