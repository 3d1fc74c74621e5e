//! tf/plaintext-secret: secrets written into Terraform code, variable defaults or tfvars.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::secrets::{self, ValueKind, redact};
use crate::project::TfModule;
use crate::rule;
use crate::source::terraform::{Attribute, Block, Body, ExprKind, Resolved, TfFile};

pub static RULE: Rule = rule!("tf/plaintext-secret")
    .summary("a secret written as a literal in Terraform code, a variable default or a tfvars file")
    .packs(&["secrets"])
    .severity(Severity::Error)
    .security(8.5)
    .supersedes(&["secrets/hardcoded-token"])
    .on_terraform(check);

/// Nested blocks deeper than this are not searched (real Terraform stays far below it).
const MAX_DEPTH: usize = 32;

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    let names = cx.secret_names();
    let is_tfvars = cx.rel().ends_with(".tfvars");
    let module = cx.tf_module();
    if is_tfvars {
        for a in &tf.body.attributes {
            literal_attr(cx, "tfvars", a, names, out);
        }
        return;
    }
    for block in &tf.body.blocks {
        match block.ident.as_str() {
            "variable" => variable(cx, block, names, out),
            "output" => output(cx, block, names, out),
            "locals" => {
                for a in &block.body.attributes {
                    literal_attr(cx, "locals", a, names, out);
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
    let Some(v) = a.value.as_str() else {
        return false;
    };
    if !matches!(a.value.kind, ExprKind::String(_)) {
        return false;
    }
    if secrets::is_secret_name(&a.key, names)
        && secrets::judge_for(&a.key, v) == ValueKind::Literal
        && !secrets::comment_says_placeholder(cx.text(), a.value.span)
    {
        out.push(
            demo(&a.key, v, cx.finding(
                a.value.span,
                format!(
                    "{owner} sets {} to a literal ({}): read it from a variable marked sensitive or a secret store data source",
                    a.key,
                    redact(v)
                ),
            ))
            .secret(a.value.span),
        );
        return true;
    }
    if let Some((s, e)) = secrets::url_password(v) {
        // the string's content starts after its opening quote
        let start = a.value.span.start + 1;
        let span = crate::source::Span::new(start + s, start + e);
        out.push(
            cx.finding(
                span,
                format!("{owner} sets {} to a URL with a password in it ({}): pass credentials separately, from a secret store", a.key, redact(&v[s..e])),
            )
            .secret(span),
        );
        return true;
    }
    false
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
        // a variable whose default is a literal
        let (Some(m), Some(var)) = (module, a.value.var_ref()) else {
            continue;
        };
        if !secrets::is_secret_name(&a.key, names) {
            continue;
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
                    f = f.related_in(other.src.path.clone(), span, "the literal default");
                }
            }
            out.push(f);
        }
    }
    for b in &body.blocks {
        walk(cx, module, owner, &b.body, names, depth + 1, out);
    }
}
