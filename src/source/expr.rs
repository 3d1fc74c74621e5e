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

use super::Span;

/// A context path and where it is written, relative to the scanned string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextRef {
    /// Lowercase, dot-separated; literal indexes folded in (`github.event['issue']` ->
    /// `github.event.issue`), `*` for filters and computed indexes.
    pub path: String,
    pub span: Span,
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
    let mut p = path.split('.');
    let mut q = pattern.split('.');
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

/// Every `${{ ... }}` in `s`, in order.
pub fn find(s: &str) -> Vec<Expression> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(k) = s.get(i..).and_then(|r| r.find("${{")) {
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
        let body = Span::new(body_start.min(body_end), body_end);
        let tree = end.and_then(|_| parse(s.get(body.start..body.end).unwrap_or(""), body.start));
        out.push(Expression {
            span: Span::new(start, span_end),
            body,
            tree,
        });
        i = span_end.max(start + 3);
    }
    out
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
}
