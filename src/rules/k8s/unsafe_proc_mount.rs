//! k8s/unsafe-proc-mount: `procMount: Unmasked`.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::k8s::Container;

pub static RULE: Rule = rule!("k8s/unsafe-proc-mount")
    .summary("a container with procMount: Unmasked")
    .packs(&["least-privilege"])
    .severity(Severity::Error)
    .security(7.0)
    .on_container(check);

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let Some(v) = c.node.path(&["securityContext", "procMount"]) else {
        return;
    };
    if v.as_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("Unmasked"))
    {
        out.push(
            cx.finding(
                v.span(),
                format!("{} mounts /proc unmasked (procMount: Unmasked): remove it, or set Default", c.display()),
            )
            .help("the default /proc masks and makes read-only the paths that reach the host kernel (/proc/sys, /proc/kcore, /proc/sysrq-trigger); Unmasked hands them to the container"),
        );
    }
}
