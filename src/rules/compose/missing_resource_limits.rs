//! compose/missing-resource-limits: every service declares a memory limit and (by default) a
//! CPU limit.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::{OptionType, Rule, RuleOption};
use crate::source::Kind;
use crate::source::compose::Compose;

pub const RULE: Rule = Rule {
    id: "compose/missing-resource-limits",
    kinds: &[Kind::Compose],
    packs: &["resource-limits", "reliability"],
    severity: Severity::Warning,
    security_severity: Some(4.0),
    summary: "a service without a memory limit or a CPU limit",
    doc: include_str!("../../../rules/compose/missing-resource-limits.md"),
    default_enabled: true,
    options: &[RuleOption {
        name: "require-cpu-limit",
        ty: OptionType::Bool,
        default: "true",
        help: "also require deploy.resources.limits.cpus (or cpus:)",
    }],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(compose) = cx.yaml().and_then(Compose::of) else {
        return;
    };
    let want_cpu = cx.opt_bool("require-cpu-limit");
    for svc in compose.services() {
        let limits = svc.node.path(&["deploy", "resources", "limits"]);
        let set = |deploy_key: &str, keys: &[&str]| {
            limits
                .and_then(|l| l.get(deploy_key))
                .is_some_and(|v| !v.is_null())
                || keys
                    .iter()
                    .any(|k| svc.get(k).is_some_and(|v| !v.is_null()))
        };
        if !set("memory", &["mem_limit"]) {
            out.push(
                cx.finding(
                    svc.key.span(),
                    format!("service \"{}\" has no memory limit: set deploy.resources.limits.memory (or mem_limit)", svc.name),
                )
                .help("deploy: {resources: {limits: {memory: 512M, cpus: \"0.5\"}}}"),
            );
        }
        if want_cpu && !set("cpus", &["cpus", "cpu_quota"]) {
            out.push(
                cx.finding(
                    svc.key.span(),
                    format!("service \"{}\" has no CPU limit: set deploy.resources.limits.cpus (or cpus)", svc.name),
                )
                .help("deploy: {resources: {limits: {cpus: \"0.5\"}}}; or turn require-cpu-limit off"),
            );
        }
    }
}
