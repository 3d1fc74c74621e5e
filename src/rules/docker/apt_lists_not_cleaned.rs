//! docker/apt-lists-not-cleaned: `apt-get install` leaving the package lists in the layer.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;
use crate::source::shell::basename;

pub const RULE: Rule = Rule {
    id: "docker/apt-lists-not-cleaned",
    kinds: &[Kind::Dockerfile],
    packs: &["hygiene"],
    severity: Severity::Note,
    security_severity: None,
    summary: "apt-get install in a RUN that does not remove /var/lib/apt/lists/*",
    doc: include_str!("../../../rules/docker/apt-lists-not-cleaned.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        // build stages that are not shipped do not weigh on the image
        if !df.is_shipped(inst) || inst.has_cache_mount(&["/var/lib/apt"]) {
            continue;
        }
        let cmds = inst.run_commands();
        let cleaned = cmds.iter().any(|c| {
            c.program().is_some_and(|(p, i)| {
                basename(&p.value) == "rm"
                    && c.args_after(i)
                        .iter()
                        .any(|w| w.value.starts_with("/var/lib/apt/lists"))
            })
        });
        if cleaned {
            continue;
        }
        let install = cmds.iter().find_map(|c| {
            let (p, i) = c.program()?;
            if !matches!(basename(&p.value), "apt-get" | "apt") {
                return None;
            }
            c.args_after(i).iter().find(|w| w.value == "install")
        });
        if let Some(w) = install {
            out.push(
                cx.finding(
                    w.span,
                    "apt package lists stay in this layer: end the same RUN with `&& rm -rf /var/lib/apt/lists/*`",
                )
                .help("RUN apt-get update && apt-get install -y --no-install-recommends <pkgs> && rm -rf /var/lib/apt/lists/* (or use --mount=type=cache,target=/var/lib/apt)"),
            );
        }
    }
}
