//! The YAML layer: saphyr's event parser feeds a span-carrying node arena.
//!
//! Aliases stay references into the arena (they are never copied), so an alias bomb costs
//! nothing to load; walking through aliases and `<<` merge keys is bounded by a budget.
//! Nesting deeper than [`MAX_DEPTH`] stops the load with an error instead of growing stacks.
//! Every node keeps the byte span of its text; workflow, compose and k8s views borrow from
//! this one parse.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};

use super::{OffsetMap, Span};

/// Deepest nesting of collections accepted.
pub const MAX_DEPTH: usize = 256;
/// Most nodes visited when following merge keys of one mapping.
const MERGE_BUDGET: usize = 10_000;

pub type NodeId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: Style,
    },
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
    /// An alias, resolved to its anchored node (None when the anchor is unknown).
    Alias(Option<NodeId>),
}

#[derive(Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    pub tag: Option<String>,
}

/// A problem found while loading YAML: a syntax error (which ends the load) or a duplicate
/// key (which does not).
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
    /// A syntax error; rules still run on documents completed before it.
    pub fatal: bool,
}

/// A loaded YAML stream: one arena, one root per document.
#[derive(Debug, Default)]
pub struct YamlFile {
    nodes: Vec<Node>,
    pub docs: Vec<NodeId>,
    pub errors: Vec<YamlError>,
}

/// Char index -> byte offset. saphyr's marks count characters; spans are bytes.
struct CharToByte {
    /// Byte offset of every char, only for non-ASCII text (ASCII maps 1:1).
    table: Option<Vec<usize>>,
    len: usize,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            None
        } else {
            let mut t: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            t.push(text.len());
            Some(t)
        };
        CharToByte {
            table,
            len: text.len(),
        }
    }
    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(t) => t.get(char_index).copied().unwrap_or(self.len),
        }
    }
    fn span(&self, s: &YSpan) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }
}

enum Frame {
    Seq {
        id: NodeId,
        items: Vec<NodeId>,
        anchor: usize,
    },
    Map {
        id: NodeId,
        entries: Vec<(NodeId, NodeId)>,
        pending_key: Option<NodeId>,
        anchor: usize,
    },
}

impl YamlFile {
    /// Load every document of `text`. Never fails: problems land in `errors`.
    pub fn parse(text: &str) -> YamlFile {
        let mut file = YamlFile::default();
        let conv = CharToByte::new(text);
        let mut parser = Parser::new_from_str(text);
        let mut anchors: HashMap<usize, NodeId> = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut doc_root: Option<NodeId> = None;
        loop {
            let (event, yspan) = match parser.next_event() {
                None => break,
                Some(Ok(ev)) => ev,
                Some(Err(e)) => {
                    let at = conv.byte(e.marker().index());
                    file.errors.push(YamlError {
                        message: e.info().to_string(),
                        span: Span::new(at, at),
                        fatal: true,
                    });
                    break;
                }
            };
            let span = conv.span(&yspan);
            let is_seq = matches!(event, Event::SequenceStart(..));
            let new_node: Option<(NodeId, usize)> = match event {
                Event::StreamStart | Event::Nothing => None,
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    anchors.clear();
                    doc_root = None;
                    None
                }
                Event::DocumentEnd => {
                    if let Some(root) = doc_root.take() {
                        file.docs.push(root);
                    }
                    None
                }
                Event::Alias(anchor) => {
                    let target = anchors.get(&anchor).copied();
                    if target.is_none() {
                        file.errors.push(YamlError {
                            message: "alias refers to an unknown anchor".into(),
                            span,
                            fatal: false,
                        });
                    }
                    let id = file.push(NodeKind::Alias(target), span, None);
                    Some((id, 0))
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let style = match style {
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted => Style::SingleQuoted,
                        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                        ScalarStyle::Literal => Style::Literal,
                        ScalarStyle::Folded => Style::Folded,
                    };
                    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                    let id = file.push(
                        NodeKind::Scalar {
                            value: value.into_owned(),
                            style,
                        },
                        scalar_span(text, span, style),
                        tag,
                    );
                    Some((id, anchor))
                }
                Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                    if stack.len() >= MAX_DEPTH {
                        file.errors.push(YamlError {
                            message: format!("nesting deeper than {MAX_DEPTH} levels"),
                            span,
                            fatal: true,
                        });
                        break;
                    }
                    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                    let id = file.push(NodeKind::Seq(Vec::new()), span, tag);
                    stack.push(if is_seq {
                        Frame::Seq {
                            id,
                            items: Vec::new(),
                            anchor,
                        }
                    } else {
                        Frame::Map {
                            id,
                            entries: Vec::new(),
                            pending_key: None,
                            anchor,
                        }
                    });
                    None
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(frame) = stack.pop() else { break };
                    let (id, anchor) = file.finish(frame, span, text);
                    Some((id, anchor))
                }
            };
            if let Some((id, anchor)) = new_node {
                if anchor != 0 {
                    anchors.insert(anchor, id);
                }
                match stack.last_mut() {
                    Some(Frame::Seq { items, .. }) => items.push(id),
                    Some(Frame::Map {
                        entries,
                        pending_key,
                        ..
                    }) => match pending_key.take() {
                        None => *pending_key = Some(id),
                        Some(k) => entries.push((k, id)),
                    },
                    None => doc_root = Some(id),
                }
            }
        }
        file
    }

    fn push(&mut self, kind: NodeKind, span: Span, tag: Option<String>) -> NodeId {
        self.nodes.push(Node { kind, span, tag });
        self.nodes.len() - 1
    }

    fn finish(&mut self, frame: Frame, end: Span, text: &str) -> (NodeId, usize) {
        match frame {
            Frame::Seq { id, items, anchor } => {
                self.close(id, end, text);
                self.nodes[id].kind = NodeKind::Seq(items);
                (id, anchor)
            }
            Frame::Map {
                id,
                entries,
                anchor,
                ..
            } => {
                self.close(id, end, text);
                self.check_duplicates(&entries);
                self.nodes[id].kind = NodeKind::Map(entries);
                (id, anchor)
            }
        }
    }

    /// Extend a collection's span to its end event, trimming trailing blank text.
    fn close(&mut self, id: NodeId, end: Span, text: &str) {
        let start = self.nodes[id].span.start;
        let mut stop = end.end.max(start);
        let bytes = text.as_bytes();
        while stop > start && matches!(bytes.get(stop - 1), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            stop -= 1;
        }
        self.nodes[id].span = Span::new(start, stop);
    }

    fn check_duplicates(&mut self, entries: &[(NodeId, NodeId)]) {
        if entries.len() < 2 {
            return;
        }
        let mut seen: HashMap<&str, NodeId> = HashMap::with_capacity(entries.len());
        let mut dups = Vec::new();
        for &(k, _) in entries {
            if let NodeKind::Scalar { value, .. } = &self.nodes[k].kind {
                if value == "<<" {
                    continue;
                }
                if let Some(_first) = seen.insert(value.as_str(), k) {
                    dups.push((value.clone(), self.nodes[k].span));
                }
            }
        }
        for (key, span) in dups {
            self.errors.push(YamlError {
                message: format!("duplicate key \"{key}\": only the last value is used"),
                span,
                fatal: false,
            });
        }
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The root of every complete document.
    pub fn documents(&self) -> impl Iterator<Item = Yaml<'_>> {
        self.docs.iter().map(move |&id| Yaml { file: self, id })
    }

    pub fn get(&self, id: NodeId) -> Yaml<'_> {
        Yaml { file: self, id }
    }

    pub fn fatal_error(&self) -> Option<&YamlError> {
        self.errors.iter().find(|e| e.fatal)
    }
}

/// saphyr's scalar spans cover the token; for block scalars that starts at the indicator.
/// Keep the span as given but trim a trailing line break so it ends on the last content line.
fn scalar_span(text: &str, span: Span, style: Style) -> Span {
    let bytes = text.as_bytes();
    let mut end = span.end.min(text.len());
    if matches!(style, Style::Literal | Style::Folded) {
        while end > span.start && matches!(bytes.get(end - 1), Some(b'\n' | b'\r' | b' ')) {
            end -= 1;
        }
    }
    Span::new(span.start.min(end), end)
}

/// A borrowed handle on one node. Accessors look through aliases.
#[derive(Clone, Copy)]
pub struct Yaml<'a> {
    pub file: &'a YamlFile,
    pub id: NodeId,
}

impl std::fmt::Debug for Yaml<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Yaml#{}({:?})", self.id, self.file.nodes[self.id].kind)
    }
}

impl<'a> Yaml<'a> {
    /// This node with aliases followed (bounded: an alias chain cannot loop in an arena
    /// built front to back, but stay defensive).
    pub fn resolved(self) -> Yaml<'a> {
        let mut cur = self;
        for _ in 0..64 {
            match &cur.file.nodes[cur.id].kind {
                NodeKind::Alias(Some(t)) => {
                    cur = Yaml {
                        file: cur.file,
                        id: *t,
                    }
                }
                _ => return cur,
            }
        }
        cur
    }

    fn kind(&self) -> &'a NodeKind {
        let r = self.resolved();
        &r.file.nodes[r.id].kind
    }

    /// The span of this node's own text (an alias's span is the `*name`).
    pub fn span(&self) -> Span {
        self.file.nodes[self.id].span
    }

    pub fn tag(&self) -> Option<&'a str> {
        self.resolved().file.nodes[self.resolved().id]
            .tag
            .as_deref()
    }

    pub fn is_alias(&self) -> bool {
        matches!(self.file.nodes[self.id].kind, NodeKind::Alias(_))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind(), NodeKind::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.kind(), NodeKind::Seq(_))
    }

    pub fn is_scalar(&self) -> bool {
        matches!(self.kind(), NodeKind::Scalar { .. })
    }

    /// The scalar's value, whatever its type (numbers and booleans included).
    pub fn scalar(&self) -> Option<&'a str> {
        match self.kind() {
            NodeKind::Scalar { value, .. } => Some(value.as_str()),
            _ => None,
        }
    }

    pub fn style(&self) -> Option<Style> {
        match self.kind() {
            NodeKind::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// A string value: any scalar except null (`~`, `null`, empty plain).
    pub fn as_str(&self) -> Option<&'a str> {
        if self.is_null() {
            return None;
        }
        self.scalar()
    }

    /// YAML 1.2 core-schema null: plain `null`, `Null`, `NULL`, `~` or empty.
    pub fn is_null(&self) -> bool {
        match self.kind() {
            NodeKind::Scalar {
                value,
                style: Style::Plain,
            } => matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"),
            _ => false,
        }
    }

    /// A plain scalar that reads as a boolean (YAML 1.2 core schema, plus the 1.1 yes/no
    /// forms that GitHub, compose and Kubernetes still accept).
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind() {
            NodeKind::Scalar {
                value,
                style: Style::Plain,
            } => match value.as_str() {
                "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
                "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
                    Some(false)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// A plain scalar that reads as an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match self.kind() {
            NodeKind::Scalar {
                value,
                style: Style::Plain,
            } => {
                let v = value.as_str();
                if let Some(h) = v.strip_prefix("0x") {
                    i64::from_str_radix(h, 16).ok()
                } else if let Some(o) = v.strip_prefix("0o") {
                    i64::from_str_radix(o, 8).ok()
                } else {
                    v.strip_prefix('+').unwrap_or(v).parse().ok()
                }
            }
            _ => None,
        }
    }

    /// A plain scalar that reads as a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self.kind() {
            NodeKind::Scalar {
                value,
                style: Style::Plain,
            } => value.parse().ok(),
            _ => None,
        }
    }

    /// Sequence items (empty for anything else).
    pub fn items(&self) -> impl Iterator<Item = Yaml<'a>> + use<'a> {
        let file = self.file;
        let ids: &'a [NodeId] = match self.kind() {
            NodeKind::Seq(items) => items,
            _ => &[],
        };
        ids.iter().map(move |&id| Yaml { file, id })
    }

    pub fn len(&self) -> usize {
        match self.kind() {
            NodeKind::Seq(items) => items.len(),
            NodeKind::Map(entries) => entries.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Mapping entries as written, merge keys (`<<`) expanded after the node's own keys
    /// (own keys win). Bounded: a merge graph larger than the budget is cut short.
    pub fn entries(&self) -> Vec<(Yaml<'a>, Yaml<'a>)> {
        let mut out = Vec::new();
        let mut budget = MERGE_BUDGET;
        self.collect_entries(&mut out, &mut budget, 0);
        if out.iter().any(|(k, _)| k.scalar() == Some("<<")) {
            // unreachable in practice: merge keys are expanded by collect_entries
            out.retain(|(k, _)| k.scalar() != Some("<<"));
        }
        out
    }

    fn collect_entries(
        &self,
        out: &mut Vec<(Yaml<'a>, Yaml<'a>)>,
        budget: &mut usize,
        depth: usize,
    ) {
        let NodeKind::Map(entries) = self.kind() else {
            return;
        };
        let file = self.file;
        let mut merges = Vec::new();
        for &(k, v) in entries {
            if *budget == 0 {
                return;
            }
            *budget -= 1;
            let key = Yaml { file, id: k };
            let val = Yaml { file, id: v };
            if key.scalar() == Some("<<") && key.style() == Some(Style::Plain) {
                merges.push(val);
                continue;
            }
            let name = key.scalar();
            if name.is_some() && out.iter().any(|(ok, _)| ok.scalar() == name) {
                continue;
            }
            out.push((key, val));
        }
        if depth >= 16 {
            return;
        }
        for m in merges {
            let m = m.resolved();
            if m.is_map() {
                m.collect_entries(out, budget, depth + 1);
            } else {
                for item in m.items() {
                    item.resolved().collect_entries(out, budget, depth + 1);
                }
            }
        }
    }

    /// The entry for `key` in a mapping (merge keys honoured): (key node, value node).
    pub fn entry(&self, key: &str) -> Option<(Yaml<'a>, Yaml<'a>)> {
        let NodeKind::Map(entries) = self.kind() else {
            return None;
        };
        let file = self.file;
        // own keys first, last duplicate wins (as YAML loaders do)
        let mut found = None;
        let mut has_merge = false;
        for &(k, v) in entries {
            let key_node = Yaml { file, id: k };
            match key_node.scalar() {
                Some(s) if s == key => found = Some((key_node, Yaml { file, id: v })),
                Some("<<") => has_merge = true,
                _ => {}
            }
        }
        if found.is_some() || !has_merge {
            return found;
        }
        self.entries()
            .into_iter()
            .find(|(k, _)| k.scalar() == Some(key))
    }

    /// The value for `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<Yaml<'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node for `key` in a mapping (for spans that point at a key).
    pub fn key(&self, key: &str) -> Option<Yaml<'a>> {
        self.entry(key).map(|(k, _)| k)
    }

    /// Follow a route of keys.
    pub fn path(&self, keys: &[&str]) -> Option<Yaml<'a>> {
        let mut cur = *self;
        for k in keys {
            cur = cur.get(k)?;
        }
        Some(cur)
    }

    /// The sequence item at `index`.
    pub fn at(&self, index: usize) -> Option<Yaml<'a>> {
        self.items().nth(index)
    }

    /// A map's keys' string values.
    pub fn keys(&self) -> Vec<&'a str> {
        self.entries()
            .iter()
            .filter_map(|(k, _)| k.scalar())
            .collect()
    }

    /// A string or a sequence of strings, as a list (the `needs: a` / `needs: [a, b]` shape).
    pub fn str_or_list(&self) -> Vec<(&'a str, Span)> {
        if let Some(s) = self.as_str() {
            return vec![(s, self.span())];
        }
        self.items()
            .filter_map(|i| i.as_str().map(|s| (s, i.span())))
            .collect()
    }

    /// Where the scalar's characters sit in the file: maps offsets in `scalar()` to file
    /// offsets. Exact for plain, single-line quoted (without escapes) and literal block
    /// scalars; line-exact for folded and escaped forms.
    pub fn value_map(&self, text: &str) -> OffsetMap {
        let r = self.resolved();
        let node = &r.file.nodes[r.id];
        let NodeKind::Scalar { style, value } = &node.kind else {
            return OffsetMap::contiguous(node.span.start);
        };
        let span = node.span;
        match style {
            Style::Plain => lines_map(text, span, 0, value),
            Style::SingleQuoted | Style::DoubleQuoted => {
                lines_map(text, Span::new(span.start + 1, span.end), 0, value)
            }
            Style::Literal | Style::Folded => block_map(text, span),
        }
    }
}

/// Map a flow scalar (possibly spread over lines, leading whitespace folded) to the file.
fn lines_map(text: &str, span: Span, _indent: usize, value: &str) -> OffsetMap {
    let src = span.text(text);
    if !src.contains('\n') {
        return OffsetMap::contiguous(span.start);
    }
    let mut map = OffsetMap::default();
    let mut derived = 0;
    for (i, line) in src.split('\n').enumerate() {
        let line_start = line.as_ptr() as usize - src.as_ptr() as usize;
        let content = if i == 0 { line } else { line.trim_start() };
        let lead = line.len() - content.len();
        let content = content.trim_end_matches('\r');
        map.push(derived, span.start + line_start + lead);
        derived += content.len() + 1;
        if derived > value.len() + 1 {
            break;
        }
    }
    map
}

/// Map a block scalar's content lines to the file. saphyr's span starts at the first
/// content character (after the indentation) and covers the body; every body line loses
/// that same indentation.
fn block_map(text: &str, span: Span) -> OffsetMap {
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = span.start - line_start;
    let body = &text[line_start..span.end.max(line_start).min(text.len())];
    let mut map = OffsetMap::default();
    let mut derived = 0;
    let mut offset = line_start;
    for line in body.split('\n') {
        let line = line.trim_end_matches('\r');
        map.push(derived, offset + indent.min(line.len()));
        derived += line.len().saturating_sub(indent) + 1;
        offset += line.len() + 1;
        if text.as_bytes().get(offset - 1) == Some(&b'\r') {
            offset += 1;
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> YamlFile {
        YamlFile::parse(text)
    }

    #[test]
    fn spans_of_keys_and_values() {
        let text = "a: 1\nb:\n  c: hello\n  d: [x, y]\n";
        let f = load(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let root = f.documents().next().unwrap();
        let c = root.path(&["b", "c"]).unwrap();
        assert_eq!(c.span().text(text), "hello");
        let key = root.get("b").unwrap().key("d").unwrap();
        assert_eq!(key.span().text(text), "d");
        let d = root.path(&["b", "d"]).unwrap();
        assert_eq!(d.at(1).unwrap().span().text(text), "y");
        assert_eq!(d.span().text(text), "[x, y]");
    }

    #[test]
    fn multibyte_text_keeps_byte_spans() {
        let text = "\u{feff}name: \"héllo wörld\"\nnext: ✓\n";
        let f = load(text);
        let root = f.documents().next().unwrap();
        assert_eq!(root.get("next").unwrap().span().text(text), "✓");
        assert_eq!(
            root.get("name").unwrap().span().text(text),
            "\"héllo wörld\""
        );
    }

    #[test]
    fn multiple_documents() {
        let text = "a: 1\n---\nb: 2\n---\nc: 3\n";
        let f = load(text);
        assert_eq!(f.docs.len(), 3);
        let roots: Vec<_> = f.documents().collect();
        assert_eq!(roots[2].get("c").unwrap().as_i64(), Some(3));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let text = "base: &b\n  x: 1\n  y: 2\nsvc:\n  <<: *b\n  y: 3\n";
        let f = load(text);
        let root = f.documents().next().unwrap();
        let svc = root.get("svc").unwrap();
        assert_eq!(svc.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(svc.get("y").unwrap().as_i64(), Some(3));
        assert_eq!(svc.entries().len(), 2);
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let f = load("a: 1\na: 2\n");
        assert_eq!(f.errors.len(), 1);
        assert!(!f.errors[0].fatal);
        assert!(f.errors[0].message.contains("duplicate key \"a\""));
    }

    #[test]
    fn syntax_error_has_position() {
        let text = "a: 1\nb: [unclosed\n";
        let f = load(text);
        let e = f.fatal_error().expect("error");
        assert!(e.span.start > 4, "{e:?}");
    }

    #[test]
    fn alias_bomb_loads_in_linear_space() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..40 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let f = load(&text);
        assert!(f.errors.is_empty());
        assert!(f.node_count() < 1_000);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let f = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || load(&text))
            .unwrap()
            .join()
            .unwrap();
        let e = f.fatal_error().expect("depth error");
        assert!(
            e.message.contains("nesting deeper") || e.message.contains("recursion limit"),
            "{e:?}"
        );
    }

    #[test]
    fn literal_block_maps_to_source() {
        let text = "run: |\n  echo one\n  echo ${{ github.event.issue.title }}\nnext: 1\n";
        let f = load(text);
        let run = f.documents().next().unwrap().get("run").unwrap();
        let value = run.scalar().unwrap();
        let at = value.find("${{").unwrap();
        let map = run.value_map(text);
        let src = map.to_source(at);
        assert!(text[src..].starts_with("${{ github.event"));
    }

    #[test]
    fn crlf_block_maps_to_source() {
        let text = "run: |\r\n  a\r\n  b ok\r\n";
        let f = load(text);
        let run = f.documents().next().unwrap().get("run").unwrap();
        let value = run.scalar().unwrap();
        let at = value.find("ok").unwrap();
        let src = run.value_map(text).to_source(at);
        assert_eq!(&text[src..src + 2], "ok");
    }

    #[test]
    fn scalars_typed() {
        let text = "a: true\nb: 'true'\nc: ~\nd: 0x10\ne: on\n";
        let f = load(text);
        let r = f.documents().next().unwrap();
        assert_eq!(r.get("a").unwrap().as_bool(), Some(true));
        assert_eq!(r.get("b").unwrap().as_bool(), None);
        assert!(r.get("c").unwrap().is_null());
        assert_eq!(r.get("d").unwrap().as_i64(), Some(16));
        assert_eq!(r.get("e").unwrap().as_bool(), Some(true));
    }
}
