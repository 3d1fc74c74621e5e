//! k8s/missing-resource-limits: containers must declare memory (limit and request) and a CPU
//! request; a CPU limit only when asked for. One finding per container, naming every missing
//! field.

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::source::k8s::{Container, ContainerKind};

const REQUIRE_CPU_LIMIT: Opt<bool> = Opt::bool(
    "require-cpu-limit",
    false,
    "also require resources.limits.cpu (CPU limits throttle; off by default)",
);

pub static RULE: Rule = rule!("k8s/missing-resource-limits")
    .summary("a container without a memory limit, a memory request or a CPU request")
    .packs(&["resource-limits", "reliability"])
    .security(4.0)
    .options(&[REQUIRE_CPU_LIMIT.decl])
    .on_container(check);

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    if c.kind == ContainerKind::Ephemeral {
        return; // ephemeral containers may not set resources
    }
    let resources = c.node.get("resources");
    let set = |section: &str, resource: &str| {
        resources
            .and_then(|r| r.path(&[section, resource]))
            .is_some_and(|v| !v.is_null())
    };
    let mut wanted = vec![
        ("limits", "memory", "512Mi"),
        ("requests", "memory", "256Mi"),
        ("requests", "cpu", "100m"),
    ];
    if cx.opt(&REQUIRE_CPU_LIMIT) {
        wanted.push(("limits", "cpu", "500m"));
    }
    let missing: Vec<(&str, &str, &str)> = wanted
        .into_iter()
        .filter(|(section, resource, _)| {
            // a request left out is the limit: Kubernetes copies it
            !(set(section, resource) || (*section == "requests" && set("limits", resource)))
        })
        .collect();
    if missing.is_empty() {
        return;
    }
    // point at the mapping that should hold them: resources, else the container's name
    let anchor = c.node.key("resources").unwrap_or_else(|| c.anchor());
    let fields: Vec<String> = missing
        .iter()
        .map(|(s, r, _)| format!("resources.{s}.{r}"))
        .collect();
    let mut example = String::new();
    for section in ["limits", "requests"] {
        let parts: Vec<String> = missing
            .iter()
            .filter(|(s, _, _)| *s == section)
            .map(|(_, r, e)| format!("{r}: {e}"))
            .collect();
        if !parts.is_empty() {
            if !example.is_empty() {
                example.push_str(", ");
            }
            example.push_str(&format!("{section}: {{{}}}", parts.join(", ")));
        }
    }
    out.push(
        cx.finding(
            anchor.span(),
            format!(
                "{} has no {}: set {} (e.g. {example})",
                c.display(),
                join_and(&fields),
                if fields.len() == 1 { "it" } else { "them" }
            ),
        )
        .help(format!(
            "add `resources: {{{example}}}` sized from observed usage; a request left out defaults to the limit"
        )),
    );
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
