//! k8s/seccomp-profile: containers without a RuntimeDefault or Localhost seccomp profile,
//! and seccomp or AppArmor switched off (`Unconfined`).

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::k8s::{Container, ContainerKind, Object, PodSpec};
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("k8s/seccomp-profile")
    .summary("a container with no RuntimeDefault/Localhost seccomp profile, or with seccomp or AppArmor Unconfined")
    .packs(&["least-privilege"])
    .security(5.0)
    .on_object(check);

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

const HELP: &str = "securityContext: {seccompProfile: {type: RuntimeDefault}} at the pod level covers every container; the runtime's default profile blocks the syscalls containers never need (kernel modules, reboot, mount, ...)";

/// The pod's annotations (a workload's template metadata, a Pod's own).
fn annotations<'a>(obj: &Object<'a>, pod: &PodSpec<'a>) -> Option<Yaml<'a>> {
    if obj.node.get("spec").is_some_and(|s| s.id == pod.node.id) {
        return obj.node.path(&["metadata", "annotations"]);
    }
    obj.template_node()?.path(&["metadata", "annotations"])
}

/// What a profile setting says: confined (`Some(true)`), unconfined (`Some(false)`).
fn confined(value: &str) -> Option<bool> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("unconfined") {
        Some(false)
    } else if v.eq_ignore_ascii_case("RuntimeDefault")
        || v.eq_ignore_ascii_case("Localhost")
        || v == "runtime/default"
        || v == "docker/default"
        || v.starts_with("localhost/")
    {
        Some(true)
    } else {
        None
    }
}

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = obj.pod_spec() else { return };
    if pod
        .node
        .path(&["os", "name"])
        .and_then(|n| n.as_str())
        .is_some_and(|n| n.eq_ignore_ascii_case("windows"))
    {
        return; // seccomp is a Linux feature
    }
    let notes = annotations(obj, &pod);
    let note = |key: &str| notes.and_then(|n| n.get(key));
    let who = obj.display();
    let pod_type = pod
        .node
        .path(&["securityContext", "seccompProfile", "type"]);
    let containers: Vec<Container<'_>> = pod
        .containers()
        .into_iter()
        .filter(|c| c.kind != ContainerKind::Ephemeral)
        .collect();

    // AppArmor switched off, at the pod, a container or by annotation
    let mut apparmor: Vec<Yaml<'_>> = Vec::new();
    apparmor.extend(
        pod.node
            .path(&["securityContext", "appArmorProfile", "type"]),
    );
    for c in &containers {
        apparmor.extend(c.node.path(&["securityContext", "appArmorProfile", "type"]));
        apparmor.extend(note(&format!("{APPARMOR_ANNOTATION}{}", c.name())));
    }
    for v in apparmor {
        if v.as_str().and_then(confined) == Some(false) {
            out.push(
                cx.finding(
                    v.span(),
                    format!("{who} runs without AppArmor (Unconfined): use RuntimeDefault or a Localhost profile"),
                )
                .help("the runtime's default AppArmor profile denies writes to /proc and /sys and mounts; Unconfined drops all of it"),
            );
        }
    }

    // seccomp: each container's effective profile
    let pod_setting = pod_type.or_else(|| note(POD_ANNOTATION));
    if let Some(v) = pod_setting {
        if v.as_str().and_then(confined) == Some(false) {
            out.push(
                cx.finding(
                    v.span(),
                    format!("{who} switches seccomp off for its pod (Unconfined): use RuntimeDefault, or a Localhost profile that allows the syscalls it needs"),
                )
                .help(HELP),
            );
        }
    }
    let mut missing = Vec::new();
    for c in &containers {
        let own = c
            .node
            .path(&["securityContext", "seccompProfile", "type"])
            .or_else(|| note(&format!("{CONTAINER_ANNOTATION}{}", c.name())));
        match own {
            Some(v) => {
                if v.as_str().and_then(confined) == Some(false) {
                    out.push(
                        cx.finding(
                            v.span(),
                            format!("{} switches seccomp off (Unconfined): use RuntimeDefault, or a Localhost profile that allows the syscalls it needs", c.display()),
                        )
                        .help(HELP),
                    );
                }
            }
            None if pod_setting.is_some() => {}
            None => missing.push(c),
        }
    }
    if missing.is_empty() {
        return;
    }
    if missing.len() == containers.len() {
        out.push(
            cx.finding(
                pod.key.span(),
                format!("{who} sets no seccomp profile, so its containers run with seccomp off (Unconfined, the kubelet's default): set spec.securityContext.seccompProfile.type: RuntimeDefault"),
            )
            .help(HELP),
        );
        return;
    }
    for c in missing {
        out.push(
            cx.finding(
                c.security_anchor().span(),
                format!("{} sets no seccomp profile while others of its pod do: set securityContext.seccompProfile.type: RuntimeDefault (or at the pod level)", c.display()),
            )
            .help(HELP),
        );
    }
}
