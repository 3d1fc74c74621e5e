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

/// The leading letters of `word` when they could be a name written by hand (a mistyped
/// instruction, a config key): up to 20 ASCII letters and `_`/`-`, in one case or
/// capitalised. Otherwise "": a token, a password, a mixed-case run of letters is not
/// quoted in a message. Parsers quote words of the file only through this.
pub fn instruction_like(word: &str) -> &str {
    let end = word
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '_' || c == '-'))
        .unwrap_or(word.len());
    let name = &word[..end];
    // a name ends where the word does or at punctuation (`=`, `:`), not inside a run of
    // letters and digits (`ghp_a1B2...`, `hunter2`)
    if word[end..].starts_with(|c: char| c.is_alphanumeric()) {
        return "";
    }
    let letters = name.trim_matches(|c| c == '_' || c == '-');
    let one_case = letters.chars().all(|c| !c.is_ascii_lowercase())
        || letters.chars().all(|c| !c.is_ascii_uppercase())
        || letters
            .char_indices()
            .all(|(i, c)| (i == 0) == c.is_ascii_uppercase() || !c.is_ascii_alphabetic());
    if letters.is_empty()
        || name.len() > 20
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
        || !one_case
    {
        return "";
    }
    name
}

/// A name of the file as a message may quote it: `"name"` when [`instruction_like`] takes
/// all of it, else its first two characters and its length (`"gh…(40 chars)"`), the form
/// secrets are shown in.
pub fn quoted_name(name: &str) -> String {
    if !name.is_empty() && instruction_like(name) == name {
        return format!("\"{name}\"");
    }
    let n = name.chars().count();
    let head: String = if n <= 4 {
        String::new()
    } else {
        name.chars().take(2).collect()
    };
    format!("{head}…({n} chars)")
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
    /// Characters before each block of [`COLUMN_BLOCK`] bytes: a column is counted from the
    /// nearest block start, not from the line's start, so thousands of positions on one long
    /// line cost linear time, not quadratic.
    blocks: Vec<usize>,
}

/// Bytes per block of [`LineIndex`]'s character counts.
const COLUMN_BLOCK: usize = 256;

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        let mut blocks = Vec::with_capacity(text.len() / COLUMN_BLOCK + 1);
        starts.push(0);
        // a block at a time: the line breaks found with memchr, the characters counted by a
        // loop the compiler vectorises (the byte-at-a-time loop doing both was 1.4% of a
        // check of real-world workflows)
        let mut chars = 0;
        for (n, block) in text.as_bytes().chunks(COLUMN_BLOCK).enumerate() {
            blocks.push(chars);
            let from = n * COLUMN_BLOCK;
            starts.extend(memchr::memchr_iter(b'\n', block).map(|i| from + i + 1));
            chars += if block.is_ascii() {
                block.len()
            } else {
                block.iter().filter(|&&b| b & 0xC0 != 0x80).count()
            };
        }
        if text.len() % COLUMN_BLOCK == 0 {
            blocks.push(chars); // the end of the text starts a block too
        }
        LineIndex { starts, blocks }
    }

    /// Characters of `text` before byte `offset` (a character boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / COLUMN_BLOCK;
        let Some(&before) = self.blocks.get(block) else {
            return text.get(..offset).map_or(0, |t| t.chars().count());
        };
        let from = block * COLUMN_BLOCK;
        before
            + text.as_bytes()[from..offset]
                .iter()
                .filter(|&&b| b & 0xC0 != 0x80)
                .count()
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
        if start > offset || !text.is_char_boundary(offset) || !text.is_char_boundary(start) {
            return (line + 1, 1);
        }
        let mut column = self.chars_before(text, offset) - self.chars_before(text, start);
        if line == 0 && offset >= 3 && text.starts_with('\u{feff}') {
            column -= 1; // a BOM is column-transparent
        }
        (line + 1, column + 1)
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
    fn columns_on_long_lines_match_counting_from_the_line_start() {
        let line: String = (0..3000)
            .map(|i| if i % 7 == 0 { "é${{ x }}" } else { "ab" })
            .collect();
        let text = format!("\u{feff}{line}\nz{line}\n");
        let idx = LineIndex::new(&text);
        for offset in (0..=text.len())
            .filter(|o| text.is_char_boundary(*o))
            .step_by(37)
        {
            let line = idx.line_of(offset);
            let start = idx.line_start(line);
            let mut before = &text[start..offset];
            if line == 0 {
                before = before.strip_prefix('\u{feff}').unwrap_or(before);
            }
            assert_eq!(
                idx.position(&text, offset),
                (line + 1, before.chars().count() + 1),
                "{offset}"
            );
        }
        let text = "a".repeat(2048);
        assert_eq!(LineIndex::new(&text).position(&text, 2048), (1, 2049));
    }

    #[test]
    fn line_index_matches_the_byte_at_a_time_count() {
        // the loop LineIndex::new replaced, kept as the oracle
        fn oracle(text: &str) -> (Vec<usize>, Vec<usize>) {
            let (mut starts, mut blocks, mut chars) = (vec![0], Vec::new(), 0);
            for (i, b) in text.bytes().enumerate() {
                if i % COLUMN_BLOCK == 0 {
                    blocks.push(chars);
                }
                if b == b'\n' {
                    starts.push(i + 1);
                }
                chars += usize::from(b & 0xC0 != 0x80);
            }
            if text.len() % COLUMN_BLOCK == 0 {
                blocks.push(chars);
            }
            (starts, blocks)
        }
        let unit = "é\nab\n\n€x";
        for n in [0, 1, 255, 256, 257, 511, 512, 513, 1500] {
            let text: String = unit.chars().cycle().take(n).collect();
            let idx = LineIndex::new(&text);
            assert_eq!((idx.starts, idx.blocks), oracle(&text), "{n} characters");
        }
    }

    #[test]
    fn only_plausible_names_are_quoted() {
        for w in ["RUNN", "copy", "Exposee", "MAINTAINER", "my-key", "db_host"] {
            assert_eq!(instruction_like(w), w, "{w}");
        }
        assert_eq!(instruction_like("PASSWORD=hunter2"), "PASSWORD");
        for w in [
            "ghp_a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2",
            "-pS3cretPw",
            "SuperSecretPass",
            "AKIAIOSFODNN7EXAMPLE",
            "hunter2",
            "x7Gq",
        ] {
            assert_eq!(instruction_like(w), "", "{w}");
        }
        assert_eq!(quoted_name("replicas"), "\"replicas\"");
        assert_eq!(
            quoted_name("ghp_a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2"),
            "gh…(40 chars)"
        );
        assert_eq!(quoted_name("API_KEY=abc123xyz"), "AP…(17 chars)");
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
