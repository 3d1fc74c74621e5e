//! A fast loader for the YAML most DevOps files are written in, straight from bytes to the
//! node arena: block mappings and sequences, plain scalars (over lines too), one-line quoted
//! scalars, literal and folded block scalars, one-line flow sequences and mappings of
//! scalars, comments and `---` between documents.
//!
//! It gives the tree saphyr's path gives, node for node and span for span, or declines:
//! anything else (anchors, aliases, tags, multi-line quoted scalars, nested or multi-line flow
//! collections, explicit keys, directives, tabs outside scalars, carriage returns, control
//! characters, a syntax error) returns `None` and the file is loaded by saphyr from the
//! start. Declining is always safe; accepting is tested against saphyr on the YAML test
//! suite, every fixture and generated documents (`tests/yaml_suite.rs`).
//!
//! Why: saphyr moves every token through a queue and an event, counts characters and
//! copies each scalar twice; this loader reads each byte about once. On 1,080 real-world
//! workflows, loading every file took 389M instructions through saphyr and takes 137M now
//! (callgrind): 1,062 files are read directly, and 18 (multi-line flow sequences, anchors,
//! indentation indicators) are declined to saphyr. Of the 8,548 YAML files of the
//! real-world corpus, 7,616 are read directly (`examples/yaml-direct-check.rs`).

use super::{Kids, MAX_DEPTH, NodeId, NodeKind, Str, Style, YamlFile};
use crate::source::Span;

/// Longest key read here (YAML limits an implicit key to 1,024 characters; saphyr judges
/// the longer ones).
const MAX_KEY: usize = 1000;

/// Where the next token is: the first character of the next line holding content, past
/// blank and comment lines, or the end of the text.
#[derive(Clone, Copy)]
struct Next {
    pos: usize,
    col: usize,
    eof: bool,
}

/// Declining: `None` all the way up.
type R<T> = Option<T>;

struct Loader<'a> {
    text: &'a str,
    b: &'a [u8],
    file: YamlFile,
    depth: usize,
    /// A block scalar's lines, kept for the next one.
    lines: Vec<(usize, usize)>,
    /// The items and entries of the collections being read, innermost last: a collection's
    /// are moved to the file when it ends.
    items: Vec<u32>,
    entries: Vec<[u32; 2]>,
}

/// Load `text`, or `None` when it holds anything this loader does not read.
pub(super) fn parse(text: &str) -> Option<YamlFile> {
    if !plain_bytes(text.as_bytes()) {
        return None;
    }
    let mut file = YamlFile::default();
    // about one node per 20 bytes of workflow or manifest text
    file.nodes.reserve(text.len() / 20);
    let mut l = Loader {
        text,
        b: text.as_bytes(),
        file,
        depth: 0,
        lines: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
    };
    l.stream()?;
    Some(l.file)
}

/// No carriage return, control character, DEL, byte order mark or C1 control (saphyr
/// refuses some and treats others as breaks).
fn plain_bytes(b: &[u8]) -> bool {
    // 64-byte blocks without a branch per byte, so the test compiles to vector compares
    let bad = |c: u8| (c < 0x20 && c != b'\n' && c != b'\t') | (c == 0x7f);
    let mut blocks = b.chunks_exact(64);
    for block in &mut blocks {
        if block.iter().fold(false, |acc, &c| acc | bad(c)) {
            return false;
        }
    }
    if blocks.remainder().iter().any(|&c| bad(c)) {
        return false;
    }
    if b.is_ascii() {
        return true;
    }
    // U+0080..U+009F are C2 80..C2 9F; U+FEFF is EF BB BF
    !b.windows(2)
        .any(|w| (w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1])) || (w[0] == 0xef && w[1] == 0xbb))
}

fn is_break_or_end(b: &[u8], i: usize) -> bool {
    matches!(b.get(i), None | Some(b'\n'))
}

fn is_blank_or_end(b: &[u8], i: usize) -> bool {
    matches!(b.get(i), None | Some(b'\n' | b' '))
}

impl<'a> Loader<'a> {
    fn push(&mut self, kind: NodeKind, span: Span) -> NodeId {
        self.file.push(kind, span, None)
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn line_end(&self, from: usize) -> usize {
        match memchr::memchr(b'\n', &self.b[from..]) {
            Some(i) => from + i,
            None => self.b.len(),
        }
    }

    /// From `pos` (inside a line whose content is read), the rest of the line must be blank
    /// or a comment after a blank; then the next token.
    fn after_value(&self, pos: usize) -> R<Next> {
        let i = self.skip_spaces(pos);
        match self.b.get(i) {
            None => Some(self.next_token(i)),
            Some(b'\n') => Some(self.next_token(i + 1)),
            // a comment needs a blank before it
            Some(b'#') if i > pos => {
                let e = self.line_end(i);
                Some(self.next_token((e + 1).min(self.b.len())))
            }
            _ => None,
        }
    }

    /// The next token from the start of a line: past blank and comment lines. A tab in a
    /// line's indentation is returned as its content, which every reader declines.
    fn next_token(&self, mut line: usize) -> Next {
        let b = self.b;
        loop {
            if line >= b.len() {
                return Next {
                    pos: b.len(),
                    col: 0,
                    eof: true,
                };
            }
            let mut i = line;
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            match b.get(i) {
                None => {
                    return Next {
                        pos: b.len(),
                        col: 0,
                        eof: true,
                    };
                }
                Some(b'\n') => line = i + 1,
                Some(b'#') => {
                    let e = self.line_end(i);
                    line = e + 1;
                }
                _ => {
                    return Next {
                        pos: i,
                        col: i - line,
                        eof: false,
                    };
                }
            }
        }
    }

    /// A `---` or `...` marker at the start of a line.
    fn is_marker(&self, n: Next) -> bool {
        n.col == 0 && !n.eof && self.marker_at(n.pos)
    }

    /// A `---` or `...` marker at `pos`, a line's start.
    fn marker_at(&self, pos: usize) -> bool {
        (self.b[pos..].starts_with(b"---") || self.b[pos..].starts_with(b"..."))
            && is_blank_or_end(self.b, pos + 3)
    }

    /// The end of a collection that closes at `next`: saphyr's end mark is the next token,
    /// and the collection's span is trimmed of the blank text before it.
    fn close_at(&self, next: Next) -> usize {
        let mut e = next.pos;
        while e > 0 && matches!(self.b[e - 1], b' ' | b'\n' | b'\t') {
            e -= 1;
        }
        e
    }

    fn stream(&mut self) -> R<()> {
        let mut n = self.next_token(0);
        let mut first = true;
        loop {
            if n.eof {
                return Some(());
            }
            if self.is_marker(n) {
                // `---` starts a document; `...` and anything after `---` on its line are
                // left to saphyr
                if self.b[n.pos] != b'-' {
                    return None;
                }
                n = self.after_value(n.pos + 3)?;
                if n.eof || self.is_marker(n) {
                    return None; // an empty document
                }
            } else if !first {
                return None;
            }
            first = false;
            let (root, next) = self.block_node(n, -1)?;
            self.file.docs.push(root);
            n = next;
            if !n.eof && !self.is_marker(n) {
                return None;
            }
        }
    }

    /// A node whose content starts at `n`, inside a parent at column `parent` (-1 for a
    /// document's root).
    fn block_node(&mut self, n: Next, parent: isize) -> R<(NodeId, Next)> {
        let b = self.b;
        let c = b[n.pos];
        if c == b'-' && is_blank_or_end(b, n.pos + 1) {
            return self.block_seq(n, false);
        }
        if let Some(key) = self.key_at(n.pos) {
            return self.block_map(n, key);
        }
        if parent < 0 {
            return None; // a scalar document
        }
        self.inline_value(n.pos, parent as usize)
    }

    /// Whether a key starts at `pos`: its scalar and the position of its `:`.
    fn key_at(&self, pos: usize) -> Option<(Scan, usize)> {
        let b = self.b;
        match b[pos] {
            b'"' | b'\'' => {
                let s = self.quoted(pos)?;
                let colon = s.end;
                (self.at(colon) == b':' && is_blank_or_end(b, colon + 1)).then_some((s, colon))
            }
            _ => {
                let s = self.plain(pos, false, None)?;
                (s.stop == Stop::Colon).then(|| {
                    let colon = s.stop_at;
                    (s, colon)
                })
            }
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        (self.depth < MAX_DEPTH).then_some(())
    }

    /// A block mapping whose first key, already read, starts at `first`.
    fn block_map(&mut self, first: Next, first_key: (Scan, usize)) -> R<(NodeId, Next)> {
        self.enter()?;
        let indent = first.col;
        let id = self.push(NodeKind::Seq(Kids::NONE), Span::new(first.pos, first.pos));
        let base = self.entries.len();
        let mut n = first;
        let mut read = Some(first_key);
        loop {
            let (key, colon) = match read.take() {
                Some(k) => k,
                None => self.key_at(n.pos)?,
            };
            if key.span.len() > MAX_KEY {
                return None;
            }
            let k = self.scalar_node(key);
            // the value: on this line, or below
            let v = self.skip_spaces(colon + 1);
            let (value, next) = if is_break_or_end(self.b, v) || self.at(v) == b'#' {
                let below = self.after_value(colon + 1)?;
                if !below.eof && below.col > indent {
                    self.block_node(below, indent as isize)?
                } else if !below.eof
                    && below.col == indent
                    && self.b[below.pos] == b'-'
                    && is_blank_or_end(self.b, below.pos + 1)
                {
                    self.block_seq(below, true)?
                } else {
                    let e = self.push(empty_scalar(), Span::new(colon, colon));
                    (e, below)
                }
            } else {
                self.inline_value(v, indent)?
            };
            self.entries.push([k as u32, value as u32]);
            n = next;
            if n.eof || n.col < indent || self.is_marker(n) {
                break;
            }
            if n.col > indent {
                return None;
            }
        }
        let end = self.close_at(n);
        self.file.nodes[id].set_span(Span::new(first.pos, end.max(first.pos)));
        self.file.nodes[id].kind = self.take_entries(base);
        self.depth -= 1;
        Some((id, n))
    }

    /// A block sequence whose first `-` is at `first`; `indentless` when it is a mapping's
    /// value at the mapping's own column (its span then starts at the first item).
    fn block_seq(&mut self, first: Next, indentless: bool) -> R<(NodeId, Next)> {
        self.enter()?;
        let indent = first.col;
        let id = self.push(NodeKind::Seq(Kids::NONE), Span::new(first.pos, first.pos));
        let base = self.items.len();
        let mut n = first;
        let mut start = first.pos;
        loop {
            let dash = n.pos;
            let v = self.skip_spaces(dash + 1);
            let (item, next) = if is_break_or_end(self.b, v) || self.at(v) == b'#' {
                if indentless && self.items.len() == base {
                    return None; // saphyr starts such a sequence past the dash
                }
                let below = self.after_value(dash + 1)?;
                if below.eof || below.col <= indent {
                    return None; // an empty item: saphyr's span for it depends on context
                }
                self.block_node(below, indent as isize)?
            } else {
                let inner = Next {
                    pos: v,
                    col: n.col + (v - dash),
                    eof: false,
                };
                if self.b[v] == b'-' && is_blank_or_end(self.b, v + 1) {
                    self.block_seq(inner, false)?
                } else if let Some(key) = self.key_at(v) {
                    self.block_map(inner, key)?
                } else {
                    self.inline_value(v, indent)?
                }
            };
            if indentless && self.items.len() == base {
                start = v; // the first item's token: a block scalar's indicator, say
            }
            self.items.push(item as u32);
            n = next;
            if n.eof || n.col < indent || self.is_marker(n) {
                break;
            }
            if n.col > indent {
                return None;
            }
            if !(self.b[n.pos] == b'-' && is_blank_or_end(self.b, n.pos + 1)) {
                if indentless {
                    break;
                }
                return None;
            }
        }
        let end = self.close_at(n);
        let kind = self.take_items(base);
        let node = &mut self.file.nodes[id];
        node.set_span(Span::new(start, end.max(start)));
        node.kind = kind;
        self.depth -= 1;
        Some((id, n))
    }

    /// A value that starts on its parent's line at `pos` (the parent at column `parent`):
    /// a scalar, a block scalar or a one-line flow collection. The rest of the line must
    /// be blank or a comment, and no line below may continue it.
    fn inline_value(&mut self, pos: usize, parent: usize) -> R<(NodeId, Next)> {
        let (id, next) = match self.b[pos] {
            b'|' | b'>' => return self.block_scalar(pos, parent),
            b'[' => self.flow_seq(pos)?,
            b'{' => self.flow_map(pos)?,
            q => {
                let s = match q {
                    b'"' | b'\'' => self.quoted(pos)?,
                    _ => self.plain(pos, false, Some(parent))?,
                };
                if s.stop == Stop::Colon {
                    return None; // `a: b: c`, which saphyr refuses
                }
                let end = s.end;
                let id = self.scalar_node(s);
                (id, self.after_value(end)?)
            }
        };
        if !next.eof && next.col > parent && !self.is_marker(next) {
            return None; // a continuation line, or an error saphyr words
        }
        Some((id, next))
    }

    /// The sequence whose items were read from `base` on: they move to the file.
    fn take_items(&mut self, base: usize) -> NodeKind {
        let kids = self.file.add_items(&self.items[base..]);
        self.items.truncate(base);
        NodeKind::Seq(kids)
    }

    /// The mapping whose entries were read from `base` on: they move to the file, its
    /// duplicate keys reported.
    fn take_entries(&mut self, base: usize) -> NodeKind {
        let plain = self.file.check_duplicates(&self.entries[base..]);
        let kids = self.file.add_entries(&self.entries[base..]);
        self.entries.truncate(base);
        NodeKind::Map(kids, plain)
    }

    fn scalar_node(&mut self, s: Scan) -> NodeId {
        let value = match &s.value {
            Some(v) => self.file.add_str(v),
            None => self.file.add_str(&self.text[s.span.start..s.span.end]),
        };
        self.push(
            NodeKind::Scalar {
                value,
                style: s.style,
            },
            s.span,
        )
    }

    /// A plain scalar on one line from `pos`. In a flow collection it also stops at `,`,
    /// `]` and `}`, and declines a `:`.
    fn plain(&self, pos: usize, flow: bool, cont: Option<usize>) -> R<Scan> {
        let b = self.b;
        let c = b[pos];
        match c {
            b'-' | b'?' | b':' => {
                // an indicator unless a non-blank follows
                let next = self.at(pos + 1);
                if matches!(next, 0 | b' ' | b'\n' | b'\t')
                    || (flow && matches!(next, b',' | b'[' | b']' | b'{' | b'}'))
                {
                    return None;
                }
            }
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b' ' | b'\t' | b'\n' => return None,
            _ => {}
        }
        let (end, i, stop) = self.plain_line(pos, flow)?;
        if end == pos {
            return None;
        }
        let mut scan = Scan {
            span: Span::new(pos, end),
            end,
            stop,
            stop_at: i,
            value: None,
            style: Style::Plain,
        };
        if let Some(parent) = cont
            && stop == Stop::Line
            && is_break_or_end(b, i)
        {
            self.continue_plain(&mut scan, i, parent)?;
        }
        Some(scan)
    }

    /// One line of a plain scalar from `from`: where its text ends (past the last
    /// non-blank), where reading stopped and why: the line's end or a comment, or a `:` and
    /// a blank. In a flow collection `,`, `[`, `]`, `{` and `}` stop it too, and any other
    /// `:` declines. A tab declines.
    fn plain_line(&self, from: usize, flow: bool) -> R<(usize, usize, Stop)> {
        let b = self.b;
        let mut i = from;
        let mut end = from;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Some((end, i, Stop::Line)),
                Some(b'\t') => return None,
                Some(b' ') if self.at(i + 1) == b'#' => return Some((end, i, Stop::Line)),
                Some(b' ') => {}
                Some(b':') => {
                    if matches!(self.at(i + 1), 0 | b' ' | b'\n' | b'\t') {
                        return Some((end, i, Stop::Colon));
                    }
                    if flow {
                        return None;
                    }
                    end = i + 1;
                }
                Some(b',' | b'[' | b']' | b'{' | b'}') if flow => {
                    return Some((end, i, Stop::Flow));
                }
                Some(_) => end = i + 1,
            }
            i += 1;
        }
    }

    /// A plain scalar's next lines: those indented past `parent`, up to a comment line or a
    /// line at or left of `parent`. Each line is trimmed; a line break between two lines
    /// reads as a space, and `k` blank lines between them as `k` line breaks.
    fn continue_plain(&self, scan: &mut Scan, mut eol: usize, parent: usize) -> R<()> {
        let b = self.b;
        let mut value: Option<String> = None;
        let mut blank = 0usize;
        while eol < b.len() {
            let line = eol + 1;
            let mut s = line;
            while s < b.len() && b[s] == b' ' {
                s += 1;
            }
            match b.get(s) {
                None => break,
                Some(b'\n') => {
                    blank += 1;
                    eol = s;
                    continue;
                }
                Some(b'#' | b'\t') => break,
                _ => {}
            }
            if s - line <= parent {
                break;
            }
            if s == line && self.marker_at(s) {
                break;
            }
            // one more line: read as a first line is, without the indicator test; a key
            // here (`: `) is an error saphyr words
            let (end, i, stop) = self.plain_line(s, false)?;
            if stop == Stop::Colon {
                return None;
            }
            let comment = !is_break_or_end(b, i);
            let v =
                value.get_or_insert_with(|| self.text[scan.span.start..scan.span.end].to_string());
            if blank == 0 {
                v.push(' ');
            } else {
                for _ in 0..blank {
                    v.push('\n');
                }
            }
            blank = 0;
            v.push_str(&self.text[s..end]);
            scan.span = Span::new(scan.span.start, end);
            scan.end = end;
            scan.stop_at = i;
            if comment {
                break;
            }
            eol = i;
        }
        if value.is_some() {
            scan.value = value;
        }
        Some(())
    }

    /// A quoted scalar that closes on its own line. Its span runs past the closing quote
    /// over blanks and a comment, as saphyr's does.
    fn quoted(&self, pos: usize) -> R<Scan> {
        let b = self.b;
        let q = b[pos];
        let mut i = pos + 1;
        let mut value: Option<String> = None;
        let mut run = i; // start of the text not yet copied into `value`
        loop {
            match b.get(i) {
                None | Some(b'\n') => return None,
                Some(&c) if c == q => {
                    if q == b'\'' && self.at(i + 1) == b'\'' {
                        let v = value.get_or_insert_with(String::new);
                        v.push_str(&self.text[run..=i]);
                        i += 2;
                        run = i;
                        continue;
                    }
                    break;
                }
                Some(b'\\') if q == b'"' => {
                    let v = value.get_or_insert_with(String::new);
                    v.push_str(&self.text[run..i]);
                    let (ch, len) = escape(&b[i + 1..])?;
                    v.push(ch);
                    i += 1 + len;
                    run = i;
                    continue;
                }
                Some(_) => {}
            }
            i += 1;
        }
        let close = i + 1;
        let value = match value {
            Some(mut v) => {
                v.push_str(&self.text[run..i]);
                v
            }
            None => self.text[pos + 1..i].to_string(),
        };
        // saphyr skips blanks and a comment after the closing quote, into the token
        let mut e = close;
        while matches!(self.at(e), b' ' | b'\t') {
            e += 1;
        }
        if self.at(e) == b'#' {
            if e == close {
                return None;
            }
            e = self.line_end(e);
        }
        if self.b[close..e].contains(&b'\t') {
            return None;
        }
        Some(Scan {
            span: Span::new(pos, e),
            end: e,
            stop: Stop::Line,
            stop_at: e,
            value: Some(value),
            style: if q == b'"' {
                Style::DoubleQuoted
            } else {
                Style::SingleQuoted
            },
        })
    }

    /// `[a, "b", c]` on one line, scalars only.
    fn flow_seq(&mut self, pos: usize) -> R<(NodeId, Next)> {
        let id = self.push(NodeKind::Seq(Kids::NONE), Span::new(pos, pos));
        let base = self.items.len();
        let mut i = self.skip_spaces(pos + 1);
        while self.at(i) != b']' {
            let s = self.flow_scalar(i)?;
            if s.stop == Stop::Colon {
                return None; // a pair inside the sequence
            }
            let after = s.end;
            let item = self.scalar_node(s);
            self.items.push(item as u32);
            match self.flow_next(after, b']')? {
                Sep::More(next) => i = next,
                Sep::Close(close) => {
                    i = close;
                    break;
                }
            }
        }
        let end = self.flow_end(i)?;
        let kind = self.take_items(base);
        let node = &mut self.file.nodes[id];
        node.set_span(Span::new(pos, end));
        node.kind = kind;
        Some((id, self.after_value(end)?))
    }

    /// `{}` and `{a: b, c: "d"}` on one line, scalars only.
    fn flow_map(&mut self, pos: usize) -> R<(NodeId, Next)> {
        let id = self.push(NodeKind::Seq(Kids::NONE), Span::new(pos, pos));
        let base = self.entries.len();
        let mut i = self.skip_spaces(pos + 1);
        while self.at(i) != b'}' {
            let key = self.flow_scalar(i)?;
            let colon = key.stop_at;
            if key.stop == Stop::Flow || self.at(colon) != b':' || self.at(colon + 1) != b' ' {
                return None;
            }
            let k = self.scalar_node(key);
            let value = self.flow_scalar(self.skip_spaces(colon + 1))?;
            if value.stop == Stop::Colon {
                return None;
            }
            let after = value.end;
            let v = self.scalar_node(value);
            self.entries.push([k as u32, v as u32]);
            match self.flow_next(after, b'}')? {
                Sep::More(next) => i = next,
                Sep::Close(close) => {
                    i = close;
                    break;
                }
            }
        }
        let end = self.flow_end(i)?;
        self.file.nodes[id].set_span(Span::new(pos, end));
        self.file.nodes[id].kind = self.take_entries(base);
        Some((id, self.after_value(end)?))
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while self.at(i) == b' ' {
            i += 1;
        }
        i
    }

    /// A quoted or plain scalar inside a flow collection; declines one whose token holds a
    /// `#` (a comment inside the collection, or one saphyr would read as such).
    fn flow_scalar(&self, i: usize) -> R<Scan> {
        let s = match self.at(i) {
            b'"' | b'\'' => self.quoted(i)?,
            _ => self.plain(i, true, None)?,
        };
        (!self.text[s.span.start..s.end].contains('#')).then_some(s)
    }

    /// After a flow collection's item, ending at `i`: a comma and the next item's start, or
    /// the closing bracket `close`. Declines a trailing comma (saphyr's span then stops
    /// short of the bracket) and anything else.
    fn flow_next(&self, i: usize, close: u8) -> R<Sep> {
        let i = self.skip_spaces(i);
        match self.at(i) {
            b',' => {
                let next = self.skip_spaces(i + 1);
                (self.at(next) != close).then_some(Sep::More(next))
            }
            c if c == close => Some(Sep::Close(i)),
            _ => None,
        }
    }

    /// A flow collection's end: past its closing bracket at `close`, over blanks and a
    /// comment (saphyr's token), then trimmed of blanks.
    fn flow_end(&self, close: usize) -> R<usize> {
        let mut e = self.skip_spaces(close + 1);
        match self.b.get(e) {
            None | Some(b'\n') => {}
            Some(b'#') if e > close + 1 => e = self.line_end(e),
            _ => return None,
        }
        while e > close + 1 && self.b[e - 1] == b' ' {
            e -= 1;
        }
        Some(e)
    }

    /// `|` or `>` at `pos`, with `-` or `+`; its lines indented past `parent`.
    fn block_scalar(&mut self, pos: usize, parent: usize) -> R<(NodeId, Next)> {
        let b = self.b;
        let literal = b[pos] == b'|';
        let mut i = pos + 1;
        let chomp = match self.at(i) {
            b'-' => {
                i += 1;
                Chomp::Strip
            }
            b'+' => {
                i += 1;
                Chomp::Keep
            }
            _ => Chomp::Clip,
        };
        if self.at(i).is_ascii_digit() || matches!(self.at(i), b'-' | b'+') {
            return None;
        }
        // the header's rest: blanks and a comment
        let mut h = self.skip_spaces(i);
        match self.b.get(h) {
            None => return None,
            Some(b'\n') => {}
            Some(b'#') if h > i => h = self.line_end(h),
            _ => return None,
        }
        if h >= b.len() {
            return None;
        }
        let body = h + 1;
        // lines: (content start, line end) of each line that belongs to the scalar; the
        // indentation is the first non-empty line's
        let mut indent = 0usize;
        let mut leading_max = 0usize;
        let mut lines = std::mem::take(&mut self.lines);
        lines.clear();
        let mut line = body;
        let stop_line;
        loop {
            if line >= b.len() {
                stop_line = b.len();
                break;
            }
            let mut s = line;
            while s < b.len() && b[s] == b' ' {
                s += 1;
            }
            let spaces = s - line;
            let e = self.line_end(line);
            if s == e {
                // a line of spaces only: empty, or in a literal scalar the spaces past the
                // indentation are its text
                if indent == 0 {
                    leading_max = leading_max.max(spaces);
                    lines.push((e, e));
                } else if spaces > indent {
                    if !literal {
                        return None;
                    }
                    lines.push((line + indent, e));
                } else {
                    lines.push((e, e));
                }
            } else {
                if indent == 0 {
                    if spaces <= parent || spaces < leading_max {
                        return None;
                    }
                    indent = spaces;
                }
                if spaces < indent {
                    if b[s] == b'\t' {
                        return None;
                    }
                    stop_line = line;
                    break;
                }
                lines.push((line + indent, e));
            }
            if e >= b.len() {
                stop_line = b.len();
                break;
            }
            line = e + 1;
        }
        if indent == 0 {
            return None; // no content line
        }
        let first = lines.iter().position(|&(s, e)| s < e)?;
        let last = lines.iter().rposition(|&(s, e)| s < e)?;
        if chomp == Chomp::Keep && lines[last..].len() > 1 {
            return None;
        }
        let mut value = String::with_capacity(lines[last].1 - lines[first].0);
        for _ in 0..first {
            value.push('\n');
        }
        // folding: a break between two lines of text reads as a space, and k blank lines
        // between them as k breaks; a more-indented line (starting with a blank) keeps the
        // breaks around it. A literal scalar keeps every break.
        let more = |s: usize| matches!(b[s], b' ' | b'\t');
        let mut blank_run = 0usize;
        let mut prev_more = false;
        for (n, &(s, e)) in lines[first..=last].iter().enumerate() {
            if s == e {
                blank_run += 1;
                continue;
            }
            if n > 0 {
                if literal || prev_more || more(s) {
                    for _ in 0..=blank_run {
                        value.push('\n');
                    }
                } else if blank_run == 0 {
                    value.push(' ');
                } else {
                    for _ in 0..blank_run {
                        value.push('\n');
                    }
                }
            }
            prev_more = more(s);
            blank_run = 0;
            value.push_str(&self.text[s..e]);
        }
        if chomp != Chomp::Strip {
            value.push('\n');
        }
        let start = lines[first].0;
        let mut end = lines[last].1;
        while end > start && matches!(b[end - 1], b' ' | b'\n') {
            end -= 1;
        }
        self.lines = lines;
        let value = self.file.add_str(&value);
        let id = self.push(
            NodeKind::Scalar {
                value,
                style: if literal {
                    Style::Literal
                } else {
                    Style::Folded
                },
            },
            Span::new(start, end),
        );
        let next = self.next_token(stop_line);
        if !next.eof && next.col > parent && !self.is_marker(next) {
            return None;
        }
        Some((id, next))
    }
}

/// What follows an item of a flow collection.
enum Sep {
    /// a comma: the next item starts here
    More(usize),
    /// the closing bracket, here
    Close(usize),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stop {
    /// the end of the line, or a comment
    Line,
    /// `:` and a blank: the scalar is a key
    Colon,
    /// `,`, `]` or `}` in a flow collection
    Flow,
}

/// A scalar read from the text.
struct Scan {
    span: Span,
    /// Where reading goes on (past a quoted scalar's trailing blanks).
    end: usize,
    stop: Stop,
    /// Where the scalar stopped (the `:` of a key).
    stop_at: usize,
    /// The value when it is not the span's text (quoted scalars).
    value: Option<String>,
    style: Style,
}

fn empty_scalar() -> NodeKind {
    NodeKind::Scalar {
        value: Str::EMPTY,
        style: Style::Plain,
    }
}

/// A double-quoted escape after its backslash: the character and the bytes read. Declines
/// the rare ones (line continuation, `\N`, `\_`, `\L`, `\P`) and bad ones.
fn escape(b: &[u8]) -> Option<(char, usize)> {
    let hex = |n: usize| -> Option<(char, usize)> {
        let digits = b.get(1..=n)?;
        let s = std::str::from_utf8(digits).ok()?;
        if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let v = u32::from_str_radix(s, 16).ok()?;
        Some((char::from_u32(v)?, n + 1))
    };
    let c = match *b.first()? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' | b'\t' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'x' => return hex(2),
        b'u' => return hex(4),
        b'U' => return hex(8),
        _ => return None,
    };
    Some((c, 1))
}
