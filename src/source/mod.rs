//! One parser per file kind. Every parser yields a span-aware model over the file's text;
//! spans are byte offsets into that text and become line/column once, at output time.

pub mod comments;
pub mod compose;
pub mod compose_merge;
pub mod dockerfile;
pub mod expr;
pub mod k8s;
pub mod script;
pub mod shell;
pub mod terraform;
pub mod workflow;
pub mod yaml;

use std::fmt;

/// A half-open byte range `[start, end)` into a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// The text of this span, or "" when it does not fall on char boundaries of `text`.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
    /// Shift by `offset` bytes (for sub-spans of a region that starts at `offset`).
    pub fn shift(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

/// The kinds of file plumb reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Workflow,
    /// A composite/JavaScript/Docker action metadata file (`action.yml`).
    Action,
    Dockerfile,
    Compose,
    K8s,
    Terraform,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Workflow,
        Kind::Action,
        Kind::Dockerfile,
        Kind::Compose,
        Kind::K8s,
        Kind::Terraform,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Workflow => "workflow",
            Kind::Action => "action",
            Kind::Dockerfile => "dockerfile",
            Kind::Compose => "compose",
            Kind::K8s => "k8s",
            Kind::Terraform => "terraform",
        }
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        Some(match s {
            "workflow" | "gha" | "github-actions" => Kind::Workflow,
            "action" => Kind::Action,
            "dockerfile" | "docker" => Kind::Dockerfile,
            "compose" | "docker-compose" => Kind::Compose,
            "k8s" | "kubernetes" => Kind::K8s,
            "terraform" | "tf" => Kind::Terraform,
            _ => return None,
        })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Byte offset -> (line, column) for one file. Lines and columns are 1-based; columns count
/// Unicode scalar values (what SARIF's default `columnKind` "utf16CodeUnits" approximates and
/// what editors show for BMP text). A UTF-8 BOM is column-transparent.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line number holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset at which 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(usize::MAX)
    }

    /// The span of 0-based `line`, without its line terminator.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line).min(text.len());
        let mut end = self.line_start(line + 1).min(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// 1-based (line, column) of a byte offset.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let mut col_text = text.get(start..offset).unwrap_or("");
        if line == 0 {
            col_text = col_text.strip_prefix('\u{feff}').unwrap_or(col_text);
        }
        (line + 1, col_text.chars().count() + 1)
    }
}

/// Maps offsets in a derived string back to the file it came from. Derived strings are what
/// parsers hand to rules when the source is not contiguous: a Dockerfile instruction with its
/// `\` continuations joined, a YAML block scalar with its indentation stripped. Each segment
/// is a run of bytes copied verbatim from the source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// (offset in the derived string, offset in the source), sorted by both.
    segs: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// A map for a derived string copied verbatim from the source at `source_start`.
    pub fn contiguous(source_start: usize) -> Self {
        OffsetMap {
            segs: vec![(0, source_start)],
        }
    }

    /// Record that derived offset `derived` starts a verbatim run at source offset `source`.
    pub fn push(&mut self, derived: usize, source: usize) {
        if let Some(&(d, s)) = self.segs.last() {
            if derived - d == source.wrapping_sub(s) && source >= s {
                return; // continues the previous run
            }
        }
        self.segs.push((derived, source));
    }

    /// The source offset of derived offset `derived`.
    pub fn to_source(&self, derived: usize) -> usize {
        let i = match self.segs.binary_search_by_key(&derived, |s| s.0) {
            Ok(i) => i,
            Err(0) => return self.segs.first().map_or(derived, |s| s.1),
            Err(i) => i - 1,
        };
        let (d, s) = self.segs[i];
        s + (derived - d)
    }

    /// The map of the derived text from offset `from` on, re-based so that `from` is 0:
    /// for a piece of a derived string that is itself lexed or parsed.
    pub fn slice_from(&self, from: usize) -> OffsetMap {
        let mut out = OffsetMap::default();
        out.push(0, self.to_source(from));
        for &(d, s) in &self.segs {
            if d > from {
                out.push(d - from, s);
            }
        }
        out
    }

    /// The source span of a derived span. An empty derived span stays empty.
    pub fn span(&self, derived: Span) -> Span {
        let start = self.to_source(derived.start);
        if derived.is_empty() {
            return Span::empty(start);
        }
        // map the last byte, not the end, so a span ending at a segment edge stays inside it
        let end = self.to_source(derived.end - 1) + 1;
        Span::new(start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_positions_count_characters_and_skip_a_bom() {
        let text = "\u{feff}ab\r\nçé x\n\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.position(text, 3), (1, 1)); // after the BOM
        assert_eq!(idx.position(text, 4), (1, 2));
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, x), (2, 4)); // ç and é are one column each
        assert_eq!(idx.line_span(text, 0).text(text), "\u{feff}ab"); // no \r\n
        assert_eq!(idx.line_span(text, 2).text(text), "");
        assert_eq!(idx.position(text, text.len() + 10), (4, 5)); // clamped to the end
        assert_eq!(idx.line_of(x), 1);
    }

    #[test]
    fn offset_map_follows_segments_and_keeps_spans_inside_them() {
        // derived "abcdef" from source "ab\\\n  cdef": two verbatim runs
        let mut map = OffsetMap::default();
        map.push(0, 10);
        map.push(2, 16);
        assert_eq!(map.to_source(0), 10);
        assert_eq!(map.to_source(1), 11);
        assert_eq!(map.to_source(2), 16);
        assert_eq!(map.to_source(5), 19);
        // a span ending at a run's edge stays in that run
        assert_eq!(map.span(Span::new(0, 2)), Span::new(10, 12));
        assert_eq!(map.span(Span::new(1, 4)), Span::new(11, 18));
        assert_eq!(map.span(Span::empty(3)), Span::empty(17));
        // a contiguous push merges into the previous run
        let mut m = OffsetMap::contiguous(5);
        m.push(3, 8);
        assert_eq!(m, OffsetMap::contiguous(5));
        // slicing re-bases on a derived offset
        let s = map.slice_from(1);
        assert_eq!(s.to_source(0), 11);
        assert_eq!(s.to_source(1), 16);
    }
}
