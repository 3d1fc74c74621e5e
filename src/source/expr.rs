//! GitHub Actions expressions: `${{ ... }}`.
//!
//! [`find`] locates every `${{ ... }}` in a string (a `}}` inside a string literal does not
//! close it) and parses its body: literals (`'it''s'`, numbers, `true`, `null`), context
//! access (`github.event.issue.title`, `github.event['issue']`, `github.event.commits.*.message`),
//! function calls (`format()`, `toJSON()`, `contains()`), `!`, comparisons, `&&` and `||`.
//! Rules ask which context paths an expression references ([`Expression::contexts`]) and
//! which of them can reach its value ([`Expression::expanded`]): `contains(x, 'a')` yields a
//! boolean, `format('{0}', x)` yields `x`'s text.
//!
//! The lexer and parser are total: bad input yields an expression without a tree.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

use super::Span;
use crate::hash::TextMemo;

/// A context path and where it is written, relative to the scanned string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextRef {
    /// Lowercase, dot-separated; literal indexes folded in (`github.event['issue']` ->
    /// `github.event.issue`), `*` for filters and computed indexes.
    pub path: String,
    pub span: Span,
}

/// Whether a string holds a `${{` expression. A byte search for `$`: rules ask this of every
/// value of a workflow, and `str::contains` set up a substring searcher for each.
pub fn has_expr(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'$', b).any(|i| b[i + 1..].starts_with(b"{{"))
}

impl ContextRef {
    /// Whether the path matches `pattern` segment by segment (`*` in the pattern matches any
    /// one segment; a trailing `.**` matches any rest).
    pub fn matches(&self, pattern: &str) -> bool {
        path_matches(&self.path, pattern)
    }
}

/// Whether a dotted `path` matches `pattern` (`*` = one segment, trailing `**` = any rest).
pub fn path_matches(path: &str, pattern: &str) -> bool {
    // segments found by a byte loop: `split('.')` set up a char searcher per call, and rules
    // ask this of every context path for every row of their tables (1% of a check of
    // real-world workflows)
    let mut p = Segments(Some(path));
    let mut q = Segments(Some(pattern));
    loop {
        match (p.next(), q.next()) {
            (_, Some("**")) => return true,
            (None, None) => return true,
            (Some(a), Some(b)) => {
                if b != "*" && a != "*" && !a.eq_ignore_ascii_case(b) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The `.`-separated segments of a path, as `str::split('.')` yields them.
struct Segments<'s>(Option<&'s str>);

impl<'s> Iterator for Segments<'s> {
    type Item = &'s str;
    fn next(&mut self) -> Option<&'s str> {
        let rest = self.0?;
        match rest.bytes().position(|b| b == b'.') {
            Some(i) => {
                self.0 = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.0 = None;
                Some(rest)
            }
        }
    }
}

/// A parsed expression node.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    /// A context access chain.
    Context(ContextRef),
    /// A computed index into a context chain (`x[steps.a.outputs.b]`): the chain and the
    /// index expression.
    Index(Box<Node>, Box<Node>),
    Call {
        name: String,
        args: Vec<Node>,
    },
    Not(Box<Node>),
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`.
    Binary(Box<Node>, &'static str, Box<Node>),
}

/// One `${{ ... }}` occurrence.
#[derive(Clone, Debug)]
pub struct Expression {
    /// From `${{` to `}}` inclusive (to the end of the string when unterminated).
    pub span: Span,
    /// The body between the braces.
    pub body: Span,
    /// The parsed body, `None` when it does not parse.
    pub tree: Option<Node>,
}

impl Expression {
    /// Every context path referenced anywhere in the expression.
    pub fn contexts(&self) -> Vec<&ContextRef> {
        let mut out = Vec::new();
        if let Some(t) = &self.tree {
            all_contexts(t, &mut out);
        }
        out
    }

    /// Context paths whose text can become the expression's value: not those only compared,
    /// tested with `contains()` or negated.
    pub fn expanded(&self) -> Vec<&ContextRef> {
        let mut out = Vec::new();
        if let Some(t) = &self.tree {
            flows(t, &mut out);
        }
        out
    }
}

fn all_contexts<'a>(n: &'a Node, out: &mut Vec<&'a ContextRef>) {
    match n {
        Node::Context(c) => out.push(c),
        Node::Index(a, b) | Node::Binary(a, _, b) => {
            all_contexts(a, out);
            all_contexts(b, out);
        }
        Node::Call { args, .. } => args.iter().for_each(|a| all_contexts(a, out)),
        Node::Not(a) => all_contexts(a, out),
        _ => {}
    }
}

fn flows<'a>(n: &'a Node, out: &mut Vec<&'a ContextRef>) {
    match n {
        Node::Context(c) => out.push(c),
        Node::Index(a, _) => flows(a, out),
        Node::Binary(a, "&&" | "||", b) => {
            flows(a, out);
            flows(b, out);
        }
        Node::Call { name, args } => {
            let n = name.to_ascii_lowercase();
            if matches!(n.as_str(), "format" | "join" | "tojson" | "fromjson") {
                args.iter().for_each(|a| flows(a, out));
            }
        }
        _ => {}
    }
}

/// Every `${{ ... }}` in `s`, in order (found by [`locate`], then parsed). Kept per thread
/// for the texts asked before: several rules ask it of the same values (14,000 times in a
/// check of 1,080 real-world workflows), and a value's expressions are parsed once.
pub fn find(s: &str) -> Rc<[Expression]> {
    thread_local! {
        static MEMO: RefCell<TextMemo<Rc<[Expression]>>> = RefCell::new(TextMemo::new(1024));
    }
    MEMO.with(|memo| {
        if let Some(hit) = memo.borrow().get(s) {
            return hit.clone();
        }
        let found: Rc<[Expression]> = locate(s)
            .into_iter()
            .map(|(span, body, closed)| Expression {
                span,
                body,
                tree: closed
                    .then(|| parse(s.get(body.start..body.end).unwrap_or(""), body.start))
                    .flatten(),
            })
            .collect();
        memo.borrow_mut().insert(s, found.clone());
        found
    })
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    Punct(&'static str),
}

/// Lex the body; spans are shifted by `base`.
fn lex(s: &str, base: usize) -> Option<Vec<(Tok, Span)>> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'\'' {
            let mut v = String::new();
            i += 1;
            loop {
                let rest = s.get(i..)?;
                let q = rest.find('\'')?;
                v.push_str(&rest[..q]);
                i += q + 1;
                if b.get(i) == Some(&b'\'') {
                    v.push('\'');
                    i += 1;
                } else {
                    break;
                }
            }
            out.push((Tok::Str(v), Span::new(base + start, base + i)));
            continue;
        }
        if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            let t = &s[start..i];
            let n = if let Some(h) = t.strip_prefix("0x") {
                i64::from_str_radix(h, 16).ok().map(|x| x as f64)
            } else {
                t.parse::<f64>().ok()
            };
            out.push((Tok::Num(n?), Span::new(base + start, base + i)));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
                i += 1;
            }
            out.push((
                Tok::Ident(s[start..i].to_string()),
                Span::new(base + start, base + i),
            ));
            continue;
        }
        let two = s.get(i..i + 2).unwrap_or("");
        let p: &'static str = match two {
            "==" => "==",
            "!=" => "!=",
            "<=" => "<=",
            ">=" => ">=",
            "&&" => "&&",
            "||" => "||",
            _ => match c {
                b'(' => "(",
                b')' => ")",
                b'[' => "[",
                b']' => "]",
                b'.' => ".",
                b',' => ",",
                b'!' => "!",
                b'<' => "<",
                b'>' => ">",
                b'*' => "*",
                _ => return None,
            },
        };
        i += p.len();
        out.push((Tok::Punct(p), Span::new(base + start, base + i)));
    }
    Some(out)
}

struct Parser {
    toks: Vec<(Tok, Span)>,
    i: usize,
    depth: usize,
}

/// Parse an expression body (without the braces) whose first byte sits at `base`.
pub fn parse(s: &str, base: usize) -> Option<Node> {
    let toks = lex(s, base)?;
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    let n = p.or()?;
    (p.i == p.toks.len()).then_some(n)
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.0)
    }
    fn eat(&mut self, p: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Punct(x)) if *x == p) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn or(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let mut l = self.and()?;
        while self.eat("||") {
            let r = self.and()?;
            l = Node::Binary(Box::new(l), "||", Box::new(r));
        }
        self.depth -= 1;
        Some(l)
    }
    fn and(&mut self) -> Option<Node> {
        let mut l = self.cmp()?;
        while self.eat("&&") {
            let r = self.cmp()?;
            l = Node::Binary(Box::new(l), "&&", Box::new(r));
        }
        Some(l)
    }
    fn cmp(&mut self) -> Option<Node> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Punct(p)) if matches!(*p, "==" | "!=" | "<" | "<=" | ">" | ">=") => *p,
                _ => return Some(l),
            };
            self.i += 1;
            let r = self.unary()?;
            l = Node::Binary(Box::new(l), op, Box::new(r));
        }
    }
    fn unary(&mut self) -> Option<Node> {
        if self.eat("!") {
            self.depth += 1;
            if self.depth > 64 {
                return None;
            }
            let n = self.unary()?;
            self.depth -= 1;
            return Some(Node::Not(Box::new(n)));
        }
        self.primary()
    }
    fn primary(&mut self) -> Option<Node> {
        let (tok, span) = self.toks.get(self.i)?.clone();
        self.i += 1;
        match tok {
            Tok::Str(s) => Some(Node::Str(s)),
            Tok::Num(n) => Some(Node::Number(n)),
            Tok::Punct("(") => {
                let n = self.or()?;
                self.eat(")").then_some(n)
            }
            Tok::Punct(_) => None,
            Tok::Ident(name) => {
                if self.eat("(") {
                    let mut args = Vec::new();
                    if !self.eat(")") {
                        loop {
                            args.push(self.or()?);
                            if self.eat(")") {
                                break;
                            }
                            if !self.eat(",") {
                                return None;
                            }
                        }
                    }
                    let call = Node::Call { name, args };
                    return self.postfix(call, None, span);
                }
                match name.as_str() {
                    "true" => return Some(Node::Bool(true)),
                    "false" => return Some(Node::Bool(false)),
                    "null" => return Some(Node::Null),
                    _ => {}
                }
                self.postfix(Node::Null, Some(name.to_ascii_lowercase()), span)
            }
        }
    }
    /// Property access, index and filters after a context name (`path`) or a call result.
    fn postfix(&mut self, base: Node, mut path: Option<String>, mut span: Span) -> Option<Node> {
        let mut node = base;
        let mut computed: Vec<Node> = Vec::new();
        loop {
            if self.eat(".") {
                let (tok, s) = self.toks.get(self.i)?.clone();
                self.i += 1;
                let seg = match tok {
                    Tok::Ident(x) => x.to_ascii_lowercase(),
                    Tok::Punct("*") => "*".to_string(),
                    _ => return None,
                };
                span = span.cover(s);
                if let Some(p) = path.as_mut() {
                    p.push('.');
                    p.push_str(&seg);
                }
            } else if self.eat("[") {
                let seg = match self.peek() {
                    Some(Tok::Punct("*")) => {
                        self.i += 1;
                        "*".to_string()
                    }
                    Some(Tok::Str(x))
                        if matches!(self.toks.get(self.i + 1), Some((Tok::Punct("]"), _))) =>
                    {
                        let x = x.to_ascii_lowercase();
                        self.i += 1;
                        x
                    }
                    _ => {
                        computed.push(self.or()?);
                        "*".to_string()
                    }
                };
                let (tok, s) = self.toks.get(self.i)?.clone();
                if tok != Tok::Punct("]") {
                    return None;
                }
                self.i += 1;
                span = span.cover(s);
                if let Some(p) = path.as_mut() {
                    p.push('.');
                    p.push_str(&seg);
                }
            } else {
                break;
            }
        }
        if let Some(p) = path {
            node = Node::Context(ContextRef { path: p, span });
        }
        for c in computed {
            node = Node::Index(Box::new(node), Box::new(c));
        }
        Some(node)
    }
}

/// Where each `${{ ... }}` of `s` sits, without parsing: (from `${{` to `}}` inclusive, the
/// body between the braces, whether it is closed). A `}}` inside a string literal does not
/// close it. For checkers that parse with [`parse_spanned`].
pub fn locate(s: &str) -> Vec<(Span, Span, bool)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    // one searcher for every call (`str::find` built a two-way searcher each time: 0.7% of
    // a check of real-world workflows)
    static OPEN: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("${{"));
    while let Some(k) = b.get(i..).and_then(|r| OPEN.find(r)) {
        let start = i + k;
        let body_start = start + 3;
        let mut j = body_start;
        let mut end = None;
        while j < b.len() {
            match b[j] {
                b'\'' => {
                    j += 1;
                    while j < b.len() {
                        if b[j] == b'\'' {
                            if b.get(j + 1) == Some(&b'\'') {
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        j += 1;
                    }
                    j += 1;
                }
                b'}' if b.get(j + 1) == Some(&b'}') => {
                    end = Some(j);
                    break;
                }
                _ => j += 1,
            }
        }
        let body_end = end.unwrap_or(b.len()).min(b.len());
        let span_end = end.map_or(b.len(), |e| e + 2);
        out.push((
            Span::new(start, span_end),
            Span::new(body_start.min(body_end), body_end),
            end.is_some(),
        ));
        i = span_end.max(start + 3);
    }
    out
}

/// An expression tree with a span on every node, for checkers that point at the smallest
/// wrong thing: the unknown property, the misspelt function, the operator comparing
/// incompatible values.
#[derive(Clone, Debug, PartialEq)]
pub struct Ex {
    pub kind: ExKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExKind {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    /// A context name as written (`github`, `Matrix`).
    Var(String),
    /// `receiver.name`: the property as written and its span.
    Prop(Box<Ex>, String, Span),
    /// `receiver[index]`.
    Index(Box<Ex>, Box<Ex>),
    /// `receiver.*` or `receiver[*]`: an object filter.
    Filter(Box<Ex>),
    /// `name(args)`: the name as written and its span.
    Call {
        name: String,
        name_span: Span,
        args: Vec<Ex>,
    },
    Not(Box<Ex>),
    /// `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, with the operator's span.
    Binary(Box<Ex>, &'static str, Span, Box<Ex>),
}

/// Why an expression does not parse, and where (file offsets when `base` was one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
enum STok {
    Ident(String),
    Str(String),
    Num(f64),
    Punct(&'static str),
}

fn err<T>(span: Span, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        span,
        message: message.into(),
    })
}

/// Lex an expression body with positions, reporting the first bad character.
fn lex_spanned(s: &str, base: usize) -> Result<Vec<(STok, Span)>, ExprError> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'\'' {
            let mut v = String::new();
            i += 1;
            loop {
                let Some(q) = s.get(i..).and_then(|r| r.find('\'')) else {
                    return err(
                        Span::new(base + start, base + b.len()),
                        "string literal is not closed: add the closing '",
                    );
                };
                v.push_str(&s[i..i + q]);
                i += q + 1;
                if b.get(i) == Some(&b'\'') {
                    v.push('\'');
                    i += 1;
                } else {
                    break;
                }
            }
            out.push((STok::Str(v), Span::new(base + start, base + i)));
            continue;
        }
        if c.is_ascii_digit() || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            i += 1;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == b'.'
                    || ((b[i] == b'-' || b[i] == b'+') && matches!(b[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            let t = &s[start..i];
            let n = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                i64::from_str_radix(h, 16).ok().map(|x| x as f64)
            } else if let Some(o) = t.strip_prefix("0o") {
                i64::from_str_radix(o, 8).ok().map(|x| x as f64)
            } else {
                t.parse::<f64>().ok()
            };
            let Some(n) = n else {
                return err(
                    Span::new(base + start, base + i),
                    format!("`{t}` is not a number"),
                );
            };
            out.push((STok::Num(n), Span::new(base + start, base + i)));
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
                i += 1;
            }
            out.push((
                STok::Ident(s[start..i].to_string()),
                Span::new(base + start, base + i),
            ));
            continue;
        }
        let two = s.get(i..i + 2).unwrap_or("");
        let p: &'static str = match two {
            "==" => "==",
            "!=" => "!=",
            "<=" => "<=",
            ">=" => ">=",
            "&&" => "&&",
            "||" => "||",
            _ => match c {
                b'(' => "(",
                b')' => ")",
                b'[' => "[",
                b']' => "]",
                b'.' => ".",
                b',' => ",",
                b'!' => "!",
                b'<' => "<",
                b'>' => ">",
                b'*' => "*",
                _ => {
                    let ch = s[i..].chars().next().unwrap_or('?');
                    let at = Span::new(base + i, base + i + ch.len_utf8());
                    return err(
                        at,
                        match ch {
                            '"' => "unexpected `\"`: string literals use single quotes ('...')"
                                .to_string(),
                            '=' => "unexpected `=`: compare with `==`".to_string(),
                            '&' => "unexpected `&`: the and-operator is `&&`".to_string(),
                            '|' => "unexpected `|`: the or-operator is `||`".to_string(),
                            _ => format!("unexpected character `{ch}`"),
                        },
                    );
                }
            },
        };
        i += p.len();
        out.push((STok::Punct(p), Span::new(base + start, base + i)));
    }
    Ok(out)
}

struct SParser {
    toks: Vec<(STok, Span)>,
    i: usize,
    depth: usize,
    /// Where the body ends, for "unexpected end" errors.
    end: usize,
}

/// [`parse_spanned`], remembered per thread: several rules parse the same expressions of a
/// file (gha/invalid-expression and gha/obfuscation), and a second parse was 1.5%
/// of a check of real-world workflows. Keyed by the text itself, so a hit is always the
/// same parse; bounded (1,024 texts), so no thread holds much.
pub fn parse_spanned_shared(s: &str, base: usize) -> Rc<Result<Ex, ExprError>> {
    type Parses = Vec<(usize, Rc<Result<Ex, ExprError>>)>;
    thread_local! {
        static MEMO: RefCell<TextMemo<Parses>> = RefCell::new(TextMemo::new(1024));
    }
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(hit) = memo.get(s).and_then(|v| v.iter().find(|(b, _)| *b == base)) {
            return hit.1.clone();
        }
        let parsed = Rc::new(parse_spanned(s, base));
        match memo.get_mut(s) {
            Some(parses) => parses.push((base, parsed.clone())),
            None => memo.insert(s, vec![(base, parsed.clone())]),
        }
        parsed
    })
}

/// Parse an expression body (without the braces) whose first byte sits at `base`, keeping a
/// span on every node; a syntax error names the first offending token.
pub fn parse_spanned(s: &str, base: usize) -> Result<Ex, ExprError> {
    let toks = lex_spanned(s, base)?;
    let end = base + s.trim_end().len();
    if toks.is_empty() {
        return err(Span::new(base, base + s.len()), "empty expression");
    }
    let mut p = SParser {
        toks,
        i: 0,
        depth: 0,
        end,
    };
    let n = p.or()?;
    if let Some((t, sp)) = p.toks.get(p.i) {
        let what = match t {
            STok::Punct(x) => format!("`{x}`"),
            STok::Ident(x) => format!("`{x}`"),
            STok::Str(_) => "a string".to_string(),
            STok::Num(_) => "a number".to_string(),
        };
        return err(
            *sp,
            format!("unexpected {what} after a complete expression"),
        );
    }
    Ok(n)
}

impl SParser {
    fn peek(&self) -> Option<&STok> {
        self.toks.get(self.i).map(|t| &t.0)
    }
    fn eat(&mut self, p: &str) -> Option<Span> {
        match self.toks.get(self.i) {
            Some((STok::Punct(x), sp)) if *x == p => {
                let sp = *sp;
                self.i += 1;
                Some(sp)
            }
            _ => None,
        }
    }
    fn here(&self) -> Span {
        self.toks.get(self.i).map_or(Span::empty(self.end), |t| t.1)
    }
    fn unexpected<T>(&self, wanted: &str) -> Result<T, ExprError> {
        match self.toks.get(self.i) {
            None => err(
                Span::empty(self.end),
                format!("expression ends early: expected {wanted}"),
            ),
            Some((t, sp)) => {
                let what = match t {
                    STok::Punct(x) => format!("`{x}`"),
                    STok::Ident(x) => format!("`{x}`"),
                    STok::Str(_) => "a string".to_string(),
                    STok::Num(_) => "a number".to_string(),
                };
                err(*sp, format!("unexpected {what}: expected {wanted}"))
            }
        }
    }
    fn deeper(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > 64 {
            return err(self.here(), "expression nests deeper than 64 levels");
        }
        Ok(())
    }
    fn or(&mut self) -> Result<Ex, ExprError> {
        self.deeper()?;
        let mut l = self.and()?;
        while let Some(op) = self.eat("||") {
            let r = self.and()?;
            let span = l.span.cover(r.span);
            l = Ex {
                kind: ExKind::Binary(Box::new(l), "||", op, Box::new(r)),
                span,
            };
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and(&mut self) -> Result<Ex, ExprError> {
        let mut l = self.eq()?;
        while let Some(op) = self.eat("&&") {
            let r = self.eq()?;
            let span = l.span.cover(r.span);
            l = Ex {
                kind: ExKind::Binary(Box::new(l), "&&", op, Box::new(r)),
                span,
            };
        }
        Ok(l)
    }
    fn eq(&mut self) -> Result<Ex, ExprError> {
        let mut l = self.cmp()?;
        loop {
            let op = match self.peek() {
                Some(STok::Punct(p)) if matches!(*p, "==" | "!=") => *p,
                _ => return Ok(l),
            };
            let op_span = self.here();
            self.i += 1;
            let r = self.cmp()?;
            let span = l.span.cover(r.span);
            l = Ex {
                kind: ExKind::Binary(Box::new(l), op, op_span, Box::new(r)),
                span,
            };
        }
    }
    fn cmp(&mut self) -> Result<Ex, ExprError> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(STok::Punct(p)) if matches!(*p, "<" | "<=" | ">" | ">=") => *p,
                _ => return Ok(l),
            };
            let op_span = self.here();
            self.i += 1;
            let r = self.unary()?;
            let span = l.span.cover(r.span);
            l = Ex {
                kind: ExKind::Binary(Box::new(l), op, op_span, Box::new(r)),
                span,
            };
        }
    }
    fn unary(&mut self) -> Result<Ex, ExprError> {
        if let Some(bang) = self.eat("!") {
            self.deeper()?;
            let n = self.unary()?;
            self.depth -= 1;
            let span = bang.cover(n.span);
            return Ok(Ex {
                kind: ExKind::Not(Box::new(n)),
                span,
            });
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Ex, ExprError> {
        let Some((tok, span)) = self.toks.get(self.i).cloned() else {
            return self.unexpected("a value");
        };
        let base = match tok {
            STok::Str(s) => {
                self.i += 1;
                Ex {
                    kind: ExKind::Str(s),
                    span,
                }
            }
            STok::Num(n) => {
                self.i += 1;
                Ex {
                    kind: ExKind::Number(n),
                    span,
                }
            }
            STok::Punct("(") => {
                self.i += 1;
                let inner = self.or()?;
                let Some(close) = self.eat(")") else {
                    return self.unexpected("`)`");
                };
                Ex {
                    kind: inner.kind,
                    span: span.cover(close),
                }
            }
            STok::Punct(_) => return self.unexpected("a value"),
            STok::Ident(name) => {
                self.i += 1;
                if self.eat("(").is_some() {
                    let mut args = Vec::new();
                    let close = if let Some(c) = self.eat(")") {
                        c
                    } else {
                        loop {
                            args.push(self.or()?);
                            if let Some(c) = self.eat(")") {
                                break c;
                            }
                            if self.eat(",").is_none() {
                                return self.unexpected("`,` or `)`");
                            }
                        }
                    };
                    Ex {
                        kind: ExKind::Call {
                            name,
                            name_span: span,
                            args,
                        },
                        span: span.cover(close),
                    }
                } else {
                    let kind = match name.as_str() {
                        "true" => ExKind::Bool(true),
                        "false" => ExKind::Bool(false),
                        "null" => ExKind::Null,
                        "NaN" => ExKind::Number(f64::NAN),
                        "Infinity" => ExKind::Number(f64::INFINITY),
                        _ => ExKind::Var(name),
                    };
                    Ex { kind, span }
                }
            }
        };
        self.postfix(base)
    }
    fn postfix(&mut self, mut node: Ex) -> Result<Ex, ExprError> {
        let mut steps = 0usize;
        loop {
            steps += 1;
            if steps > 256 {
                return err(self.here(), "property chain longer than 256 steps");
            }
            if self.eat(".").is_some() {
                let Some((tok, s)) = self.toks.get(self.i).cloned() else {
                    return self.unexpected("a property name after `.`");
                };
                match tok {
                    STok::Ident(x) => {
                        self.i += 1;
                        let span = node.span.cover(s);
                        node = Ex {
                            kind: ExKind::Prop(Box::new(node), x, s),
                            span,
                        };
                    }
                    STok::Punct("*") => {
                        self.i += 1;
                        let span = node.span.cover(s);
                        node = Ex {
                            kind: ExKind::Filter(Box::new(node)),
                            span,
                        };
                    }
                    _ => return self.unexpected("a property name after `.`"),
                }
            } else if self.eat("[").is_some() {
                if self.eat("*").is_some() {
                    let Some(close) = self.eat("]") else {
                        return self.unexpected("`]`");
                    };
                    let span = node.span.cover(close);
                    node = Ex {
                        kind: ExKind::Filter(Box::new(node)),
                        span,
                    };
                    continue;
                }
                self.deeper()?;
                let index = self.or()?;
                self.depth -= 1;
                let Some(close) = self.eat("]") else {
                    return self.unexpected("`]`");
                };
                let span = node.span.cover(close);
                node = Ex {
                    kind: ExKind::Index(Box::new(node), Box::new(index)),
                    span,
                };
            } else {
                return Ok(node);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(s: &str) -> Vec<String> {
        find(s)
            .iter()
            .flat_map(|e| {
                e.contexts()
                    .into_iter()
                    .map(|c| c.path.clone())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// A remembered answer is the one a fresh search gives: `find` depends on its text alone.
    #[test]
    fn remembered_finds_equal_fresh_ones() {
        let texts = [
            "${{ github.event.issue.title }}",
            "a ${{ x && 'y' || z }} b ${{ ",
            "no expression",
            "${{ fromJSON(needs.a.outputs.m) }}${{ matrix.os }}",
        ];
        let shape = |found: &[Expression]| -> Vec<(Span, Span, Option<Node>)> {
            found
                .iter()
                .map(|e| (e.span, e.body, e.tree.clone()))
                .collect()
        };
        for t in texts {
            let first = shape(&find(t));
            let again = shape(&find(t));
            assert_eq!(first, again, "{t}");
            let fresh: Vec<(Span, Span, Option<Node>)> = locate(t)
                .into_iter()
                .map(|(span, body, closed)| {
                    let tree = closed.then(|| parse(body.text(t), body.start)).flatten();
                    (span, body, tree)
                })
                .collect();
            assert_eq!(first, fresh, "{t}");
        }
    }

    #[test]
    fn finds_expressions_with_ranges() {
        let s = "echo ${{ github.event.issue.title }} and ${{ 'a}}b' }} end";
        let es = find(s);
        assert_eq!(es.len(), 2);
        assert_eq!(es[0].span.text(s), "${{ github.event.issue.title }}");
        assert_eq!(es[1].span.text(s), "${{ 'a}}b' }}");
        assert_eq!(es[1].tree, Some(Node::Str("a}}b".into())));
        let c = &es[0].contexts()[0];
        assert_eq!(c.span.text(s), "github.event.issue.title");
    }

    #[test]
    fn string_escapes_and_calls() {
        let s = "${{ format('it''s {0}', github.event.pull_request.title) }}";
        let e = &find(s)[0];
        match &e.tree {
            Some(Node::Call { name, args }) => {
                assert_eq!(name, "format");
                assert_eq!(args[0], Node::Str("it's {0}".into()));
            }
            t => panic!("{t:?}"),
        }
        assert_eq!(e.expanded()[0].path, "github.event.pull_request.title");
    }

    #[test]
    fn index_and_filters() {
        assert_eq!(
            paths("${{ github.event['pull_request'].head.ref }}"),
            vec!["github.event.pull_request.head.ref"]
        );
        assert_eq!(
            paths("${{ toJSON(github.event.commits.*.message) }}"),
            vec!["github.event.commits.*.message"]
        );
        assert_eq!(
            paths("${{ matrix[steps.x.outputs.k] }}"),
            vec!["matrix.*", "steps.x.outputs.k"]
        );
        assert!(path_matches(
            "github.event.commits.*.message",
            "github.event.commits.*.message"
        ));
        assert!(path_matches(
            "github.event.commits.0.message",
            "github.event.commits.*.message"
        ));
    }

    #[test]
    fn segments_are_those_of_split() {
        for s in [
            "",
            ".",
            "a",
            "a.b",
            "a..b",
            ".a",
            "a.",
            "github.event.*.x",
            "é.ü",
        ] {
            assert_eq!(
                Segments(Some(s)).collect::<Vec<_>>(),
                s.split('.').collect::<Vec<_>>(),
                "{s:?}"
            );
        }
        assert!(path_matches("inputs.x.y", "inputs.**"));
        assert!(!path_matches("inputs", "inputs.*"));
        assert!(path_matches("GitHub.Event.x", "github.event.*"));
    }

    #[test]
    fn predicates_do_not_expand() {
        let e =
            &find("${{ contains(github.event.issue.title, 'x') && 'yes' || github.head_ref }}")[0];
        let x: Vec<_> = e.expanded().iter().map(|c| c.path.clone()).collect();
        assert_eq!(x, vec!["github.head_ref"]);
        assert_eq!(e.contexts().len(), 2);
        let e = &find("${{ !startsWith(github.ref, 'refs/tags/') && github.sha == 'x' }}")[0];
        assert!(e.expanded().is_empty());
    }

    #[test]
    fn bad_input_does_not_panic() {
        for s in [
            "${{",
            "${{ 'unterminated }}",
            "${{ a.( }}",
            "${{ ((((( }}",
            "${{ }}",
            "${{ a[ }}",
            "${{ 0x }} ${{ é }}",
        ] {
            let _ = find(s);
        }
        let deep = format!("${{{{ {} }}}}", "(".repeat(10_000));
        assert!(find(&deep)[0].tree.is_none());
        let nots = format!("${{{{ {}a }}}}", "!".repeat(10_000));
        assert!(find(&nots)[0].tree.is_none());
    }

    #[test]
    fn shared_parses_answer_as_a_fresh_parse() {
        let bodies = [
            "a.b == 'x'",
            "f(a, ",
            "github.event.issue.title",
            "a b",
            "  ",
        ];
        // twice each (the second from memory), at two bases, and again after the memory
        // has been filled and emptied by thousands of other texts
        for round in 0..2 {
            for body in bodies {
                for base in [0, 7] {
                    assert_eq!(
                        *parse_spanned_shared(body, base),
                        parse_spanned(body, base),
                        "{body} at {base}"
                    );
                }
            }
            if round == 0 {
                for i in 0..5000 {
                    let _ = parse_spanned_shared(&format!("x{i} == {i}"), 0);
                }
            }
        }
    }

    #[test]
    fn spanned_parse_and_errors() {
        let body = "github.event['issue'].title == 'x' && contains(steps.a.outputs.b, 'y')";
        let e = parse_spanned(body, 10).unwrap();
        let ExKind::Binary(l, "&&", op, r) = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(op.start - 10, body.find("&&").unwrap());
        let ExKind::Binary(ll, "==", _, _) = &l.kind else {
            panic!()
        };
        let ExKind::Prop(_, name, nspan) = &ll.kind else {
            panic!()
        };
        assert_eq!(name, "title");
        assert_eq!(
            Span::new(nspan.start - 10, nspan.end - 10).text(body),
            "title"
        );
        let ExKind::Call { name, args, .. } = &r.kind else {
            panic!()
        };
        assert_eq!(name, "contains");
        assert_eq!(args.len(), 2);
        let e = parse_spanned("a.b == \"x\"", 0).unwrap_err();
        assert_eq!(e.span, Span::new(7, 8));
        assert!(e.message.contains("single quotes"));
        let e = parse_spanned("a = 'x'", 0).unwrap_err();
        assert_eq!(e.span, Span::new(2, 3));
        let e = parse_spanned("f(a, ", 0).unwrap_err();
        assert!(e.message.contains("ends early"), "{e:?}");
        let e = parse_spanned("a b", 0).unwrap_err();
        assert_eq!(e.span, Span::new(2, 3));
        assert!(parse_spanned("x.*.y[*].z && !(-1.5e3 < 0x1f)", 0).is_ok());
        assert!(parse_spanned(&"(".repeat(1000), 0).is_err());
        assert!(parse_spanned(&"!".repeat(1000), 0).is_err());
        assert!(parse_spanned("   ", 0).is_err());
    }

    #[test]
    fn locate_finds_bodies() {
        let s = "a ${{ x }} b ${{ 'y}}' }} ${{ open";
        let l = locate(s);
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].1.text(s), " x ");
        assert_eq!(l[1].1.text(s), " 'y}}' ");
        assert!(!l[2].2);
    }
}
