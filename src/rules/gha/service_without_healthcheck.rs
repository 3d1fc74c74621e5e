//! gha/service-without-healthcheck: a job's service container with no `--health-cmd`.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/service-without-healthcheck")
    .summary("a job service container without --health-cmd: steps may start before it is ready")
    .packs(&["healthchecks"])
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for j in wf.jobs() {
        for (name, key, node) in j.services() {
            let options = node.get("options").and_then(|o| o.as_str()).unwrap_or("");
            if options.contains("--health-cmd") || options.contains("--health-cmd=") {
                continue;
            }
            let image = node
                .get("image")
                .and_then(|i| i.as_str())
                .or_else(|| node.as_str())
                .unwrap_or(name);
            let span = node.key("options").map_or(key.span(), |k| k.span());
            out.push(cx.finding(span, format!("service \"{name}\" ({image}) has no --health-cmd in options: GitHub starts the steps as soon as the container runs, before it accepts connections; add options: --health-cmd \"...\" --health-interval 10s --health-retries 5")));
        }
    }
}
