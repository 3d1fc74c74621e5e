//! Words of a logical line (quotes and the escape character resolved) and strict JSON
//! arrays of strings (exec form).

use crate::source::Span;

pub(super) fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c')
}

/// The first non-blank offset in `[s, e)`, or `e`.
pub(super) fn skip_blank(b: &[u8], mut s: usize, e: usize) -> usize {
    while s < e && is_blank(b[s]) {
        s += 1;
    }
    s
}

/// The first offset at or after `i` that is not whitespace.
pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (is_blank(b[i]) || b[i] == b'\n') {
        i += 1;
    }
    i
}

/// A raw word of a logical line: `[start, end)` and its value, quotes resolved.
pub(super) struct RawWord {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) value: String,
}

/// Read the word at `i` (not whitespace): quotes and the escape character are resolved.
pub(super) fn read_word(b: &[u8], i: usize, escape: u8) -> RawWord {
    let start = i;
    let mut i = i;
    let mut v: Vec<u8> = Vec::new();
    while i < b.len() {
        let c = b[i];
        if is_blank(c) || c == b'\n' {
            break;
        }
        if c == escape {
            match b.get(i + 1) {
                Some(&n) => {
                    v.push(n);
                    i += 2;
                }
                None => {
                    v.push(c);
                    i += 1;
                }
            }
        } else if c == b'\'' {
            let end = b[i + 1..]
                .iter()
                .position(|&x| x == b'\'')
                .map_or(b.len(), |k| i + 1 + k);
            v.extend_from_slice(&b[i + 1..end]);
            i = (end + 1).min(b.len());
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == escape && matches!(b.get(i + 1), Some(&n) if n == b'"' || n == escape) {
                    v.push(b[i + 1]);
                    i += 2;
                } else {
                    v.push(b[i]);
                    i += 1;
                }
            }
            i = (i + 1).min(b.len());
        } else {
            v.push(c);
            i += 1;
        }
    }
    let i = i.min(b.len());
    RawWord {
        start,
        end: i,
        value: match String::from_utf8(v) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        },
    }
}

/// Split a logical line into words.
pub(super) fn split_words(text: &str, escape: u8) -> Vec<RawWord> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_ws(b, 0);
    while i < b.len() {
        let w = read_word(b, i, escape);
        i = skip_ws(b, w.end.max(i + 1));
        out.push(w);
    }
    out
}

/// The value of a raw word, quotes and escapes resolved.
pub(super) fn unquote(raw: &str, escape: u8) -> String {
    split_words(raw, escape)
        .into_iter()
        .map(|w| w.value)
        .collect::<Vec<_>>()
        .join("")
}

/// Like [`unquote`] for a whole rest of line, keeping the blanks between words.
pub(super) fn unquote_keep_blanks(raw: &str, escape: u8) -> String {
    let mut out = String::new();
    let mut last = 0;
    for w in split_words(raw, escape) {
        out.push_str(&raw[last..w.start]);
        out.push_str(&w.value);
        last = w.end;
    }
    out
}

/// The offset of the first `=` of `raw` outside quotes.
pub(super) fn unquoted_eq(raw: &str, escape: u8) -> Option<usize> {
    let b = raw.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == escape => i += 1,
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'=' => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// A strict JSON array of strings: each value and the span of its JSON string (quotes
/// included) in `s`. `None` when `s` is anything else.
pub(super) fn parse_json_strings(s: &str) -> Option<Vec<(String, Span)>> {
    let b = s.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'[') {
        return None;
    }
    i = ws(i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let start = i;
            i += 1;
            let mut v = String::new();
            loop {
                match *b.get(i)? {
                    b'"' => {
                        i += 1;
                        break;
                    }
                    b'\\' => {
                        let e = *b.get(i + 1)?;
                        i += 2;
                        match e {
                            b'"' => v.push('"'),
                            b'\\' => v.push('\\'),
                            b'/' => v.push('/'),
                            b'b' => v.push('\u{8}'),
                            b'f' => v.push('\u{c}'),
                            b'n' => v.push('\n'),
                            b'r' => v.push('\r'),
                            b't' => v.push('\t'),
                            b'u' => {
                                let hi = hex4(b, i)?;
                                i += 4;
                                let mut cp = hi;
                                if (0xD800..0xDC00).contains(&hi)
                                    && b.get(i) == Some(&b'\\')
                                    && b.get(i + 1) == Some(&b'u')
                                {
                                    if let Some(lo) = hex4(b, i + 2) {
                                        if (0xDC00..0xE000).contains(&lo) {
                                            cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                            i += 6;
                                        }
                                    }
                                }
                                v.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                            }
                            _ => return None,
                        }
                    }
                    c if c < 0x20 => return None,
                    _ => {
                        let ch = s.get(i..)?.chars().next()?;
                        v.push(ch);
                        i += ch.len_utf8();
                    }
                }
            }
            out.push((v, Span::new(start, i)));
            i = ws(i);
            match b.get(i) {
                Some(b',') => i = ws(i + 1),
                Some(b']') => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (ws(i) == b.len()).then_some(out)
}

pub(super) fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let h = b.get(i..i + 4)?;
    let s = std::str::from_utf8(h).ok()?;
    u32::from_str_radix(s, 16).ok()
}
