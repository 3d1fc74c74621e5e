//! hcl-edit's tree converted into the owned model, and parse errors mapped to byte spans.

use std::borrow::Cow;

use hcl_edit::expr::{Expression, ObjectKey as HclObjectKey, TraversalOperator};
use hcl_edit::structure::{Block as HclBlock, Body as HclBody, Structure};
use hcl_edit::template::{Element, Template};

use super::scan::scan;
use super::*;

/// Parse a `.tf` file.
pub fn parse(text: &str) -> Result<TfFile, ParseError> {
    let comments = scan(text)?;
    // hcl-edit does not skip a byte order mark; three spaces keep every offset where it was.
    let source: Cow<'_, str> = match text.strip_prefix('\u{feff}') {
        Some(rest) => Cow::Owned(format!("   {rest}")),
        None => Cow::Borrowed(text),
    };
    let body = hcl_edit::parser::parse_body(&source).map_err(|e| parse_error(&source, &e))?;
    let conv = Converter { text: &source };
    Ok(TfFile {
        body: conv.body(&body, Span::new(0, text.len()), 0),
        comments,
        syntax: Syntax::Hcl,
    })
}

/// Parse a `.tfvars` file: a body of attributes, read like any other HCL body.
pub fn parse_tfvars(text: &str) -> Result<TfFile, ParseError> {
    parse(text)
}

/// hcl-edit reports a 1-based line and column (in chars); turn them back into a byte offset.
fn parse_error(text: &str, err: &hcl_edit::parser::Error) -> ParseError {
    let loc = err.location();
    let mut line_start = 0;
    for _ in 1..loc.line() {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => break,
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    // a column past the end of the line (hcl-edit's way of pointing at the end of input) counts
    // on into the following bytes
    let line = &text[line_start..line_end];
    let col = loc.column().saturating_sub(1);
    let at = match line.char_indices().nth(col) {
        Some((i, _)) => line_start + i,
        None => (line_end + (col - line.chars().count())).min(text.len()),
    };
    let at = (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    ParseError {
        message: if err.message().contains("parse work budget") {
            // the vendored hcl-edit's budget (vendor/hcl-edit/PLUMB.md)
            "expression too costly to parse (nesting that makes the HCL parser go over the same text again and again): not checked".to_string()
        } else {
            err.message().to_string()
        },
        span: Span::new(at, end),
    }
}

fn span_of(x: &impl hcl_edit::Span, fallback: Span) -> Span {
    x.span().map_or(fallback, |r| Span::new(r.start, r.end))
}

/// hcl-edit's tree -> the owned model. `depth` counts nesting to bound the recursion.
struct Converter<'t> {
    text: &'t str,
}

impl Converter<'_> {
    fn body(&self, body: &HclBody, fallback: Span, depth: usize) -> Body {
        let mut out = Body::default();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let span = span_of(attr, fallback);
                    let key_span = span_of(&attr.key, span);
                    out.items.push(Item::Attribute(out.attributes.len()));
                    out.attributes.push(Attribute {
                        key: attr.key.as_str().to_string(),
                        key_span,
                        value: self.expr(&attr.value, span, depth + 1),
                        span,
                    });
                }
                Structure::Block(block) => {
                    out.items.push(Item::Block(out.blocks.len()));
                    out.blocks.push(self.block(block, fallback, depth + 1));
                }
            }
        }
        out
    }

    fn block(&self, block: &HclBlock, fallback: Span, depth: usize) -> Block {
        let span = span_of(block, fallback);
        let body = if depth > MAX_EXPR_DEPTH {
            Body::default()
        } else {
            self.body(&block.body, span, depth)
        };
        Block {
            ident: block.ident.as_str().to_string(),
            ident_span: span_of(&block.ident, span),
            labels: block
                .labels
                .iter()
                .map(|l| (l.as_str().to_string(), span_of(l, span)))
                .collect(),
            span,
            body,
            address: None,
        }
    }

    fn expr(&self, e: &Expression, fallback: Span, depth: usize) -> Expr {
        let span = span_of(e, fallback);
        if depth > MAX_EXPR_DEPTH {
            return Expr {
                kind: ExprKind::Other,
                span,
            };
        }
        let sub = |x: &Expression| self.expr(x, span, depth + 1);
        let kind = match e {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => ExprKind::String(s.value().clone()),
            Expression::Array(items) => ExprKind::Array(items.iter().map(sub).collect()),
            Expression::Object(object) => ExprKind::Object(
                object
                    .iter()
                    .map(|(k, v)| (self.key(k, span), sub(v.expr())))
                    .collect(),
            ),
            Expression::StringTemplate(t) => self.template(t, span, depth),
            Expression::HeredocTemplate(h) => self.template(&h.template, span, depth),
            // parentheses are transparent: `(x)` is `x`, spanned without them
            Expression::Parenthesis(p) => return sub(p.inner()),
            Expression::Variable(v) => ExprKind::Traversal {
                root: v.as_str().to_string(),
                path: Vec::new(),
            },
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => ExprKind::Traversal {
                    root: v.as_str().to_string(),
                    path: t
                        .operators
                        .iter()
                        .map(|op| match op.value() {
                            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                                TraversalStep::Splat
                            }
                            TraversalOperator::GetAttr(name) => {
                                TraversalStep::Attr(name.as_str().to_string())
                            }
                            TraversalOperator::Index(ix) => TraversalStep::Index(sub(ix)),
                            TraversalOperator::LegacyIndex(ix) => TraversalStep::Index(Expr {
                                kind: ExprKind::Number(*ix.value() as f64),
                                span: span_of(op, span),
                            }),
                        })
                        .collect(),
                },
                _ => ExprKind::Other,
            },
            Expression::FuncCall(call) => {
                let mut name = String::new();
                for part in &call.name.namespace {
                    name.push_str(part.as_str());
                    name.push_str("::");
                }
                name.push_str(call.name.name.as_str());
                ExprKind::FuncCall {
                    name,
                    args: call.args.iter().map(sub).collect(),
                }
            }
            Expression::Conditional(c) => ExprKind::Conditional {
                cond: Box::new(sub(&c.cond_expr)),
                then: Box::new(sub(&c.true_expr)),
                otherwise: Box::new(sub(&c.false_expr)),
            },
            Expression::UnaryOp(op) => ExprKind::Operation {
                op: op.operator.value().as_str().to_string(),
                operands: vec![sub(&op.expr)],
            },
            Expression::BinaryOp(op) => ExprKind::Operation {
                op: op.operator.value().as_str().to_string(),
                operands: vec![sub(&op.lhs_expr), sub(&op.rhs_expr)],
            },
            Expression::ForExpr(_) => ExprKind::Other,
        };
        Expr { kind, span }
    }

    fn key(&self, key: &HclObjectKey, fallback: Span) -> ObjectKey {
        let span = span_of(key, fallback);
        let (name, computed) = match key {
            HclObjectKey::Ident(ident) => (ident.as_str().to_string(), false),
            HclObjectKey::Expression(Expression::String(s)) => (s.value().clone(), false),
            HclObjectKey::Expression(_) => (span.text(self.text).to_string(), true),
        };
        ObjectKey {
            name,
            span,
            computed,
        }
    }

    fn template(&self, t: &Template, span: Span, depth: usize) -> ExprKind {
        let mut parts: Vec<TemplatePart> = Vec::new();
        for element in t.iter() {
            match element {
                Element::Literal(lit) => match parts.last_mut() {
                    Some(TemplatePart::Literal(prev)) => prev.push_str(lit.value()),
                    _ => parts.push(TemplatePart::Literal(lit.value().clone())),
                },
                Element::Interpolation(interp) => parts.push(TemplatePart::Interp(self.expr(
                    &interp.expr,
                    span_of(interp, span),
                    depth + 1,
                ))),
                Element::Directive(d) => {
                    parts.push(TemplatePart::Directive(span_of(d.as_ref(), span)));
                }
            }
        }
        match parts.as_slice() {
            [] => ExprKind::String(String::new()),
            [TemplatePart::Literal(_)] => match parts.pop() {
                Some(TemplatePart::Literal(s)) => ExprKind::String(s),
                _ => ExprKind::Other,
            },
            _ => ExprKind::Template { parts },
        }
    }
}

/// The content of a JSON string read as a template, as Terraform's JSON syntax reads every
/// string value: `None` when it does not parse (or nests deeper than [`MAX_NESTING`]).
/// Spans are relative to `content`.
pub(super) fn template_kind(content: &str) -> Option<ExprKind> {
    scan(content).ok()?;
    let t = hcl_edit::parser::parse_template(content).ok()?;
    let conv = Converter { text: content };
    Some(conv.template(&t, Span::new(0, content.len()), 0))
}
