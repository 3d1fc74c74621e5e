//! tf/plaintext-secret: secrets written into Terraform code, variable defaults or tfvars.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::secrets::{self, ValueKind, redact};
use crate::project::TfModule;
use crate::rule;
use std::sync::LazyLock;

use regex::Regex;

use crate::source::Span;
use crate::source::terraform::{
    Attribute, Block, Body, Expr, ExprKind, ObjectKey, Resolved, TfFile,
};

pub static RULE: Rule = rule!("tf/plaintext-secret")
    .summary("a secret written as a literal in Terraform code, a variable default or a tfvars file")
    .packs(&["secrets"])
    .severity(Severity::Error)
    .security(8.5)
    .supersedes(&["secrets/hardcoded-token"])
    .marks_other_files()
    .on_terraform(check);

/// Nested blocks deeper than this are not searched (real Terraform stays far below it).
const MAX_DEPTH: usize = 32;

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    let names = cx.secret_names();
    let is_tfvars = crate::source::terraform::is_tfvars(cx.rel());
    let module = cx.tf_module();
    if is_tfvars {
        for a in &tf.body.attributes {
            if !literal_attr(cx, "tfvars", a, names, out) {
                nested(cx, "tfvars", &a.key, &a.value, names, 0, out);
            }
        }
        return;
    }
    for block in &tf.body.blocks {
        match block.ident.as_str() {
            "variable" => variable(cx, block, names, out),
            "output" => output(cx, block, names, out),
            "locals" => {
                for a in &block.body.attributes {
                    if !literal_attr(cx, "locals", a, names, out) {
                        nested(cx, "locals", &a.key, &a.value, names, 0, out);
                    }
                }
            }
            _ => walk(
                cx,
                module.as_ref(),
                &block.address(),
                &block.body,
                names,
                0,
                out,
            ),
        }
    }
}

fn sensitive(block: &Block) -> bool {
    block
        .attr("sensitive")
        .and_then(|a| a.value.as_bool())
        .unwrap_or(false)
}

/// A weak demo value (`admin`, `postgres`, the name's own words) is a warning, not an error.
fn demo(name: &str, value: &str, f: Finding) -> Finding {
    if secrets::is_demo_value(name, value, &[]) {
        f.severity(Severity::Warning)
    } else {
        f
    }
}

fn label_span(block: &Block) -> crate::source::Span {
    block.labels.first().map_or(block.ident_span, |l| l.1)
}

fn variable(cx: &Cx<'_>, block: &Block, names: &[String], out: &mut Vec<Finding>) {
    let Some(name) = block.label(0) else { return };
    if !secrets::is_secret_name(name, names) {
        // a map or object default may hold secret-named entries
        if let Some(default) = block.attr("default") {
            let owner = format!("variable \"{name}\"");
            nested(cx, &owner, "default", &default.value, names, 0, out);
        }
        return;
    }
    if let Some(default) = block.attr("default") {
        if let Some(v) = default.value.as_str() {
            if secrets::judge_for(name, v) == ValueKind::Literal
                && !secrets::comment_says_placeholder(cx.text(), default.value.span)
            {
                out.push(
                    demo(name, v, cx.finding(
                        default.value.span,
                        format!(
                            "variable \"{name}\" has a literal default ({}): remove the default and pass the value from a secret store (TF_VAR_{name}, a tfvars file kept out of git, or a data source)",
                            redact(v)
                        ),
                    ))
                    .secret(default.value.span),
                );
            }
        }
    }
    if !sensitive(block) {
        out.push(
            cx.finding(
                label_span(block),
                format!("variable \"{name}\" looks secret but is not marked sensitive: add `sensitive = true`"),
            )
            .severity(Severity::Warning)
            .help("sensitive = true keeps the value out of plan and apply output"),
        );
    }
}

fn output(cx: &Cx<'_>, block: &Block, names: &[String], out: &mut Vec<Finding>) {
    let Some(name) = block.label(0) else { return };
    if secrets::is_secret_name(name, names) && !sensitive(block) {
        out.push(
            cx.finding(
                label_span(block),
                format!("output \"{name}\" looks secret but is not marked sensitive: add `sensitive = true`"),
            )
            .severity(Severity::Warning)
            .help("sensitive = true keeps the value out of plan and apply output and CI logs"),
        );
    }
}

/// A secret-like attribute with a literal value (or a URL with a password).
fn literal_attr(
    cx: &Cx<'_>,
    owner: &str,
    a: &Attribute,
    names: &[String],
    out: &mut Vec<Finding>,
) -> bool {
    literal_kv(cx, owner, &a.key, &a.value, names, out)
}

/// `key = value` anywhere (an attribute, an object entry): a secret-like key with a literal
/// string value, or a URL with a password in it.
fn literal_kv(
    cx: &Cx<'_>,
    owner: &str,
    key: &str,
    value: &Expr,
    names: &[String],
    out: &mut Vec<Finding>,
) -> bool {
    let ExprKind::String(v) = &value.kind else {
        return false;
    };
    if secrets::is_secret_name(key, names)
        && secrets::judge_for(key, v) == ValueKind::Literal
        && !secrets::comment_says_placeholder(cx.text(), value.span)
    {
        out.push(
            demo(key, v, cx.finding(
                value.span,
                format!(
                    "{owner} sets {key} to a literal ({}): read it from a variable marked sensitive or a secret store data source",
                    redact(v)
                ),
            ))
            .secret(value.span),
        );
        return true;
    }
    if let Some((s, e)) = secrets::url_password(v) {
        // the string's content starts after its opening quote
        let start = value.span.start + 1;
        let span = Span::new(start + s, start + e);
        out.push(
            cx.finding(
                span,
                format!("{owner} sets {key} to a URL with a password in it ({}): pass credentials separately, from a secret store", redact(&v[s..e])),
            )
            .secret(span),
        );
        return true;
    }
    false
}

/// Functions whose arguments are the value itself (a literal passed through them is still
/// written in the code); other calls (`file(...)`, `random_password`) are references.
const PASS_THROUGH: &[&str] = &[
    "jsonencode",
    "yamlencode",
    "merge",
    "tomap",
    "tolist",
    "toset",
    "concat",
    "sensitive",
    "nonsensitive",
];

/// The inside of a value: entries of objects and maps (Lambda and ECS environments,
/// `kubernetes_secret` data, locals maps), ECS-style `{ name = "X", value = "..." }` pairs,
/// both branches of a conditional, the arguments of `jsonencode(...)` and kin, and the text
/// of strings and heredocs (`export NAME=value`, `key = value` and JSON `"key": "value"`
/// lines); a `${...}` interpolation is a reference.
fn nested(
    cx: &Cx<'_>,
    owner: &str,
    key: &str,
    value: &Expr,
    names: &[String],
    depth: usize,
    out: &mut Vec<Finding>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match &value.kind {
        ExprKind::Object(items) => {
            if name_value_pair(cx, owner, key, items, names, out) {
                return;
            }
            for (k, v) in items {
                if k.computed || literal_kv(cx, owner, &k.name, v, names, out) {
                    continue;
                }
                nested(cx, owner, &k.name, v, names, depth + 1, out);
            }
        }
        ExprKind::Array(items) => {
            for v in items {
                nested(cx, owner, key, v, names, depth + 1, out);
            }
        }
        ExprKind::FuncCall { name, args } if PASS_THROUGH.contains(&name.as_str()) => {
            for v in args {
                if !literal_kv(cx, owner, key, v, names, out) {
                    nested(cx, owner, key, v, names, depth + 1, out);
                }
            }
        }
        ExprKind::Conditional {
            then, otherwise, ..
        } => {
            for v in [then, otherwise] {
                if !literal_kv(cx, owner, key, v, names, out) {
                    nested(cx, owner, key, v, names, depth + 1, out);
                }
            }
        }
        ExprKind::String(_) | ExprKind::Template { .. } => text(cx, owner, key, value, names, out),
        _ => {}
    }
}

/// `{ name = "DB_PASSWORD", value = "..." }` (ECS container environments, Kubernetes env
/// lists written in HCL): judged as `DB_PASSWORD = "..."`.
fn name_value_pair(
    cx: &Cx<'_>,
    owner: &str,
    key: &str,
    items: &[(ObjectKey, Expr)],
    names: &[String],
    out: &mut Vec<Finding>,
) -> bool {
    let get = |want: &str| {
        items
            .iter()
            .find(|(k, _)| !k.computed && k.name == want)
            .map(|(_, v)| v)
    };
    let (Some(name), Some(value)) = (get("name").and_then(|n| n.as_str()), get("value")) else {
        return false;
    };
    if !secrets::is_secret_name(name, names) {
        return false;
    }
    let owner = format!("{owner} ({key})");
    literal_kv(cx, &owner, name, value, names, out);
    true
}

/// JSON `"key": "value"` pairs, and `{"name": "X", "value": "..."}` pairs, in a string's
/// source text (quotes may be escaped inside a quoted HCL string).
static JSON_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\\?"([A-Za-z_][A-Za-z0-9_.\-]*)\\?"\s*:\s*\\?"((?:[^"\\\n]|\\[^"])*)\\?""#)
        .expect("json pair regex")
});
static JSON_NAME_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"\\?"name\\?"\s*:\s*\\?"([A-Za-z_][A-Za-z0-9_.\-]*)\\?"\s*,\s*\\?"value\\?"\s*:\s*\\?"((?:[^"\\\n]|\\[^"])*)\\?""#,
    )
    .expect("json name/value regex")
});

/// Secrets in the text of a string or heredoc (`user_data`, `container_definitions`, inline
/// policies), read from its source so that spans are exact.
fn text(
    cx: &Cx<'_>,
    owner: &str,
    key: &str,
    value: &Expr,
    names: &[String],
    out: &mut Vec<Finding>,
) {
    let raw = value.span.text(cx.text());
    if !raw.contains('=') && !raw.contains(':') {
        return;
    }
    let base = value.span.start;
    let mut hits: Vec<(String, usize, usize)> = Vec::new();
    for c in JSON_NAME_VALUE.captures_iter(raw) {
        let (Some(n), Some(v)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if secrets::is_secret_name(n.as_str(), names) {
            hits.push((n.as_str().to_string(), v.start(), v.end()));
        }
    }
    for c in JSON_PAIR.captures_iter(raw) {
        let (Some(n), Some(v)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if secrets::is_secret_name(n.as_str(), names) {
            hits.push((n.as_str().to_string(), v.start(), v.end()));
        }
    }
    // `export NAME=value`, `key = value` lines: only in multi-line text (a heredoc, a script)
    if raw.contains('\n') {
        for (n, (s, e)) in secrets::config_passwords(raw, names) {
            hits.push((n.to_string(), s, e));
        }
    }
    hits.sort_by_key(|h| (h.1, h.2));
    hits.dedup_by_key(|h| h.1);
    for (name, s, e) in hits {
        let v = &raw[s..e];
        if v.contains("${") || v.contains("%{") {
            continue; // a Terraform interpolation: a reference
        }
        if secrets::judge_for(&name, v) != ValueKind::Literal {
            continue;
        }
        let span = Span::new(base + s, base + e);
        if out.iter().any(|f| f.span == span) {
            continue;
        }
        out.push(
            demo(&name, v, cx.finding(
                span,
                format!(
                    "{owner} sets {name} to a literal ({}) inside {key}: pass it in from a variable marked sensitive or a secret store",
                    redact(v)
                ),
            ))
            .secret(span),
        );
    }
}

fn walk(
    cx: &Cx<'_>,
    module: Option<&TfModule<'_>>,
    owner: &str,
    body: &Body,
    names: &[String],
    depth: usize,
    out: &mut Vec<Finding>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for a in &body.attributes {
        if literal_attr(cx, owner, a, names, out) {
            continue;
        }
        nested(cx, owner, &a.key, &a.value, names, 0, out);
        // a variable whose default is a literal
        let (Some(m), Some(var)) = (module, a.value.var_ref()) else {
            continue;
        };
        if !secrets::is_secret_name(&a.key, names) {
            continue;
        }
        if m.module.tfvars_value(var).is_some() {
            continue; // the tfvars file's literal is reported where it is written
        }
        if let Resolved::Known { value, origin } = m.module.resolve(m.this, &a.value) {
            let Some(v) = value.as_str() else { continue };
            if secrets::judge_for(&a.key, v) != ValueKind::Literal {
                continue;
            }
            let mut f = cx.finding(
                a.value.span,
                format!(
                    "{owner} sets {} from var.{var}, whose default is a literal ({}): remove the default and supply the value from a secret store",
                    a.key,
                    redact(v)
                ),
            );
            if let Some((file, span)) = origin {
                if file == m.this {
                    f = f.related(span, "the literal default").secret(span);
                } else if let Some(other) = m.files.get(file) {
                    f = f
                        .related_in(other.src.path.clone(), span, "the literal default")
                        .secret_in(other.src.path.clone(), span);
                }
            }
            out.push(f);
        }
    }
    for b in &body.blocks {
        walk(cx, module, owner, &b.body, names, depth + 1, out);
    }
}
