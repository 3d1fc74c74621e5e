//! k8s/dangerous-capabilities: capabilities that hand a container the node, and containers
//! that keep the runtime's default set.

use crate::api::{Cx, Finding, Opt, Rule, Severity};
use crate::rule;
use crate::rules::support::node_agent::calibrate;
use crate::source::k8s::{Container, ContainerKind};

const REQUIRE_DROP_ALL: Opt<bool> = Opt::bool(
    "require-drop-all",
    false,
    "also note containers that keep the runtime's default capabilities (no drop: [ALL]), as the Pod Security Standards' restricted profile requires",
);

pub static RULE: Rule = rule!("k8s/dangerous-capabilities")
    .summary(
        "a container that adds a dangerous Linux capability, or (when asked) does not drop ALL",
    )
    .packs(&["least-privilege"])
    .severity(Severity::Error)
    .security(7.5)
    .options(&[REQUIRE_DROP_ALL.decl])
    .on_container(check);

/// Capabilities that let a process break out of its container or attack the node or its
/// network.
const DANGEROUS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "NET_RAW",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "SYS_RESOURCE",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "LINUX_IMMUTABLE",
    "SYSLOG",
];

fn normalize(cap: &str) -> String {
    let up = cap.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map(str::to_string).unwrap_or(up)
}

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let caps = c.setting("capabilities");
    let caps_node = caps.map(|s| s.value);
    if let Some(add) = caps_node.and_then(|n| n.get("add")) {
        for item in add.items() {
            let Some(name) = item.as_str() else { continue };
            let cap = normalize(name);
            if DANGEROUS.contains(&cap.as_str()) {
                out.push(calibrate(&c.pod.object,
                    cx.finding(
                        item.span(),
                        format!(
                            "{} adds the capability {cap}: remove it from securityContext.capabilities.add{}",
                            c.display(),
                            if cap == "NET_RAW" || cap == "ALL" { "" } else { " and grant the narrow capability the process really needs" }
                        ),
                    )
                    .help(match cap.as_str() {
                        "ALL" => "ALL is every capability: the container is as strong as root on the node",
                        "SYS_ADMIN" => "SYS_ADMIN allows mounts, namespaces and much of what privileged does: it is the usual container escape",
                        "NET_RAW" => "NET_RAW allows raw sockets: ARP and DNS spoofing on the pod network",
                        "NET_ADMIN" => "NET_ADMIN can rewrite the pod's routing and firewall and sniff traffic",
                        "SYS_PTRACE" => "SYS_PTRACE can read and change the memory of other processes it can see",
                        "SYS_MODULE" => "SYS_MODULE loads kernel modules: code in the node's kernel",
                        _ => "this capability reaches beyond the container into the node",
                    }),
                ));
            }
        }
    }
    if c.kind == ContainerKind::Ephemeral || !cx.opt(&REQUIRE_DROP_ALL) {
        return;
    }
    let drops_all = caps_node.and_then(|n| n.get("drop")).is_some_and(|d| {
        d.items()
            .any(|i| i.as_str().is_some_and(|s| normalize(s) == "ALL"))
    });
    if drops_all {
        return;
    }
    let anchor = caps_node
        .and_then(|n| n.key("drop"))
        .or(caps.map(|s| s.key))
        .unwrap_or_else(|| c.security_anchor());
    out.push(
        cx.finding(
            anchor.span(),
            format!(
                "{} keeps the runtime's default capabilities: set securityContext.capabilities.drop: [ALL] and add back only what it needs",
                c.display()
            ),
        )
        .severity(Severity::Note)
        .help("the default set includes NET_RAW, CHOWN, SETUID and more; most applications need none, or only NET_BIND_SERVICE"),
    );
}
