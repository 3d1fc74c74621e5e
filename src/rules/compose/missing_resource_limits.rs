//! compose/missing-resource-limits: every service declares a memory limit and (by default) a
//! CPU limit. One finding per service, naming both when both are missing.

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::source::compose::Compose;

const REQUIRE_CPU_LIMIT: Opt<bool> = Opt::bool(
    "require-cpu-limit",
    true,
    "also require deploy.resources.limits.cpus (or cpus:)",
);

pub static RULE: Rule = rule!("compose/missing-resource-limits")
    .summary("a service without a memory limit or a CPU limit")
    .packs(&["resource-limits", "reliability"])
    .security(4.0)
    .options(&[REQUIRE_CPU_LIMIT.decl])
    .on_compose(check);

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    let want_cpu = cx.opt(&REQUIRE_CPU_LIMIT);
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
        let memory = !set("memory", &["mem_limit"]);
        let cpu = want_cpu && !set("cpus", &["cpus", "cpu_quota"]);
        let msg = match (memory, cpu) {
            (true, true) => {
                "no memory limit and no CPU limit: set deploy.resources.limits.memory and .cpus (or mem_limit and cpus)"
            }
            (true, false) => "no memory limit: set deploy.resources.limits.memory (or mem_limit)",
            (false, true) => "no CPU limit: set deploy.resources.limits.cpus (or cpus)",
            (false, false) => continue,
        };
        out.push(
            cx.finding(svc.key.span(), format!("service \"{}\" has {msg}", svc.name))
                .help(if cpu {
                    "deploy: {resources: {limits: {memory: 512M, cpus: \"0.5\"}}}; or turn require-cpu-limit off"
                } else {
                    "deploy: {resources: {limits: {memory: 512M}}}"
                }),
        );
    }
}
