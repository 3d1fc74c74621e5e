//! k8s/missing-resource-limits: containers must declare memory (limit and request) and a CPU
//! request; a CPU limit only when asked for.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::{OptionType, Rule, RuleOption};
use crate::source::Kind;
use crate::source::k8s::{self, Container};

pub const RULE: Rule = Rule {
    id: "k8s/missing-resource-limits",
    kinds: &[Kind::K8s],
    packs: &["resource-limits", "reliability"],
    severity: Severity::Warning,
    security_severity: Some(4.0),
    summary: "a container without a memory limit, a memory request or a CPU request",
    doc: include_str!("../../../rules/k8s/missing-resource-limits.md"),
    default_enabled: true,
    options: &[RuleOption {
        name: "require-cpu-limit",
        ty: OptionType::Bool,
        default: "false",
        help: "also require resources.limits.cpu (CPU limits throttle; off by default)",
    }],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let cpu_limit = cx.opt_bool("require-cpu-limit");
    for obj in k8s::objects(yaml) {
        let Some(pod) = obj.pod_spec() else { continue };
        for c in pod.containers() {
            if c.kind == k8s::ContainerKind::Ephemeral {
                continue; // ephemeral containers may not set resources
            }
            check_container(cx, &c, cpu_limit, out);
        }
    }
}

fn check_container(cx: &Ctx<'_>, c: &Container<'_>, cpu_limit: bool, out: &mut Vec<Finding>) {
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
