//! A borrowed handle on one node of the tree, and the offset maps of scalar values.

use std::collections::HashSet;

use super::{MERGE_BUDGET, NodeId, NodeKind, Style, YamlFile};
use crate::source::{OffsetMap, Span};

/// A borrowed handle on one node. Accessors look through aliases.
#[derive(Clone, Copy)]
pub struct Yaml<'a> {
    pub file: &'a YamlFile,
    pub id: NodeId,
}

impl std::fmt::Debug for Yaml<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Yaml#{}({})", self.id, self.file.describe(self.id))
    }
}

impl<'a> Yaml<'a> {
    /// The node `id` of the arena's child arrays (which hold ids as `u32`).
    fn of_id(file: &'a YamlFile, id: u32) -> Yaml<'a> {
        Yaml {
            file,
            id: id as usize,
        }
    }

    /// This node with aliases followed (bounded: an alias chain cannot loop in an arena
    /// built front to back, but stay defensive).
    pub fn resolved(self) -> Yaml<'a> {
        let mut cur = self;
        for _ in 0..64 {
            match cur.file.nodes[cur.id].kind {
                NodeKind::Alias(Some(t)) => cur = Yaml::of_id(cur.file, t),
                _ => return cur,
            }
        }
        cur
    }

    fn kind(&self) -> NodeKind {
        let r = self.resolved();
        r.file.nodes[r.id].kind
    }

    /// The span of this node's own text (an alias's span is the `*name`).
    pub fn span(&self) -> Span {
        self.file.nodes[self.id].span()
    }

    pub fn tag(&self) -> Option<&'a str> {
        let r = self.resolved();
        r.file.tag_of(r.id)
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind(), NodeKind::Map(..))
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
            NodeKind::Scalar { value, .. } => Some(self.file.str(value)),
            _ => None,
        }
    }

    pub fn style(&self) -> Option<Style> {
        match self.kind() {
            NodeKind::Scalar { style, .. } => Some(style),
            _ => None,
        }
    }

    /// A string value: any scalar except null (`~`, `null`, empty plain).
    pub fn as_str(&self) -> Option<&'a str> {
        match self.kind() {
            NodeKind::Scalar { value, style } => {
                let v = self.file.str(value);
                (style != Style::Plain || !is_null_word(v)).then_some(v)
            }
            _ => None,
        }
    }

    /// YAML 1.2 core-schema null: plain `null`, `Null`, `NULL`, `~` or empty.
    pub fn is_null(&self) -> bool {
        match self.kind() {
            NodeKind::Scalar {
                value,
                style: Style::Plain,
            } => is_null_word(self.file.str(value)),
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
            } => match self.file.str(value) {
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
                let v = self.file.str(value);
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

    /// Sequence items (empty for anything else).
    pub fn items(&self) -> impl Iterator<Item = Yaml<'a>> + use<'a> {
        let file = self.file;
        let ids: &'a [u32] = match self.kind() {
            NodeKind::Seq(items) => file.items_of(items),
            _ => &[],
        };
        ids.iter().map(move |&id| Yaml::of_id(file, id))
    }

    pub fn len(&self) -> usize {
        match self.kind() {
            NodeKind::Seq(items) => items.len(),
            NodeKind::Map(entries, _) => entries.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Mapping entries as written, merge keys (`<<`) expanded after the node's own keys
    /// (own keys win). Bounded: a merge graph larger than the budget is cut short.
    pub fn entries(&self) -> Vec<(Yaml<'a>, Yaml<'a>)> {
        // the usual mapping, small and without `<<`: its keys as written, a repeated name
        // kept once (the first, as below), with no set to build
        if let NodeKind::Map(kids, simple) = self.kind() {
            let file = self.file;
            let entries = file.entries_of(kids);
            let at = |id: u32| Yaml::of_id(file, id);
            if simple {
                // scalar keys, none repeated, no merge key: the entries as written
                return entries.iter().map(|&[k, v]| (at(k), at(v))).collect();
            }
            let plain =
                entries.len() <= 32 && entries.iter().all(|&[k, _]| at(k).scalar() != Some("<<"));
            if plain {
                let mut out: Vec<(Yaml<'a>, Yaml<'a>)> = Vec::with_capacity(entries.len());
                for &[k, v] in entries {
                    let key = at(k);
                    if let Some(name) = key.scalar() {
                        if out.iter().any(|(o, _)| o.scalar() == Some(name)) {
                            continue;
                        }
                    }
                    out.push((key, at(v)));
                }
                return out;
            }
        }
        let mut out = Vec::new();
        let mut budget = MERGE_BUDGET;
        let mut seen = HashSet::new();
        self.collect_entries(&mut out, &mut seen, &mut budget, 0);
        if out.iter().any(|(k, _)| k.scalar() == Some("<<")) {
            // unreachable in practice: merge keys are expanded by collect_entries
            out.retain(|(k, _)| k.scalar() != Some("<<"));
        }
        out
    }

    /// `seen`: the keys already in `out` (a search of `out` per entry made a mapping of
    /// thousands of keys quadratic).
    fn collect_entries(
        &self,
        out: &mut Vec<(Yaml<'a>, Yaml<'a>)>,
        seen: &mut HashSet<&'a str>,
        budget: &mut usize,
        depth: usize,
    ) {
        let NodeKind::Map(kids, _) = self.kind() else {
            return;
        };
        let file = self.file;
        let mut merges = Vec::new();
        for &[k, v] in file.entries_of(kids) {
            let (k, v) = (k as usize, v as usize);
            // the budget bounds what merge keys bring in; a mapping's own keys are bounded by
            // the file (counting them cut a mapping of 10,000 jobs short, unchecked)
            if depth > 0 {
                if *budget == 0 {
                    return;
                }
                *budget -= 1;
            }
            let key = Yaml { file, id: k };
            let val = Yaml { file, id: v };
            if key.scalar() == Some("<<") && key.style() == Some(Style::Plain) {
                merges.push(val);
                continue;
            }
            if let Some(name) = key.scalar() {
                if !seen.insert(name) {
                    continue;
                }
            }
            out.push((key, val));
        }
        if depth >= 16 {
            return;
        }
        for m in merges {
            let m = m.resolved();
            if m.is_map() {
                m.collect_entries(out, seen, budget, depth + 1);
            } else {
                for item in m.items() {
                    item.resolved()
                        .collect_entries(out, seen, budget, depth + 1);
                }
            }
        }
    }

    /// The entry for `key` in a mapping (merge keys honoured): (key node, value node).
    pub fn entry(&self, key: &str) -> Option<(Yaml<'a>, Yaml<'a>)> {
        let NodeKind::Map(kids, simple) = self.kind() else {
            return None;
        };
        let file = self.file;
        let entries = file.entries_of(kids);
        let at = |id: u32| Yaml::of_id(file, id);
        if simple {
            // scalar keys, none repeated, no merge key: the one match, if any
            return entries
                .iter()
                .find_map(|&[k, v]| match file.nodes[k as usize].kind {
                    NodeKind::Scalar { value, .. } if file.str_is(value, key) => {
                        Some((at(k), at(v)))
                    }
                    _ => None,
                });
        }
        // own keys first, last duplicate wins (as YAML loaders do)
        let mut found = None;
        let mut has_merge = false;
        for &[k, v] in entries {
            let key_node = at(k);
            match key_node.scalar() {
                Some(s) if s == key => found = Some((key_node, at(v))),
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
        let span = node.span();
        let NodeKind::Scalar { style, value } = node.kind else {
            return OffsetMap::contiguous(span.start);
        };
        let value = r.file.str(value);
        match style {
            Style::Plain => lines_map(text, span, 0, value),
            Style::SingleQuoted | Style::DoubleQuoted => {
                lines_map(text, Span::new(span.start + 1, span.end), 0, value)
            }
            Style::Literal | Style::Folded => block_map(text, span),
        }
    }
}

/// A plain scalar's text that YAML 1.2's core schema reads as null.
fn is_null_word(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

/// Map a flow scalar (possibly spread over lines, leading whitespace folded) to the file.
fn lines_map(text: &str, span: Span, _indent: usize, value: &str) -> OffsetMap {
    let src = span.text(text);
    // memchr: `contains('\n')` on each scalar mapped was 7.5M instructions over 1,080
    // workflows (most are one line)
    if memchr::memchr(b'\n', src.as_bytes()).is_none() {
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
    let line_start =
        memchr::memrchr(b'\n', &text.as_bytes()[..span.start.min(text.len())]).map_or(0, |i| i + 1);
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
