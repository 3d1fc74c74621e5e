//! gha/curl-pipe-shell: a downloaded script run straight from the network in a `run:` step.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::rules::support::fetch_pipe::piped_downloads;
use crate::source::workflow::{Job, Step, Workflow};

pub static RULE: Rule = rule!("gha/curl-pipe-shell")
    .summary("curl or wget output piped into a shell or interpreter in a run: step")
    .packs(&["supply-chain"])
    .security(6.0)
    .on_step(check);

fn check(
    cx: &Cx<'_>,
    _wf: &Workflow<'_>,
    _job: Option<&Job<'_>>,
    step: &Step<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(script) = step.run().and_then(|r| cx.script(r)) else {
        return;
    };
    for d in piped_downloads(&script.commands) {
        out.push(
            cx.finding(
                d.span,
                format!("{} output is run by {} without being checked, with this job's token and secrets: download to a file, verify its checksum or signature, then run it", d.fetcher, d.interpreter),
            )
            .help("curl -fsSLo install.sh https://... && echo \"<sha256>  install.sh\" | sha256sum -c - && sh install.sh; or use a pinned setup action"),
        );
    }
}
