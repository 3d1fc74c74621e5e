//! k8s/non-root-user: a container must not be able to run as root.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::node_agent::calibrate;
use crate::source::k8s::{Container, ContainerKind};

pub static RULE: Rule = rule!("k8s/non-root-user")
    .summary("a container that may run as root: runAsNonRoot is not true and runAsUser is not a non-zero UID")
    .packs(&["non-root", "least-privilege"])
    .security(6.5)
    .on_container(check);

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    check_container(cx, c, out);
}

fn check_container(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let user = c.setting("runAsUser");
    if let Some(u) = user.filter(|u| u.value.as_i64() == Some(0)) {
        // root by UID: an error whatever runAsNonRoot says (the kubelet refuses to start it
        // when runAsNonRoot is true, so it is broken either way)
        let f = if u.from_pod {
            cx.finding(
                c.anchor().span(),
                format!(
                    "{} runs as root (runAsUser: 0 set for the pod): set the pod's runAsUser to a non-zero UID, e.g. 10001",
                    c.display()
                ),
            )
            .related(u.value.span(), "runAsUser: 0 for every container of the pod")
        } else {
            cx.finding(
                u.value.span(),
                format!(
                    "{} runs as root (runAsUser: 0): set runAsUser to a non-zero UID, e.g. 10001",
                    c.display()
                ),
            )
        };
        out.push(calibrate(
            &c.pod.object,
            f.severity(Severity::Error)
                .help("use a UID the image owns its files for, and add runAsNonRoot: true"),
        ));
        return;
    }
    if c.kind == ContainerKind::Ephemeral {
        return; // debug containers attached by kubectl debug
    }
    let non_root = c.setting("runAsNonRoot");
    if non_root.is_some_and(|n| n.value.as_bool() == Some(true)) {
        return;
    }
    if user.is_some_and(|u| u.value.as_i64().is_some_and(|uid| uid > 0)) {
        return;
    }
    let fix = "set securityContext.runAsNonRoot: true (and runAsUser: 10001 if the image has no numeric non-root USER)";
    let f = match non_root {
        Some(n) if !n.from_pod => cx.finding(
            n.value.span(),
            format!(
                "{} may run as root (runAsNonRoot: {}): {fix}",
                c.display(),
                n.value.scalar().unwrap_or("")
            ),
        ),
        Some(n) => cx
            .finding(
                c.anchor().span(),
                format!(
                    "{} may run as root (the pod sets runAsNonRoot: {}): {fix}",
                    c.display(),
                    n.value.scalar().unwrap_or("")
                ),
            )
            .related(n.value.span(), "set for the pod here"),
        None => cx.finding(
            c.security_anchor().span(),
            format!(
                "{} may run as root (no runAsNonRoot or non-zero runAsUser): {fix}",
                c.display()
            ),
        ),
    };
    out.push(f.help(
        "with runAsNonRoot: true the kubelet refuses to start a container whose user is root; set it on the pod's securityContext to cover every container",
    ));
}
