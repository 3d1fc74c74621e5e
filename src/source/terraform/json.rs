//! A small strict JSON reader (RFC 8259) that keeps byte spans, for Terraform's JSON syntax
//! (`*.tf.json`) and plan files (`terraform show -json`). serde_json drops positions; this
//! keeps every value's and key's span so findings point into the file.
//!
//! Linear in the text, nesting capped at [`MAX_NESTING`] (deeper input is a parse error, not a
//! deep recursion), every error a [`ParseError`] with the offending byte's span.

use super::{MAX_NESTING, ParseError, Span};

/// A JSON value and its span (a string's span includes its quotes).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct JValue {
    pub kind: JKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum JKind {
    Null,
    Bool(bool),
    Number(f64),
    /// Escapes decoded; `raw` when the text between the quotes is the value byte for byte
    /// (no escapes), so offsets into the value are offsets into the file.
    String {
        value: String,
        raw: bool,
    },
    Array(Vec<JValue>),
    /// Members in source order (duplicates kept).
    Object(Vec<(JKey, JValue)>),
}

/// An object member's name and its span (quotes included).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct JKey {
    pub name: String,
    pub span: Span,
}

impl JValue {
    pub fn as_object(&self) -> Option<&[(JKey, JValue)]> {
        match &self.kind {
            JKind::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[JValue]> {
        match &self.kind {
            JKind::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            JKind::String { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The member `name` of an object (the last one when repeated, as JSON readers do).
    pub fn get(&self, name: &str) -> Option<&JValue> {
        self.as_object()?
            .iter()
            .rev()
            .find(|(k, _)| k.name == name)
            .map(|(_, v)| v)
    }
}

/// Parse a whole JSON text (a leading byte order mark is skipped).
pub(super) fn parse(text: &str) -> Result<JValue, ParseError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        i: start,
    };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(v)
}

struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    i: usize,
}

impl Parser<'_> {
    /// An error at the current byte (the character there), or at the end of the text.
    fn err(&self, message: &str) -> ParseError {
        self.err_at(self.i, message)
    }

    fn err_at(&self, at: usize, message: &str) -> ParseError {
        let at = (0..=at.min(self.b.len()))
            .rev()
            .find(|&j| self.text.is_char_boundary(j))
            .unwrap_or(0);
        let end = self.text[at..]
            .chars()
            .next()
            .map_or(at, |c| at + c.len_utf8());
        let message = if at >= self.b.len() {
            format!("invalid JSON: {message} (the file ends here)")
        } else {
            format!("invalid JSON: {message}")
        };
        ParseError {
            message,
            span: Span::new(at, end),
        }
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<JValue, ParseError> {
        let start = self.i;
        let kind = match self.b.get(self.i) {
            None => return Err(self.err("expected a value")),
            Some(b'{') | Some(b'[') if depth >= MAX_NESTING => {
                return Err(self.err(&format!("nesting deeper than {MAX_NESTING} levels")));
            }
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => {
                let (value, raw) = self.string()?;
                JKind::String { value, raw }
            }
            Some(b't') => self.word("true", JKind::Bool(true))?,
            Some(b'f') => self.word("false", JKind::Bool(false))?,
            Some(b'n') => self.word("null", JKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("expected a value")),
        };
        Ok(JValue {
            kind,
            span: Span::new(start, self.i),
        })
    }

    fn word(&mut self, w: &str, kind: JKind) -> Result<JKind, ParseError> {
        if self.b[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(kind)
        } else {
            Err(self.err("expected a value"))
        }
    }

    fn number(&mut self) -> Result<JKind, ParseError> {
        let start = self.i;
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.b.get(p.i).is_some_and(u8::is_ascii_digit) {
                p.i += 1;
            }
            p.i > s
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if !digits(self) {
            return Err(self.err("expected a digit"));
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digits(self) {
                return Err(self.err("expected a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            if !digits(self) {
                return Err(self.err("expected a digit in the exponent"));
            }
        }
        Ok(JKind::Number(
            self.text[start..self.i].parse().unwrap_or(f64::NAN),
        ))
    }

    /// A string at the current `"`: its decoded value, and whether it held no escape.
    fn string(&mut self) -> Result<(String, bool), ParseError> {
        let open = self.i;
        self.i += 1;
        let mut out = String::new();
        let mut raw = true;
        loop {
            // copy the run up to the next quote, backslash or control character at once
            let run = self.b[self.i..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .map_or(self.b.len(), |j| self.i + j);
            out.push_str(&self.text[self.i..run]);
            self.i = run;
            match self.b.get(self.i) {
                None => return Err(self.err_at(open, "string not closed")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok((out, raw));
                }
                Some(b'\\') => {
                    raw = false;
                    let esc = self.i;
                    self.i += 1;
                    let c = match self.b.get(self.i) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.i += 1;
                            let hi = self.hex4(esc)?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4(esc)?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    self.i = save;
                                    hi
                                }
                            } else {
                                hi
                            };
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            continue;
                        }
                        _ => return Err(self.err_at(esc, "unknown escape in string")),
                    };
                    out.push(c);
                    self.i += 1;
                }
                Some(_) => return Err(self.err("control character in string (write it escaped)")),
            }
        }
    }

    fn hex4(&mut self, esc: usize) -> Result<u32, ParseError> {
        let h = self
            .text
            .get(self.i..self.i + 4)
            .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(|| self.err_at(esc, "\\u needs four hex digits"))?;
        self.i += 4;
        Ok(h)
    }

    fn array(&mut self, depth: usize) -> Result<JKind, ParseError> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(JKind::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(JKind::Array(items));
                }
                _ => return Err(self.err("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JKind, ParseError> {
        self.i += 1;
        let mut members = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(JKind::Object(members));
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.err("expected a member name in double quotes"));
            }
            let start = self.i;
            let (name, _) = self.string()?;
            let key = JKey {
                name,
                span: Span::new(start, self.i),
            };
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.err("expected `:` after the member name"));
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth + 1)?;
            members.push((key, v));
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(JKind::Object(members));
                }
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_spans() {
        let text = r#" {"a": [1, -2.5e3, true, null], "b\n": "x\u00e9y", "c": "plain"} "#;
        let v = parse(text).unwrap();
        assert_eq!(v.span, Span::new(1, text.len() - 1));
        let m = v.as_object().unwrap();
        assert_eq!(m[0].0.name, "a");
        assert_eq!(m[0].0.span.text(text), "\"a\"");
        assert_eq!(m[1].0.name, "b\n");
        assert_eq!(
            m[1].1.kind,
            JKind::String {
                value: "xéy".into(),
                raw: false
            }
        );
        assert_eq!(m[2].1.span.text(text), "\"plain\"");
        assert!(matches!(m[2].1.kind, JKind::String { raw: true, .. }));
        let a = m[0].1.as_array().unwrap();
        assert_eq!(a[1].kind, JKind::Number(-2500.0));
        assert_eq!(a[1].span.text(text), "-2.5e3");
        assert_eq!(v.get("c").and_then(JValue::as_str), Some("plain"));
        // a surrogate pair
        let v = parse(r#""\ud83d\ude00""#).unwrap();
        assert_eq!(v.as_str(), Some("😀"));
    }

    #[test]
    fn errors_have_positions() {
        for (text, at) in [
            ("{\"a\": 1,}", 8),
            ("{\"a\" 1}", 5),
            ("[1 2]", 3),
            ("{\"a\": tru}", 6),
            ("\"abc", 0),
            ("{} x", 3),
            ("", 0),
            ("[01]", 2),
            ("{\"a\": \"\\q\"}", 7),
            ("\"a\nb\"", 2),
            ("[1.]", 3),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.span.start, at, "{text:?}: {}", e.message);
            assert!(e.message.starts_with("invalid JSON: "), "{}", e.message);
        }
    }

    #[test]
    fn nesting_is_capped() {
        let deep = "[".repeat(MAX_NESTING + 1) + &"]".repeat(MAX_NESTING + 1);
        let e = parse(&deep).unwrap_err();
        assert!(e.message.contains("nesting deeper"), "{}", e.message);
        let ok = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        assert!(parse(&ok).is_ok());
        // multibyte text at the error position stays on a char boundary
        let e = parse("[\"é\" é]").unwrap_err();
        assert_eq!(e.span.text("[\"é\" é]"), "é");
    }
}
