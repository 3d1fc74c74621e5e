//! compose/depends-on-not-healthy: `depends_on` that does not wait for health when it could,
//! or waits for a health that is never reported.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::anchors::{at_use, place};
use crate::source::Kind;
use crate::source::compose::{Compose, Service};

pub static RULE: Rule = rule!("compose/depends-on-not-healthy")
    .summary("depends_on that waits only for start on a service with a healthcheck, or for service_healthy on one without")
    .packs(&["reliability", "healthchecks"])
    .on_compose(check);

/// Whether a service reports health: `Some(true)` in the compose file or the Dockerfile it
/// builds, `Some(false)` known not to, `None` unknown (an image-only service).
fn has_healthcheck(cx: &Cx<'_>, svc: &Service<'_>) -> Option<bool> {
    if let Some(on) = Compose::healthcheck_enabled(svc) {
        return Some(on);
    }
    let path = svc.dockerfile_path(cx.path())?;
    let file = cx.project().file(&path, Kind::Dockerfile)?;
    let df = file.dockerfile()?;
    let stage = df.final_stage()?;
    Some(
        df.healthcheck(stage)
            .is_some_and(|h| !h.is_healthcheck_none()),
    )
}

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    for svc in compose.services() {
        for dep in svc.depends_on() {
            let Some(target) = compose.service(dep.name) else {
                continue; // compose/undefined-reference
            };
            let health = has_healthcheck(cx, &target);
            match dep.condition {
                None | Some(("service_started", _)) if health == Some(true) => {
                    let span = dep.condition.map_or(dep.span, |(_, n)| n.span());
                    let owner = svc.node.span();
                    let fallback = if place(dep.span, owner, svc.key.span()).1.is_none() {
                        dep.span
                    } else {
                        svc.key.span()
                    };
                    out.push(
                        at_use(
                            |at| cx.finding(
                                at,
                                format!("service \"{}\" waits only for \"{}\" to start, though it has a healthcheck: use condition: service_healthy", svc.name, dep.name),
                            ),
                            span,
                            owner,
                            fallback,
                        )
                        .help(format!("depends_on: {{{}: {{condition: service_healthy}}}}", dep.name)),
                    );
                }
                Some(("service_healthy", node)) if health != Some(true) => {
                    let (sev, why) = match health {
                        Some(false) => (
                            Severity::Error,
                            "it has no healthcheck, so compose fails to start",
                        ),
                        _ => (
                            Severity::Warning,
                            "it has no healthcheck here; unless its image defines a HEALTHCHECK, compose fails to start",
                        ),
                    };
                    let owner = svc.node.span();
                    let fallback = if place(dep.span, owner, svc.key.span()).1.is_none() {
                        dep.span
                    } else {
                        svc.key.span()
                    };
                    out.push(
                        at_use(
                            |at| cx.finding(
                                at,
                                format!("service \"{}\" waits for \"{}\" to be healthy, but {why}: add a healthcheck to \"{}\"", svc.name, dep.name, dep.name),
                            ),
                            node.span(),
                            owner,
                            fallback,
                        )
                        .severity(sev)
                        .related(target.key.span(), "the service with no healthcheck"),
                    );
                }
                _ => {}
            }
        }
    }
}
