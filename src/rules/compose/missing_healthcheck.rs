//! compose/missing-healthcheck: every service says when it is healthy, in the compose file
//! or in the Dockerfile it builds.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::Kind;
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/missing-healthcheck")
    .summary("a service with no healthcheck, in the compose file or in the Dockerfile it builds")
    .packs(&["healthchecks", "reliability"])
    .on_compose(check);

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    for svc in compose.services() {
        if let Some((key, hc)) = svc.node.entry("healthcheck") {
            let disabled = hc.get("disable").and_then(|d| d.as_bool()) == Some(true)
                || hc.get("test").is_some_and(|t| {
                    t.as_str() == Some("NONE") || t.at(0).and_then(|x| x.as_str()) == Some("NONE")
                });
            if disabled {
                out.push(cx.finding(
                    key.span(),
                    format!("service \"{}\" switches its healthcheck off: define a test instead (e.g. test: [\"CMD\", \"curl\", \"-f\", \"http://localhost/health\"])", svc.name),
                ));
            }
            continue;
        }
        let Some(path) = svc.dockerfile_path(cx.path()) else {
            let image = svc
                .get("image")
                .and_then(|i| i.as_str())
                .unwrap_or("its image");
            out.push(
                cx.finding(
                    svc.key.span(),
                    format!("service \"{}\" has no healthcheck: add one so dependants can wait for service_healthy (the image {image} is not built here, so plumb cannot see a HEALTHCHECK in it)", svc.name),
                )
                .help("healthcheck: {test: [\"CMD-SHELL\", \"<probe>\"], interval: 10s, timeout: 5s, retries: 5}"),
            );
            continue;
        };
        let rel = cx.project().rel(&path);
        let Some(df_file) = cx.project().file(&path, Kind::Dockerfile) else {
            out.push(cx.finding(
                svc.key.span(),
                format!("service \"{}\" has no healthcheck, and its Dockerfile {rel} could not be read to look for a HEALTHCHECK: add a healthcheck", svc.name),
            ));
            continue;
        };
        let Some(df) = df_file.dockerfile() else {
            continue;
        };
        let Some(stage) = df.final_stage() else {
            continue;
        };
        match df.healthcheck(stage) {
            Some(hc) if !hc.is_healthcheck_none() => {}
            Some(hc) => out.push(
                cx.finding(
                    svc.key.span(),
                    format!("service \"{}\" has no healthcheck and its Dockerfile {rel} switches it off (HEALTHCHECK NONE): add a healthcheck", svc.name),
                )
                .related_in(path.clone(), hc.span, "HEALTHCHECK NONE"),
            ),
            None => out.push(
                cx.finding(
                    svc.key.span(),
                    format!("service \"{}\" has no healthcheck, in the compose file or in {rel}: add `healthcheck:` here or HEALTHCHECK to the Dockerfile", svc.name),
                )
                .related_in(path.clone(), stage.image.span, "the final stage, with no HEALTHCHECK"),
            ),
        }
    }
}
