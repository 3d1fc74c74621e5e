//! k8s/privileged-container: `securityContext.privileged: true`.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::node_agent::calibrate;
use crate::source::k8s::Container;

pub static RULE: Rule = rule!("k8s/privileged-container")
    .summary("a container that runs privileged, with every device and capability of the node")
    .packs(&["least-privilege"])
    .severity(Severity::Error)
    .security(8.8)
    .on_container(check);

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    let Some(s) = c.setting("privileged") else {
        return;
    };
    if s.value.as_bool() != Some(true) {
        return;
    }
    out.push(calibrate(
        &c.pod.object,
        cx.finding(
            s.value.span(),
            format!(
                "{} runs privileged (privileged: true): remove it and add only the capabilities it needs under securityContext.capabilities.add",
                c.display()
            ),
        )
        .help("a privileged container can reach every device of the node and escape to it; grant single capabilities (NET_BIND_SERVICE, ...) instead"),
    ));
}
