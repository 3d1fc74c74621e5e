//! docker/multiple-cmd: more than one CMD or ENTRYPOINT in a stage; only the last counts.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/multiple-cmd")
    .summary("more than one CMD or ENTRYPOINT in a stage: only the last takes effect")
    .packs(&["reliability"])
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
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
