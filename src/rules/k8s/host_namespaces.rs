//! k8s/host-namespaces: pods that share the node's namespaces or mount its filesystem.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::node_agent::{calibrate, is_node_agent};
use crate::source::k8s::Object;

pub static RULE: Rule = rule!("k8s/host-namespaces")
    .summary("a pod that shares the node's network, PID or IPC namespace, or mounts a hostPath")
    .packs(&["least-privilege"])
    .security(7.0)
    .on_object(check);

/// Container runtime sockets: mounting one is root on the node.
const RUNTIME_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
];

/// Directories that hold a runtime socket.
const SOCKET_DIRS: &[&str] = &["/var/run", "/run", "/var/run/containerd", "/run/containerd"];

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = obj.pod_spec() else { return };
    let who = obj.display();
    let agent = is_node_agent(obj);
    for (key, what, why) in [
        (
            "hostNetwork",
            "the node's network namespace",
            "it can bind node ports and reach services listening on the node's localhost",
        ),
        (
            "hostPID",
            "the node's process namespace",
            "it can see and signal every process on the node",
        ),
        (
            "hostIPC",
            "the node's IPC namespace",
            "it can read the shared memory of processes on the node",
        ),
    ] {
        let Some(v) = pod.node.get(key) else { continue };
        if v.as_bool() != Some(true) {
            continue;
        }
        out.push(
            cx.finding(
                v.span(),
                format!("{who} shares {what} ({key}: true): remove {key}"),
            )
            .help(format!(
                "{why}; a pod needs its own namespace unless it is a node agent"
            )),
        );
    }
    let Some(volumes) = pod.node.get("volumes") else {
        return;
    };
    for vol in volumes.items() {
        let Some(host) = vol.get("hostPath") else {
            continue;
        };
        let name = vol
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("<unnamed>");
        let path_node = host.get("path");
        let path = path_node.and_then(|p| p.as_str()).unwrap_or("");
        let anchor = path_node.or_else(|| vol.key("hostPath")).unwrap_or(vol);
        let trimmed = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        let socket = RUNTIME_SOCKETS.contains(&trimmed);
        if socket || SOCKET_DIRS.contains(&trimmed) {
            let what = if socket {
                "the container runtime socket"
            } else {
                "the directory of the container runtime socket,"
            };
            out.push(calibrate(
                obj,
                cx.finding(
                    anchor.span(),
                    format!(
                        "{who} mounts {what} {path} (volume \"{name}\"): remove the volume; whoever talks to the runtime is root on the node"
                    ),
                )
                .severity(Severity::Error)
                .help("build images with a daemonless builder (BuildKit rootless, kaniko, buildah) instead of the node's runtime"),
            ));
        } else if agent {
            // a node agent mounts the node's /sys, /proc, /var/log to read the node itself:
            // an emptyDir would hold nothing of it
            out.push(
                cx.finding(
                    anchor.span(),
                    format!(
                        "{who} mounts the node's {path} (hostPath volume \"{name}\"): a node agent may need it; mount it readOnly: true unless it writes there"
                    ),
                )
                .help("a hostPath exposes the node's filesystem to the pod: keep it to the paths the agent reads, read-only"),
            );
        } else {
            out.push(
                cx.finding(
                    anchor.span(),
                    format!(
                        "{who} mounts the node's {path} (hostPath volume \"{name}\"): use an emptyDir, a ConfigMap or a PersistentVolumeClaim instead"
                    ),
                )
                .help("a hostPath exposes the node's filesystem to the pod; if it must stay, mount it readOnly: true"),
            );
        }
    }
}
