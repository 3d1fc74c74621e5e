//! Terraform / HCL: hcl-edit's tree converted into an owned, span-exact model that rules read
//! without knowing hcl-edit, plus a small evaluator ([`Module`]) that follows `var.*` defaults
//! and `locals` across the files of one directory.
//!
//! Hostile input is refused, not recursed into: [`parse`] first scans the text and rejects
//! bracket/brace/paren nesting deeper than [`MAX_NESTING`] before hcl-edit sees it (hcl-edit
//! 0.10 also caps its own recursion at 64 levels), the conversion stops descending at
//! [`MAX_EXPR_DEPTH`], and [`Module::resolve`] gives up (`Unknown`) past [`MAX_RESOLVE_DEPTH`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use hcl_edit::expr::{Expression, ObjectKey as HclObjectKey, TraversalOperator};
use hcl_edit::structure::{Block as HclBlock, Body as HclBody, Structure};
use hcl_edit::template::{Element, Template};

use super::Span;

/// Deepest bracket/brace/paren (and `${`) nesting [`parse`] accepts.
pub const MAX_NESTING: usize = 256;
/// Deepest expression tree the conversion descends into; deeper subtrees become
/// [`ExprKind::Other`].
pub const MAX_EXPR_DEPTH: usize = 256;
/// Deepest chain of evaluation steps (locals following locals, nested values) [`Module::resolve`]
/// follows before it answers [`Resolved::Unknown`].
pub const MAX_RESOLVE_DEPTH: usize = 128;

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/// A file's text could not be read as HCL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// Where the parser stopped: the offending character, or an empty span at the end.
    pub span: Span,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// One parsed `.tf` (or `.tfvars`) file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TfFile {
    pub body: Body,
    /// Every comment (`#`, `//`, `/* */`), in source order; line comments end before the line
    /// terminator.
    pub comments: Vec<Span>,
}

/// The attributes and blocks of a file or a block. Both lists are in source order; `items`
/// interleaves them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
    /// Source order over both lists.
    pub items: Vec<Item>,
}

/// An index into [`Body::attributes`] or [`Body::blocks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Attribute(usize),
    Block(usize),
}

/// `ident "label" label { body }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub ident: String,
    pub ident_span: Span,
    /// Label values (unquoted) and their spans (quotes included for quoted labels).
    pub labels: Vec<(String, Span)>,
    /// From the identifier to the closing brace.
    pub span: Span,
    pub body: Body,
}

/// `key = value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
    /// From the key to the end of the value.
    pub span: Span,
}

/// An expression and the exact text it was written as.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A quoted string or heredoc without interpolation or directive, escapes decoded
    /// (`<<-` heredocs dedented).
    String(String),
    /// A quoted string or heredoc with at least one `${...}` or `%{...}`.
    Template {
        parts: Vec<TemplatePart>,
    },
    /// `root.attr[index].*...`; a bare variable `x` is a traversal with an empty path.
    Traversal {
        root: String,
        path: Vec<TraversalStep>,
    },
    Array(Vec<Expr>),
    Object(Vec<(ObjectKey, Expr)>),
    /// A function call; a namespaced name is joined with `::` (`provider::aws::arn_parse`).
    FuncCall {
        name: String,
        args: Vec<Expr>,
    },
    Conditional {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// A unary (`!x`, `-x`: one operand) or binary (`a == b`: two operands) operation.
    Operation {
        op: String,
        operands: Vec<Expr>,
    },
    /// `for` expressions, traversals of non-variables (`f(x)[0]`), anything nested deeper than
    /// [`MAX_EXPR_DEPTH`].
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interp(Expr),
    /// A `%{if ...}` / `%{for ...}` directive, by its span.
    Directive(Span),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TraversalStep {
    /// `.name`
    Attr(String),
    /// `[expr]`, or a legacy `.0`
    Index(Expr),
    /// `.*` or `[*]`
    Splat,
}

/// An object key: an identifier or literal string by its value, a computed key by its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectKey {
    pub name: String,
    pub span: Span,
    /// The key is an expression (`(var.k)`, `"${x}"`), `name` is its source text.
    pub computed: bool,
}

impl Body {
    /// The attribute named `key`.
    pub fn attr(&self, key: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.key == key)
    }

    /// Every block, in source order.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter()
    }

    /// The blocks of type `ident`, in source order.
    pub fn blocks_of<'s>(&'s self, ident: &'s str) -> impl Iterator<Item = &'s Block> + 's {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    /// The first block of type `ident`.
    pub fn block(&self, ident: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.ident == ident)
    }
}

impl Block {
    /// The value of label `i`.
    pub fn label(&self, i: usize) -> Option<&str> {
        self.labels.get(i).map(|(l, _)| l.as_str())
    }

    /// The attribute named `key` in this block's body.
    pub fn attr(&self, key: &str) -> Option<&Attribute> {
        self.body.attr(key)
    }

    /// The Terraform address of a top-level block: `aws_s3_bucket.b`, `data.aws_iam_policy.x`,
    /// `var.x`, `local` blocks as `locals`, `module.m`, `provider.aws` (`provider.aws.west` with
    /// a literal alias), `output.x`; other blocks are their identifier and labels joined by `.`.
    pub fn address(&self) -> String {
        let labels: Vec<&str> = self.labels.iter().map(|(l, _)| l.as_str()).collect();
        let mut parts: Vec<&str> = match self.ident.as_str() {
            "resource" => labels,
            "variable" => std::iter::once("var").chain(labels).collect(),
            "provider" => {
                let mut p: Vec<&str> = std::iter::once("provider").chain(labels).collect();
                if let Some(alias) = self.attr("alias").and_then(|a| a.value.as_str()) {
                    p.push(alias);
                }
                p
            }
            ident => std::iter::once(ident).chain(labels).collect(),
        };
        if parts.is_empty() {
            parts.push(&self.ident);
        }
        parts.join(".")
    }
}

impl Expr {
    /// The value of a literal string (not a template).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// A literal bool, or the literal strings `"true"` / `"false"` (Terraform converts them).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            ExprKind::Bool(b) => Some(*b),
            ExprKind::String(s) => str_bool(s),
            _ => None,
        }
    }

    /// A literal number, or a literal string that reads as one (Terraform converts it).
    pub fn as_number(&self) -> Option<f64> {
        match &self.kind {
            ExprKind::Number(n) => Some(*n),
            ExprKind::String(s) => str_number(s),
            _ => None,
        }
    }

    /// No references, calls or operations anywhere: null, bool, number, string, or an
    /// array/object (with plain keys) of literals.
    pub fn is_literal(&self) -> bool {
        match &self.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_) => true,
            ExprKind::Array(items) => items.iter().all(Expr::is_literal),
            ExprKind::Object(items) => items.iter().all(|(k, v)| !k.computed && v.is_literal()),
            _ => false,
        }
    }

    /// `NAME` when the expression is exactly `var.NAME`.
    pub fn var_ref(&self) -> Option<&str> {
        self.root_ref("var")
    }

    /// `NAME` when the expression is exactly `local.NAME`.
    pub fn local_ref(&self) -> Option<&str> {
        self.root_ref("local")
    }

    fn root_ref(&self, want: &str) -> Option<&str> {
        match &self.kind {
            ExprKind::Traversal { root, path } if root == want => match path.as_slice() {
                [TraversalStep::Attr(name)] => Some(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The traversal written as text without spaces and indices' contents, e.g.
    /// `aws_s3_bucket.b.id`, `module.m[*].out`, `x[…]`; `None` for other expressions.
    pub fn traversal_path(&self) -> Option<String> {
        let ExprKind::Traversal { root, path } = &self.kind else {
            return None;
        };
        let mut s = root.clone();
        for step in path {
            match step {
                TraversalStep::Attr(a) => {
                    s.push('.');
                    s.push_str(a);
                }
                TraversalStep::Index(e) => match &e.kind {
                    ExprKind::Number(n) => s.push_str(&format!("[{}]", number_text(*n))),
                    ExprKind::String(k) => s.push_str(&format!("[{k:?}]")),
                    _ => s.push_str("[…]"),
                },
                TraversalStep::Splat => s.push_str("[*]"),
            }
        }
        Some(s)
    }
}

fn str_bool(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn str_number(s: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    s.parse().ok()
}

/// A number as Terraform prints it: integers without a fraction.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

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
        message: err.message().to_string(),
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

// ---------------------------------------------------------------------------------------------
// Pre-scan: nesting guard and comments
// ---------------------------------------------------------------------------------------------

/// Where the scanner is.
enum Ctx<'t> {
    /// Inside `{`, `[` or `(`, waiting for the closer.
    Open(u8),
    /// Inside `${` or `%{` of a string or heredoc.
    Interp,
    /// Inside a quoted string.
    Str,
    /// Inside a heredoc body, waiting for a line holding only the delimiter.
    Heredoc(&'t str),
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80
}

/// One lexical pass over the text: refuses nesting deeper than [`MAX_NESTING`] (so no recursive
/// parser ever sees it) and collects comment spans. Strings, heredocs and interpolations are
/// followed closely enough that brackets and `#` inside strings do not count; the parser has
/// the final word on what is valid.
fn scan(text: &str) -> Result<Vec<Span>, ParseError> {
    let b = text.as_bytes();
    let mut stack: Vec<Ctx<'_>> = Vec::new();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match stack.last() {
            Some(Ctx::Str) => match c {
                b'\\' => i += 2,
                b'"' | b'\n' => {
                    // a newline ends an (invalid) unterminated string: resynchronise there
                    stack.pop();
                    i += 1;
                }
                b'$' | b'%' if next == Some(c) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if next == Some(b'{') => {
                    stack.push(Ctx::Interp);
                    i += 2;
                }
                _ => i += 1,
            },
            Some(Ctx::Heredoc(delim)) => {
                if i == 0 || b[i - 1] == b'\n' {
                    let rest = text.get(i..).unwrap_or("");
                    let trimmed = rest.trim_start_matches([' ', '\t']);
                    if let Some(after) = trimmed.strip_prefix(delim) {
                        if !after.bytes().next().is_some_and(is_ident_byte) {
                            i += rest.len() - after.len();
                            stack.pop();
                            continue;
                        }
                    }
                }
                match c {
                    b'$' | b'%' if next == Some(c) && b.get(i + 2) == Some(&b'{') => i += 3,
                    b'$' | b'%' if next == Some(b'{') => {
                        stack.push(Ctx::Interp);
                        i += 2;
                    }
                    _ => i += 1,
                }
            }
            _ => match c {
                b'#' => i = line_comment(b, i, &mut comments),
                b'/' if next == Some(b'/') => i = line_comment(b, i, &mut comments),
                b'/' if next == Some(b'*') => {
                    let end = text
                        .get(i + 2..)
                        .and_then(|rest| rest.find("*/"))
                        .map_or(b.len(), |j| i + 2 + j + 2);
                    comments.push(Span::new(i, end));
                    i = end;
                }
                b'"' => {
                    stack.push(Ctx::Str);
                    i += 1;
                }
                b'<' if next == Some(b'<') => match heredoc_start(text, i) {
                    Some((delim, body_start)) => {
                        stack.push(Ctx::Heredoc(delim));
                        i = body_start;
                    }
                    None => i += 2,
                },
                b'{' => {
                    stack.push(Ctx::Open(b'}'));
                    i += 1;
                }
                b'[' => {
                    stack.push(Ctx::Open(b']'));
                    i += 1;
                }
                b'(' => {
                    stack.push(Ctx::Open(b')'));
                    i += 1;
                }
                b'}' | b']' | b')' => {
                    match stack.last() {
                        Some(Ctx::Open(closer)) if *closer == c => {
                            stack.pop();
                        }
                        Some(Ctx::Interp) if c == b'}' => {
                            stack.pop();
                        }
                        _ => {} // unbalanced: the parser will say so
                    }
                    i += 1;
                }
                _ => i += 1,
            },
        }
        if stack.len() > MAX_NESTING {
            let at = i.saturating_sub(1).min(b.len());
            let at = (0..=at)
                .rev()
                .find(|&j| text.is_char_boundary(j))
                .unwrap_or(0);
            return Err(ParseError {
                message: format!("nesting deeper than {MAX_NESTING} levels"),
                span: Span::new(at, (at + 1).min(b.len())),
            });
        }
    }
    Ok(comments)
}

/// Record the line comment starting at `start`; returns where scanning resumes (the newline).
fn line_comment(b: &[u8], start: usize, comments: &mut Vec<Span>) -> usize {
    let nl = b[start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |j| start + j);
    let end = if nl > start && b[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    comments.push(Span::new(start, end));
    nl
}

/// `<<EOT\n` or `<<-EOT\r\n` at `at`: the delimiter and where the heredoc body starts.
fn heredoc_start(text: &str, at: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    let mut j = at + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let delim_start = j;
    while b.get(j).copied().is_some_and(is_ident_byte) {
        j += 1;
    }
    let delim = text.get(delim_start..j).filter(|d| !d.is_empty())?;
    if b.get(j) == Some(&b'\r') {
        j += 1;
    }
    (b.get(j) == Some(&b'\n')).then_some((delim, j + 1))
}

// ---------------------------------------------------------------------------------------------
// Evaluation across the files of one module
// ---------------------------------------------------------------------------------------------

/// A value known without running Terraform.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    /// Entries in source order.
    Map(Vec<(String, Value)>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A bool, or the strings `"true"` / `"false"`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) => str_bool(s),
            _ => None,
        }
    }

    /// A number, or a string that reads as one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => str_number(s),
            _ => None,
        }
    }

    /// The entry `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar as it reads inside a string template; `None` for null and collections.
    fn to_template_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(number_text(*n)),
            Value::Null | Value::List(_) | Value::Map(_) => None,
        }
    }
}

/// What an expression evaluates to, when that is knowable from the module's text alone.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Known {
        value: Value,
        /// Where the value was written: `(file id, span)` of the literal (a variable's default,
        /// the expression a local holds, or the expression itself). A value assembled from
        /// several places (a template, a list) points at the assembling expression.
        origin: Option<(usize, Span)>,
    },
    /// Depends on something outside the text: a variable without default (or set by
    /// `.tfvars`), a resource attribute, a function call, a cycle.
    Unknown,
}

impl Resolved {
    pub fn value(&self) -> Option<&Value> {
        match self {
            Resolved::Known { value, .. } => Some(value),
            Resolved::Unknown => None,
        }
    }

    pub fn origin(&self) -> Option<(usize, Span)> {
        match self {
            Resolved::Known { origin, .. } => *origin,
            Resolved::Unknown => None,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Resolved::Known { .. })
    }

    pub fn as_bool(&self) -> Option<bool> {
        self.value().and_then(Value::as_bool)
    }

    pub fn as_str(&self) -> Option<&str> {
        self.value().and_then(Value::as_str)
    }

    pub fn as_number(&self) -> Option<f64> {
        self.value().and_then(Value::as_number)
    }
}

/// The `.tf` files of one directory, with their `variable` and `locals` blocks indexed so that
/// `var.x` and `local.x` resolve across files. The first definition of a name wins (Terraform
/// rejects duplicates anyway).
#[derive(Debug, Clone)]
pub struct Module<'a> {
    files: Vec<(usize, &'a TfFile)>,
    variables: HashMap<&'a str, (usize, &'a Block)>,
    locals: HashMap<&'a str, (usize, &'a Attribute)>,
}

impl<'a> Module<'a> {
    /// `files` pairs each parsed file with the caller's opaque id for it.
    pub fn new(files: &[(usize, &'a TfFile)]) -> Self {
        let mut variables = HashMap::new();
        let mut locals = HashMap::new();
        for &(id, file) in files {
            for block in &file.body.blocks {
                match block.ident.as_str() {
                    "variable" => {
                        if let Some(name) = block.label(0) {
                            variables.entry(name).or_insert((id, block));
                        }
                    }
                    "locals" => {
                        for attr in &block.body.attributes {
                            locals.entry(attr.key.as_str()).or_insert((id, attr));
                        }
                    }
                    _ => {}
                }
            }
        }
        Module {
            files: files.to_vec(),
            variables,
            locals,
        }
    }

    /// The files, with their ids, in the order given.
    pub fn files(&self) -> impl Iterator<Item = (usize, &'a TfFile)> + '_ {
        self.files.iter().copied()
    }

    /// The `variable "name"` block and the id of its file.
    pub fn variable(&self, name: &str) -> Option<(usize, &'a Block)> {
        self.variables.get(name).copied()
    }

    /// The `name = ...` attribute of a `locals` block and the id of its file.
    pub fn local(&self, name: &str) -> Option<(usize, &'a Attribute)> {
        self.locals.get(name).copied()
    }

    /// Evaluate `expr`, written in file `file`, as far as the text allows: literals, `var.x`
    /// (its `default`), `local.x` (recursively), templates, collections, conditionals with a
    /// known condition and simple operators. Everything else is [`Resolved::Unknown`].
    pub fn resolve(&self, file: usize, expr: &Expr) -> Resolved {
        let mut visiting = Vec::new();
        match self.eval(file, expr, &mut visiting, 0) {
            Some((value, origin)) => Resolved::Known { value, origin },
            None => Resolved::Unknown,
        }
    }

    fn eval(
        &self,
        file: usize,
        expr: &Expr,
        visiting: &mut Vec<&'a str>,
        depth: usize,
    ) -> Option<(Value, Option<(usize, Span)>)> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        let here = Some((file, expr.span));
        let value_of = |e: &Expr, visiting: &mut Vec<&'a str>| {
            self.eval(file, e, visiting, depth + 1).map(|(v, _)| v)
        };
        let value = match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::String(s) => Value::String(s.clone()),
            ExprKind::Template { parts } => {
                // "${x}" alone is x itself, with its type and origin
                if let [TemplatePart::Interp(inner)] = parts.as_slice() {
                    return self.eval(file, inner, visiting, depth + 1);
                }
                let mut s = String::new();
                for part in parts {
                    match part {
                        TemplatePart::Literal(l) => s.push_str(l),
                        TemplatePart::Interp(e) => {
                            s.push_str(&value_of(e, visiting)?.to_template_string()?);
                        }
                        TemplatePart::Directive(_) => return None,
                    }
                }
                Value::String(s)
            }
            ExprKind::Array(items) => Value::List(
                items
                    .iter()
                    .map(|e| value_of(e, visiting))
                    .collect::<Option<_>>()?,
            ),
            ExprKind::Object(items) => {
                let mut entries = Vec::with_capacity(items.len());
                for (key, e) in items {
                    if key.computed {
                        return None;
                    }
                    entries.push((key.name.clone(), value_of(e, visiting)?));
                }
                Value::Map(entries)
            }
            ExprKind::Traversal { root, path } => {
                return self.eval_traversal(file, root, path, visiting, depth);
            }
            ExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                let chosen = if value_of(cond, visiting)?.as_bool()? {
                    then
                } else {
                    otherwise
                };
                return self.eval(file, chosen, visiting, depth + 1);
            }
            ExprKind::Operation { op, operands } => {
                let values = operands
                    .iter()
                    .map(|e| value_of(e, visiting))
                    .collect::<Option<Vec<_>>>()?;
                operate(op, &values)?
            }
            ExprKind::FuncCall { .. } | ExprKind::Other => return None,
        };
        Some((value, here))
    }

    fn eval_traversal(
        &self,
        file: usize,
        root: &str,
        path: &[TraversalStep],
        visiting: &mut Vec<&'a str>,
        depth: usize,
    ) -> Option<(Value, Option<(usize, Span)>)> {
        let (TraversalStep::Attr(name), rest) = path.split_first()? else {
            return None;
        };
        let (value, origin) = match root {
            "var" => {
                let (var_file, block) = self.variable(name)?;
                let default = block.attr("default")?;
                self.eval(var_file, &default.value, visiting, depth + 1)?
            }
            "local" => {
                let (local_file, attr) = self.local(name)?;
                let key = attr.key.as_str();
                if visiting.contains(&key) {
                    return None; // a cycle: Terraform rejects it, we know nothing
                }
                visiting.push(key);
                let found = self.eval(local_file, &attr.value, visiting, depth + 1);
                visiting.pop();
                found?
            }
            _ => return None,
        };
        if rest.is_empty() {
            return Some((value, origin));
        }
        // `var.cfg.port`, `local.list[0]`: walk into the known value; the origin stays the
        // literal the whole value came from
        let mut current = value;
        for step in rest {
            current = match step {
                TraversalStep::Attr(key) => current.get(key)?.clone(),
                TraversalStep::Index(ix) => {
                    let ix = self.eval(file, ix, visiting, depth + 1)?.0;
                    match (&current, &ix) {
                        (Value::List(items), _) => {
                            let n = ix.as_number()?;
                            if n < 0.0 || n.fract() != 0.0 {
                                return None;
                            }
                            items.get(n as usize)?.clone()
                        }
                        (Value::Map(_), Value::String(k)) => current.get(k)?.clone(),
                        _ => return None,
                    }
                }
                TraversalStep::Splat => return None,
            };
        }
        Some((current, origin))
    }
}

/// Terraform's operators on known values; `None` where the result is not a plain value or the
/// types do not fit.
fn operate(op: &str, values: &[Value]) -> Option<Value> {
    Some(match (op, values) {
        ("!", [v]) => Value::Bool(!v.as_bool()?),
        ("-", [v]) => Value::Number(-v.as_number()?),
        ("==", [a, b]) => Value::Bool(a == b),
        ("!=", [a, b]) => Value::Bool(a != b),
        ("&&", [a, b]) => Value::Bool(a.as_bool()? && b.as_bool()?),
        ("||", [a, b]) => Value::Bool(a.as_bool()? || b.as_bool()?),
        (_, [a, b]) => {
            let (a, b) = (a.as_number()?, b.as_number()?);
            match op {
                "+" => Value::Number(a + b),
                "-" => Value::Number(a - b),
                "*" => Value::Number(a * b),
                "/" if b != 0.0 => Value::Number(a / b),
                "%" if b != 0.0 => Value::Number(a % b),
                "<" => Value::Bool(a < b),
                "<=" => Value::Bool(a <= b),
                ">" => Value::Bool(a > b),
                ">=" => Value::Bool(a >= b),
                _ => return None,
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> TfFile {
        match parse(text) {
            Ok(f) => f,
            Err(e) => panic!("{e:?} at {:?}", e.span.text(text)),
        }
    }

    /// The value of the first attribute `key` of the first block.
    fn attr_in_block<'f>(f: &'f TfFile, key: &str) -> &'f Attribute {
        f.body.blocks[0].attr(key).expect("attribute")
    }

    #[test]
    fn blocks_attributes_and_labels_have_exact_spans() {
        let t = "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"my-logs\"\n  acl    = var.acl\n}\n";
        let f = parse_ok(t);
        assert!(f.body.attributes.is_empty());
        let b = &f.body.blocks[0];
        assert_eq!(b.ident, "resource");
        assert_eq!(b.ident_span.text(t), "resource");
        assert_eq!(b.label(0), Some("aws_s3_bucket"));
        assert_eq!(b.label(1), Some("logs"));
        assert_eq!(b.label(2), None);
        assert_eq!(b.labels[0].1.text(t), "\"aws_s3_bucket\"");
        assert_eq!(b.labels[1].1.text(t), "\"logs\"");
        assert!(b.span.text(t).starts_with("resource \"aws_s3_bucket\""));
        assert!(b.span.text(t).ends_with("var.acl\n}"));
        assert_eq!(b.address(), "aws_s3_bucket.logs");

        let bucket = b.attr("bucket").unwrap();
        assert_eq!(bucket.key_span.text(t), "bucket");
        assert_eq!(bucket.span.text(t), "bucket = \"my-logs\"");
        assert_eq!(bucket.value.span.text(t), "\"my-logs\"");
        assert_eq!(bucket.value.as_str(), Some("my-logs"));
        let acl = b.attr("acl").unwrap();
        assert_eq!(acl.span.text(t), "acl    = var.acl");
        assert_eq!(acl.value.span.text(t), "var.acl");
        assert_eq!(acl.value.var_ref(), Some("acl"));
        assert!(b.attr("missing").is_none());
    }

    #[test]
    fn nested_blocks_keep_source_order() {
        let t = "resource \"aws_security_group\" \"sg\" {\n  name = \"x\"\n  ingress {\n    from_port = 22\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n  description = \"d\"\n  ingress {\n    from_port = 443\n  }\n  dynamic \"egress\" {\n    content { to_port = 0 }\n  }\n}\n";
        let f = parse_ok(t);
        let sg = &f.body.blocks[0];
        assert_eq!(
            sg.body.items,
            vec![
                Item::Attribute(0),
                Item::Block(0),
                Item::Attribute(1),
                Item::Block(1),
                Item::Block(2),
            ]
        );
        let ingress: Vec<&Block> = sg.body.blocks_of("ingress").collect();
        assert_eq!(ingress.len(), 2);
        assert_eq!(ingress[0].ident_span.text(t), "ingress");
        assert_eq!(
            ingress[0].span.text(t),
            "ingress {\n    from_port = 22\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }"
        );
        assert_eq!(
            ingress[0].attr("from_port").unwrap().value.as_number(),
            Some(22.0)
        );
        let cidrs = &ingress[0].attr("cidr_blocks").unwrap().value;
        let ExprKind::Array(items) = &cidrs.kind else {
            panic!("{cidrs:?}")
        };
        assert_eq!(items[0].span.text(t), "\"0.0.0.0/0\"");
        assert_eq!(items[0].as_str(), Some("0.0.0.0/0"));
        assert_eq!(
            ingress[1].attr("from_port").unwrap().value.span.text(t),
            "443"
        );
        let dynamic = sg.body.block("dynamic").unwrap();
        assert_eq!(dynamic.label(0), Some("egress"));
        // a one-line block body
        let content = dynamic.body.block("content").unwrap();
        assert_eq!(content.span.text(t), "content { to_port = 0 }");
        assert_eq!(content.attr("to_port").unwrap().span.text(t), "to_port = 0");
    }

    #[test]
    fn scalars_and_literal_helpers() {
        let t = "a = null\nb = true\nc = \"false\"\nd = 3.5\ne = -2\nf = \"8080\"\ng = \"tab\\there\"\nh = [1, \"x\", { k = false }]\ni = [var.x]\n";
        let f = parse_ok(t);
        let v = |k: &str| &f.body.attr(k).unwrap().value;
        assert_eq!(v("a").kind, ExprKind::Null);
        assert_eq!(v("b").as_bool(), Some(true));
        assert_eq!(v("c").as_bool(), Some(false));
        assert_eq!(v("c").as_str(), Some("false"));
        assert_eq!(v("d").as_number(), Some(3.5));
        assert_eq!(v("e").as_number(), Some(-2.0));
        assert_eq!(v("e").span.text(t), "-2");
        assert_eq!(v("f").as_number(), Some(8080.0));
        assert_eq!(v("g").as_str(), Some("tab\there"));
        assert_eq!(v("b").as_str(), None);
        assert_eq!(v("d").as_bool(), None);
        for k in ["a", "b", "c", "d", "e", "f", "g", "h"] {
            assert!(v(k).is_literal(), "{k}");
        }
        assert!(!v("i").is_literal());
    }

    #[test]
    fn heredocs_become_strings_or_templates() {
        let t = "locals {\n  plain = <<EOT\nline one\n  line two\nEOT\n  indented = <<-EOT\n    {\n      \"a\": 1\n    }\n    EOT\n  templ = <<-EOT\n    hello ${var.name}\n    EOT\n}\n";
        let f = parse_ok(t);
        let plain = attr_in_block(&f, "plain");
        assert_eq!(plain.value.as_str(), Some("line one\n  line two\n"));
        assert_eq!(plain.value.span.text(t), "<<EOT\nline one\n  line two\nEOT");
        let indented = attr_in_block(&f, "indented");
        assert_eq!(indented.value.as_str(), Some("{\n  \"a\": 1\n}\n"));
        assert!(indented.value.span.text(t).starts_with("<<-EOT\n"));
        assert!(indented.value.span.text(t).ends_with("    EOT"));
        let templ = attr_in_block(&f, "templ");
        let ExprKind::Template { parts } = &templ.value.kind else {
            panic!("{:?}", templ.value)
        };
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], TemplatePart::Literal("hello ".into()));
        let TemplatePart::Interp(name) = &parts[1] else {
            panic!("{parts:?}")
        };
        assert_eq!(name.span.text(t), "var.name");
        assert_eq!(name.var_ref(), Some("name"));
        assert_eq!(parts[2], TemplatePart::Literal("\n".into()));
    }

    #[test]
    fn string_templates_interpolations_and_directives() {
        let t = "a = \"arn:aws:s3:::${aws_s3_bucket.b.id}/*\"\nb = \"$${not} %%{this}\"\nc = \"x%{ if var.on }y%{ endif }\"\nd = \"${local.only}\"\n";
        let f = parse_ok(t);
        let v = |k: &str| &f.body.attr(k).unwrap().value;
        let ExprKind::Template { parts } = &v("a").kind else {
            panic!("{:?}", v("a"))
        };
        assert_eq!(
            v("a").span.text(t),
            "\"arn:aws:s3:::${aws_s3_bucket.b.id}/*\""
        );
        assert_eq!(parts[0], TemplatePart::Literal("arn:aws:s3:::".into()));
        let TemplatePart::Interp(id) = &parts[1] else {
            panic!()
        };
        assert_eq!(id.span.text(t), "aws_s3_bucket.b.id");
        assert_eq!(id.traversal_path().as_deref(), Some("aws_s3_bucket.b.id"));
        assert_eq!(parts[2], TemplatePart::Literal("/*".into()));
        // escaped markers are plain text
        assert_eq!(v("b").as_str(), Some("${not} %{this}"));
        let ExprKind::Template { parts } = &v("c").kind else {
            panic!("{:?}", v("c"))
        };
        let TemplatePart::Directive(span) = parts[1] else {
            panic!("{parts:?}")
        };
        assert_eq!(span.text(t), "%{ if var.on }y%{ endif }");
        let ExprKind::Template { parts } = &v("d").kind else {
            panic!()
        };
        assert!(matches!(&parts[..], [TemplatePart::Interp(e)] if e.local_ref() == Some("only")));
    }

    #[test]
    fn traversals() {
        let t = "a = var.enable_tls\nb = local.x\nc = aws_s3_bucket.b.id\nd = module.m.out\ne = var.list[0]\nf = aws_instance.web[*].id\ng = data.aws_iam_policy_document.p.json\nh = x.0.y\ni = each.value[\"k\"]\nj = self\nk = var.cfg.port\n";
        let f = parse_ok(t);
        let v = |k: &str| &f.body.attr(k).unwrap().value;
        assert_eq!(v("a").var_ref(), Some("enable_tls"));
        assert_eq!(v("a").local_ref(), None);
        assert_eq!(v("b").local_ref(), Some("x"));
        assert_eq!(v("b").var_ref(), None);
        assert_eq!(
            v("c").kind,
            ExprKind::Traversal {
                root: "aws_s3_bucket".into(),
                path: vec![
                    TraversalStep::Attr("b".into()),
                    TraversalStep::Attr("id".into())
                ],
            }
        );
        assert_eq!(v("d").traversal_path().as_deref(), Some("module.m.out"));
        let ExprKind::Traversal { path, .. } = &v("e").kind else {
            panic!()
        };
        let TraversalStep::Index(ix) = &path[1] else {
            panic!("{path:?}")
        };
        assert_eq!(ix.span.text(t), "0");
        assert_eq!(
            v("e").var_ref(),
            None,
            "var.list[0] is not exactly var.NAME"
        );
        assert_eq!(v("e").span.text(t), "var.list[0]");
        assert_eq!(
            v("f").traversal_path().as_deref(),
            Some("aws_instance.web[*].id")
        );
        assert_eq!(
            v("g").traversal_path().as_deref(),
            Some("data.aws_iam_policy_document.p.json")
        );
        assert_eq!(v("h").traversal_path().as_deref(), Some("x[0].y"));
        assert_eq!(
            v("i").traversal_path().as_deref(),
            Some("each.value[\"k\"]")
        );
        assert_eq!(
            v("j").kind,
            ExprKind::Traversal {
                root: "self".into(),
                path: vec![]
            }
        );
        assert_eq!(v("k").traversal_path().as_deref(), Some("var.cfg.port"));
    }

    #[test]
    fn objects_keep_keys_and_spans() {
        let t = "tags = {\n  Name = \"web\"\n  \"kubernetes.io/role\" = \"x\"\n  (var.k) = 1\n  nested = { a = [] }\n}\n";
        let f = parse_ok(t);
        let tags = &f.body.attr("tags").unwrap().value;
        let ExprKind::Object(items) = &tags.kind else {
            panic!("{tags:?}")
        };
        let keys: Vec<(&str, &str, bool)> = items
            .iter()
            .map(|(k, _)| (k.name.as_str(), k.span.text(t), k.computed))
            .collect();
        assert_eq!(
            keys,
            vec![
                ("Name", "Name", false),
                ("kubernetes.io/role", "\"kubernetes.io/role\"", false),
                ("(var.k)", "(var.k)", true),
                ("nested", "nested", false),
            ]
        );
        assert_eq!(items[0].1.span.text(t), "\"web\"");
        assert_eq!(items[3].1.span.text(t), "{ a = [] }");
        assert!(!tags.is_literal(), "a computed key is not literal");
    }

    #[test]
    fn calls_conditionals_operations_and_others() {
        let t = "a = jsonencode({ Version = \"2012-10-17\" })\nb = var.on ? \"x\" : \"y\"\nc = !var.off\nd = 1 + 2 * 3\ne = [for s in var.l : upper(s)]\nf = (var.x)\ng = provider::aws::arn_parse(\"a\")\nh = f(1)[0]\n";
        let f = parse_ok(t);
        let v = |k: &str| &f.body.attr(k).unwrap().value;
        let ExprKind::FuncCall { name, args } = &v("a").kind else {
            panic!()
        };
        assert_eq!(name, "jsonencode");
        assert_eq!(args[0].span.text(t), "{ Version = \"2012-10-17\" }");
        let ExprKind::Conditional {
            cond,
            then,
            otherwise,
        } = &v("b").kind
        else {
            panic!()
        };
        assert_eq!(cond.span.text(t), "var.on");
        assert_eq!(then.as_str(), Some("x"));
        assert_eq!(otherwise.span.text(t), "\"y\"");
        let ExprKind::Operation { op, operands } = &v("c").kind else {
            panic!()
        };
        assert_eq!((op.as_str(), operands.len()), ("!", 1));
        assert_eq!(operands[0].var_ref(), Some("off"));
        let ExprKind::Operation { op, operands } = &v("d").kind else {
            panic!()
        };
        assert_eq!(op, "+");
        assert_eq!(operands[1].span.text(t), "2 * 3");
        assert_eq!(v("d").span.text(t), "1 + 2 * 3");
        assert_eq!(v("e").kind, ExprKind::Other);
        assert_eq!(v("e").span.text(t), "[for s in var.l : upper(s)]");
        // parentheses are transparent
        assert_eq!(v("f").var_ref(), Some("x"));
        assert_eq!(v("f").span.text(t), "var.x");
        assert!(
            matches!(&v("g").kind, ExprKind::FuncCall { name, .. } if name == "provider::aws::arn_parse")
        );
        assert_eq!(v("h").kind, ExprKind::Other);
    }

    #[test]
    fn addresses() {
        let t = "resource \"aws_db_instance\" \"main\" {}\ndata \"aws_iam_policy\" \"x\" {}\nvariable \"region\" {}\nmodule \"vpc\" {}\nprovider \"aws\" {}\nprovider \"aws\" {\n  alias = \"west\"\n}\noutput \"id\" {}\nlocals {}\nterraform {}\n";
        let f = parse_ok(t);
        let addrs: Vec<String> = f.body.blocks.iter().map(Block::address).collect();
        assert_eq!(
            addrs,
            [
                "aws_db_instance.main",
                "data.aws_iam_policy.x",
                "var.region",
                "module.vpc",
                "provider.aws",
                "provider.aws.west",
                "output.id",
                "locals",
                "terraform",
            ]
        );
    }

    #[test]
    fn comments_are_collected_but_not_inside_strings_or_heredocs() {
        let t = "# top\na = \"#not\" // trailing\n/* block\n spans */\nb = <<EOT\n# not a comment\nEOT\nc = 1 # last\r\n";
        let f = parse_ok(t);
        let comments: Vec<&str> = f.comments.iter().map(|s| s.text(t)).collect();
        assert_eq!(
            comments,
            ["# top", "// trailing", "/* block\n spans */", "# last"]
        );
        assert_eq!(f.body.attr("a").unwrap().value.as_str(), Some("#not"));
    }

    #[test]
    fn crlf_spans_stay_exact() {
        let t = "resource \"a\" \"b\" {\r\n  x = \"y\"\r\n  h = <<EOT\r\nhi\r\nEOT\r\n  n {\r\n    z = 1\r\n  }\r\n}\r\n";
        let f = parse_ok(t);
        let b = &f.body.blocks[0];
        assert_eq!(b.attr("x").unwrap().span.text(t), "x = \"y\"");
        assert_eq!(b.attr("x").unwrap().value.as_str(), Some("y"));
        let h = &b.attr("h").unwrap().value;
        assert_eq!(h.span.text(t), "<<EOT\r\nhi\r\nEOT");
        assert_eq!(h.as_str(), Some("hi\r\n"));
        let n = b.body.block("n").unwrap();
        assert_eq!(n.span.text(t), "n {\r\n    z = 1\r\n  }");
        assert_eq!(n.attr("z").unwrap().value.span.text(t), "1");
    }

    #[test]
    fn byte_order_mark_keeps_offsets() {
        let t = "\u{feff}a = \"b\"\n";
        let f = parse_ok(t);
        let a = f.body.attr("a").unwrap();
        assert_eq!(a.key_span.text(t), "a");
        assert_eq!(a.value.span.text(t), "\"b\"");
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let t = "resource \"a\" \"b\" {\n  x = 1 2\n}\n";
        let e = parse(t).unwrap_err();
        assert_eq!(e.span.start, t.find("2\n").unwrap());
        assert_eq!(e.span.text(t), "2");
        assert!(e.message.contains("newline"), "{}", e.message);

        // an unterminated list points at the end of the input
        let t = "x {\n  a = [1,\n";
        let e = parse(t).unwrap_err();
        assert_eq!(e.span, Span::empty(t.len()));
        assert!(e.message.contains(']'), "{}", e.message);

        // columns count chars, not bytes
        let t = "a = \"é\" ?\n";
        let e = parse(t).unwrap_err();
        assert_eq!(e.span.start, t.find('?').unwrap() + 1, "{e:?}");

        let e = parse("a = 1\na = 2\n").unwrap_err();
        assert!(e.message.contains("redefined"), "{}", e.message);
        assert_eq!(e.span, Span::new(6, 7));
    }

    /// Run `f` on a thread with the default 2 MiB stack, as rayon workers have.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .expect("no stack overflow, no panic")
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        let shapes: [(&str, &str); 5] = [
            ("[", "]"),
            ("{a = ", "}"),
            ("(", ")"),
            ("\"${", "}\""),
            ("f(", ")"),
        ];
        for (open, close) in shapes {
            for depth in [10_000, 300] {
                let src = format!("a = {}1{}\n", open.repeat(depth), close.repeat(depth));
                let e = on_small_stack(move || parse(&src)).unwrap_err();
                assert!(e.message.contains("nesting"), "{open}: {}", e.message);
                assert!(e.span.start > 4);
            }
            // too deep for hcl-edit's own limit (64), not for the pre-scan
            let src = format!("a = {}1{}\n", open.repeat(100), close.repeat(100));
            let e = on_small_stack(move || parse(&src)).unwrap_err();
            assert!(e.message.contains("nest"), "{open}: {}", e.message);
            // deep but accepted
            let src = format!("a = {}1{}\n", open.repeat(60), close.repeat(60));
            let f = on_small_stack(move || parse(&src));
            assert!(f.is_ok(), "{open}: {f:?}");
        }
        // unclosed, and nested blocks
        let src = "[".repeat(10_000);
        assert!(on_small_stack(move || parse(&src)).is_err());
        let src = format!("{}{}", "b {\n".repeat(10_000), "}\n".repeat(10_000));
        assert!(on_small_stack(move || parse(&src)).is_err());
        // operators nest without brackets: hcl-edit refuses these itself
        let src = format!("a = {}true\n", "!".repeat(10_000));
        assert!(on_small_stack(move || parse(&src)).is_err());
        let src = format!("a = {}1\n", "true ? 1 : ".repeat(10_000));
        assert!(on_small_stack(move || parse(&src)).is_err());
        // brackets in strings, comments and heredocs do not count
        let deep = "[".repeat(1_000);
        let src = format!("a = \"{deep}\"\n# {deep}\nb = <<EOT\n{deep}\nEOT\n");
        assert!(on_small_stack(move || parse(&src)).is_ok());
    }

    #[test]
    fn hostile_input_never_panics() {
        let base = "variable \"x\" {\n  default = { a = [1, \"b\", true] }\n}\nlocals {\n  y = \"${var.x.a[0]}-z\" # c\n  h = <<-EOT\n    a ${local.y} %{ if true }b%{ endif }\n  EOT\n  z = var.x != null ? -1 : !false && (1 + 2) > 4\n}\n/* c */\nresource \"t\" \"n\" {\n  tags = { \"k\" = 1, (local.y) = 2 }\n}\n";
        assert!(parse(base).is_ok());
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"{}[]()\"$%<-!#/*\n\r=:.,?~x0\\";
        let mut parsed = 0;
        for _ in 0..2_000 {
            let mut v = base.as_bytes().to_vec();
            for _ in 0..(next() % 5 + 1) {
                let at = (next() as usize) % v.len();
                match next() % 3 {
                    0 => {
                        v.remove(at);
                    }
                    1 => v.insert(at, alphabet[(next() as usize) % alphabet.len()]),
                    _ => v[at] = (next() % 256) as u8,
                }
            }
            let text = String::from_utf8_lossy(&v);
            match parse(&text) {
                Ok(f) => {
                    parsed += 1;
                    let m = Module::new(&[(0, &f)]);
                    for b in &f.body.blocks {
                        for a in &b.body.attributes {
                            let _ = m.resolve(0, &a.value);
                        }
                    }
                }
                Err(e) => {
                    assert!(e.span.end <= text.len(), "{e:?}");
                    assert!(text.is_char_boundary(e.span.start), "{e:?}");
                    assert!(text.is_char_boundary(e.span.end), "{e:?}");
                }
            }
        }
        assert!(parsed > 0);
    }

    #[test]
    fn tfvars_are_bodies_of_attributes() {
        let t = "region = \"eu-west-1\"\ndb_password = \"hunter2\"\ntags = { env = \"prod\" }\n";
        let f = parse_tfvars(t).unwrap();
        assert_eq!(f.body.attributes.len(), 3);
        let pw = f.body.attr("db_password").unwrap();
        assert_eq!(pw.value.span.text(t), "\"hunter2\"");
        assert!(parse_tfvars("region = \n").is_err());
    }

    // --- Module ---------------------------------------------------------------------------

    #[test]
    fn resolves_a_variable_default_from_another_file() {
        let vars = "variable \"enable_tls\" {\n  type    = bool\n  default = false\n}\nvariable \"no_default\" {}\nvariable \"port\" {\n  default = \"5432\"\n}\n";
        let main = "resource \"aws_db_instance\" \"db\" {\n  tls = var.enable_tls\n  other = var.no_default\n  port = var.port\n  missing = var.nope\n  lit = true\n}\n";
        let (fv, fm) = (parse_ok(vars), parse_ok(main));
        let m = Module::new(&[(7, &fv), (9, &fm)]);
        let db = &fm.body.blocks[0];
        let tls = m.resolve(9, &db.attr("tls").unwrap().value);
        assert_eq!(tls.as_bool(), Some(false));
        let (file, span) = tls.origin().unwrap();
        assert_eq!(file, 7);
        assert_eq!(span.text(vars), "false");
        assert_eq!(
            m.resolve(9, &db.attr("other").unwrap().value),
            Resolved::Unknown
        );
        assert_eq!(
            m.resolve(9, &db.attr("port").unwrap().value).as_number(),
            Some(5432.0)
        );
        assert_eq!(
            m.resolve(9, &db.attr("missing").unwrap().value),
            Resolved::Unknown
        );
        let lit = m.resolve(9, &db.attr("lit").unwrap().value);
        assert_eq!(
            lit,
            Resolved::Known {
                value: Value::Bool(true),
                origin: Some((9, db.attr("lit").unwrap().value.span)),
            }
        );
        assert_eq!(m.variable("port").map(|(f, _)| f), Some(7));
        assert_eq!(m.files().count(), 2);
    }

    #[test]
    fn resolves_locals_chains_templates_and_paths() {
        let a = "locals {\n  env    = \"prod\"\n  name   = \"app-${local.env}\"\n  port   = var.cfg.port\n  first  = local.list[0]\n  on     = local.env == \"prod\" ? true : false\n  count  = 2 * 3\n  list   = [\"a\", \"b\"]\n}\n";
        let b = "variable \"cfg\" {\n  default = { port = 443, tls = \"true\" }\n}\nlocals {\n  alias = local.name\n  calls = upper(local.env)\n  res   = aws_s3_bucket.b.id\n  tls   = var.cfg[\"tls\"]\n}\n";
        let (fa, fb) = (parse_ok(a), parse_ok(b));
        let m = Module::new(&[(0, &fa), (1, &fb)]);
        let local = |n: &str| {
            let (_, attr) = m.local(n).unwrap();
            attr
        };
        let alias = m.resolve(1, &local("alias").value);
        assert_eq!(alias.as_str(), Some("app-prod"));
        // assembled by the template in file 0
        let (file, span) = alias.origin().unwrap();
        assert_eq!((file, span.text(a)), (0, "\"app-${local.env}\""));
        let port = m.resolve(0, &local("port").value);
        assert_eq!(port.as_number(), Some(443.0));
        let (file, span) = port.origin().unwrap();
        assert_eq!((file, span.text(b)), (1, "{ port = 443, tls = \"true\" }"));
        assert_eq!(m.resolve(0, &local("first").value).as_str(), Some("a"));
        assert_eq!(m.resolve(0, &local("on").value).as_bool(), Some(true));
        assert_eq!(m.resolve(0, &local("count").value).as_number(), Some(6.0));
        assert_eq!(m.resolve(1, &local("tls").value).as_bool(), Some(true));
        assert_eq!(m.resolve(1, &local("calls").value), Resolved::Unknown);
        assert_eq!(m.resolve(1, &local("res").value), Resolved::Unknown);
        assert_eq!(
            m.resolve(0, &local("list").value).value(),
            Some(&Value::List(vec![
                Value::String("a".into()),
                Value::String("b".into())
            ]))
        );
    }

    #[test]
    fn a_local_cycle_stays_unknown() {
        let t = "locals {\n  a = local.b\n  b = \"${local.c}x\"\n  c = local.a\n  self_ref = local.self_ref\n  ok = local.b == null ? 1 : 2\n}\n";
        let f = parse_ok(t);
        let m = Module::new(&[(0, &f)]);
        for name in ["a", "b", "c", "self_ref", "ok"] {
            let (_, attr) = m.local(name).unwrap();
            assert_eq!(m.resolve(0, &attr.value), Resolved::Unknown, "{name}");
        }
        let unknown_cond = parse_ok("a = var.x ? 1 : 2\n");
        assert_eq!(
            m.resolve(0, &unknown_cond.body.attr("a").unwrap().value),
            Resolved::Unknown
        );
    }

    #[test]
    fn a_long_locals_chain_is_cut_off_not_overflowed() {
        let mut t = String::from("locals {\n  l0 = true\n");
        for i in 1..5_000 {
            t.push_str(&format!("  l{i} = local.l{}\n", i - 1));
        }
        t.push_str("}\n");
        let (short, long) = on_small_stack(move || {
            let f = parse(&t).unwrap();
            let m = Module::new(&[(0, &f)]);
            let short = m.resolve(0, &m.local("l10").unwrap().1.value);
            let long = m.resolve(0, &m.local("l4999").unwrap().1.value);
            (short, long)
        });
        assert_eq!(short.as_bool(), Some(true));
        assert_eq!(long, Resolved::Unknown);
    }
}
