//! Pre-scan: the nesting guard and comment spans, before hcl-edit sees the text.

use super::{MAX_NESTING, ParseError, Span};

/// Where the scanner is.
enum Nest<'t> {
    /// Inside `{`, `[` or `(`, waiting for the closer.
    Open(u8),
    /// Inside `${` or `%{` of a string or heredoc.
    Interp,
    /// Inside a quoted string.
    Str,
    /// Inside a heredoc body, waiting for a line holding only the delimiter.
    Heredoc(&'t str),
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80
}

/// One lexical pass over the text: refuses nesting deeper than [`MAX_NESTING`] (so no recursive
/// parser ever sees it) and collects comment spans. Strings, heredocs and interpolations are
/// followed closely enough that brackets and `#` inside strings do not count; the parser has
/// the final word on what is valid.
pub(super) fn scan(text: &str) -> Result<Vec<Span>, ParseError> {
    let b = text.as_bytes();
    let mut stack: Vec<Nest<'_>> = Vec::new();
    let mut comments = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        match stack.last() {
            Some(Nest::Str) => match c {
                b'\\' => i += 2,
                b'"' | b'\n' => {
                    // a newline ends an (invalid) unterminated string: resynchronise there
                    stack.pop();
                    i += 1;
                }
                b'$' | b'%' if next == Some(c) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if next == Some(b'{') => {
                    stack.push(Nest::Interp);
                    i += 2;
                }
                _ => i += 1,
            },
            Some(Nest::Heredoc(delim)) => {
                if i == 0 || b[i - 1] == b'\n' {
                    let rest = text.get(i..).unwrap_or("");
                    let trimmed = rest.trim_start_matches([' ', '\t']);
                    if let Some(after) = trimmed.strip_prefix(delim) {
                        if !after.bytes().next().is_some_and(is_ident_byte) {
                            i += rest.len() - after.len();
                            stack.pop();
                            continue;
                        }
                    }
                }
                match c {
                    b'$' | b'%' if next == Some(c) && b.get(i + 2) == Some(&b'{') => i += 3,
                    b'$' | b'%' if next == Some(b'{') => {
                        stack.push(Nest::Interp);
                        i += 2;
                    }
                    _ => i += 1,
                }
            }
            _ => match c {
                b'#' => i = line_comment(b, i, &mut comments),
                b'/' if next == Some(b'/') => i = line_comment(b, i, &mut comments),
                b'/' if next == Some(b'*') => {
                    let end = text
                        .get(i + 2..)
                        .and_then(|rest| rest.find("*/"))
                        .map_or(b.len(), |j| i + 2 + j + 2);
                    comments.push(Span::new(i, end));
                    i = end;
                }
                b'"' => {
                    stack.push(Nest::Str);
                    i += 1;
                }
                b'<' if next == Some(b'<') => match heredoc_start(text, i) {
                    Some((delim, body_start)) => {
                        stack.push(Nest::Heredoc(delim));
                        i = body_start;
                    }
                    None => i += 2,
                },
                b'{' => {
                    stack.push(Nest::Open(b'}'));
                    i += 1;
                }
                b'[' => {
                    stack.push(Nest::Open(b']'));
                    i += 1;
                }
                b'(' => {
                    stack.push(Nest::Open(b')'));
                    i += 1;
                }
                b'}' | b']' | b')' => {
                    match stack.last() {
                        Some(Nest::Open(closer)) if *closer == c => {
                            stack.pop();
                        }
                        Some(Nest::Interp) if c == b'}' => {
                            stack.pop();
                        }
                        _ => {} // unbalanced: the parser will say so
                    }
                    i += 1;
                }
                _ => i += 1,
            },
        }
        if stack.len() > MAX_NESTING {
            let at = i.saturating_sub(1).min(b.len());
            let at = (0..=at)
                .rev()
                .find(|&j| text.is_char_boundary(j))
                .unwrap_or(0);
            return Err(ParseError {
                message: format!("nesting deeper than {MAX_NESTING} levels"),
                span: Span::new(at, (at + 1).min(b.len())),
            });
        }
    }
    Ok(comments)
}

/// Record the line comment starting at `start`; returns where scanning resumes (the newline).
fn line_comment(b: &[u8], start: usize, comments: &mut Vec<Span>) -> usize {
    let nl = b[start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |j| start + j);
    let end = if nl > start && b[nl - 1] == b'\r' {
        nl - 1
    } else {
        nl
    };
    comments.push(Span::new(start, end));
    nl
}

/// `<<EOT\n` or `<<-EOT\r\n` at `at`: the delimiter and where the heredoc body starts.
fn heredoc_start(text: &str, at: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    let mut j = at + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let delim_start = j;
    while b.get(j).copied().is_some_and(is_ident_byte) {
        j += 1;
    }
    let delim = text.get(delim_start..j).filter(|d| !d.is_empty())?;
    if b.get(j) == Some(&b'\r') {
        j += 1;
    }
    (b.get(j) == Some(&b'\n')).then_some((delim, j + 1))
}
