//! k8s/missing-resource-limits: containers must declare memory (limit and request) and a CPU
//! request; a CPU limit only when asked for.

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
    let cpu_limit = cx.opt(&REQUIRE_CPU_LIMIT);
    let resources = c.node.get("resources");
    let mut wanted = vec![
        ("limits", "memory"),
        ("requests", "memory"),
        ("requests", "cpu"),
    ];
    if cpu_limit {
        wanted.push(("limits", "cpu"));
    }
    for (section, resource) in wanted {
        let present = resources
            .and_then(|r| r.path(&[section, resource]))
            .is_some_and(|v| !v.is_null());
        if present {
            continue;
        }
        // point at the mapping that should hold it: resources.<section>, else resources,
        // else the container's name
        let anchor = resources
            .and_then(|r| r.key(section))
            .or_else(|| c.node.key("resources"))
            .unwrap_or_else(|| c.anchor());
        let example = match (section, resource) {
            ("limits", "memory") => "512Mi",
            ("requests", "memory") => "256Mi",
            ("requests", "cpu") => "100m",
            _ => "500m",
        };
        out.push(
            cx.finding(
                anchor.span(),
                format!(
                    "{} has no resources.{section}.{resource}: set it (e.g. {resource}: {example})",
                    c.display()
                ),
            )
            .help(format!(
                "add `resources: {{{section}: {{{resource}: {example}}}}}` sized from observed usage"
            )),
        );
    }
}
