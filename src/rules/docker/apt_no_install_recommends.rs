//! docker/apt-no-install-recommends: `apt-get install` pulling in recommended packages.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};
use crate::source::shell::basename;

pub static RULE: Rule = rule!("docker/apt-no-install-recommends")
    .summary("apt-get install without --no-install-recommends")
    .packs(&["hygiene"])
    .severity(Severity::Note)
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    // an apt.conf snippet switching recommends off for the whole build
    if cx.text().contains("Install-Recommends \"0\"")
        || cx.text().contains("Install-Recommends \"false\"")
    {
        return;
    }
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        for c in inst.commands() {
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
                let f = cx
                    .finding(
                        install.span,
                        format!("{} install pulls in recommended packages too: add --no-install-recommends", prog.value),
                    )
                    .help("apt-get install -y --no-install-recommends <packages>");
                // unsafe: a package the image relied on may come only as a recommendation
                // (curl's libcurl recommends ca-certificates, without which https fails)
                out.push(if inst.is_exec_form() {
                    f
                } else {
                    f.fix(
                        Fix::unsafe_("add --no-install-recommends")
                            .insert(install.span.end, " --no-install-recommends"),
                    )
                });
            }
        }
    }
}
