//! docker/pip-no-cache: `pip install` keeping its download cache in the image.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};
use crate::source::shell::basename;

pub static RULE: Rule = rule!("docker/pip-no-cache")
    .summary("pip install without --no-cache-dir")
    .packs(&["hygiene"])
    .severity(Severity::Note)
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    // PIP_NO_CACHE_DIR set anywhere in the file (ENV, or ARG feeding it) switches it off
    let env_off = df.instructions.iter().any(|i| {
        matches!(i.keyword, Keyword::Env | Keyword::Arg)
            && i.key_values()
                .iter()
                .any(|kv| kv.key.eq_ignore_ascii_case("PIP_NO_CACHE_DIR"))
    });
    if env_off {
        return;
    }
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        if !df.is_shipped(inst) || inst.has_cache_mount(&["/root/.cache", "/home/"]) {
            continue;
        }
        for c in inst.commands() {
            if c.words
                .iter()
                .any(|w| w.value.starts_with("PIP_NO_CACHE_DIR="))
            {
                continue;
            }
            let Some((prog, p)) = c.program() else {
                continue;
            };
            let name = basename(&prog.value);
            let args = c.args_after(p);
            // pip install / python -m pip install
            let is_pip = |n: &str| n == "pip" || n.starts_with("pip2") || n.starts_with("pip3");
            let rest = if is_pip(name) {
                args
            } else if name.starts_with("python")
                && args.first().is_some_and(|w| w.value == "-m")
                && args.get(1).is_some_and(|w| is_pip(&w.value))
            {
                args.get(2..).unwrap_or(&[])
            } else {
                continue;
            };
            let Some(install) = rest.iter().find(|w| !w.value.starts_with('-')) else {
                continue;
            };
            if install.value != "install" {
                continue;
            }
            if rest
                .iter()
                .any(|w| w.value == "--no-cache-dir" || w.value.starts_with("--no-cache-dir="))
            {
                continue;
            }
            let f = cx
                .finding(
                    install.span,
                    "pip keeps its download cache in the image: add --no-cache-dir (or set ENV PIP_NO_CACHE_DIR=1)",
                )
                .help("RUN pip install --no-cache-dir -r requirements.txt (or RUN --mount=type=cache,target=/root/.cache/pip pip install ...)");
            // safe: the cache only ever made a later install in the same layer faster
            out.push(if inst.is_exec_form() {
                f
            } else {
                f.fix(Fix::safe("add --no-cache-dir").insert(install.span.end, " --no-cache-dir"))
            });
        }
    }
}
