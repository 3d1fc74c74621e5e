//! Terraform / HCL: hcl-edit's tree converted into an owned, span-exact model that rules read
//! without knowing hcl-edit, plus a small evaluator ([`Module`]) that follows `var.*` defaults
//! and `locals` across the files of one directory.
//!
//! Hostile input is refused, not recursed into: [`parse`] first scans the text and rejects
//! bracket/brace/paren nesting deeper than [`MAX_NESTING`] before hcl-edit sees it (hcl-edit
//! 0.10 also caps its own recursion at 64 levels), the conversion stops descending at
//! [`MAX_EXPR_DEPTH`], and [`Module::resolve`] gives up (`Unknown`) past [`MAX_RESOLVE_DEPTH`].

//!
//! The model is here; `convert.rs` turns hcl-edit's tree into it, `scan.rs` is the
//! pre-scan (nesting guard, comments), `eval.rs` the evaluator.

mod convert;
mod eval;
mod json;
mod plan;
mod scan;
mod tfjson;

#[cfg(test)]
mod tests;

use std::fmt;

use super::Span;

pub use convert::{parse, parse_tfvars};
pub use eval::{MAX_EVAL_BYTES, MAX_EVAL_STEPS, MAX_VALUE_BYTES, Module, Origin, Resolved, Value};
pub use plan::{is_plan, parse_plan};
pub use tfjson::parse_json;

/// Parse a Terraform file by its name: `*.tf.json` and `*.tfvars.json` in Terraform's JSON
/// syntax, another `.json` name (or a text of no such name that reads as a plan) as a plan
/// (`terraform show -json`), everything else as HCL.
pub fn parse_file(name: &str, text: &str) -> Result<TfFile, ParseError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".tf.json") {
        parse_json(text, false)
    } else if lower.ends_with(".tfvars.json") {
        parse_json(text, true)
    } else if lower.ends_with(".json") || is_plan(text) {
        parse_plan(text)
    } else {
        parse(text)
    }
}

/// A text written in UTF-16 with a byte order mark (PowerShell's `terraform show -json >
/// plan.json` writes one), as UTF-8; `None` for any other bytes. Unpaired surrogates become
/// U+FFFD.
pub fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let (le, rest) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        _ => return None,
    };
    let units = rest.chunks_exact(2).map(|c| {
        if le {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or('\u{fffd}'))
            .collect(),
    )
}

/// Whether a path names a variable-values file (`.tfvars`, `.tfvars.json`).
pub fn is_tfvars(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json")
}

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

/// One parsed `.tf` (or `.tfvars`) file, `*.tf.json` file or plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TfFile {
    pub body: Body,
    /// Every comment (`#`, `//`, `/* */`), in source order; line comments end before the line
    /// terminator. In JSON, each `"//"` member (Terraform's comment convention), from its
    /// key's opening quote to its value's closing quote (excluded).
    pub comments: Vec<Span>,
    pub syntax: Syntax,
}

/// What a [`TfFile`] was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Syntax {
    /// HCL native syntax (`.tf`, `.tfvars`).
    #[default]
    Hcl,
    /// Terraform's JSON syntax (`.tf.json`, `.tfvars.json`).
    Json,
    /// A plan as `terraform show -json` writes it: its planned resources, values resolved
    /// (modules expanded, variables applied), each block carrying its address.
    Plan,
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
    /// The resource's address as a plan names it (`module.db.aws_db_instance.this`,
    /// `aws_instance.web[0]`); `None` in configuration files, where [`Block::address`]
    /// derives it.
    pub address: Option<String>,
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
        if let Some(a) = &self.address {
            return a.clone();
        }
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
