//! gha/unsound-condition: an `if:` that is always true, a `contains()` on a string where a
//! list was meant, a `cond && x || y` whose `x` is falsy.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::gha::has_expr;
use crate::source::Span;
use crate::source::expr::{self, Node};
use crate::source::workflow::Workflow;

use super::common::{condition_trees, conditions};

pub static RULE: Rule = rule!("gha/unsound-condition")
    .summary("an if: that is always true, a contains() on a string, or a ternary that never picks its true branch")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .security(5.0)
    .on_workflow(check)
    .on_action(check);

/// `contains('a b c', x)`: a string literal that lists several values, searched for a value.
fn string_contains(n: &Node, out: &mut Vec<Span>) {
    match n {
        Node::Call { name, args } => {
            if name.eq_ignore_ascii_case("contains") && args.len() == 2 {
                if let (Node::Str(list), Node::Context(c)) = (&args[0], &args[1]) {
                    if list.contains([' ', ',', '|', ';']) {
                        out.push(c.span);
                    }
                }
            }
            args.iter().for_each(|a| string_contains(a, out));
        }
        Node::Binary(a, _, b) | Node::Index(a, b) => {
            string_contains(a, out);
            string_contains(b, out);
        }
        Node::Not(a) => string_contains(a, out),
        _ => {}
    }
}

fn falsy(n: &Node) -> bool {
    match n {
        Node::Null | Node::Bool(false) => true,
        Node::Str(s) => s.is_empty(),
        Node::Number(x) => *x == 0.0,
        _ => false,
    }
}

/// `cond && <falsy literal> || y`: always `y`. Yields the falsy literal as written.
fn bad_ternary(n: &Node, out: &mut Vec<String>) {
    if let Node::Binary(l, "||", r) = n {
        if let Node::Binary(_, "&&", t) = l.as_ref() {
            if falsy(t) {
                let shown = match t.as_ref() {
                    Node::Str(_) => "''".to_string(),
                    Node::Null => "null".into(),
                    Node::Bool(_) => "false".into(),
                    _ => "0".into(),
                };
                let _ = r;
                out.push(shown);
            }
        }
    }
    match n {
        Node::Binary(a, _, b) | Node::Index(a, b) => {
            bad_ternary(a, out);
            bad_ternary(b, out);
        }
        Node::Call { args, .. } => args.iter().for_each(|a| bad_ternary(a, out)),
        Node::Not(a) => bad_ternary(a, out),
        _ => {}
    }
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let text = cx.text();
    let conds = conditions(wf);
    for (what, key, node) in conds.iter().map(|(w, k, n)| (w, *k, *n)) {
        let Some(value) = node.as_str() else { continue };
        let exprs = expr::find(value);
        // text outside the one fence: the condition is a non-empty string, always true
        let whole =
            exprs.len() == 1 && exprs[0].span.start == 0 && exprs[0].span.end == value.len();
        if !exprs.is_empty() && !whole {
            let extra = if value.trim() != value && exprs.len() == 1 {
                "the block scalar keeps a newline after `}}`, so the condition is a non-empty string"
            } else {
                "text outside `${{ }}` makes the condition a non-empty string"
            };
            out.push(
                cx.finding(if value.ends_with('\n') { key } else { node.span() }, format!("the `if:` of {what} is always true: {extra}: write the condition as a bare expression, or use `|-`"))
                    .help("`if: ${{ a }} && ${{ b }}` is the string \"true && false\"; write `if: a && b`"),
            );
            continue;
        }
        let map = node.value_map(text);
        for tree in condition_trees(value) {
            let mut spans = Vec::new();
            string_contains(&tree, &mut spans);
            for s in spans {
                out.push(
                    cx.finding(map.span(s), format!("the `if:` of {what} searches a string for `{}`, so any part of a listed value matches too (`refs/heads/mai` is in 'refs/heads/main refs/heads/dev'): use a list, `contains(fromJSON('[\"a\", \"b\"]'), x)`", s.text(value)))
                        .severity(Severity::Warning),
                );
            }
        }
    }
    // ternaries anywhere: in every value holding `${{`, and in the bare `if:` conditions
    let bare = conds
        .iter()
        .map(|(_, _, c)| *c)
        .filter(|c| c.as_str().is_some_and(|v| !has_expr(v)));
    for node in wf.expr_scalars().into_iter().map(|(n, _)| n).chain(bare) {
        let Some(value) = node.as_str() else { continue };
        // most values hold no `&` at all: a byte search answers them
        if !value.as_bytes().contains(&b'&') || !value.contains("&&") || !value.contains("||") {
            continue;
        }
        let trees: Vec<(Span, Node)> = if has_expr(value) {
            expr::find(value)
                .iter()
                .filter_map(|e| Some((e.span, e.tree.clone()?)))
                .collect()
        } else {
            expr::parse(value, 0)
                .map(|t| (Span::new(0, value.len()), t))
                .into_iter()
                .collect()
        };
        let map = node.value_map(text);
        for (at, t) in trees {
            let mut hits = Vec::new();
            bad_ternary(&t, &mut hits);
            for shown in hits {
                out.push(
                    cx.finding(map.span(at), format!("`cond && {shown} || x` always yields `x`: {shown} is falsy, so `&&` falls through to `||`; negate the condition and swap the branches"))
                        .severity(Severity::Warning),
                );
            }
        }
    }
}
