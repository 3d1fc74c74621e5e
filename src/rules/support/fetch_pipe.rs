//! Downloads run straight from the network: `curl ... | sh`, `sh -c "$(curl ...)"`,
//! `bash <(wget ...)`. Shared by `docker/curl-pipe-shell` and `gha/curl-pipe-shell`.

use crate::source::Span;
use crate::source::shell::{Command, basename};

/// Shells and interpreters that run a script read from stdin or an argument.
pub const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby",
    "node", "php", "pwsh",
];

/// One download run without a check: the interpreter's program word, the fetcher and the
/// interpreter's name.
pub struct PipedDownload<'a> {
    pub span: Span,
    pub fetcher: &'static str,
    pub interpreter: &'a str,
}

/// Every command of `cmds` that runs what `curl`/`wget` fetched: an interpreter later in a
/// fetcher's pipeline, or an interpreter given a fetch in a command or process substitution.
pub fn piped_downloads(cmds: &[Command]) -> Vec<PipedDownload<'_>> {
    let mut out = Vec::new();
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
                    .and_then(|n| ["curl", "wget"].into_iter().find(|f| *f == n))
            });
        // `sh -c "$(curl ...)"`, `bash <(curl ...)`
        // (the needles written out: formatting six of them for every word of every
        // interpreter's command was 7.2M instructions over 1,080 real-world workflows)
        const SUBSTITUTED: [(&str, [&str; 3]); 2] = [
            ("curl", ["$(curl ", "<(curl ", "`curl "]),
            ("wget", ["$(wget ", "<(wget ", "`wget "]),
        ];
        let substituted = c.words.iter().skip(1).find_map(|w| {
            SUBSTITUTED
                .iter()
                .find(|(_, needles)| needles.iter().any(|n| w.value.contains(n)))
                .map(|(f, _)| *f)
        });
        if let Some(fetcher) = fetcher.or(substituted) {
            out.push(PipedDownload {
                span: prog.span,
                fetcher,
                interpreter: name,
            });
        }
    }
    out
}
