//! compose/non-root-user: a service must not run as root, whether `user:` says so or the
//! Dockerfile it builds does.

use crate::api::{Cx, Finding, Opt, Rule, Severity};
use crate::rule;
use crate::rules::support::images::{is_nonroot_image, is_root_user};
use crate::source::Kind;
use crate::source::compose::Compose;

const REQUIRE_EXPLICIT_USER: Opt<bool> = Opt::bool(
    "require-explicit-user",
    false,
    "also flag image-only services without `user:` (plumb cannot see inside a pulled image)",
);

pub static RULE: Rule = rule!("compose/non-root-user")
    .summary(
        "a service that runs as root: user: root/0, or a built Dockerfile with no non-root USER",
    )
    .packs(&["non-root", "least-privilege"])
    .security(6.0)
    .options(&[REQUIRE_EXPLICIT_USER.decl])
    .on_compose(check);

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    let explicit = cx.opt(&REQUIRE_EXPLICIT_USER);
    for svc in compose.services() {
        if let Some(user) = svc.get("user") {
            let Some(u) = user.scalar().filter(|_| !user.is_null()) else {
                continue;
            };
            if !u.contains('$') && is_root_user(u) {
                out.push(
                    cx.finding(
                        user.span(),
                        format!("service \"{}\" runs as root (user: {u}): set user: to a non-root uid, e.g. \"10001:10001\"", svc.name),
                    )
                    .severity(Severity::Error)
                    .help("give the image a non-root user and set `user: \"10001:10001\"`; add only the capabilities it needs with cap_add"),
                );
            }
            continue;
        }
        let Some(path) = svc.dockerfile_path(cx.path()) else {
            if explicit && svc.get("image").is_some() {
                out.push(cx.finding(
                    svc.key.span(),
                    format!("service \"{}\" has no user: and runs as whatever its image says: set user: to a non-root uid", svc.name),
                ));
            }
            continue;
        };
        let Some(df_file) = cx.project().file(&path, Kind::Dockerfile) else {
            continue;
        };
        let Some(df) = df_file.dockerfile() else {
            continue;
        };
        // a `target:` builds that stage, not the last one
        let target = svc
            .get("build")
            .and_then(|b| b.get("target"))
            .and_then(|t| t.as_str());
        let stage = match target {
            Some(t) => df.stage_by_name(t),
            None => df.final_stage(),
        };
        let Some(stage) = stage else { continue };
        // the final stage of a Dockerfile this check checks: docker/non-root-user reports it
        // there, once, with this service as a related place
        if target.is_none() && cx.project().checks(&path) {
            continue;
        }
        let rel = cx.project().rel(&path);
        match df.effective_user(stage) {
            Some((inst, user, _)) if is_root_user(&user) => out.push(
                cx.finding(
                    svc.key.span(),
                    format!("service \"{}\" runs as root: its Dockerfile {rel} ends with USER {user}; switch the image to a non-root USER or set user: here", svc.name),
                )
                .related_in(path.clone(), inst.span, "the USER that makes it root"),
            ),
            Some(_) => {}
            None if is_nonroot_image(df.root_image(stage)) => {}
            None => out.push(
                cx.finding(
                    svc.key.span(),
                    format!("service \"{}\" runs as root: neither user: here nor a USER in {rel}; add USER <non-root> to the Dockerfile or set user: here", svc.name),
                )
                .related_in(path.clone(), stage.image.span, "the stage the service runs, with no USER"),
            ),
        }
    }
}
