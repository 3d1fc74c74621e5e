//! docker/multiple-cmd: more than one CMD or ENTRYPOINT in a stage; only the last counts.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;

pub const RULE: Rule = Rule {
    id: "docker/multiple-cmd",
    kinds: &[Kind::Dockerfile],
    packs: &["reliability"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "more than one CMD or ENTRYPOINT in a stage: only the last takes effect",
    doc: include_str!("../../../rules/docker/multiple-cmd.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    for stage in &df.stages {
        let insts = df.stage_instructions(stage);
        for (kw, name) in [(Keyword::Cmd, "CMD"), (Keyword::Entrypoint, "ENTRYPOINT")] {
            let all: Vec<_> = insts.iter().filter(|i| i.keyword == kw).collect();
            let Some((last, earlier)) = all.split_last() else {
                continue;
            };
            for i in earlier {
                out.push(
                    cx.finding(
                        i.keyword_span,
                        format!("this {name} is overridden by a later {name} in the same stage and never takes effect: remove it (run several processes with a supervisor or a script)"),
                    )
                    .related(last.keyword_span, format!("the {name} that takes effect")),
                );
            }
        }
    }
}
