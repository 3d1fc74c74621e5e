//! docker/non-root-user: the shipped (final) stage must not run as root.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::rules::support::images::{from_label, is_nonroot_image, is_root_user};
use crate::source::dockerfile::Dockerfile;

pub static RULE: Rule = rule!("docker/non-root-user")
    .summary("the final stage runs as root: no USER, or USER root/0")
    .packs(&["non-root", "least-privilege"])
    .security(6.0)
    .on_dockerfile(check);

/// Add the compose services that run the image as related places.
fn with_runners(cx: &Cx<'_>, mut f: Finding) -> Finding {
    // the services that run the final stage as it is: no `user:`, no `target:`
    for s in cx.project().image_runners().compose(cx.path()) {
        if s.user || s.target {
            continue;
        }
        f = f.related_in(
            s.file.clone(),
            s.key,
            format!("compose service \"{}\" runs it as root too", s.name),
        );
    }
    f
}

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    let Some(stage) = df.final_stage() else {
        return;
    };
    let Some(from) = df.instructions.get(stage.from) else {
        return;
    };
    let image = &stage.image;
    match df.effective_user(stage) {
        Some((inst, user, span)) if is_root_user(&user) => {
            let mut f = cx
                .finding(
                    span,
                    format!("the final stage runs as root (USER {user}): switch to a non-root user after the steps that need root, e.g. USER 10001"),
                )
                .help("create a user (`RUN useradd -r -u 10001 app`) and make `USER app` the last USER of the final stage");
            if inst.stage != Some(df.stages.len() - 1) || from.span.start > inst.span.start {
                f = f.related(from.span, "the final stage starts here");
            } else {
                f = f.related(image.span, "the final stage");
            }
            out.push(with_runners(cx, f));
        }
        Some(_) => {}
        None => {
            if is_nonroot_image(df.root_image(stage)) {
                return;
            }
            out.push(with_runners(cx,
                cx.finding(
                    image.span,
                    format!(
                        "the final stage ({}) has no USER, so it runs as root: add USER <non-root user> after the steps that need root",
                        from_label(image, cx.text())
                    ),
                )
                .help("create a user (`RUN useradd -r -u 10001 app`) and add `USER app`, or build FROM a non-root base such as gcr.io/distroless/static:nonroot"),
            ));
        }
    }
}
