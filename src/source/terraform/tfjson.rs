//! Terraform's JSON syntax (`*.tf.json`, `*.tfvars.json`) read into the same owned model the
//! HCL converter builds, so every Terraform rule reads it unchanged.
//!
//! The mapping follows Terraform's JSON configuration syntax: a top-level property names a
//! block type; `resource` and `data` take two label levels (type, name), `module`,
//! `variable`, `output`, `provider` and `check` one, `locals` none (its properties are
//! attributes); a label level or a body may be an array of objects (one block each). Inside a
//! body Terraform needs the provider schema to tell a nested block from an attribute of
//! object type; without it plumb reads an array of objects and an object as nested blocks,
//! except under the names of well-known map attributes ([`MAP_ATTRIBUTES`]), and everything
//! in `module`, `locals` and `required_providers` bodies as attributes. Strings are templates:
//! `"${var.x}"` is a reference, as in HCL. A `"//"` property is a comment (Terraform ignores
//! it); its span is kept in [`TfFile::comments`].

use super::json::{self, JKind, JValue};
use super::*;

/// Properties whose object value is a map attribute, never a nested block.
const MAP_ATTRIBUTES: &[&str] = &[
    "tags",
    "tags_all",
    "labels",
    "annotations",
    "variables",
    "environment_variables",
    "triggers",
    "parameters",
    "metadata",
    "data",
    "binary_data",
    "string_data",
    "resource_labels",
    "user_labels",
    "properties",
    "providers",
];

/// Parse a `*.tf.json` or `*.tfvars.json` file. A `.tfvars.json` file is one object of
/// variable values: read as attributes (`locals`-like), which is what tfvars readers expect.
pub fn parse_json(text: &str, tfvars: bool) -> Result<TfFile, ParseError> {
    let root = json::parse(text)?;
    let Some(members) = root.as_object() else {
        return Err(ParseError {
            message: "a Terraform JSON file holds one object at its top level".to_string(),
            span: Span::new(root.span.start, root.span.start + 1),
        });
    };
    let mut comments = Vec::new();
    let mut body = Body::default();
    if tfvars {
        attributes(members, &mut body, &mut comments);
    } else {
        for (key, value) in members {
            if key.name == "//" {
                comments.push(comment_span(key.span, value.span));
                continue;
            }
            let labels = match key.name.as_str() {
                "resource" | "data" | "ephemeral" => 2,
                "module" | "variable" | "output" | "provider" | "check" => 1,
                _ => 0,
            };
            let ctx = Ctx::of(&key.name);
            blocks(
                &key.name,
                key.span,
                labels,
                ctx,
                value,
                &mut Vec::new(),
                &mut body,
                &mut comments,
                0,
            );
        }
    }
    comments.sort_unstable();
    Ok(TfFile {
        body,
        comments,
        syntax: Syntax::Json,
    })
}

/// A `"//"` member as a comment: from the key's opening quote to the value's closing quote,
/// excluded (so a `plumb: ignore[...]` directive in the value reads to its end).
pub(super) fn comment_span(key: Span, value: Span) -> Span {
    Span::new(key.start, value.end.saturating_sub(1).max(key.end))
}

/// How a block's body reads its properties.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Every property is an attribute (`locals`, `module`, `required_providers`).
    Attributes,
    /// Objects and arrays of objects are nested blocks unless named as map attributes.
    Blocks,
    /// Only these names are nested blocks; the rest are attributes (`variable`, `output`).
    Only(&'static [&'static str]),
}

impl Ctx {
    fn of(ident: &str) -> Ctx {
        match ident {
            "locals" | "module" | "required_providers" => Ctx::Attributes,
            "variable" => Ctx::Only(&["validation"]),
            "output" => Ctx::Only(&["precondition"]),
            "backend" => Ctx::Attributes,
            _ => Ctx::Blocks,
        }
    }
}

/// Blocks of type `ident` from `value`, which still needs `labels` label levels.
#[allow(clippy::too_many_arguments)]
fn blocks(
    ident: &str,
    ident_span: Span,
    labels: usize,
    ctx: Ctx,
    value: &JValue,
    label_stack: &mut Vec<(String, Span)>,
    out: &mut Body,
    comments: &mut Vec<Span>,
    depth: usize,
) {
    if depth > MAX_EXPR_DEPTH {
        return;
    }
    match &value.kind {
        JKind::Array(items) => {
            for item in items {
                blocks(
                    ident,
                    ident_span,
                    labels,
                    ctx,
                    item,
                    label_stack,
                    out,
                    comments,
                    depth + 1,
                );
            }
        }
        JKind::Object(members) if labels > 0 => {
            for (key, v) in members {
                if key.name == "//" {
                    comments.push(comment_span(key.span, v.span));
                    continue;
                }
                label_stack.push((key.name.clone(), key.span));
                blocks(
                    ident,
                    ident_span,
                    labels - 1,
                    ctx,
                    v,
                    label_stack,
                    out,
                    comments,
                    depth + 1,
                );
                label_stack.pop();
            }
        }
        JKind::Object(members) => {
            let mut body = Body::default();
            body_of(members, ctx, &mut body, comments, depth + 1);
            // a block spans from its first label (or its type) to the end of its body
            let start = label_stack.first().map_or(ident_span.start, |l| l.1.start);
            out.items.push(Item::Block(out.blocks.len()));
            out.blocks.push(Block {
                ident: ident.to_string(),
                ident_span,
                labels: label_stack.clone(),
                span: Span::new(start.min(value.span.start), value.span.end),
                body,
                address: None,
            });
        }
        // a scalar where a block belongs: Terraform refuses it; nothing to check
        _ => {}
    }
}

fn body_of(
    members: &[(json::JKey, JValue)],
    ctx: Ctx,
    out: &mut Body,
    comments: &mut Vec<Span>,
    depth: usize,
) {
    for (key, v) in members {
        let name = key.name.as_str();
        if name == "//" {
            comments.push(comment_span(key.span, v.span));
            continue;
        }
        let block_labels = match (ctx, name) {
            (Ctx::Attributes, _) => None,
            (Ctx::Only(names), _) => names.contains(&name).then_some(0),
            (Ctx::Blocks, "dynamic" | "provisioner" | "backend") => Some(1),
            (Ctx::Blocks, _) if MAP_ATTRIBUTES.contains(&name) => None,
            (Ctx::Blocks, _) => match &v.kind {
                JKind::Object(_) => Some(0),
                JKind::Array(items)
                    if !items.is_empty()
                        && items.iter().all(|i| matches!(i.kind, JKind::Object(_))) =>
                {
                    Some(0)
                }
                _ => None,
            },
        };
        match block_labels {
            Some(labels) if matches!(v.kind, JKind::Object(_) | JKind::Array(_)) => {
                blocks(
                    name,
                    key.span,
                    labels,
                    Ctx::of(name),
                    v,
                    &mut Vec::new(),
                    out,
                    comments,
                    depth + 1,
                );
            }
            _ => push_attribute(out, key, v, comments),
        }
    }
}

/// Every member an attribute (a `locals` body, a tfvars file).
fn attributes(members: &[(json::JKey, JValue)], out: &mut Body, comments: &mut Vec<Span>) {
    for (key, v) in members {
        if key.name == "//" {
            comments.push(comment_span(key.span, v.span));
            continue;
        }
        push_attribute(out, key, v, comments);
    }
}

fn push_attribute(out: &mut Body, key: &json::JKey, v: &JValue, comments: &mut Vec<Span>) {
    out.items.push(Item::Attribute(out.attributes.len()));
    out.attributes.push(Attribute {
        key: key.name.clone(),
        key_span: key.span,
        value: expr(v, comments, 0, true),
        span: Span::new(key.span.start, v.span.end),
    });
}

/// A JSON value as an expression. `templates`: strings are templates (configuration); in a
/// plan they are plain values.
pub(super) fn expr(v: &JValue, comments: &mut Vec<Span>, depth: usize, templates: bool) -> Expr {
    let span = v.span;
    if depth > MAX_EXPR_DEPTH {
        return Expr {
            kind: ExprKind::Other,
            span,
        };
    }
    let kind = match &v.kind {
        JKind::Null => ExprKind::Null,
        JKind::Bool(b) => ExprKind::Bool(*b),
        JKind::Number(n) => ExprKind::Number(*n),
        JKind::String { value, raw } => {
            if templates && (value.contains("${") || value.contains("%{")) {
                return template(value, *raw, span);
            }
            ExprKind::String(value.clone())
        }
        JKind::Array(items) => ExprKind::Array(
            items
                .iter()
                .map(|i| expr(i, comments, depth + 1, templates))
                .collect(),
        ),
        JKind::Object(members) => {
            let mut items = Vec::with_capacity(members.len());
            for (k, val) in members {
                if k.name == "//" {
                    comments.push(comment_span(k.span, val.span));
                    continue;
                }
                let computed = templates && k.name.contains("${");
                items.push((
                    ObjectKey {
                        name: k.name.clone(),
                        span: k.span,
                        computed,
                    },
                    expr(val, comments, depth + 1, templates),
                ));
            }
            ExprKind::Object(items)
        }
    };
    Expr { kind, span }
}

/// A string holding `${` or `%{`: its content read as an HCL template, spans placed in the
/// file (exactly when the string holds no escapes, else on the whole string).
fn template(value: &str, raw: bool, span: Span) -> Expr {
    let Some(kind) = super::convert::template_kind(value) else {
        // not a valid template: Terraform would refuse it; nothing plumb can judge
        return Expr {
            kind: ExprKind::Other,
            span,
        };
    };
    let mut e = Expr {
        kind,
        span: Span::new(0, value.len()),
    };
    let content = span.start + 1;
    remap(&mut e, &|s: Span| if raw { s.shift(content) } else { span });
    e.span = span;
    // `"${expr}"` alone is the expression itself (its value keeps its type, as in
    // Terraform): the only way JSON writes a reference, so rules must see the reference
    if let ExprKind::Template { parts } = &mut e.kind {
        if let [TemplatePart::Interp(inner)] = parts.as_mut_slice() {
            return std::mem::replace(
                inner,
                Expr {
                    kind: ExprKind::Null,
                    span,
                },
            );
        }
    }
    e
}

/// Apply `f` to every span of an expression.
fn remap(e: &mut Expr, f: &dyn Fn(Span) -> Span) {
    e.span = f(e.span);
    match &mut e.kind {
        ExprKind::Template { parts } => {
            for p in parts {
                match p {
                    TemplatePart::Interp(x) => remap(x, f),
                    TemplatePart::Directive(s) => *s = f(*s),
                    TemplatePart::Literal(_) => {}
                }
            }
        }
        ExprKind::Traversal { path, .. } => {
            for step in path {
                if let TraversalStep::Index(x) = step {
                    remap(x, f);
                }
            }
        }
        ExprKind::Array(items) => items.iter_mut().for_each(|x| remap(x, f)),
        ExprKind::Object(items) => {
            for (k, x) in items {
                k.span = f(k.span);
                remap(x, f);
            }
        }
        ExprKind::FuncCall { args, .. } => args.iter_mut().for_each(|x| remap(x, f)),
        ExprKind::Conditional {
            cond,
            then,
            otherwise,
        } => {
            remap(cond, f);
            remap(then, f);
            remap(otherwise, f);
        }
        ExprKind::Operation { operands, .. } => operands.iter_mut().for_each(|x| remap(x, f)),
        ExprKind::Null
        | ExprKind::Bool(_)
        | ExprKind::Number(_)
        | ExprKind::String(_)
        | ExprKind::Other => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_labels_and_attributes() {
        let text = r#"{
  "//": "a comment",
  "resource": {
    "aws_s3_bucket": {
      "b": { "bucket": "x", "tags": { "Name": "b" }, "versioning": { "enabled": true },
             "lifecycle_rule": [{ "id": "a" }, { "id": "b" }], "count": 2 }
    }
  },
  "variable": { "v": { "default": { "k": "v" }, "validation": { "condition": "${true}" } } },
  "module": { "m": { "source": "./m", "settings": { "a": 1 } } },
  "locals": { "l": { "nested": { "a": 1 } } },
  "provider": { "aws": [{ "region": "eu-west-1" }, { "alias": "us", "region": "us-east-1" }] }
}"#;
        let f = parse_json(text, false).unwrap();
        assert_eq!(f.syntax, Syntax::Json);
        assert_eq!(f.comments.len(), 1);
        assert_eq!(f.comments[0].text(text), "\"//\": \"a comment");
        let addrs: Vec<String> = f.body.blocks.iter().map(Block::address).collect();
        assert_eq!(
            addrs,
            [
                "aws_s3_bucket.b",
                "var.v",
                "module.m",
                "locals",
                "provider.aws",
                "provider.aws.us"
            ]
        );
        let b = &f.body.blocks[0];
        assert_eq!(b.labels[1].1.text(text), "\"b\"");
        assert!(b.attr("tags").is_some());
        assert_eq!(b.attr("count").and_then(|a| a.value.as_number()), Some(2.0));
        let versioning = b.body.block("versioning").unwrap();
        assert_eq!(
            versioning.attr("enabled").unwrap().value.as_bool(),
            Some(true)
        );
        assert_eq!(b.body.blocks_of("lifecycle_rule").count(), 2);
        let v = &f.body.blocks[1];
        assert!(v.attr("default").is_some());
        assert!(v.body.block("validation").is_some());
        assert!(f.body.blocks[2].attr("settings").is_some());
        assert!(matches!(
            f.body.blocks[3].attr("l").unwrap().value.kind,
            ExprKind::Object(_)
        ));
    }

    #[test]
    fn strings_are_templates() {
        let text = r#"{"locals": {"a": "${var.x}", "b": "pre-${var.y}-post", "c": "$${literal}", "d": "\u0024{var.z}", "e": "${"}}"#;
        let f = parse_json(text, false).unwrap();
        let l = &f.body.blocks[0];
        let a = &l.attr("a").unwrap().value;
        assert_eq!(a.var_ref(), Some("x"));
        assert_eq!(a.span.text(text), "var.x");
        let b = &l.attr("b").unwrap().value;
        assert!(matches!(b.kind, ExprKind::Template { .. }));
        assert_eq!(b.span.text(text), "\"pre-${var.y}-post\"");
        assert_eq!(l.attr("c").unwrap().value.as_str(), Some("${literal}"));
        // an escaped string: the reference is read, spanned on the whole string
        let d = &l.attr("d").unwrap().value;
        assert_eq!(d.var_ref(), Some("z"));
        assert_eq!(d.span.text(text), "\"\\u0024{var.z}\"");
        // not a template Terraform would accept: unknown, not a literal
        assert!(matches!(l.attr("e").unwrap().value.kind, ExprKind::Other));
    }

    #[test]
    fn tfvars_and_errors() {
        let f = parse_json(r#"{"db_password": "x", "//": "c"}"#, true).unwrap();
        assert_eq!(f.body.attributes.len(), 1);
        let e = parse_json("[1]", false).unwrap_err();
        assert!(e.message.contains("one object"), "{}", e.message);
        let e = parse_json("{\"resource\": {\n  \"a\": 1,\n}", false).unwrap_err();
        assert_eq!(e.span.start, 25);
    }
}
