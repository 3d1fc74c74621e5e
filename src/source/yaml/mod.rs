//! The YAML layer: saphyr's event parser feeds a span-carrying node arena.
//!
//! Aliases stay references into the arena (they are never copied), so an alias bomb costs
//! nothing to load; walking through aliases and `<<` merge keys is bounded by a budget.
//! Nesting deeper than [`MAX_DEPTH`] stops the load with an error instead of growing stacks.
//! Every node keeps the byte span of its text; workflow, compose and k8s views borrow from
//! this one parse.

//!
//! The tree and its loader are here; the [`Yaml`] node handle and value offset maps are in
//! `view.rs`.

mod fast;
mod view;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan};

use super::Span;

pub use view::Yaml;

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

/// A scalar's value: a range of the file's [`YamlFile::strs`] (read it with
/// [`YamlFile::str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Str {
    at: u32,
    len: u32,
}

impl Str {
    const EMPTY: Str = Str { at: 0, len: 0 };
}

/// A collection's children: a range of the file's sequence items or mapping entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kids {
    at: u32,
    len: u32,
}

impl Kids {
    const NONE: Kids = Kids { at: 0, len: 0 };

    pub fn len(self) -> usize {
        self.len as usize
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    fn range(self) -> std::ops::Range<usize> {
        self.at as usize..self.at as usize + self.len as usize
    }
}

/// A node's content. Values and children live in the file's shared arrays, so a node is 20
/// bytes and loading a file allocates a few arrays instead of a string per scalar and a
/// vector per collection (a node was 48 bytes, plus those allocations: 107,000 scalar
/// strings and 41,000 vectors for 1,080 real-world workflows).
#[derive(Debug, Clone, Copy)]
pub enum NodeKind {
    Scalar {
        value: Str,
        style: Style,
    },
    /// Items, in [`YamlFile::items_of`].
    Seq(Kids),
    /// Entries as written (in [`YamlFile::entries_of`]), and whether the mapping is plain:
    /// every key a scalar, none repeated, no merge key (`<<`). A plain mapping's lookups
    /// stop at the first match.
    Map(Kids, bool),
    /// An alias, resolved to its anchored node (None when the anchor is unknown).
    Alias(Option<u32>),
}

#[derive(Debug)]
pub struct Node {
    pub kind: NodeKind,
    start: u32,
    end: u32,
}

impl Node {
    /// The node's text in the file.
    pub fn span(&self) -> Span {
        Span::new(self.start as usize, self.end as usize)
    }

    fn set_span(&mut self, span: Span) {
        self.start = span.start as u32;
        self.end = span.end as u32;
    }
}

/// Longest text loaded: node spans and value ranges are 32-bit.
pub const MAX_TEXT: usize = (u32::MAX / 2) as usize;

/// A problem found while loading YAML: a syntax error (which ends the load) or a duplicate
/// key (which does not).
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
    /// A syntax error; rules still run on documents completed before it.
    pub fatal: bool,
    /// Spans of words the message does not quote (they could be secrets): masked wherever
    /// the file is shown.
    pub hidden: Vec<Span>,
    /// For a duplicate key: where the same key is written before.
    pub duplicate_of: Option<Span>,
}

/// Mappings with at most this many entries are checked for duplicate keys by a scan.
const SMALL_MAP: usize = 16;

/// A loaded YAML stream: one arena, one root per document.
#[derive(Debug, Default)]
pub struct YamlFile {
    nodes: Vec<Node>,
    /// Every scalar's value, one after another ([`Str`]).
    strs: String,
    /// Every sequence's items, each sequence's together ([`Kids`]).
    items: Vec<u32>,
    /// Every mapping's entries (key, value), each mapping's together ([`Kids`]).
    entries: Vec<[u32; 2]>,
    pub docs: Vec<NodeId>,
    pub errors: Vec<YamlError>,
    /// The tags written on nodes (`!reference`, `!!str`), by node id in ascending order: few
    /// nodes have one, and a tag field on every node made the arena a third larger.
    tags: Vec<(NodeId, Box<str>)>,
    /// A workflow's or action's job and step lists, found on first use
    /// ([`crate::source::workflow`]).
    pub(crate) lists: std::sync::OnceLock<crate::source::workflow::Lists>,
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
        items: Vec<u32>,
        anchor: usize,
    },
    Map {
        id: NodeId,
        entries: Vec<[u32; 2]>,
        pending_key: Option<u32>,
        anchor: usize,
    },
}

impl YamlFile {
    /// Load every document of `text`. Never fails: problems land in `errors`.
    ///
    /// The common shapes of YAML are read by a direct loader (`fast.rs`); anything else,
    /// and every error, by saphyr's event parser. Both give the same tree.
    pub fn parse(text: &str) -> YamlFile {
        if text.len() > MAX_TEXT {
            let mut file = YamlFile::default();
            file.errors.push(YamlError {
                message: format!(
                    "the file is too large to load as YAML ({} bytes; at most {MAX_TEXT})",
                    text.len()
                ),
                span: Span::new(0, 0),
                fatal: true,
                hidden: Vec::new(),
                duplicate_of: None,
            });
            return file;
        }
        fast::parse(text).unwrap_or_else(|| Self::parse_events(text))
    }

    /// The direct loader alone: `None` where it leaves the text to saphyr. For tests that
    /// compare the two paths.
    #[doc(hidden)]
    pub fn parse_direct(text: &str) -> Option<YamlFile> {
        fast::parse(text)
    }

    /// saphyr's event parser alone, the path every text can take.
    #[doc(hidden)]
    pub fn parse_events(text: &str) -> YamlFile {
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
                        hidden: Vec::new(),
                        duplicate_of: None,
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
                            hidden: Vec::new(),
                            duplicate_of: None,
                        });
                    }
                    let id = file.push(NodeKind::Alias(target.map(|t| t as u32)), span, None);
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
                    let value = file.add_str(&value);
                    let id = file.push(
                        NodeKind::Scalar { value, style },
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
                            hidden: Vec::new(),
                            duplicate_of: None,
                        });
                        break;
                    }
                    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                    let id = file.push(NodeKind::Seq(Kids::NONE), span, tag);
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
                    Some(Frame::Seq { items, .. }) => items.push(id as u32),
                    Some(Frame::Map {
                        entries,
                        pending_key,
                        ..
                    }) => match pending_key.take() {
                        None => *pending_key = Some(id as u32),
                        Some(k) => entries.push([k, id as u32]),
                    },
                    None => doc_root = Some(id),
                }
            }
        }
        file
    }

    #[inline]
    fn push(&mut self, kind: NodeKind, span: Span, tag: Option<String>) -> NodeId {
        let id = self.nodes.len();
        self.nodes.push(Node {
            kind,
            start: span.start as u32,
            end: span.end as u32,
        });
        if let Some(t) = tag {
            self.tags.push((id, t.into()));
        }
        id
    }

    /// Keep a scalar's value.
    #[inline]
    fn add_str(&mut self, value: &str) -> Str {
        let at = self.strs.len() as u32;
        self.strs.push_str(value);
        Str {
            at,
            len: value.len() as u32,
        }
    }

    /// A scalar's value.
    #[inline]
    pub fn str(&self, s: Str) -> &str {
        // a range of whole values, pushed as `str`s: on character boundaries
        &self.strs[s.at as usize..s.at as usize + s.len as usize]
    }

    /// Whether a scalar's value is `key`, compared as bytes (no character-boundary checks).
    #[inline]
    fn str_is(&self, s: Str, key: &str) -> bool {
        s.len as usize == key.len()
            && &self.strs.as_bytes()[s.at as usize..s.at as usize + s.len as usize]
                == key.as_bytes()
    }

    /// A sequence's items.
    #[inline]
    pub fn items_of(&self, kids: Kids) -> &[u32] {
        &self.items[kids.range()]
    }

    /// A mapping's entries, (key, value).
    #[inline]
    pub fn entries_of(&self, kids: Kids) -> &[[u32; 2]] {
        &self.entries[kids.range()]
    }

    /// Store a finished sequence's items.
    fn add_items(&mut self, items: &[u32]) -> Kids {
        let at = self.items.len() as u32;
        self.items.extend_from_slice(items);
        Kids {
            at,
            len: items.len() as u32,
        }
    }

    /// Store a finished mapping's entries.
    fn add_entries(&mut self, entries: &[[u32; 2]]) -> Kids {
        let at = self.entries.len() as u32;
        self.entries.extend_from_slice(entries);
        Kids {
            at,
            len: entries.len() as u32,
        }
    }

    /// The tag written on node `id`, if any.
    pub fn tag_of(&self, id: NodeId) -> Option<&str> {
        let i = self.tags.binary_search_by_key(&id, |(n, _)| *n).ok()?;
        Some(&self.tags[i].1)
    }

    fn finish(&mut self, frame: Frame, end: Span, text: &str) -> (NodeId, usize) {
        match frame {
            Frame::Seq { id, items, anchor } => {
                self.close(id, end, text);
                let kids = self.add_items(&items);
                self.nodes[id].kind = NodeKind::Seq(kids);
                (id, anchor)
            }
            Frame::Map {
                id,
                entries,
                anchor,
                ..
            } => {
                self.close(id, end, text);
                let plain = self.check_duplicates(&entries);
                let kids = self.add_entries(&entries);
                self.nodes[id].kind = NodeKind::Map(kids, plain);
                (id, anchor)
            }
        }
    }

    /// Extend a collection's span to its end event, trimming trailing blank text.
    fn close(&mut self, id: NodeId, end: Span, text: &str) {
        let start = self.nodes[id].start as usize;
        let mut stop = end.end.max(start);
        let bytes = text.as_bytes();
        while stop > start && matches!(bytes.get(stop - 1), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            stop -= 1;
        }
        self.nodes[id].set_span(Span::new(start, stop));
    }

    /// Report repeated keys; whether the mapping is plain (see [`NodeKind::Map`]).
    fn check_duplicates(&mut self, entries: &[[u32; 2]]) -> bool {
        let key = |k: u32| match self.nodes[k as usize].kind {
            NodeKind::Scalar { value, .. } if !self.str_is(value, "<<") => Some(self.str(value)),
            _ => None,
        };
        let mut simple = entries.iter().all(|&[k, _]| key(k).is_some());
        if entries.len() < 2 {
            return simple;
        }
        let mut dups = Vec::new();
        if entries.len() <= SMALL_MAP {
            // the usual mapping: a scan of the keys before each is cheaper than a hash set
            // (whose SipHash was 0.6% of a check of real-world workflows)
            for (i, &[k, _]) in entries.iter().enumerate() {
                let Some(name) = key(k) else { continue };
                let earlier = entries[..i]
                    .iter()
                    .rev()
                    .find(|&&[e, _]| key(e) == Some(name));
                if let Some(&[first, _]) = earlier {
                    dups.push((
                        name.to_string(),
                        self.nodes[k as usize].span(),
                        self.nodes[first as usize].span(),
                    ));
                }
            }
        } else {
            // hashed (SipHash: a crafted file cannot make it quadratic)
            let mut seen: HashMap<&str, u32> = HashMap::with_capacity(entries.len());
            for &[k, _] in entries {
                let Some(name) = key(k) else { continue };
                if let Some(first) = seen.insert(name, k) {
                    dups.push((
                        name.to_string(),
                        self.nodes[k as usize].span(),
                        self.nodes[first as usize].span(),
                    ));
                }
            }
        }
        simple &= dups.is_empty();
        for (key, span, first) in dups {
            // a key is quoted only when it reads as a name: a duplicated token or
            // `NAME=value` key is shown redacted, and masked where it appears
            let plain = crate::source::instruction_like(&key) == key;
            self.errors.push(YamlError {
                message: format!(
                    "duplicate key {}: only the last value is used",
                    crate::source::quoted_name(&key)
                ),
                span,
                fatal: false,
                hidden: if plain { Vec::new() } else { vec![first, span] },
                duplicate_of: Some(first),
            });
        }
        simple
    }

    /// Node `id`'s content with its values and children written out (a [`NodeKind`] holds
    /// ranges): `Scalar("v", Plain)`, `Seq([1, 2])`, `Map([(3, 4)], true)`, `Alias(Some(5))`.
    /// For tests that compare two loads of a text node for node.
    #[doc(hidden)]
    pub fn describe(&self, id: NodeId) -> String {
        match self.nodes[id].kind {
            NodeKind::Scalar { value, style } => {
                format!("Scalar({:?}, {style:?})", self.str(value))
            }
            NodeKind::Seq(kids) => format!("Seq({:?})", self.items_of(kids)),
            NodeKind::Map(kids, plain) => {
                let pairs: Vec<(u32, u32)> =
                    self.entries_of(kids).iter().map(|&[k, v]| (k, v)).collect();
                format!("Map({pairs:?}, {plain})")
            }
            NodeKind::Alias(target) => format!("Alias({target:?})"),
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
