//! compose/non-root-user: a service must not run as root, whether `user:` says so or the
//! Dockerfile it builds does.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::{OptionType, Rule, RuleOption};
use crate::source::Kind;
use crate::source::compose::Compose;
use crate::source::dockerfile::{is_nonroot_image, is_root_user};

pub const RULE: Rule = Rule {
    id: "compose/non-root-user",
    kinds: &[Kind::Compose],
    packs: &["non-root", "least-privilege"],
    severity: Severity::Warning,
    security_severity: Some(6.0),
    summary: "a service that runs as root: user: root/0, or a built Dockerfile with no non-root USER",
    doc: include_str!("../../../rules/compose/non-root-user.md"),
    default_enabled: true,
    options: &[RuleOption {
        name: "require-explicit-user",
        ty: OptionType::Bool,
        default: "false",
        help: "also flag image-only services without `user:` (plumb cannot see inside a pulled image)",
    }],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(compose) = cx.yaml().and_then(Compose::of) else {
        return;
    };
    let explicit = cx.opt_bool("require-explicit-user");
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
        let Some(df_file) = cx.project.file(&path, Kind::Dockerfile) else {
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
        let rel = cx.project.rel(&path);
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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::config::{Config, Selector};
    use crate::engine::{self, CheckOptions};

    /// The cross-file promise: a service built from a Dockerfile without USER and
    /// HEALTHCHECK gets both findings, each with a related location in that Dockerfile; one
    /// built from a Dockerfile with both gets neither.
    #[test]
    fn built_services_point_into_their_dockerfile() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let run = |dir: &str| {
            let config = Config {
                select: Some(vec![
                    Selector::parse("compose/non-root-user").expect("selector"),
                    Selector::parse("compose/missing-healthcheck").expect("selector"),
                ]),
                ..Config::default()
            };
            engine::check(&CheckOptions {
                paths: vec![root.join(dir).join("docker-compose.yml")],
                stdin: None,
                config,
                root: root.clone(),
                no_ignore: true,
                exclude: Vec::new(),
                max_file_size: 1 << 20,
            })
        };
        let bad = run("fixtures/compose/non-root-user/bad");
        for rule in ["compose/non-root-user", "compose/missing-healthcheck"] {
            let f = bad
                .findings
                .iter()
                .find(|f| f.rule == rule && f.message.contains("\"api\""))
                .unwrap_or_else(|| panic!("{rule} on api"));
            assert!(
                f.related.iter().any(|r| r
                    .location
                    .file
                    .ends_with("non-root-user/bad/api/Dockerfile")
                    && r.location.start.line == 1),
                "{rule}: {:?}",
                f.related
            );
        }
        let good = run("fixtures/compose/non-root-user/good");
        assert!(
            !good.findings.iter().any(|f| f.message.contains("\"api\"")),
            "{:?}",
            good.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }
}
