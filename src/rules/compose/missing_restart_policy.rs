//! compose/missing-restart-policy: a long-running service that is not restarted when it
//! dies or when the host reboots.

use std::collections::HashSet;

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/missing-restart-policy")
    .summary("a long-running service with neither restart: nor deploy.restart_policy")
    .packs(&["reliability"])
    .severity(Severity::Note)
    .on_compose(check);

/// Words in a service name that say it runs once and exits.
const ONE_SHOT: &[&str] = &[
    "migrate",
    "migration",
    "init",
    "setup",
    "seed",
    "test",
    "tests",
    "build",
    "builder",
    "job",
    "cron",
    "bootstrap",
];

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    let services = compose.services();
    // waited on to finish by another service: a one-shot task (found once, not per service)
    let waited_on: HashSet<&str> = services
        .iter()
        .flat_map(|other| other.depends_on())
        .filter(|d| {
            d.condition
                .is_some_and(|(c, _)| c == "service_completed_successfully")
        })
        .map(|d| d.name)
        .collect();
    for svc in &services {
        if svc.get("restart").is_some() || svc.node.path(&["deploy", "restart_policy"]).is_some() {
            continue;
        }
        let words = crate::detect::secrets::words(svc.name);
        if words.iter().any(|w| ONE_SHOT.contains(&w.as_str())) {
            continue;
        }
        let one_shot = waited_on.contains(svc.name);
        // in a profile: run on demand (tools, debug helpers)
        if one_shot || svc.get("profiles").is_some() {
            continue;
        }
        out.push(
            cx.finding(
                svc.key.span(),
                format!("service \"{}\" has no restart policy, so it stays down after a crash or a reboot: add restart: unless-stopped (or deploy.restart_policy)", svc.name),
            ),
        );
    }
}
