//! Text edits rules share for their fixes: adding an entry to a YAML mapping in the style it
//! is written in (block or flow), with the indentation its keys have.

use std::sync::LazyLock;

use regex::Regex;

use crate::source::Span;
use crate::source::yaml::Yaml;

/// An anchor (`&name`), an alias (`*name`) or a merge key (`<<:`), roughly: `&&` in a shell
/// command is neither, a glob like `*.txt` counts (a fix is then not offered, never wrong).
static SHARED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)(?:^|[\s\[{,:-])[&*][A-Za-z0-9_.][A-Za-z0-9_.-]*|<<\s*:").expect("regex")
});

/// Whether a YAML region can be edited without editing something else too: it holds no
/// anchor another place may alias, no alias or merge key bringing text from elsewhere.
/// Fixes edit only such regions, and only nodes whose own text lies inside them.
pub fn plain_region(text: &str, region: Span) -> bool {
    text.get(region.start..region.end)
        .is_some_and(|t| !SHARED.is_match(t))
}

/// The byte offset where the line holding `offset` starts.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// The byte offset of the end of the line holding `offset` (its `\r\n` or `\n`, or the end
/// of text).
pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    if end > offset && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The line break the file uses, as its first line ends: `\r\n` or `\n` (read from the
/// first line only: searching the whole text per fix made many fixes quadratic).
pub fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The whole line holding `offset`, with its newline.
pub fn whole_line(text: &str, offset: usize) -> Span {
    let offset = offset.min(text.len());
    let end = text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1);
    Span::new(line_start(text, offset), end)
}

/// Whether a node is written in flow style (`{...}` or `[...]`).
pub fn is_flow(text: &str, node: Yaml<'_>) -> bool {
    matches!(
        text.as_bytes().get(node.span().start),
        Some(b'{') | Some(b'[')
    )
}

/// The end of a node's own text, trailing blanks and line breaks left out.
fn content_end(text: &str, node: Yaml<'_>) -> usize {
    let s = node.span();
    let mut end = s.end.min(text.len());
    while end > s.start && text.as_bytes()[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// An insertion `(at, text)` adding an entry at the end of mapping `map`: in block style,
/// `block` lines (relative to the mapping's key indentation; the first is the key line) on
/// new lines after its last entry; in flow style, `flow` (`key: value`) as its first entry.
/// `None` when the mapping's layout is not one this can follow (keys not aligned, a block
/// mapping on the line of its parent key).
pub fn add_entry(
    text: &str,
    map: Yaml<'_>,
    block: &[String],
    flow: &str,
) -> Option<(usize, String)> {
    if !map.is_map() {
        return None;
    }
    if is_flow(text, map) {
        let open = map.span().start;
        let inner = text.get(open + 1..map.span().end.saturating_sub(1))?;
        let sep = if inner.trim().is_empty() { "" } else { ", " };
        return Some((open + 1, format!("{flow}{sep}")));
    }
    let entries = map.entries();
    let (first, _) = entries.first()?;
    let key_at = first.span().start;
    let indent = key_at - line_start(text, key_at);
    // every key at one column, each on its own line
    if entries
        .iter()
        .any(|(k, _)| k.span().start - line_start(text, k.span().start) != indent)
    {
        return None;
    }
    let (_, last_value) = entries.last()?;
    let (last_key, _) = entries.last()?;
    let end = content_end(text, *last_value).max(last_key.span().end);
    let at = line_end(text, end);
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for l in block {
        out.push_str(newline(text));
        out.push_str(&pad);
        out.push_str(l);
    }
    Some((at, out))
}

/// An edit setting `parent.key: value` in mapping `node`: the value replaced when the key is
/// there, the entry added to `parent` when only that is, `parent` added with the entry when
/// neither is. `None` when `parent` is not a mapping, or the layout is not one
/// [`add_entry`] can follow. The caller checks that `node` is a [`plain_region`] (once per
/// node, not per finding).
pub fn set_nested(
    text: &str,
    node: Yaml<'_>,
    parent: &str,
    key: &str,
    value: &str,
) -> Option<(Span, String)> {
    match node.get(parent) {
        Some(p) if p.is_map() => match p.get(key) {
            Some(v) => Some((v.span(), value.to_string())),
            None => {
                let (at, ins) = add_entry(
                    text,
                    p,
                    &[format!("{key}: {value}")],
                    &format!("{key}: {value}"),
                )?;
                Some((Span::empty(at), ins))
            }
        },
        Some(_) => None,
        None => {
            let (at, ins) = add_entry(
                text,
                node,
                &[format!("{parent}:"), format!("  {key}: {value}")],
                &format!("{parent}: {{{key}: {value}}}"),
            )?;
            Some((Span::empty(at), ins))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml::YamlFile;

    fn add(text: &str, path: &[&str], block: &[&str], flow: &str) -> Option<String> {
        let y = YamlFile::parse(text);
        let root = y.documents().next()?;
        let map = root.path(path)?;
        let block: Vec<String> = block.iter().map(|s| s.to_string()).collect();
        let (at, ins) = add_entry(text, map, &block, flow)?;
        Some(format!("{}{}{}", &text[..at], ins, &text[at..]))
    }

    #[test]
    fn block_mappings_get_a_line_at_their_indentation() {
        let text = "a:\n  b: 1 # note\n  c:\n    - x\n\nd: 2\n";
        assert_eq!(
            add(text, &["a"], &["e: true"], "e: true").as_deref(),
            Some("a:\n  b: 1 # note\n  c:\n    - x\n  e: true\n\nd: 2\n")
        );
        let text = "a:\n  b: 1";
        assert_eq!(
            add(text, &["a"], &["s:", "  t: 1"], "").as_deref(),
            Some("a:\n  b: 1\n  s:\n    t: 1")
        );
    }

    #[test]
    fn flow_mappings_get_a_first_entry() {
        assert_eq!(
            add("a: {b: 1}\n", &["a"], &[], "e: true").as_deref(),
            Some("a: {e: true, b: 1}\n")
        );
        assert_eq!(
            add("a: {}\n", &["a"], &[], "e: true").as_deref(),
            Some("a: {e: true}\n")
        );
    }

    #[test]
    fn anchors_aliases_and_merges_are_not_plain() {
        let plain = |t: &str| plain_region(t, Span::new(0, t.len()));
        assert!(plain("a:\n  b: 1\n  c: sh -c 'x && y'\n"));
        assert!(!plain("a: &base\n  b: 1\n"));
        assert!(!plain("a: *base\n"));
        assert!(!plain("a:\n  <<: *base\n"));
        assert!(!plain("- *base\n"));
        assert!(!plain("a: [*x]\n"));
    }

    #[test]
    fn crlf_files_keep_their_line_breaks() {
        let text = "a:\r\n  b: 1\r\nc: 2\r\n";
        assert_eq!(
            add(text, &["a"], &["e: true"], "").as_deref(),
            Some("a:\r\n  b: 1\r\n  e: true\r\nc: 2\r\n")
        );
    }

    #[test]
    fn lines() {
        let t = "ab\ncd\nef";
        assert_eq!(line_start(t, 4), 3);
        assert_eq!(line_end(t, 4), 5);
        assert_eq!(whole_line(t, 4), Span::new(3, 6));
        assert_eq!(whole_line(t, 7), Span::new(6, 8));
    }
}
