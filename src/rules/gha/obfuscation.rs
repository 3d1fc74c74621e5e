//! gha/obfuscation: a workflow feature written in a roundabout way that hides what it does
//! from readers and from other checks: a `uses:` path with empty, `.` or `..` segments, a
//! `fromJSON(toJSON(x))` round trip, a function of constants only (`format('{0}/{1}', 'a',
//! 'b')`) or a constant written as an expression (`${{ 'true' }}`).

use crate::api::{Confidence, Cx, Finding, Rule};
use crate::rule;
use crate::rules::support::gha::has_expr;
use crate::source::Span;
use crate::source::expr::{self, Ex, ExKind};
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("gha/obfuscation")
    .summary("a uses: path or an expression written in a roundabout way that hides its value")
    .packs(&["hygiene"])
    .security(2.0)
    .on_workflow(check)
    .on_action(check);

/// Functions whose result depends on their arguments only.
const PURE: &[&str] = &[
    "format",
    "fromjson",
    "tojson",
    "join",
    "contains",
    "startswith",
    "endswith",
];

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for job in wf.jobs() {
        if let Some(u) = job.uses() {
            uses_path(cx, u, out);
        }
    }
    for (_, step) in wf.all_steps() {
        if let Some(u) = step.uses() {
            uses_path(cx, u, out);
        }
    }
    // every value holding an expression, with the key it sits under
    for (n, key) in wf.expr_scalars() {
        if let Some(s) = n.scalar() {
            scalar(cx, n, s, key.and_then(|k| k.as_str()) == Some("if"), out);
        }
    }
}

/// `owner/repo//path@ref`, `owner/repo/./path@ref`, `./a/../b`: the path GitHub resolves is
/// not the one written.
fn uses_path(cx: &Cx<'_>, u: Yaml<'_>, out: &mut Vec<Finding>) {
    let Some(v) = u.as_str() else { return };
    let v = v.trim();
    if v.starts_with("docker://") || has_expr(v) {
        return;
    }
    let path = v.split('@').next().unwrap_or(v);
    let odd = match path.strip_prefix("./") {
        // a local path: `./../action/init` leaves the workspace for a sibling checkout on
        // purpose and a trailing `/` changes nothing; `.` segments, `//` and a `name/..`
        // that walks back are written in a roundabout way
        Some(rest) => {
            let segs: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
            !rest.is_empty()
                && (segs.iter().any(|s| s.is_empty() || *s == ".")
                    || segs.windows(2).any(|w| w[1] == ".." && w[0] != ".."))
        }
        None => path
            .split('/')
            .any(|seg| seg.is_empty() || matches!(seg, "." | "..")),
    };
    if odd {
        out.push(
            cx.finding(
                u.span(),
                format!("`{path}` has empty, `.` or `..` segments: write the path GitHub resolves, so readers and checks see which action runs"),
            )
            .confidence(Confidence::High)
            .help("remove the redundant `/`, `.` and `..` segments"),
        );
    }
}

/// Whether an expression reads nothing but constants (no context, no impure function).
fn constant(e: &Ex) -> bool {
    match &e.kind {
        ExKind::Null | ExKind::Bool(_) | ExKind::Number(_) | ExKind::Str(_) => true,
        ExKind::Var(_) | ExKind::Prop(..) | ExKind::Index(..) | ExKind::Filter(_) => false,
        ExKind::Call { name, args, .. } => {
            PURE.contains(&name.to_ascii_lowercase().as_str()) && args.iter().all(constant)
        }
        ExKind::Not(a) => constant(a),
        ExKind::Binary(a, _, _, b) => constant(a) && constant(b),
    }
}

fn call_name(e: &Ex) -> Option<String> {
    match &e.kind {
        ExKind::Call { name, .. } => Some(name.to_ascii_lowercase()),
        _ => None,
    }
}

fn scalar(cx: &Cx<'_>, node: Yaml<'_>, s: &str, condition: bool, out: &mut Vec<Finding>) {
    let map = node.value_map(cx.text());
    for (whole, body, closed) in expr::locate(s) {
        if !closed {
            continue;
        }
        let parsed = expr::parse_spanned_shared(body.text(s), body.start);
        let Ok(tree) = &*parsed else {
            continue;
        };
        // a constant `if:` is gha/constant-condition's
        if constant(tree) {
            if condition {
                continue;
            }
            if let ExKind::Str(v) = &tree.kind {
                // `${{ '${{' }}` is how a literal `${{` is written
                if has_expr(v) {
                    continue;
                }
            }
            let call = call_name(tree).is_some();
            out.push(
                cx.finding(
                    map.span(whole),
                    if call {
                        "this expression only computes a constant: write its value instead"
                            .to_string()
                    } else {
                        "a constant written as an expression: write the value itself".to_string()
                    },
                )
                .confidence(if call {
                    Confidence::High
                } else {
                    Confidence::Medium
                }),
            );
            continue;
        }
        let mut found = Vec::new();
        walk(tree, &mut found);
        for (span, msg) in found {
            out.push(cx.finding(map.span(span), msg).confidence(Confidence::High));
        }
    }
}

/// Obfuscated parts of a non-constant expression: `fromJSON(toJSON(x))` and calls of pure
/// functions on constants only. Left alone: a newline written as `fromJSON('"\n"')` and a
/// list or object written as `fromJSON('["a", "b"]')` (for `contains()`): an expression has
/// no other way to write them.
fn walk(e: &Ex, out: &mut Vec<(Span, String)>) {
    match &e.kind {
        ExKind::Call { name, args, .. } => {
            let name = name.to_ascii_lowercase();
            if name == "fromjson"
                && args.len() == 1
                && call_name(&args[0]).as_deref() == Some("tojson")
            {
                out.push((
                    e.span,
                    "`fromJSON(toJSON(...))` is a round trip that returns its argument: use the argument".to_string(),
                ));
                return;
            }
            if constant(e) {
                let escape = name == "fromjson"
                    && args.iter().any(|a| {
                        matches!(&a.kind, ExKind::Str(v) if v.contains('\\') || v.trim_start().starts_with(['[', '{']))
                    });
                if !escape {
                    out.push((
                        e.span,
                        format!("`{name}(...)` of constants only computes a constant: write its value instead"),
                    ));
                }
                return;
            }
            args.iter().for_each(|a| walk(a, out));
        }
        ExKind::Prop(a, _, _) | ExKind::Filter(a) | ExKind::Not(a) => walk(a, out),
        ExKind::Index(a, b) | ExKind::Binary(a, _, _, b) => {
            walk(a, out);
            walk(b, out);
        }
        _ => {}
    }
}
