//! gha/overprovisioned-secrets: every secret handed over at once (`toJSON(secrets)`,
//! `secrets[<expression>]`).

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::Span;
use crate::source::expr::{self, Node};
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/overprovisioned-secrets")
    .summary("an expression exposes every secret at once (toJSON(secrets), secrets[<expression>])")
    .packs(&["secrets", "least-privilege"])
    .severity(Severity::Error)
    .security(6.5)
    .on_workflow(check)
    .on_action(check);

/// The places in an expression that take the whole `secrets` context: `secrets` as a value
/// (`toJSON(secrets)`, `format('{0}', secrets)`) or indexed by a computed key.
fn whole(n: &Node, out: &mut Vec<(Span, &'static str)>) {
    match n {
        Node::Context(c) if c.path == "secrets" => out.push((c.span, "the whole secrets context")),
        Node::Context(c) if c.path.starts_with("secrets.*") => out.push((c.span, "every secret")),
        Node::Index(a, b) => {
            if let Node::Context(c) = a.as_ref() {
                if c.path == "secrets.*" {
                    out.push((c.span, "a secret chosen by an expression"));
                    return whole(b, out);
                }
            }
            whole(a, out);
            whole(b, out);
        }
        Node::Binary(a, _, b) => {
            whole(a, out);
            whole(b, out);
        }
        Node::Call { args, .. } => args.iter().for_each(|a| whole(a, out)),
        Node::Not(a) => whole(a, out),
        _ => {}
    }
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    // only `${{ }}` is searched below
    for (node, _) in wf.expr_scalars() {
        let Some(value) = node.as_str() else { continue };
        if !value.contains("secrets") {
            continue;
        }
        let mut hits = Vec::new();
        for e in expr::find(value).iter() {
            if let Some(t) = &e.tree {
                whole(t, &mut hits);
            }
        }
        if hits.is_empty() {
            continue;
        }
        let map = node.value_map(cx.text());
        for (span, what) in hits {
            // a computed key is a design choice of reusable workflows: warn; the whole context
            // is never needed
            let severity = if what.starts_with("a secret chosen") {
                Severity::Warning
            } else {
                Severity::Error
            };
            out.push(
                cx.finding(map.span(span), format!("this expression hands {what} to the step: name the secrets it needs (`secrets.NPM_TOKEN`)"))
                    .severity(severity)
                    .help("every secret of the repository and organization is then in the runner's memory and logs of whatever reads it; GitHub only masks the ones it knows were used"),
            );
        }
    }
}
