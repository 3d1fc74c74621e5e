//! docker/apt-no-install-recommends: `apt-get install` pulling in recommended packages.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;
use crate::source::shell::basename;

pub const RULE: Rule = Rule {
    id: "docker/apt-no-install-recommends",
    kinds: &[Kind::Dockerfile],
    packs: &["hygiene"],
    severity: Severity::Note,
    security_severity: None,
    summary: "apt-get install without --no-install-recommends",
    doc: include_str!("../../../rules/docker/apt-no-install-recommends.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    // an apt.conf snippet switching recommends off for the whole build
    if cx.text().contains("Install-Recommends \"0\"")
        || cx.text().contains("Install-Recommends \"false\"")
    {
        return;
    }
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        for c in inst.run_commands() {
            let Some((prog, p)) = c.program() else {
                continue;
            };
            if !matches!(basename(&prog.value), "apt-get" | "apt") {
                continue;
            }
            let args = c.args_after(p);
            let Some(install) = args.iter().find(|w| w.value == "install") else {
                continue;
            };
            let off = args.iter().any(|w| {
                w.value == "--no-install-recommends"
                    || w.value.contains("Install-Recommends=false")
                    || w.value.contains("Install-Recommends=0")
            });
            if !off {
                out.push(
                    cx.finding(
                        install.span,
                        format!("{} install pulls in recommended packages too: add --no-install-recommends", prog.value),
                    )
                    .help("apt-get install -y --no-install-recommends <packages>"),
                );
            }
        }
    }
}
