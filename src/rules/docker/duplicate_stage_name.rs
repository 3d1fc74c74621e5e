//! docker/duplicate-stage-name: two stages with one name, and a stage that copies or mounts
//! from itself.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/duplicate-stage-name")
    .summary("two build stages with one name, or COPY --from / RUN --mount from the stage itself")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .supersedes(&["docker/copy-from-unknown-stage"])
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for (i, stage) in df.stages.iter().enumerate() {
        let Some((name, span)) = &stage.name else {
            continue;
        };
        if let Some((_, first)) = df.stages[..i]
            .iter()
            .filter_map(|s| s.name.as_ref())
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            out.push(
                cx.finding(
                    *span,
                    format!("stage name {name} is already used by an earlier stage: BuildKit refuses the Dockerfile (duplicate stage name); rename one of them"),
                )
                .related(*first, "the first stage with this name"),
            );
        }
    }
    for inst in &df.instructions {
        let Some(here) = inst.stage else { continue };
        let Some(stage) = df.stages.get(here) else {
            continue;
        };
        let own = |v: &str| {
            let v = v.trim();
            v.parse::<usize>().ok() == Some(here)
                || stage
                    .name
                    .as_ref()
                    .is_some_and(|(n, _)| n.eq_ignore_ascii_case(v))
                    // a later stage of the same name does not make this one itself
                    && !df.stages[..here]
                        .iter()
                        .any(|s| s.name.as_ref().is_some_and(|(n, _)| n.eq_ignore_ascii_case(v)))
        };
        match inst.keyword {
            Keyword::Copy => {
                let Some(flag) = inst.flag("from") else {
                    continue;
                };
                let Some(v) = flag.value.as_deref() else {
                    continue;
                };
                if own(v) {
                    out.push(cx.finding(
                        flag.value_span.unwrap_or(flag.span),
                        format!("COPY --from={v} copies from the stage it is in: a stage cannot read its own result; copy from an earlier stage"),
                    ));
                }
            }
            Keyword::Run => {
                for flag in inst.flags.iter().filter(|f| f.name == "mount") {
                    let from = flag
                        .mount_kv()
                        .into_iter()
                        .find(|(k, _)| k == "from")
                        .map(|(_, v)| v);
                    if let Some(v) = from.filter(|v| own(v)) {
                        out.push(cx.finding(
                            flag.span,
                            format!("RUN --mount=from={v} mounts the stage it is in: a stage cannot read its own result; mount an earlier stage"),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
}
