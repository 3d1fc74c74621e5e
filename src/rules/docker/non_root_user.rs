//! docker/non-root-user: the shipped (final) stage must not run as root.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::{is_nonroot_image, is_root_user};

pub const RULE: Rule = Rule {
    id: "docker/non-root-user",
    kinds: &[Kind::Dockerfile],
    packs: &["non-root", "least-privilege"],
    severity: Severity::Warning,
    security_severity: Some(6.0),
    summary: "the final stage runs as root: no USER, or USER root/0",
    doc: include_str!("../../../rules/docker/non-root-user.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
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
            out.push(f);
        }
        Some(_) => {}
        None => {
            if is_nonroot_image(df.root_image(stage)) {
                return;
            }
            out.push(
                cx.finding(
                    image.span,
                    format!(
                        "the final stage (FROM {}) has no USER, so it runs as root: add USER <non-root user> after the steps that need root",
                        image.raw
                    ),
                )
                .help("create a user (`RUN useradd -r -u 10001 app`) and add `USER app`, or build FROM a non-root base such as gcr.io/distroless/static:nonroot"),
            );
        }
    }
}
