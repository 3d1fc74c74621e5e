//! docker/apt-lists-not-cleaned: `apt-get install` leaving the package lists in the layer.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};
use crate::source::shell::basename;

pub static RULE: Rule = rule!("docker/apt-lists-not-cleaned")
    .summary("apt-get install in a RUN that does not remove /var/lib/apt/lists/*")
    .packs(&["hygiene"])
    .severity(Severity::Note)
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        // build stages that are not shipped do not weigh on the image
        if !df.is_shipped(inst) || inst.has_cache_mount(&["/var/lib/apt"]) {
            continue;
        }
        let cmds = inst.commands();
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
