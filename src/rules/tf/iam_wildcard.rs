//! tf/iam-wildcard: IAM policies that grant every action on every resource, trust policies
//! that let anyone assume a role, Azure roles with `*` actions, Google owner/editor grants.

use super::resolve;
use crate::api::{Cx, Finding, Rule, Severity};
use crate::project::TfModule;
use crate::rule;
use crate::source::Span;
use crate::source::terraform::{Block, Expr, ExprKind, ObjectKey, TfFile, Value};

pub static RULE: Rule = rule!("tf/iam-wildcard")
    .summary("a Terraform IAM policy granting `*` actions on `*` resources, a role anyone can assume, or an owner/editor grant")
    .packs(&["least-privilege"])
    .severity(Severity::Error)
    .security(8.0)
    .on_terraform(check);

/// Resources whose `policy` is an IAM identity policy (aws provider docs, taken 2026-12-01;
/// checkov CKV_AWS_1, CKV_AWS_62, CKV_AWS_63, CKV_AWS_286..290; trivy AVD-AWS-0057).
const POLICY_RESOURCES: &[&str] = &[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
];

/// Services whose `service:*` on every resource is as good as admin (`iam:*` lets the holder
/// grant itself anything) or hands over every secret or key: `(prefix, error?)`.
/// Sources: AWS IAM privilege-escalation research (Rhino Security Labs), checkov CKV_AWS_287
/// (credentials exposure), CKV_AWS_289 (permissions management).
const SENSITIVE_SERVICES: &[(&str, bool)] = &[
    ("iam:*", true),
    ("sts:*", false),
    ("kms:*", false),
    ("secretsmanager:*", false),
    ("organizations:*", false),
];

/// Google roles that hold (nearly) every permission of the project: roles/owner and
/// roles/editor are basic roles Google advises against (google IAM docs, "basic roles";
/// checkov CKV_GCP_117, CKV_GCP_49).
const BASIC_ROLES: &[&str] = &["roles/owner", "roles/editor"];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    super::per_instance(cx, tf, out, |m, out| check_in(cx, tf, m, out));
}

fn check_in(cx: &Cx<'_>, tf: &TfFile, m: &TfModule<'_>, out: &mut Vec<Finding>) {
    for block in &tf.body.blocks {
        let kind = block.label(0).unwrap_or_default();
        match (block.ident.as_str(), kind) {
            ("resource", k) if POLICY_RESOURCES.contains(&k) => {
                if let Some(a) = block.attr("policy") {
                    document(cx, m, &block.address(), &a.value, Doc::Identity, out);
                }
            }
            ("resource", "aws_iam_role") => {
                if let Some(a) = block.attr("assume_role_policy") {
                    document(cx, m, &block.address(), &a.value, Doc::Trust, out);
                }
                for inline in block.body.blocks_of("inline_policy") {
                    if let Some(a) = inline.attr("policy") {
                        document(cx, m, &block.address(), &a.value, Doc::Identity, out);
                    }
                }
            }
            ("data", "aws_iam_policy_document") => policy_document(cx, m, block, out),
            ("resource", "azurerm_role_definition") => azure_role(cx, m, block, out),
            ("resource", k)
                if k.starts_with("google_")
                    && (k.ends_with("_iam_member") || k.ends_with("_iam_binding")) =>
            {
                google_grant(cx, m, block, out)
            }
            _ => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Doc {
    Identity,
    Trust,
}

/// One statement, read from HCL (`jsonencode`) or JSON text, with spans where known.
#[derive(Default)]
struct Statement {
    allow: bool,
    actions: Vec<(String, Span)>,
    resources: Vec<String>,
    /// Principals: `*`, or the values of `{ AWS = "*" }`.
    principals: Vec<(String, Span)>,
    has_condition: bool,
}

/// Judge one statement; `addr` names the policy.
fn judge(cx: &Cx<'_>, addr: &str, st: &Statement, doc: Doc, out: &mut Vec<Finding>) {
    if !st.allow {
        return;
    }
    match doc {
        Doc::Identity => {
            if !st.resources.iter().any(|r| r == "*") {
                return;
            }
            for (action, span) in &st.actions {
                let (what, error) = if action == "*" || action == "*:*" {
                    ("every action".to_string(), true)
                } else if let Some((_, e)) = SENSITIVE_SERVICES
                    .iter()
                    .find(|(s, _)| s.eq_ignore_ascii_case(action))
                {
                    (format!("every {} action", &action[..action.len() - 2]), *e)
                } else {
                    continue;
                };
                let f = cx.finding(
                    *span,
                    format!("{addr} allows {what} ({action:?}) on every resource (\"*\"): list the actions and resources the holder needs"),
                );
                out.push(if error {
                    f
                } else {
                    f.severity(Severity::Warning)
                });
            }
        }
        Doc::Trust => {
            if st.has_condition {
                return; // an org or external-id condition narrows "*"
            }
            for (p, span) in &st.principals {
                if p == "*" {
                    out.push(cx.finding(
                        *span,
                        format!("{addr} lets any AWS principal (\"*\") assume the role: name the accounts or roles that may, or add a condition (aws:PrincipalOrgID, sts:ExternalId)"),
                    ));
                }
            }
        }
    }
}

/// A policy given as `jsonencode({...})`, a JSON string or heredoc, or `local.x` holding one.
fn document(
    cx: &Cx<'_>,
    m: &TfModule<'_>,
    addr: &str,
    expr: &Expr,
    doc: Doc,
    out: &mut Vec<Finding>,
) {
    match &expr.kind {
        ExprKind::FuncCall { name, args } if name == "jsonencode" => {
            if let Some(arg) = args.first() {
                for st in hcl_statements(m, arg) {
                    judge(cx, addr, &st, doc, out);
                }
            }
        }
        ExprKind::String(_) | ExprKind::Template { .. } => {
            for st in json_statements(cx.text(), expr) {
                judge(cx, addr, &st, doc, out);
            }
        }
        _ => {}
    }
}

fn entry<'e>(items: &'e [(ObjectKey, Expr)], key: &str) -> Option<&'e Expr> {
    items
        .iter()
        .find(|(k, _)| !k.computed && k.name == key)
        .map(|(_, v)| v)
}

/// The strings of an expression that is a string or a list of them, each with the span of
/// the element that holds it (unknown elements are left out).
fn strings(m: &TfModule<'_>, expr: &Expr) -> Vec<(String, Span)> {
    match &expr.kind {
        ExprKind::Array(items) => items
            .iter()
            .filter_map(|e| resolve(m, e).as_str().map(|s| (s.to_string(), e.span)))
            .collect(),
        _ => match resolve(m, expr).value() {
            Some(Value::String(s)) => vec![(s.clone(), expr.span)],
            Some(Value::List(l)) => l
                .iter()
                .filter_map(Value::as_str)
                .map(|s| (s.to_string(), expr.span))
                .collect(),
            _ => Vec::new(),
        },
    }
}

fn hcl_statements(m: &TfModule<'_>, doc: &Expr) -> Vec<Statement> {
    let ExprKind::Object(items) = &doc.kind else {
        return Vec::new();
    };
    let Some(statements) = entry(items, "Statement") else {
        return Vec::new();
    };
    let list: Vec<&Expr> = match &statements.kind {
        ExprKind::Array(items) => items.iter().collect(),
        ExprKind::Object(_) => vec![statements],
        _ => Vec::new(),
    };
    list.into_iter()
        .filter_map(|s| {
            let ExprKind::Object(items) = &s.kind else {
                return None;
            };
            let allow = match entry(items, "Effect") {
                None => true,
                Some(e) => resolve(m, e).as_str()?.eq_ignore_ascii_case("allow"),
            };
            let mut principals = Vec::new();
            if let Some(p) = entry(items, "Principal") {
                match &p.kind {
                    ExprKind::Object(kv) => {
                        for (k, v) in kv {
                            if k.name == "AWS" || k.name == "*" {
                                principals.extend(strings(m, v));
                            }
                        }
                    }
                    _ => principals.extend(strings(m, p)),
                }
            }
            Some(Statement {
                allow,
                actions: entry(items, "Action")
                    .map(|e| strings(m, e))
                    .unwrap_or_default(),
                resources: entry(items, "Resource")
                    .map(|e| strings(m, e).into_iter().map(|(s, _)| s).collect())
                    .unwrap_or_default(),
                principals,
                has_condition: entry(items, "Condition").is_some(),
            })
        })
        .collect()
}

/// Statements of a policy written as JSON text. The values come from serde_json; a wildcard
/// action or principal points at its `"*"` in the source when it can be found there, at the
/// string otherwise.
fn json_statements(text: &str, expr: &Expr) -> Vec<Statement> {
    let raw = expr.span.text(text);
    // the JSON inside the quotes or heredoc markers
    let (body, offset) = if let Some(rest) = raw.strip_prefix("<<") {
        let Some(nl) = rest.find('\n') else {
            return Vec::new();
        };
        let start = 2 + nl + 1;
        let end = raw.trim_end().rfind('\n').unwrap_or(raw.len());
        if end < start {
            return Vec::new();
        }
        (&raw[start..end], start)
    } else {
        match expr.as_str() {
            Some(s) if raw.starts_with('"') => (s, usize::MAX),
            _ => return Vec::new(),
        }
    };
    // interpolations are references: stand them in as strings so the JSON still reads
    let cleaned = if body.contains("${") {
        interpolations_as_strings(body)
    } else {
        body.to_string()
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&cleaned) else {
        return Vec::new();
    };
    let Some(statements) = json.get("Statement") else {
        return Vec::new();
    };
    let list: Vec<&serde_json::Value> = match statements {
        serde_json::Value::Array(a) => a.iter().collect(),
        v @ serde_json::Value::Object(_) => vec![v],
        _ => Vec::new(),
    };
    let as_strings = |v: Option<&serde_json::Value>| -> Vec<String> {
        match v {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    // where the n-th `"*"` (or `"iam:*"`...) after a key sits in the source
    let locate = |key: &str, value: &str, nth: usize| -> Span {
        if offset == usize::MAX {
            return expr.span;
        }
        let needle = format!("\"{value}\"");
        let mut seen = 0;
        let mut from = 0;
        while let Some(k) = body[from..].find(&format!("\"{key}\"")) {
            let k = from + k;
            let tail = &body[k..];
            let end = tail[1..].find(['}']).map_or(tail.len(), |e| e + 1);
            if let Some(v) = tail[..end].find(&needle) {
                if seen == nth {
                    let s = expr.span.start + offset + k + v;
                    return Span::new(s, s + needle.len());
                }
                seen += 1;
            }
            from = k + key.len() + 2;
        }
        expr.span
    };
    let mut counts: std::collections::HashMap<(String, String), usize> = Default::default();
    let mut out = Vec::new();
    for s in list {
        let allow = s
            .get("Effect")
            .and_then(|e| e.as_str())
            .is_none_or(|e| e.eq_ignore_ascii_case("allow"));
        let mut spans = |key: &str, values: Vec<String>| -> Vec<(String, Span)> {
            values
                .into_iter()
                .map(|v| {
                    let n = counts.entry((key.to_string(), v.clone())).or_default();
                    let span = locate(key, &v, *n);
                    *n += 1;
                    (v, span)
                })
                .collect()
        };
        let actions = spans("Action", as_strings(s.get("Action")));
        let principals = match s.get("Principal") {
            Some(serde_json::Value::Object(o)) => spans(
                "AWS",
                o.get("AWS")
                    .map(|v| as_strings(Some(v)))
                    .unwrap_or_default(),
            ),
            p => spans("Principal", as_strings(p)),
        };
        out.push(Statement {
            allow,
            actions,
            resources: as_strings(s.get("Resource")),
            principals,
            has_condition: s.get("Condition").is_some(),
        });
    }
    out
}

/// `${...}` outside JSON strings (`"Resource": ${jsonencode(x)}`) replaced by a string, so
/// that a template still parses; inside strings they are left as they are.
fn interpolations_as_strings(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut in_string = false;
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !in_string && c == '$' && body[i..].starts_with("${") {
            // skip to the matching brace
            let mut depth = 0usize;
            for (_, d) in chars.by_ref() {
                match d {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            out.push_str("\"(interpolation)\"");
            continue;
        }
        if c == '"' && !body[..i].ends_with('\\') {
            in_string = !in_string;
        }
        out.push(c);
    }
    out
}

/// `data "aws_iam_policy_document"`: statement blocks with `actions`, `resources`,
/// `principals` and `condition`.
fn policy_document(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let addr = block.address();
    for s in block.body.blocks_of("statement") {
        let allow = match s.attr("effect") {
            None => true,
            Some(a) => match resolve(m, &a.value).as_str() {
                Some(e) => e.eq_ignore_ascii_case("allow"),
                None => continue,
            },
        };
        let actions = s
            .attr("actions")
            .map(|a| strings(m, &a.value))
            .unwrap_or_default();
        let assume = actions
            .iter()
            .any(|(a, _)| a.to_ascii_lowercase().starts_with("sts:assumerole"));
        let mut principals = Vec::new();
        for p in s.body.blocks_of("principals") {
            let ty = p
                .attr("type")
                .and_then(|t| resolve(m, &t.value).as_str().map(str::to_string));
            if matches!(ty.as_deref(), Some("AWS" | "*")) {
                if let Some(ids) = p.attr("identifiers") {
                    principals.extend(strings(m, &ids.value));
                }
            }
        }
        let st = Statement {
            allow,
            actions,
            resources: s
                .attr("resources")
                .map(|a| strings(m, &a.value).into_iter().map(|(s, _)| s).collect())
                .unwrap_or_default(),
            principals,
            has_condition: s.body.blocks_of("condition").next().is_some()
                || s.body.blocks_of("dynamic").next().is_some(),
        };
        if st.principals.is_empty() {
            judge(cx, &addr, &st, Doc::Identity, out);
        } else if assume {
            judge(cx, &addr, &st, Doc::Trust, out);
        }
    }
}

fn azure_role(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let addr = block.address();
    for p in block.body.blocks_of("permissions") {
        let Some(a) = p.attr("actions") else { continue };
        for (action, span) in strings(m, &a.value) {
            if action == "*" {
                out.push(cx.finding(
                    span,
                    format!("{addr} defines a role with every action (\"*\"), as Owner has: list the actions the role needs"),
                ));
            }
        }
    }
}

fn google_grant(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let addr = block.address();
    let Some(role) = block
        .attr("role")
        .and_then(|r| resolve(m, &r.value).as_str().map(str::to_string))
    else {
        return;
    };
    if !BASIC_ROLES.contains(&role.as_str()) {
        return;
    }
    let members = block
        .attr("member")
        .or_else(|| block.attr("members"))
        .map(|a| strings(m, &a.value))
        .unwrap_or_default();
    for (member, span) in members {
        let public = member == "allUsers" || member == "allAuthenticatedUsers";
        if !public && !member.starts_with("user:") {
            continue;
        }
        let f = cx.finding(
            span,
            format!("{addr} grants {role} to {member}: grant a predefined role with the permissions needed, to a group or service account"),
        );
        out.push(if public {
            f
        } else {
            f.severity(Severity::Warning)
        });
    }
}
