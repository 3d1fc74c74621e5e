//! docker/apt-lists-not-cleaned: `apt-get install` leaving the package lists in the layer.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Instruction, Keyword};
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
            let f = cx
                .finding(
                    w.span,
                    "apt package lists stay in this layer: end the same RUN with `&& rm -rf /var/lib/apt/lists/*`",
                )
                .help("RUN apt-get update && apt-get install -y --no-install-recommends <pkgs> && rm -rf /var/lib/apt/lists/* (or use --mount=type=cache,target=/var/lib/apt)");
            out.push(match clean_fix(cx.text(), df, inst) {
                Some(fix) => f.fix(fix),
                None => f,
            });
        }
    }
}

/// Whether a RUN runs `apt-get update` / `apt update`, and whether it runs an install.
fn apt_use(inst: &Instruction) -> (bool, bool) {
    let (mut update, mut install) = (false, false);
    for c in inst.commands() {
        let Some((p, i)) = c.program() else { continue };
        if !matches!(basename(&p.value), "apt-get" | "apt") {
            continue;
        }
        let args = c.args_after(i);
        update |= args.iter().any(|w| w.value == "update");
        install |= args.iter().any(|w| w.value == "install");
    }
    (update, install)
}

/// `&& rm -rf /var/lib/apt/lists/*` at the end of the RUN. Safe when the RUN fetches the
/// lists itself and no later RUN installs without fetching them again (it would find none);
/// unsafe otherwise.
fn clean_fix(text: &str, df: &Dockerfile, inst: &Instruction) -> Option<Fix> {
    if inst.is_exec_form() || !inst.heredocs.is_empty() {
        return None;
    }
    let args = inst.args_span.text(text).trim_end();
    let end = inst.args_span.start + args.len();
    let add = if args.ends_with(';') {
        " rm -rf /var/lib/apt/lists/*"
    } else if args.ends_with('&') || args.ends_with('|') || args.ends_with('\\') {
        return None;
    } else {
        " && rm -rf /var/lib/apt/lists/*"
    };
    let later_needs_lists = df
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Run && i.span.start > inst.span.start)
        .any(|i| apt_use(i) == (false, true));
    let fix = if apt_use(inst).0 && !later_needs_lists {
        Fix::safe("remove the apt lists in the same RUN")
    } else {
        Fix::unsafe_("remove the apt lists in the same RUN")
    };
    Some(fix.insert(end, add))
}
