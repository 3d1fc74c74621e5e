//! compose/privileged: settings that hand a container the host: `privileged`, dangerous
//! capabilities, host namespaces, the Docker socket, unconfined seccomp/AppArmor. One
//! finding per cause.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/privileged")
    .summary("a service with host-level privileges: privileged, ALL/SYS_ADMIN capabilities, host namespaces, the Docker socket")
    .packs(&["least-privilege"])
    .severity(Severity::Error)
    .security(8.0)
    .on_compose(check);

const CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "DAC_READ_SEARCH",
];
const SOCKETS: &[&str] = &["/var/run/docker.sock", "/run/docker.sock"];

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    for svc in compose.services() {
        let name = svc.name;
        if let Some(p) = svc.get("privileged").filter(|p| p.as_bool() == Some(true)) {
            out.push(cx.finding(
                p.span(),
                format!("service \"{name}\" runs privileged, with every capability and all host devices: remove privileged: true and add only the capabilities it needs"),
            ));
        }
        if let Some(caps) = svc.get("cap_add") {
            for (cap, span) in caps.str_or_list() {
                let c = cap.trim().to_ascii_uppercase();
                let c = c.strip_prefix("CAP_").unwrap_or(&c);
                if CAPS.contains(&c) {
                    let sev = if matches!(c, "ALL" | "SYS_ADMIN" | "SYS_MODULE") {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    out.push(
                        cx.finding(
                            span,
                            format!("service \"{name}\" adds capability {c}, which reaches far beyond the container: drop it, or grant a narrower capability"),
                        )
                        .severity(sev),
                    );
                }
            }
        }
        for (key, sev) in [
            ("network_mode", Severity::Warning),
            ("pid", Severity::Error),
            ("ipc", Severity::Warning),
            ("uts", Severity::Warning),
            ("userns_mode", Severity::Warning),
        ] {
            if let Some(v) = svc.get(key).filter(|v| v.as_str() == Some("host")) {
                out.push(
                    cx.finding(
                        v.span(),
                        format!("service \"{name}\" shares the host's {} namespace ({key}: host): remove it and publish ports or share with a service instead", ns(key)),
                    )
                    .severity(sev),
                );
            }
        }
        if let Some(vols) = svc.get("volumes") {
            for v in vols.items() {
                let source = if let Some(s) = v.as_str() {
                    s.split(':').next().unwrap_or(s).to_string()
                } else {
                    v.get("source")
                        .and_then(|s| s.as_str())
                        .unwrap_or("")
                        .to_string()
                };
                if SOCKETS.contains(&source.trim_end_matches('/')) {
                    let span = v.get("source").map_or(v.span(), |s| s.span());
                    out.push(cx.finding(
                        span,
                        format!("service \"{name}\" mounts the Docker socket, which is root on the host: remove the mount, or put a filtering socket proxy in between"),
                    ));
                }
            }
        }
        if let Some(opts) = svc.get("security_opt") {
            for (opt, span) in opts.str_or_list() {
                let o = opt.replace('=', ":").replace(' ', "").to_ascii_lowercase();
                let what = match o.as_str() {
                    "seccomp:unconfined" => "seccomp",
                    "apparmor:unconfined" => "AppArmor",
                    "label:disable" => "SELinux labelling",
                    _ => continue,
                };
                out.push(
                    cx.finding(
                        span,
                        format!("service \"{name}\" switches {what} confinement off ({opt}): remove it, or write a profile that allows just what it needs"),
                    )
                    .severity(Severity::Warning),
                );
            }
        }
    }
}

fn ns(key: &str) -> &'static str {
    match key {
        "network_mode" => "network",
        "pid" => "process",
        "ipc" => "IPC",
        "uts" => "hostname",
        _ => "user",
    }
}
