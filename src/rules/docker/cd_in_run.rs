//! docker/cd-in-run: `cd` in RUN where WORKDIR says it once and for all.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/cd-in-run")
    .summary("cd in RUN instead of WORKDIR")
    .packs(&["hygiene"])
    .severity(Severity::Note)
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        // one finding per RUN; `(cd x && make)` in a subshell is scoped and fine
        let cd = inst
            .commands()
            .iter()
            .find(|c| !c.in_subshell && c.name() == Some("cd"));
        if let Some(c) = cd {
            let Some(w) = c.words.iter().find(|w| w.value == "cd") else {
                continue;
            };
            let dir = c
                .words
                .iter()
                .skip_while(|x| x.value != "cd")
                .nth(1)
                .map(|x| x.value.clone());
            let hint = match dir {
                // WORKDIR takes a path, not a glob or an expansion the shell would resolve
                Some(d) if d.starts_with('/') && !d.contains(['*', '?', '[', '$', '`', '{']) => {
                    format!("WORKDIR {d}")
                }
                _ => "WORKDIR <absolute path>".to_string(),
            };
            out.push(cx.finding(
                w.span,
                format!("cd in RUN only lasts for this step and hides where later steps run: use {hint} before it"),
            ));
        }
    }
}
