//! gha/spoofable-bot-check: `github.actor == 'x[bot]'` granting trust on a trigger an outsider
//! can cause.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::Span;
use crate::source::expr::Node;
use crate::source::workflow::Workflow;

use super::common::{condition_trees, conditions};
use super::untrusted::privileged;

pub static RULE: Rule = rule!("gha/spoofable-bot-check")
    .summary("a github.actor check for a bot grants trust on a trigger an outsider can cause")
    .packs(&["injection"])
    .severity(Severity::Error)
    .security(7.5)
    .on_workflow(check);

/// The contexts naming who acted last, not who opened the pull request.
const SPOOFABLE: &[&str] = &["github.actor", "github.triggering_actor"];

fn is_actor(n: &Node) -> Option<Span> {
    match n {
        Node::Context(c) if SPOOFABLE.contains(&c.path.as_str()) => Some(c.span),
        _ => None,
    }
}

fn is_bot(n: &Node) -> bool {
    matches!(n, Node::Str(s) if s.to_ascii_lowercase().ends_with("[bot]"))
}

/// Actor-equals-bot tests in positive position (not under `!`, not `!=`).
fn grants(n: &Node, negated: bool, out: &mut Vec<Span>) {
    match n {
        Node::Binary(a, "==", b) if !negated => {
            if let (Some(s), true) = (is_actor(a), is_bot(b)) {
                out.push(s);
            } else if let (Some(s), true) = (is_actor(b), is_bot(a)) {
                out.push(s);
            }
        }
        Node::Binary(a, "!=", b) if negated => {
            if let (Some(s), true) = (is_actor(a), is_bot(b)) {
                out.push(s);
            } else if let (Some(s), true) = (is_actor(b), is_bot(a)) {
                out.push(s);
            }
        }
        Node::Binary(a, "&&" | "||", b) => {
            grants(a, negated, out);
            grants(b, negated, out);
        }
        Node::Not(a) => grants(a, !negated, out),
        Node::Call { name, args } if !negated => {
            let n = name.to_ascii_lowercase();
            // `contains(github.actor, '[bot]')`, `endsWith(github.actor, '[bot]')`
            if matches!(n.as_str(), "contains" | "endswith") && args.len() == 2 {
                if let (Some(s), Node::Str(x)) = (is_actor(&args[0]), &args[1]) {
                    if x.to_ascii_lowercase().contains("[bot]") {
                        out.push(s);
                    }
                }
            }
        }
        _ => {}
    }
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let triggers = wf.triggers();
    let risky = privileged(&triggers);
    // a reusable workflow runs under its caller's trigger, which may be privileged
    let (t, severity) = match risky.first() {
        Some(t) => (*t, Severity::Error),
        None if triggers.contains(&"workflow_call") => ("workflow_call", Severity::Warning),
        None => return,
    };
    for (what, _, node) in conditions(wf) {
        let Some(value) = node.as_str() else { continue };
        let map = node.value_map(cx.text());
        for tree in condition_trees(value) {
            let mut spans = Vec::new();
            grants(&tree, false, &mut spans);
            for s in spans {
                out.push(
                    cx.finding(map.span(s), format!("{what} trusts `{}` to be a bot, but under `{t}` it can be whoever acted last (an outsider can make a bot push to their branch): check `github.event.pull_request.user.login` and the bot's user id instead", s.text(value)))
                        .severity(severity)
                        .help("`github.event.pull_request.user.login == 'dependabot[bot]'` names who opened the pull request; for Dependabot, prefer `dependabot/fetch-metadata` on `pull_request`"),
                );
            }
        }
    }
}
