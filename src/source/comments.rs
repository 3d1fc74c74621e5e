//! Comment spans of YAML files, where suppressions may be written.
//!
//! saphyr's events carry no comments, so they are found from the loaded tree: a YAML comment
//! is a `#` at the start of a line or after a blank, outside every scalar (keys, quoted and
//! block scalars included). A `#` inside a string, a `run:` script or a block scalar is text,
//! not a comment. Dockerfile and Terraform comments come from their own parsers
//! (`Dockerfile::comments`, `TfFile::comments`).

use super::Span;
use super::yaml::{NodeKind, Style, YamlFile};

/// The comments of a YAML file, in source order. After a fatal syntax error the tree stops,
/// so only whole-line comments count in the text it did not reach.
pub fn yaml(text: &str, file: &YamlFile) -> Vec<Span> {
    if !text.contains('#') {
        return Vec::new();
    }
    // scalar spans, sorted; a block scalar's header line may end in a comment of its own
    let mut scalars: Vec<Span> = Vec::new();
    let mut block_headers: Vec<Span> = Vec::new();
    for id in 0..file.node_count() {
        let node = file.node(id);
        if let NodeKind::Scalar { style, .. } = &node.kind {
            let mut span = node.span();
            let at_indicator = text
                .get(span.start..)
                .is_some_and(|t| t.starts_with(['|', '>']));
            if matches!(style, Style::Literal | Style::Folded) && at_indicator {
                // `|-2 # comment`: the header runs to the end of its line
                let header_end = text[span.start.min(text.len())..]
                    .find('\n')
                    .map_or(text.len(), |k| span.start + k);
                block_headers.push(Span::new(span.start, header_end));
                span.start = header_end.min(span.end.max(header_end));
            }
            if !span.is_empty() {
                scalars.push(span);
            }
        }
    }
    scalars.sort_unstable();
    let reached = file.fatal_error().map_or(text.len(), |e| e.span.start);
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut k = 0; // scalars before this index end before the current offset
    let mut i = 0;
    while let Some(off) = text[i..].find('#') {
        let at = i + off;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let blank_before = at == 0 || matches!(b[at - 1], b' ' | b'\t' | b'\n' | b'\r');
        let whole_line = text[line_start..at].trim().is_empty();
        while k < scalars.len() && scalars[k].end <= at {
            k += 1;
        }
        let in_scalar = scalars[k..]
            .iter()
            .take_while(|s| s.start <= at)
            .any(|s| s.start <= at && at < s.end);
        let in_header = block_headers.iter().any(|h| h.start < at && at < h.end);
        let is_comment = blank_before
            && (whole_line || at < reached)
            && (!in_scalar || (in_header && header_comment(text, at)));
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let end = if end > at && b[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        if is_comment {
            out.push(Span::new(at, end));
            i = end;
        } else {
            i = at + 1;
        }
        if i >= text.len() {
            break;
        }
    }
    out
}

/// Whether the `#` at `at`, on a block scalar's header line, follows only the header's
/// indicators (`|`, `>`, `+`, `-`, a digit) and blanks.
fn header_comment(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let before = &text[line_start..at];
    match before.rfind(['|', '>']) {
        Some(p) => before[p + 1..]
            .chars()
            .all(|c| matches!(c, '+' | '-' | ' ' | '\t') || c.is_ascii_digit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(text: &str) -> Vec<&str> {
        let file = YamlFile::parse(text);
        yaml(text, &file).iter().map(|s| s.text(text)).collect()
    }

    #[test]
    fn comments_and_not_strings() {
        let text = "# top\na: 1 # tail\nb: \"x # y\"\nc: 'p # q'\nd: u#v\nrun: echo \"# plumb: ignore-file[gha/*] -- x\"\n";
        assert_eq!(comments(text), vec!["# top", "# tail"]);
    }

    #[test]
    fn block_scalars_hold_text_not_comments() {
        let text = "run: | # header\n  # a shell comment\n  make # more\n# after\nk: v\n";
        assert_eq!(comments(text), vec!["# header", "# after"]);
    }

    #[test]
    fn flow_collections_and_plain_multiline() {
        let text = "a: [x, '#y', z] # c1\nb: {k: v} # c2\nc: one\n  two # c3\n";
        assert_eq!(comments(text), vec!["# c1", "# c2", "# c3"]);
    }

    #[test]
    fn after_a_syntax_error_only_whole_lines() {
        let text = "a: 1\n  b: 2\n# whole line\nc: \"x # in a string\"\n";
        assert!(YamlFile::parse(text).fatal_error().is_some());
        assert_eq!(comments(text), vec!["# whole line"]);
    }
}
