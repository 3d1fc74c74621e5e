//! docker/copy-from-unknown-stage: `COPY --from=x` where x is no earlier stage.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/copy-from-unknown-stage")
    .summary("COPY --from naming neither an earlier stage, a stage index nor an image reference")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for inst in df
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Copy)
    {
        let Some(flag) = inst.flag("from") else {
            continue;
        };
        let Some(from) = flag.value.as_deref().map(str::trim) else {
            continue;
        };
        let here = inst.stage.unwrap_or(0);
        // an image reference (registry, tag, digest) or a build argument
        if from.is_empty() || from.contains(['/', ':', '@', '.', '$']) {
            continue;
        }
        let span = flag.value_span.unwrap_or(flag.span);
        if let Ok(n) = from.parse::<usize>() {
            if n < here {
                continue;
            }
            out.push(cx.finding(
                span,
                format!("COPY --from={n} names stage {n}, which is not an earlier stage (this is stage {here}): use the index or name of an earlier stage"),
            ));
            continue;
        }
        let earlier = df.stages.iter().take(here).any(|s| {
            s.name
                .as_ref()
                .is_some_and(|(n, _)| n.eq_ignore_ascii_case(from))
        });
        if earlier {
            continue;
        }
        let msg = match df.stage_by_name(from) {
            Some(_) => format!(
                "COPY --from={from} names a stage that is defined later (or is this one): move stage {from} before this one"
            ),
            None => {
                let names: Vec<&str> = df
                    .stages
                    .iter()
                    .take(here)
                    .filter_map(|s| s.name.as_ref().map(|(n, _)| n.as_str()))
                    .collect();
                if names.is_empty() {
                    format!(
                        "COPY --from={from} names no stage of this Dockerfile, so Docker pulls an image called {from}: name the stage (FROM ... AS {from}) or write a full image reference"
                    )
                } else {
                    format!(
                        "COPY --from={from} names no earlier stage ({}), so Docker pulls an image called {from}: fix the stage name or write a full image reference",
                        names.join(", ")
                    )
                }
            }
        };
        out.push(cx.finding(span, msg));
    }
}
