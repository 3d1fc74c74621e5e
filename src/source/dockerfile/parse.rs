//! Reading a Dockerfile: directives, logical lines with their continuations, instructions
//! with flags, arguments and heredocs, then stages.

use super::expand::expand;
use super::words::{
    is_blank, parse_json_strings, read_word, skip_blank, skip_ws, split_words, unquote, unquoted_eq,
};
use super::{
    Args, ArgsForm, Dockerfile, Flag, Heredoc, ImageRef, Instruction, Keyword, MAX_ERRORS,
    ParseError, Stage,
};
use std::sync::OnceLock;

use crate::source::{OffsetMap, Span};

/// Parse a Dockerfile. Never fails; see the module docs.
pub fn parse(text: &str) -> Dockerfile {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        escape: b'\\',
        errors: Vec::new(),
        comments: Vec::new(),
    };
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (syntax, check);
    (pos, syntax, check) = p.directives(pos);
    let mut instructions = Vec::new();
    while pos < p.b.len() {
        let (s, e, next) = line_at(p.b, pos);
        let first = skip_blank(p.b, s, e);
        if first == e || p.b[first] == b'#' {
            if first < e {
                p.comments.push(Span::new(first, e));
            }
            pos = next;
            continue;
        }
        let (inst, after) = p.instruction(first, e, next);
        instructions.push(inst);
        pos = after;
    }
    let mut comments = std::mem::take(&mut p.comments);
    comments.sort_unstable();
    comments.dedup();
    let escape = p.escape as char;
    let mut df = Dockerfile {
        instructions,
        stages: Vec::new(),
        global_args: Vec::new(),
        escape,
        syntax,
        check,
        errors: Vec::new(),
        comment_lines: comments,
    };
    p.stages(&mut df);
    df.errors = p.errors;
    df
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    escape: u8,
    errors: Vec<ParseError>,
    comments: Vec<Span>,
}

/// A logical line: an instruction's text after its keyword with continuations joined.
struct Logical {
    text: String,
    /// (offset in `text`, source offset) at the start of each verbatim run.
    segs: Vec<(usize, usize)>,
    /// Source end of the instruction, trailing blanks excluded.
    end: usize,
    /// Source offset of the line after the instruction.
    next: usize,
}

/// (content start, content end without `\r\n`, start of the next line).
fn line_at(b: &[u8], pos: usize) -> (usize, usize, usize) {
    let end = b[pos.min(b.len())..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |k| pos + k);
    let next = if end < b.len() { end + 1 } else { b.len() };
    let mut ce = end;
    if ce > pos && b[ce - 1] == b'\r' {
        ce -= 1;
    }
    (pos, ce, next)
}

/// An OffsetMap for `text[from..]` of a logical line.
fn sub_map(segs: &[(usize, usize)], from: usize, fallback: usize) -> OffsetMap {
    let mut map = OffsetMap::default();
    let k = segs.partition_point(|s| s.0 <= from);
    match k.checked_sub(1).and_then(|i| segs.get(i)) {
        Some(&(d, s)) => map.push(0, s + (from - d)),
        None => map.push(0, fallback),
    }
    for &(d, s) in segs.get(k..).unwrap_or(&[]) {
        map.push(d - from, s);
    }
    map
}

impl Parser<'_> {
    fn error(&mut self, message: String, span: Span) {
        self.error_at(message, span, false);
    }

    /// An error whose span holds a word it does not quote (`hide`): masked in snippets.
    fn error_at(&mut self, message: String, span: Span, hide: bool) {
        let hidden = if hide { vec![span] } else { Vec::new() };
        match self.errors.len() {
            n if n < MAX_ERRORS => self.errors.push(ParseError {
                message,
                span,
                hidden,
            }),
            n if n == MAX_ERRORS => self.errors.push(ParseError {
                message: "too many errors, the rest of the file is not reported".to_string(),
                span,
                hidden,
            }),
            _ => {}
        }
    }

    /// Read the parser directives at the top; return where instructions start.
    fn directives(&mut self, mut pos: usize) -> (usize, Option<String>, Option<String>) {
        let (mut syntax, mut check, mut escape_seen) = (None, None, false);
        while pos < self.b.len() {
            let (s, e, next) = line_at(self.b, pos);
            let first = skip_blank(self.b, s, e);
            let line = &self.text[first..e];
            let Some((key, value)) = parse_directive(line) else {
                break;
            };
            let span = Span::new(first, e);
            self.comments.push(span);
            match key.to_ascii_lowercase().as_str() {
                "syntax" if syntax.is_none() => syntax = Some(value.to_string()),
                "check" if check.is_none() => check = Some(value.to_string()),
                "escape" if !escape_seen => {
                    escape_seen = true;
                    match value {
                        "\\" => self.escape = b'\\',
                        "`" => self.escape = b'`',
                        _ => self.error(
                            format!("invalid escape directive {value:?}: use \\ or `"),
                            span,
                        ),
                    }
                }
                "syntax" | "check" | "escape" => {
                    self.error(
                        format!("duplicate parser directive {:?}", key.to_ascii_lowercase()),
                        span,
                    );
                }
                // an unknown directive is a comment, and ends the directives
                _ => break,
            }
            pos = next;
        }
        (pos, syntax, check)
    }

    /// Read the logical line starting at source offset `start` on a line ending at `e`.
    fn logical(&mut self, start: usize, e: usize, next: usize) -> Logical {
        let b = self.b;
        let mut text = String::new();
        let mut segs = Vec::new();
        let (mut s, mut e, mut next) = (start, e, next);
        let mut end;
        loop {
            let mut t = e;
            while t > s && matches!(b[t - 1], b' ' | b'\t') {
                t -= 1;
            }
            let continued = t > s && b[t - 1] == self.escape;
            let piece_end = if continued { t - 1 } else { t };
            if piece_end > s {
                segs.push((text.len(), s));
                text.push_str(&self.text[s..piece_end]);
            }
            end = t.max(s);
            if !continued {
                break;
            }
            // the next line that is not a comment or empty
            let mut found = false;
            while next < b.len() {
                let (s2, e2, n2) = line_at(b, next);
                let first = skip_blank(b, s2, e2);
                next = n2;
                if first == e2 || b[first] == b'#' {
                    if first < e2 {
                        self.comments.push(Span::new(first, e2));
                    }
                    continue;
                }
                (s, e) = (s2, e2);
                found = true;
                break;
            }
            if !found {
                break;
            }
        }
        Logical {
            text,
            segs,
            end,
            next,
        }
    }

    fn instruction(&mut self, start: usize, e: usize, next: usize) -> (Instruction, usize) {
        let b = self.b;
        let mut kw_end = start;
        while kw_end < e && !is_blank(b[kw_end]) {
            kw_end += 1;
        }
        // `RUN\` continued right after the keyword
        if kw_end > start + 1 && b[kw_end - 1] == self.escape && skip_blank(b, kw_end, e) == e {
            kw_end -= 1;
        }
        let keyword_span = Span::new(start, kw_end);
        let keyword = Keyword::parse(&self.text[start..kw_end]);
        if let Keyword::Other(word) = &keyword {
            // quote only a leading name that could be a mistyped instruction: a stray
            // `PASSWORD=hunter2` line must not put its value into a message, nor a pasted
            // token (`ghp_...`) or a continuation-split `-pS3cret` themselves
            let shown = crate::source::instruction_like(word);
            let hidden = shown.len() < word.len();
            let message = if shown.is_empty() {
                "unknown instruction: a line that does not start with an instruction".to_string()
            } else if shown.len() < word.len() {
                format!(
                    "unknown instruction {shown:?} (a line that does not start with an instruction)"
                )
            } else {
                format!("unknown instruction {shown:?}")
            };
            self.error_at(message, keyword_span, hidden);
        }
        let lg = self.logical(kw_end, e, next);
        let lb = lg.text.as_bytes();
        let full = sub_map(&lg.segs, 0, kw_end);

        // flags
        let mut flags = Vec::new();
        let mut p = skip_ws(lb, 0);
        while lb[p..].starts_with(b"--") {
            let w = read_word(lb, p, self.escape);
            let raw = &lg.text[p..w.end];
            if raw == "--" {
                break;
            }
            let body = &raw[2..];
            let (name, value, value_span) = match unquoted_eq(body, self.escape) {
                Some(k) => (
                    &body[..k],
                    Some(unquote(&body[k + 1..], self.escape)),
                    Some(full.span(Span::new(p + 3 + k, w.end))),
                ),
                None => (body, None, None),
            };
            flags.push(Flag {
                name: name.to_string(),
                value,
                span: full.span(Span::new(p, w.end)),
                value_span,
            });
            p = skip_ws(lb, w.end);
        }

        // arguments
        let mut z = lg.text.len();
        while z > p && (is_blank(lb[z - 1]) || lb[z - 1] == b'\n') {
            z -= 1;
        }
        let args_text = lg.text[p..z].to_string();
        let map = sub_map(&lg.segs, p, kw_end);
        let args_span = map.span(Span::new(0, args_text.len()));
        let mut inst_end = lg.end;
        let mut after = lg.next;

        // heredocs
        let mut heredocs = Vec::new();
        if matches!(keyword, Keyword::Run | Keyword::Copy | Keyword::Add) {
            for w in split_words(&args_text, self.escape) {
                let raw = &args_text[w.start..w.end];
                let Some((strip_tabs, delim_raw)) = heredoc_marker(raw) else {
                    continue;
                };
                let delimiter = unquote(delim_raw, self.escape);
                if delimiter.is_empty() {
                    continue;
                }
                let quoted = delim_raw.contains(['"', '\'']);
                let span = map.span(Span::new(w.start, w.end));
                let (doc, end, next_pos) =
                    self.heredoc_body(after, delimiter, strip_tabs, quoted, span);
                heredocs.push(doc);
                inst_end = inst_end.max(end);
                after = next_pos;
            }
        }

        // form
        let command_at = match keyword {
            Keyword::Run
            | Keyword::Cmd
            | Keyword::Entrypoint
            | Keyword::Shell
            | Keyword::Copy
            | Keyword::Add
            | Keyword::Volume => Some(0),
            Keyword::Healthcheck => {
                let first = read_word(args_text.as_bytes(), 0, self.escape);
                first
                    .value
                    .eq_ignore_ascii_case("CMD")
                    .then(|| skip_ws(args_text.as_bytes(), first.end))
            }
            _ => None,
        };
        let mut form = ArgsForm::Shell;
        if let Some(at) = command_at {
            let cmd = args_text.get(at..).unwrap_or("");
            if cmd.starts_with('[') {
                match parse_json_strings(cmd) {
                    Some(items) => {
                        form = ArgsForm::Json(
                            items
                                .into_iter()
                                .map(|(v, s)| (v, map.span(s.shift(at))))
                                .collect(),
                        );
                    }
                    None => {
                        if let Ok(serde_json::Value::Array(_)) =
                            serde_json::from_str::<serde_json::Value>(cmd)
                        {
                            self.error(
                                format!(
                                    "{} exec form must be a JSON array of strings",
                                    keyword.as_str()
                                ),
                                args_span,
                            );
                        }
                    }
                }
            }
        }
        if keyword == Keyword::Shell && form == ArgsForm::Shell {
            self.error(
                "SHELL needs its arguments in JSON form: SHELL [\"executable\", \"param\"]"
                    .to_string(),
                args_span,
            );
        } else if args_text.is_empty()
            && heredocs.is_empty()
            && !matches!(keyword, Keyword::Other(_))
        {
            self.error(
                format!("{} has no arguments", keyword.as_str()),
                keyword_span,
            );
        }

        let inst = Instruction {
            keyword,
            keyword_span,
            span: Span::new(start, inst_end.max(kw_end)),
            flags,
            args: Args {
                text: args_text,
                map,
                form,
            },
            args_span,
            heredocs,
            stage: None,
            command_at,
            escape: self.escape,
            script: OnceLock::new(),
        };
        (inst, after)
    }

    /// Read a heredoc body starting at `pos`; return it, the source end of its closing
    /// line and where the next line starts.
    fn heredoc_body(
        &mut self,
        mut pos: usize,
        delimiter: String,
        strip_tabs: bool,
        quoted: bool,
        span: Span,
    ) -> (Heredoc, usize, usize) {
        let mut body = String::new();
        let mut map = OffsetMap::default();
        let body_start = pos;
        let mut body_end: Option<usize> = None;
        let end;
        loop {
            if pos >= self.b.len() {
                self.error(
                    format!("heredoc is not closed: expected a line {delimiter:?}"),
                    span,
                );
                end = body_end.unwrap_or(body_start);
                break;
            }
            let (s, e, next) = line_at(self.b, pos);
            let line = &self.text[s..e];
            let content = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            pos = next;
            if content == delimiter {
                end = e;
                break;
            }
            let cs = e - content.len();
            map.push(body.len(), cs);
            body.push_str(content);
            body.push('\n');
            body_end = Some(e);
        }
        let body_span = match body_end {
            Some(be) => Span::new(body_start, be),
            None => Span::empty(body_start.min(self.b.len())),
        };
        if body.is_empty() {
            map.push(0, body_start);
        }
        (
            Heredoc {
                delimiter,
                body,
                body_span,
                span,
                strip_tabs,
                quoted,
                map,
            },
            end,
            pos,
        )
    }

    /// Build the stages, resolve `FROM` images with the global `ARG`s, set each
    /// instruction's stage.
    fn stages(&mut self, df: &mut Dockerfile) {
        let mut env: Vec<(String, Option<String>)> = Vec::new();
        let froms: Vec<usize> = df
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == Keyword::From)
            .map(|(k, _)| k)
            .collect();
        let first_from = froms.first().copied().unwrap_or(df.instructions.len());
        for (k, inst) in df.instructions[..first_from].iter().enumerate() {
            if inst.keyword == Keyword::Arg {
                df.global_args.push(k);
                for kv in inst.key_values() {
                    let value = kv.value.map(|v| expand(&v, &env, self.escape, 0).0);
                    env.push((kv.key, value));
                }
            }
        }
        for (n, &from) in froms.iter().enumerate() {
            let end = froms.get(n + 1).copied().unwrap_or(df.instructions.len());
            let inst = &df.instructions[from];
            let words = inst.words();
            let image = match words.first() {
                Some((w, span)) => {
                    let (raw, unresolved) = expand(w, &env, self.escape, 0);
                    ImageRef::parse(raw, *span, unresolved)
                }
                None => ImageRef {
                    span: inst.args_span,
                    ..ImageRef::default()
                },
            };
            let name = match words.as_slice() {
                [_] | [] => None,
                [_, (as_kw, _), (name, span)] if as_kw.eq_ignore_ascii_case("as") => {
                    Some((name.clone(), *span))
                }
                _ => {
                    self.error(
                        "FROM takes an image and an optional AS name: FROM image [AS name]"
                            .to_string(),
                        inst.args_span,
                    );
                    None
                }
            };
            let base = if image.tag.is_none() && image.digest.is_none() {
                df.stages.iter().position(|s| {
                    s.name
                        .as_ref()
                        .is_some_and(|(n, _)| n.eq_ignore_ascii_case(&image.name))
                })
            } else {
                None
            };
            let platform = inst.flag("platform").and_then(|f| f.value.clone());
            df.stages.push(Stage {
                from,
                image,
                name,
                platform,
                base,
                instructions: from..end,
            });
            for i in &mut df.instructions[from..end] {
                i.stage = Some(n);
            }
        }
    }
}

/// `# key=value` -> (key, value).
fn parse_directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('#')?.trim_start();
    let key_len = rest
        .bytes()
        .position(|c| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let key = &rest[..key_len];
    if key.is_empty() || !key.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    let value = rest[key_len..].trim_start().strip_prefix('=')?.trim();
    if value.is_empty() {
        return None;
    }
    Some((key, value))
}

/// `<<EOF`, `<<-EOF`, `2<<"EOF"` -> (strip tabs, raw delimiter).
fn heredoc_marker(raw: &str) -> Option<(bool, &str)> {
    let rest = raw.trim_start_matches(|c: char| c.is_ascii_digit());
    let rest = rest.strip_prefix("<<")?;
    let (strip, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    Some((strip, rest))
}
