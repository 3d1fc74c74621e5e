//! docker/curl-pipe-shell: a downloaded script run straight from the network.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::shell::basename;

pub const RULE: Rule = Rule {
    id: "docker/curl-pipe-shell",
    kinds: &[Kind::Dockerfile],
    packs: &["supply-chain"],
    severity: Severity::Warning,
    security_severity: Some(6.0),
    summary: "curl or wget output piped into a shell or interpreter",
    doc: include_str!("../../../rules/docker/curl-pipe-shell.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby",
    "node", "php",
];

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    for inst in &df.instructions {
        let cmds = inst.run_commands();
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
