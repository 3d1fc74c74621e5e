//! docker/curl-pipe-shell: a downloaded script run straight from the network.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::rules::support::fetch_pipe::piped_downloads;
use crate::source::dockerfile::Dockerfile;

pub static RULE: Rule = rule!("docker/curl-pipe-shell")
    .summary("curl or wget output piped into a shell or interpreter")
    .packs(&["supply-chain"])
    .security(6.0)
    .on_dockerfile(check);

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for inst in &df.instructions {
        for d in piped_downloads(inst.commands()) {
            out.push(
                cx.finding(
                    d.span,
                    format!("{} output is run by {} without being checked: download to a file, verify its checksum or signature, then run it", d.fetcher, d.interpreter),
                )
                .help("RUN curl -fsSLo install.sh https://... && echo \"<sha256>  install.sh\" | sha256sum -c - && sh install.sh"),
            );
        }
    }
}
