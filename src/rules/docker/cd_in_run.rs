//! docker/cd-in-run: `cd` in RUN where WORKDIR says it once and for all.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;

pub const RULE: Rule = Rule {
    id: "docker/cd-in-run",
    kinds: &[Kind::Dockerfile],
    packs: &["hygiene"],
    severity: Severity::Note,
    security_severity: None,
    summary: "cd in RUN instead of WORKDIR",
    doc: include_str!("../../../rules/docker/cd-in-run.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        // one finding per RUN; `(cd x && make)` in a subshell is scoped and fine
        let cd = inst
            .run_commands()
            .into_iter()
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
                Some(d) if d.starts_with('/') => format!("WORKDIR {d}"),
                _ => "WORKDIR <absolute path>".to_string(),
            };
            out.push(cx.finding(
                w.span,
                format!("cd in RUN only lasts for this step and hides where later steps run: use {hint} before it"),
            ));
        }
    }
}
