//! docker/curl-pipe-shell: a downloaded script run straight from the network.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::dockerfile::Dockerfile;
use crate::source::shell::basename;

pub static RULE: Rule = rule!("docker/curl-pipe-shell")
    .summary("curl or wget output piped into a shell or interpreter")
    .packs(&["supply-chain"])
    .security(6.0)
    .on_dockerfile(check);

const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby",
    "node", "php",
];

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for inst in &df.instructions {
        let cmds = inst.commands();
        for (k, c) in cmds.iter().enumerate() {
            let Some((prog, _)) = c.program() else {
                continue;
            };
            let name = basename(&prog.value);
            if !INTERPRETERS.contains(&name) {
                continue;
            }
            // `curl ... | sh`: a fetcher earlier in the same pipeline
            let fetcher = cmds[..k]
                .iter()
                .rev()
                .take_while(|p| p.pipeline == c.pipeline)
                .find_map(|p| {
                    p.program()
                        .map(|(w, _)| basename(&w.value))
                        .filter(|n| matches!(*n, "curl" | "wget"))
                });
            // `sh -c "$(curl ...)"`, `bash <(curl ...)`
            let substituted = c.words.iter().skip(1).find_map(|w| {
                ["curl", "wget"].into_iter().find(|f| {
                    w.value.contains(&format!("$({f} "))
                        || w.value.contains(&format!("<({f} "))
                        || w.value.contains(&format!("`{f} "))
                })
            });
            let Some(fetcher) = fetcher.or(substituted) else {
                continue;
            };
            out.push(
                cx.finding(
                    prog.span,
                    format!("{fetcher} output is run by {name} without being checked: download to a file, verify its checksum or signature, then run it"),
                )
                .help("RUN curl -fsSLo install.sh https://... && echo \"<sha256>  install.sh\" | sha256sum -c - && sh install.sh"),
            );
        }
    }
}
