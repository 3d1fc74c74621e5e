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
