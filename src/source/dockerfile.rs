//! Dockerfile parser: instructions, stages, heredocs, continuations, shell words, spans.
//!
//! [`parse`] never fails: what it cannot make sense of goes to [`Dockerfile::errors`] (at
//! most [`MAX_ERRORS`] plus one "too many errors" entry) and parsing goes on. It follows
//! BuildKit's reading of a Dockerfile: parser directives at the top, `#` comment lines
//! (also inside continuations, where they are dropped), the escape character ending a line
//! as a continuation, empty continuation lines tolerated, heredocs for `RUN`, `COPY` and
//! `ADD`, exec (JSON) form falling back to shell form when the JSON is malformed.
//!
//! Every span is a byte range into the text given to [`parse`] (a UTF-8 BOM and CRLF line
//! ends included). Text that is not contiguous in the source (an instruction's arguments
//! with their continuations joined, a heredoc body with tabs stripped) comes with an
//! [`OffsetMap`] back to the source.

use std::fmt;
use std::ops::Range;

use super::shell::{self, Command, Script};
use super::{OffsetMap, Span};

/// How many errors are recorded before one "too many errors" entry ends the list.
pub const MAX_ERRORS: usize = 20;

/// Shells whose heredoc input or `-c` argument is itself a shell script.
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

/// A parsed Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dockerfile {
    /// Every instruction, in source order.
    pub instructions: Vec<Instruction>,
    /// One stage per `FROM`, in source order.
    pub stages: Vec<Stage>,
    /// Indices into `instructions` of the `ARG`s before the first `FROM`.
    pub global_args: Vec<usize>,
    /// The escape character: `\` unless a `# escape=` directive set `` ` ``.
    pub escape: char,
    /// The `# syntax=` directive.
    pub syntax: Option<String>,
    /// The `# check=` directive.
    pub check: Option<String>,
    /// Problems found while parsing, in source order.
    pub errors: Vec<ParseError>,
}

/// Something the parser could not make sense of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

/// An instruction keyword. Matching is case-insensitive, as in Docker.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    Stopsignal,
    Healthcheck,
    Shell,
    /// Not an instruction Docker knows, as written.
    Other(String),
}

impl Keyword {
    /// The keyword for `word`, ignoring case.
    pub fn parse(word: &str) -> Keyword {
        const ALL: &[(&str, Keyword)] = &[
            ("FROM", Keyword::From),
            ("RUN", Keyword::Run),
            ("CMD", Keyword::Cmd),
            ("LABEL", Keyword::Label),
            ("MAINTAINER", Keyword::Maintainer),
            ("EXPOSE", Keyword::Expose),
            ("ENV", Keyword::Env),
            ("ADD", Keyword::Add),
            ("COPY", Keyword::Copy),
            ("ENTRYPOINT", Keyword::Entrypoint),
            ("VOLUME", Keyword::Volume),
            ("USER", Keyword::User),
            ("WORKDIR", Keyword::Workdir),
            ("ARG", Keyword::Arg),
            ("ONBUILD", Keyword::Onbuild),
            ("STOPSIGNAL", Keyword::Stopsignal),
            ("HEALTHCHECK", Keyword::Healthcheck),
            ("SHELL", Keyword::Shell),
        ];
        ALL.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map_or_else(|| Keyword::Other(word.to_string()), |(_, k)| k.clone())
    }

    /// The canonical (upper-case) spelling; `Other` as written.
    pub fn as_str(&self) -> &str {
        match self {
            Keyword::From => "FROM",
            Keyword::Run => "RUN",
            Keyword::Cmd => "CMD",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Expose => "EXPOSE",
            Keyword::Env => "ENV",
            Keyword::Add => "ADD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Volume => "VOLUME",
            Keyword::User => "USER",
            Keyword::Workdir => "WORKDIR",
            Keyword::Arg => "ARG",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Shell => "SHELL",
            Keyword::Other(s) => s,
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One instruction, with its continuation lines and heredoc bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written.
    pub keyword_span: Span,
    /// The whole instruction: keyword, continuation lines and heredoc bodies up to their
    /// closing delimiter; no trailing newline or trailing blanks.
    pub span: Span,
    /// Leading `--name[=value]` flags (`--platform`, `--from`, `--mount`, ...).
    pub flags: Vec<Flag>,
    /// The arguments after the flags.
    pub args: Args,
    /// The source span of the arguments (from their first to their last byte; it may
    /// include continuation characters and comment lines in between).
    pub args_span: Span,
    /// Heredocs of `RUN`, `COPY` and `ADD`, in order.
    pub heredocs: Vec<Heredoc>,
    /// Index into [`Dockerfile::stages`]; `None` before the first `FROM`.
    pub stage: Option<usize>,
    /// Offset in `args.text` where the command starts: 0 for `RUN`/`CMD`/`ENTRYPOINT` and
    /// the other exec-form-capable instructions, after `CMD` for `HEALTHCHECK CMD`.
    command_at: Option<usize>,
    /// The file's escape character, for splitting words.
    escape: u8,
}

/// A `--name[=value]` flag of an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The name without the leading `--`.
    pub name: String,
    /// The value after `=`, quotes removed; `None` for a bare `--link`.
    pub value: Option<String>,
    /// The whole flag, `--` included.
    pub span: Span,
    /// The raw value after `=`.
    pub value_span: Option<Span>,
}

impl Flag {
    /// The `key=value` options of a `--mount` (or any comma-separated) value, in order.
    /// Double-quoted fields may contain commas; a bare key (`readonly`) has an empty value.
    pub fn mount_kv(&self) -> Vec<(String, String)> {
        let Some(v) = &self.value else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut field = String::new();
        let mut in_quote = false;
        let mut push = |field: &mut String| {
            let f = std::mem::take(field);
            if f.is_empty() {
                return;
            }
            match f.split_once('=') {
                Some((k, v)) => out.push((k.trim().to_ascii_lowercase(), v.to_string())),
                None => out.push((f.trim().to_ascii_lowercase(), String::new())),
            }
        };
        for c in v.chars() {
            match c {
                '"' => in_quote = !in_quote,
                ',' if !in_quote => push(&mut field),
                _ => field.push(c),
            }
        }
        push(&mut field);
        out
    }
}

/// The arguments of an instruction after its flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The logical text: continuations joined (the escape character and line end removed),
    /// comment lines inside continuations removed, surrounding blanks trimmed.
    pub text: String,
    /// `text` offsets -> source offsets.
    pub map: OffsetMap,
    /// Shell or exec (JSON) form.
    pub form: ArgsForm,
}

/// Shell form or exec form of an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgsForm {
    Shell,
    /// A JSON array of strings: each value and the source span of its JSON string (quotes
    /// included). Detected for `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `COPY`, `ADD`, `VOLUME`
    /// and the part of `HEALTHCHECK` after `CMD`.
    Json(Vec<(String, Span)>),
}

/// A heredoc of `RUN`, `COPY` or `ADD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter, quotes removed.
    pub delimiter: String,
    /// The body: its lines (without `\r`, leading tabs stripped for `<<-`), each ending in
    /// `\n`.
    pub body: String,
    /// The source span of the body lines (empty, at the closing line, for an empty body).
    pub body_span: Span,
    /// The `<<EOF` marker in the instruction line.
    pub span: Span,
    /// `<<-`: leading tabs are stripped from body lines and the closing line.
    pub strip_tabs: bool,
    /// The delimiter was quoted (`<<"EOF"`, `<<'EOF'`): no expansion in the body.
    pub quoted: bool,
    /// `body` offsets -> source offsets.
    pub map: OffsetMap,
}

/// One build stage: a `FROM` and the instructions up to the next `FROM`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Index of the `FROM` instruction.
    pub from: usize,
    pub image: ImageRef,
    /// `AS name`: the name as written and its span.
    pub name: Option<(String, Span)>,
    /// The `--platform` flag value.
    pub platform: Option<String>,
    /// The earlier stage this one is built on (`FROM build`), if any.
    pub base: Option<usize>,
    /// Indices of the stage's instructions, its `FROM` included.
    pub instructions: Range<usize>,
}

/// The image of a `FROM`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ImageRef {
    /// The image after substituting global `ARG`s.
    pub raw: String,
    /// The image word in the source, as written.
    pub span: Span,
    /// Registry and repository: `registry:5000/team/app`.
    pub name: String,
    pub tag: Option<String>,
    /// `sha256:...`
    pub digest: Option<String>,
    /// The image named a variable that has no value here (a build argument).
    pub unresolved: bool,
}

impl ImageRef {
    pub fn is_scratch(&self) -> bool {
        self.name.eq_ignore_ascii_case("scratch")
    }

    fn parse(raw: String, span: Span, unresolved: bool) -> ImageRef {
        let (rest, digest) = match raw.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (raw.as_str(), None),
        };
        let last_slash = rest.rfind('/').map_or(0, |k| k + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(k) => (
                rest[..last_slash + k].to_string(),
                Some(rest[last_slash + k + 1..].to_string()),
            ),
            None => (rest.to_string(), None),
        };
        ImageRef {
            name,
            tag,
            digest,
            span,
            unresolved,
            raw,
        }
    }
}

/// A `key[=value]` of `ENV`, `ARG` or `LABEL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: String,
    pub key_span: Span,
    /// The value, quotes removed; `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    /// The raw value in the source.
    pub value_span: Option<Span>,
}

/// Where a shell script of an instruction comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptOrigin {
    /// The shell-form arguments (run with `/bin/sh -c`).
    Args,
    /// An exec form: either the command itself, or the script of `["sh", "-c", "..."]`.
    Exec,
    /// The body of `heredocs[i]`, when it is run by a shell.
    Heredoc(usize),
}

/// A shell script of an instruction with every span mapped to the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellScript {
    pub origin: ScriptOrigin,
    /// Commands whose `span`s and word `span`s are source spans.
    pub script: Script,
}

impl Dockerfile {
    /// The last stage, the one `docker build` produces by default.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage named `name` (case-insensitive, as in Docker).
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| {
            s.name
                .as_ref()
                .is_some_and(|(n, _)| n.eq_ignore_ascii_case(name))
        })
    }

    /// The instructions of `stage`, its `FROM` included.
    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        self.instructions
            .get(stage.instructions.clone())
            .unwrap_or(&[])
    }
}

impl Instruction {
    /// The flag `--name`, if given (the last one when repeated).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().rev().find(|f| f.name == name)
    }

    /// Whether the arguments are in exec (JSON) form.
    pub fn is_exec_form(&self) -> bool {
        matches!(self.args.form, ArgsForm::Json(_))
    }

    /// The arguments split into words, quotes and escapes resolved, with the source span of
    /// each raw word. In exec form, the JSON strings.
    pub fn words(&self) -> Vec<(String, Span)> {
        let at = self.command_at.unwrap_or(0);
        let mut out: Vec<(String, Span)> = Vec::new();
        let shell_part = match &self.args.form {
            ArgsForm::Json(_) => &self.args.text[..at.min(self.args.text.len())],
            ArgsForm::Shell => self.args.text.as_str(),
        };
        for w in split_words(shell_part, self.escape_byte()) {
            out.push((w.value, self.args.map.span(Span::new(w.start, w.end))));
        }
        if let ArgsForm::Json(items) = &self.args.form {
            out.extend(items.iter().cloned());
        }
        out
    }

    /// The `key[=value]` pairs of `ENV`, `ARG` and `LABEL` (also the legacy `ENV key value`
    /// form); empty for other instructions.
    pub fn key_values(&self) -> Vec<KeyValue> {
        let esc = self.escape_byte();
        let text = self.args.text.as_str();
        let words = split_words(text, esc);
        let map = &self.args.map;
        let kv = |w: &RawWord| -> KeyValue {
            let raw = &text[w.start..w.end];
            match unquoted_eq(raw, esc) {
                Some(k) => KeyValue {
                    key: unquote(&raw[..k], esc),
                    key_span: map.span(Span::new(w.start, w.start + k)),
                    value: Some(unquote(&raw[k + 1..], esc)),
                    value_span: Some(map.span(Span::new(w.start + k + 1, w.end))),
                },
                None => KeyValue {
                    key: w.value.clone(),
                    key_span: map.span(Span::new(w.start, w.end)),
                    value: None,
                    value_span: None,
                },
            }
        };
        match self.keyword {
            Keyword::Arg => words.iter().map(kv).collect(),
            Keyword::Env | Keyword::Label => {
                let Some(first) = words.first() else {
                    return Vec::new();
                };
                if unquoted_eq(&text[first.start..first.end], esc).is_some() {
                    return words.iter().map(kv).collect();
                }
                // legacy `ENV key value with spaces`
                let rest_start = skip_ws(text.as_bytes(), first.end);
                let value_span =
                    (rest_start < text.len()).then(|| map.span(Span::new(rest_start, text.len())));
                vec![KeyValue {
                    key: first.value.clone(),
                    key_span: map.span(Span::new(first.start, first.end)),
                    value: Some(unquote_keep_blanks(&text[rest_start..], esc)),
                    value_span,
                }]
            }
            _ => Vec::new(),
        }
    }

    /// The shell scripts this instruction runs, with source spans: the shell-form
    /// arguments of `RUN`, `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD`; an exec form as one
    /// command (or the script of `["sh", "-c", "..."]`); and each `RUN` heredoc body that a
    /// shell runs: all bodies when the line holds nothing but heredocs (`RUN <<EOF`, unless
    /// a `#!` line names another interpreter), else those fed to `sh`/`bash`/... .
    /// Heredocs that are data (`cat <<EOF > file`, `COPY <<EOF`) are not scripts.
    pub fn scripts(&self) -> Vec<ShellScript> {
        let mut out = Vec::new();
        if !matches!(
            self.keyword,
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck
        ) {
            return out;
        }
        let Some(at) = self.command_at else {
            return out;
        };
        let text = self.args.text.get(at..).unwrap_or("");
        let map = &self.args.map;
        if let ArgsForm::Json(items) = &self.args.form {
            let logical = parse_json_strings(text).unwrap_or_default();
            if let [(sh, _), (c, _), (body, raw), ..] = logical.as_slice() {
                let raw_content = text.get(raw.start + 1..raw.end.saturating_sub(1));
                if SHELLS.contains(&shell::basename(sh))
                    && c.starts_with('-')
                    && c.ends_with('c')
                    && raw_content == Some(body.as_str())
                {
                    let script = shell::parse_script(body);
                    let shift = at + raw.start + 1;
                    out.push(ShellScript {
                        origin: ScriptOrigin::Exec,
                        script: map_script(script, map, shift),
                    });
                    return out;
                }
            }
            let words: Vec<shell::Word> = items
                .iter()
                .map(|(v, s)| shell::Word {
                    value: v.clone(),
                    span: *s,
                    quoted: true,
                })
                .collect();
            if !words.is_empty() {
                let span = words[0].span.cover(words[words.len() - 1].span);
                out.push(ShellScript {
                    origin: ScriptOrigin::Exec,
                    script: Script {
                        commands: vec![Command {
                            words,
                            span,
                            op_before: None,
                            op_after: None,
                            pipeline: 0,
                            in_subshell: false,
                        }],
                    },
                });
            }
            return out;
        }
        let line = map_script(shell::parse_script(text), map, at);
        let line_is_empty = line.commands.is_empty();
        let runs_heredoc = |h: &Heredoc| -> bool {
            if line_is_empty {
                return shebang_is_shell(&h.body);
            }
            // commands are in source order: the last one starting before the marker
            let k = line
                .commands
                .partition_point(|c| c.span.start <= h.span.start);
            k.checked_sub(1)
                .and_then(|k| line.commands.get(k))
                .filter(|c| c.span.contains(h.span))
                .and_then(|c| c.program())
                .is_some_and(|(w, _)| SHELLS.contains(&shell::basename(&w.value)))
        };
        let bodies: Vec<usize> = if self.keyword == Keyword::Run {
            (0..self.heredocs.len())
                .filter(|&k| runs_heredoc(&self.heredocs[k]))
                .collect()
        } else {
            Vec::new()
        };
        if !line_is_empty {
            out.push(ShellScript {
                origin: ScriptOrigin::Args,
                script: line,
            });
        }
        for k in bodies {
            let h = &self.heredocs[k];
            let script = map_script(shell::parse_script(&h.body), &h.map, 0);
            out.push(ShellScript {
                origin: ScriptOrigin::Heredoc(k),
                script,
            });
        }
        out
    }

    /// Every shell command this instruction runs, whichever form (see
    /// [`Instruction::scripts`]), in order, with source spans. Pipeline ids are unique
    /// across the scripts.
    pub fn run_commands(&self) -> Vec<Command> {
        let mut out: Vec<Command> = Vec::new();
        let mut base = 0;
        for s in self.scripts() {
            let next_base = base + s.script.commands.last().map_or(0, |c| c.pipeline + 1);
            for mut c in s.script.commands {
                c.pipeline += base;
                out.push(c);
            }
            base = next_base;
        }
        out
    }

    fn escape_byte(&self) -> u8 {
        self.escape
    }
}

/// Map every span of `script` (offsets into a text at `shift` in a derived string) to the
/// source through `map`.
fn map_script(mut script: Script, map: &OffsetMap, shift: usize) -> Script {
    for c in &mut script.commands {
        c.span = map.span(c.span.shift(shift));
        for w in &mut c.words {
            w.span = map.span(w.span.shift(shift));
        }
    }
    script
}

/// Whether a heredoc body run as a script is run by a shell: no `#!` line, or one naming a
/// shell (`#!/bin/bash`, `#!/usr/bin/env sh`).
fn shebang_is_shell(body: &str) -> bool {
    let Some(line) = body.lines().next().and_then(|l| l.strip_prefix("#!")) else {
        return true;
    };
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else {
        return true;
    };
    let mut prog = shell::basename(first);
    if prog == "env" {
        prog = words
            .find(|w| !w.starts_with('-'))
            .map_or("env", shell::basename);
    }
    SHELLS.contains(&prog)
}

/// Parse a Dockerfile. Never fails; see the module docs.
pub fn parse(text: &str) -> Dockerfile {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        escape: b'\\',
        errors: Vec::new(),
    };
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let (syntax, check);
    (pos, syntax, check) = p.directives(pos);
    let mut instructions = Vec::new();
    while pos < p.b.len() {
        let (s, e, next) = line_at(p.b, pos);
        let first = skip_blank(p.b, s, e);
        if first == e || p.b[first] == b'#' {
            pos = next;
            continue;
        }
        let (inst, after) = p.instruction(first, e, next);
        instructions.push(inst);
        pos = after;
    }
    let escape = p.escape as char;
    let mut df = Dockerfile {
        instructions,
        stages: Vec::new(),
        global_args: Vec::new(),
        escape,
        syntax,
        check,
        errors: Vec::new(),
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

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c')
}

/// The first non-blank offset in `[s, e)`, or `e`.
fn skip_blank(b: &[u8], mut s: usize, e: usize) -> usize {
    while s < e && is_blank(b[s]) {
        s += 1;
    }
    s
}

/// The first offset at or after `i` that is not whitespace.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (is_blank(b[i]) || b[i] == b'\n') {
        i += 1;
    }
    i
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
        match self.errors.len() {
            n if n < MAX_ERRORS => self.errors.push(ParseError { message, span }),
            n if n == MAX_ERRORS => self.errors.push(ParseError {
                message: "too many errors, the rest of the file is not reported".to_string(),
                span,
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
    fn logical(&self, start: usize, e: usize, next: usize) -> Logical {
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
            // quote only the leading name: a stray `PASSWORD=hunter2` line must not put its
            // value into a message
            let shown: String = word
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                .take(40)
                .collect();
            let message = if shown.is_empty() {
                "unknown instruction: a line that does not start with an instruction".to_string()
            } else if shown.len() < word.len() {
                format!(
                    "unknown instruction {shown:?} (a line that does not start with an instruction)"
                )
            } else {
                format!("unknown instruction {shown:?}")
            };
            self.error(message, keyword_span);
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

/// A raw word of a logical line: `[start, end)` and its value, quotes resolved.
struct RawWord {
    start: usize,
    end: usize,
    value: String,
}

/// Read the word at `i` (not whitespace): quotes and the escape character are resolved.
fn read_word(b: &[u8], i: usize, escape: u8) -> RawWord {
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
fn split_words(text: &str, escape: u8) -> Vec<RawWord> {
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
fn unquote(raw: &str, escape: u8) -> String {
    split_words(raw, escape)
        .into_iter()
        .map(|w| w.value)
        .collect::<Vec<_>>()
        .join("")
}

/// Like [`unquote`] for a whole rest of line, keeping the blanks between words.
fn unquote_keep_blanks(raw: &str, escape: u8) -> String {
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
fn unquoted_eq(raw: &str, escape: u8) -> Option<usize> {
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
fn parse_json_strings(s: &str) -> Option<Vec<(String, Span)>> {
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

fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let h = b.get(i..i + 4)?;
    let s = std::str::from_utf8(h).ok()?;
    u32::from_str_radix(s, 16).ok()
}

/// Substitute `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:+x}`, `${VAR+x}` from
/// `env` (later entries win; `None` = declared without a value). Returns the text and
/// whether some variable had no value.
fn expand(s: &str, env: &[(String, Option<String>)], escape: u8, depth: usize) -> (String, bool) {
    if depth > 4 {
        return (s.to_string(), true);
    }
    let lookup = |name: &str| -> Option<&str> {
        env.iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    };
    let b = s.as_bytes();
    let mut out = String::new();
    let mut unresolved = false;
    let mut i = 0;
    let mut lit = 0; // start of the pending literal run
    while i < b.len() {
        let c = b[i];
        if c == escape && b.get(i + 1) == Some(&b'$') {
            out.push_str(&s[lit..i]);
            out.push('$');
            i += 2;
            lit = i;
            continue;
        }
        if c != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'{') => {
                // the matching `}`, counting nested `${`
                let mut depth_b = 1;
                let mut j = i + 2;
                while j < b.len() {
                    if b[j] == b'$' && b.get(j + 1) == Some(&b'{') {
                        depth_b += 1;
                        j += 1;
                    } else if b[j] == b'}' {
                        depth_b -= 1;
                        if depth_b == 0 {
                            break;
                        }
                    }
                    j += 1;
                }
                out.push_str(&s[lit..i]);
                if j >= b.len() {
                    out.push_str(&s[i..]);
                    return (out, true);
                }
                let inner = &s[i + 2..j];
                let name_len = inner
                    .bytes()
                    .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
                    .unwrap_or(inner.len());
                let (name, op) = inner.split_at(name_len);
                let val = lookup(name);
                let set = val.is_some();
                let nonempty = val.is_some_and(|v| !v.is_empty());
                let sub = |w: &str, out: &mut String| {
                    let (x, u) = expand(w, env, escape, depth + 1);
                    out.push_str(&x);
                    u
                };
                if name.is_empty() {
                    out.push_str(&s[i..=j]);
                    unresolved = true;
                } else if op.is_empty() {
                    match val {
                        Some(v) => out.push_str(v),
                        None => unresolved = true,
                    }
                } else if let Some(w) = op.strip_prefix(":-") {
                    match val {
                        Some(v) if nonempty => out.push_str(v),
                        _ => unresolved |= sub(w, &mut out),
                    }
                } else if let Some(w) = op.strip_prefix(":+") {
                    if nonempty {
                        unresolved |= sub(w, &mut out);
                    }
                } else if let Some(w) = op.strip_prefix('-') {
                    match val {
                        Some(v) => out.push_str(v),
                        None => unresolved |= sub(w, &mut out),
                    }
                } else if let Some(w) = op.strip_prefix('+') {
                    if set {
                        unresolved |= sub(w, &mut out);
                    }
                } else {
                    // `${VAR:?msg}` and pattern modifiers: keep the value when there is one
                    match val {
                        Some(v) => out.push_str(v),
                        None => unresolved = true,
                    }
                    if !op.starts_with(":?") && !op.starts_with('?') {
                        unresolved = true;
                    }
                }
                i = j + 1;
                lit = i;
            }
            Some(&n) if n.is_ascii_alphabetic() || n == b'_' => {
                out.push_str(&s[lit..i]);
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                match lookup(&s[i + 1..j]) {
                    Some(v) => out.push_str(v),
                    None => unresolved = true,
                }
                i = j;
                lit = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&s[lit..]);
    (out, unresolved)
}

/// Facts about stages that several rules ask for (the Dockerfile pack and the compose rules
/// that reason about the Dockerfile a service builds).
impl Dockerfile {
    /// The stages a stage is built on, itself first (`FROM build` chains), bounded.
    fn lineage<'a>(&'a self, stage: &'a Stage) -> Vec<&'a Stage> {
        let mut out = vec![stage];
        let mut cur = stage;
        while let Some(b) = cur.base {
            match self.stages.get(b) {
                Some(s) if out.len() < self.stages.len() && !std::ptr::eq(s, cur) => {
                    out.push(s);
                    cur = s;
                }
                _ => break,
            }
        }
        out
    }

    /// The last `USER` in effect in a stage, inherited through `FROM <stage>`: the
    /// instruction and the user as written (first word).
    pub fn effective_user(&self, stage: &Stage) -> Option<(&Instruction, String, Span)> {
        for s in self.lineage(stage) {
            let found = self
                .stage_instructions(s)
                .iter()
                .rev()
                .find(|i| i.keyword == Keyword::User);
            if let Some(i) = found {
                let (user, span) = i
                    .words()
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| (String::new(), i.args_span));
                return Some((i, user, span));
            }
        }
        None
    }

    /// The `HEALTHCHECK` in effect in a stage (the last one), inherited through
    /// `FROM <stage>`.
    pub fn healthcheck(&self, stage: &Stage) -> Option<&Instruction> {
        self.lineage(stage).into_iter().find_map(|s| {
            self.stage_instructions(s)
                .iter()
                .rev()
                .find(|i| i.keyword == Keyword::Healthcheck)
        })
    }

    /// The image the stage's lineage finally starts from.
    pub fn root_image<'a>(&'a self, stage: &'a Stage) -> &'a ImageRef {
        &self.lineage(stage).last().copied().unwrap_or(stage).image
    }
}

impl Instruction {
    /// `HEALTHCHECK NONE`: health checks switched off on purpose.
    pub fn is_healthcheck_none(&self) -> bool {
        self.keyword == Keyword::Healthcheck && self.args.text.trim().eq_ignore_ascii_case("none")
    }
}

/// `root`, `0`, `root:*`, `0:*`.
pub fn is_root_user(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or(user).trim();
    u == "root" || u == "0"
}

/// Base images that run as a non-root user without a `USER` instruction.
pub fn is_nonroot_image(image: &ImageRef) -> bool {
    let name = image.name.to_ascii_lowercase();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    (name.contains("distroless") && tag.contains("nonroot"))
        || name.starts_with("cgr.dev/chainguard/")
        || tag.ends_with("-nonroot")
        || tag == "nonroot"
        || name.contains("bitnami/") && !name.contains("bitnami/minideb")
        || name.ends_with("/nginx-unprivileged")
        || name.contains("nginxinc/nginx-unprivileged")
}

impl Dockerfile {
    /// Indices of the stages whose layers end up in the final image: the final stage and
    /// the stages it is built on (`FROM build`).
    pub fn shipped_stages(&self) -> Vec<usize> {
        let Some(last) = self.stages.len().checked_sub(1) else {
            return Vec::new();
        };
        let mut out = vec![last];
        let mut cur = last;
        while let Some(b) = self.stages.get(cur).and_then(|s| s.base) {
            if out.contains(&b) {
                break;
            }
            out.push(b);
            cur = b;
        }
        out
    }

    /// Whether an instruction belongs to a stage that ends up in the final image.
    pub fn is_shipped(&self, inst: &Instruction) -> bool {
        inst.stage
            .is_some_and(|s| self.shipped_stages().contains(&s))
    }
}

impl Instruction {
    /// Whether a `RUN` has a `--mount=type=cache` whose target starts with one of `targets`.
    pub fn has_cache_mount(&self, targets: &[&str]) -> bool {
        self.flags.iter().filter(|f| f.name == "mount").any(|f| {
            let kv = f.mount_kv();
            let is_cache = kv.iter().any(|(k, v)| k == "type" && v == "cache");
            is_cache
                && kv.iter().any(|(k, v)| {
                    matches!(k.as_str(), "target" | "dst" | "destination")
                        && targets.iter().any(|t| v.starts_with(t))
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd_names(inst: &Instruction) -> Vec<String> {
        inst.run_commands()
            .iter()
            .map(|c| {
                c.words
                    .iter()
                    .map(|w| w.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// Every span of the model falls on char boundaries of `text`.
    fn check_spans(text: &str, df: &Dockerfile) {
        let ok = |s: Span| {
            assert!(
                s.start <= s.end && text.get(s.start..s.end).is_some(),
                "bad span {s:?} in {text:?}"
            )
        };
        for i in &df.instructions {
            ok(i.span);
            ok(i.keyword_span);
            ok(i.args_span);
            assert!(i.span.contains(i.keyword_span));
            for f in &i.flags {
                ok(f.span);
                f.value_span.map(ok);
            }
            for h in &i.heredocs {
                ok(h.span);
                ok(h.body_span);
            }
            for (_, s) in i.words() {
                ok(s);
            }
            for kv in i.key_values() {
                ok(kv.key_span);
                kv.value_span.map(ok);
            }
            for c in i.run_commands() {
                ok(c.span);
                for w in &c.words {
                    ok(w.span);
                }
            }
        }
        for s in &df.stages {
            ok(s.image.span);
        }
        for e in &df.errors {
            ok(e.span);
        }
    }

    #[test]
    fn multi_stage() {
        let text = "FROM golang:1.22 AS Build\nWORKDIR /src\nRUN go build -o /app\n\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\nUSER nonroot\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.instructions.len(), 6);
        assert_eq!(df.stages.len(), 2);
        let s0 = &df.stages[0];
        assert_eq!(s0.image.name, "golang");
        assert_eq!(s0.image.tag.as_deref(), Some("1.22"));
        assert_eq!(s0.image.span.text(text), "golang:1.22");
        let (name, span) = s0.name.as_ref().expect("name");
        assert_eq!(name, "Build");
        assert_eq!(span.text(text), "Build");
        assert_eq!(s0.instructions, 0..3);
        assert_eq!(df.stages[1].instructions, 3..6);
        assert_eq!(df.final_stage().map(|s| s.from), Some(3));
        assert_eq!(df.stage_by_name("build").map(|s| s.from), Some(0));
        assert_eq!(df.stage_instructions(&df.stages[1]).len(), 3);
        let stages: Vec<_> = df.instructions.iter().map(|i| i.stage).collect();
        assert_eq!(
            stages,
            [Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)]
        );
        let copy = &df.instructions[4];
        assert_eq!(copy.keyword, Keyword::Copy);
        assert_eq!(
            copy.flag("from").and_then(|f| f.value.as_deref()),
            Some("build")
        );
        assert_eq!(copy.args.text, "/app /app");
        assert_eq!(copy.args_span.text(text), "/app /app");
        assert_eq!(df.instructions[5].span.text(text), "USER nonroot");
        assert_eq!(df.instructions[2].keyword_span.text(text), "RUN");
        // FROM an earlier stage
        let df = parse("FROM alpine AS base\nFROM BASE\nFROM base:1\n");
        assert_eq!(df.stages[1].base, Some(0));
        assert_eq!(df.stages[2].base, None);
        check_spans(text, &df);
    }

    #[test]
    fn continuations_crlf_bom_comments() {
        let text = "\u{feff}FROM alpine\r\nRUN apk add \\\r\n    curl \\\r\n # a comment\r\n\r\n    && echo ok  \r\nUSER app\r\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.instructions[0].keyword_span.text(text), "FROM");
        let run = &df.instructions[1];
        assert_eq!(run.args.text, "apk add     curl     && echo ok");
        assert!(run.span.text(text).starts_with("RUN apk add \\\r\n"));
        assert!(run.span.text(text).ends_with("&& echo ok"));
        assert_eq!(cmd_names(run), ["apk add curl", "echo ok"]);
        let cmds = run.run_commands();
        assert_eq!(cmds[0].words[2].span.text(text), "curl");
        assert_eq!(cmds[1].words[1].span.text(text), "ok");
        assert_eq!(cmds[0].op_after, Some(shell::Op::And));
        let words = run.words();
        assert_eq!(words[2].0, "curl");
        assert_eq!(words[2].1.text(text), "curl");
        assert_eq!(df.instructions[2].span.text(text), "USER app");
        check_spans(text, &df);
    }

    #[test]
    fn escape_directive() {
        let text = "# syntax=docker/dockerfile:1\n# escape=`\n\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo hi\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.escape, '`');
        assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1"));
        let run = &df.instructions[1];
        assert_eq!(run.args.text, "dir c:\\     && echo hi");
        assert_eq!(run.words()[1].0, "c:\\");
        // a directive after a comment is a comment
        let df = parse("# hello\n# escape=`\nFROM x\n");
        assert_eq!(df.escape, '\\');
        let df = parse("#check=skip=all\n# escape = `\nFROM x\n");
        assert_eq!(df.check.as_deref(), Some("skip=all"));
        assert_eq!(df.escape, '`');
        let df = parse("# escape=x\nFROM x\n");
        assert_eq!(df.errors.len(), 1);
        assert_eq!(df.errors[0].span.text("# escape=x\nFROM x\n"), "# escape=x");
    }

    #[test]
    fn heredocs() {
        let text = "FROM alpine\nRUN <<EOF\napk add curl\ncurl -k https://x\nEOF\nRUN <<A <<B\necho a\nA\necho b\nB\nRUN python3 <<PY\nimport os\nPY\nRUN bash <<-\"SH\"\n\tset -e\n\tcurl -k x\n\tSH\nCOPY <<EOF /etc/conf\nkey=value\nEOF\nUSER app\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "RUN", "RUN", "RUN", "RUN", "COPY", "USER"]);

        let r1 = &df.instructions[1];
        assert_eq!(r1.heredocs.len(), 1);
        let h = &r1.heredocs[0];
        assert_eq!(h.delimiter, "EOF");
        assert_eq!(h.body, "apk add curl\ncurl -k https://x\n");
        assert_eq!(h.body_span.text(text), "apk add curl\ncurl -k https://x");
        assert_eq!(h.span.text(text), "<<EOF");
        assert!(!h.quoted && !h.strip_tabs);
        assert_eq!(
            r1.span.text(text),
            "RUN <<EOF\napk add curl\ncurl -k https://x\nEOF"
        );
        assert_eq!(cmd_names(r1), ["apk add curl", "curl -k https://x"]);
        let c = r1.run_commands();
        assert_eq!(c[1].words[1].span.text(text), "-k");
        assert_eq!(c[1].pipeline, 1);

        let r2 = &df.instructions[2];
        assert_eq!(r2.heredocs.len(), 2);
        assert_eq!(r2.heredocs[1].body, "echo b\n");
        assert_eq!(r2.heredocs[1].span.text(text), "<<B");
        assert_eq!(cmd_names(r2), ["echo a", "echo b"]);
        let c = r2.run_commands();
        assert_eq!(c[1].words[1].span.text(text), "b");
        assert_ne!(c[0].pipeline, c[1].pipeline);

        // python's stdin is data
        let r3 = &df.instructions[3];
        assert_eq!(cmd_names(r3), ["python3"]);
        assert_eq!(r3.heredocs[0].body, "import os\n");

        let r4 = &df.instructions[4];
        let h = &r4.heredocs[0];
        assert!(h.strip_tabs && h.quoted);
        assert_eq!(h.delimiter, "SH");
        assert_eq!(h.body, "set -e\ncurl -k x\n");
        assert_eq!(cmd_names(r4), ["bash", "set -e", "curl -k x"]);
        let c = r4.run_commands();
        assert_eq!(c[2].words[0].span.text(text), "curl");
        assert_eq!(c[2].span.text(text), "curl -k x");

        let copy = &df.instructions[5];
        assert_eq!(copy.heredocs[0].body, "key=value\n");
        assert!(copy.run_commands().is_empty());
        assert_eq!(copy.words()[1].1.text(text), "/etc/conf");
        check_spans(text, &df);

        // shebang naming another interpreter: not a shell script
        let df = parse("RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n");
        assert!(df.instructions[0].run_commands().is_empty());
        // CRLF bodies, unterminated heredoc
        let text = "RUN <<EOF\r\necho hi\r\nEOF\r\nRUN cat <<X\nnever closed\n";
        let df = parse(text);
        assert_eq!(df.instructions.len(), 2);
        assert_eq!(df.instructions[0].heredocs[0].body, "echo hi\n");
        assert_eq!(
            df.instructions[0].heredocs[0].body_span.text(text),
            "echo hi"
        );
        assert_eq!(df.errors.len(), 1);
        assert_eq!(df.errors[0].span.text(text), "<<X");
        // empty body
        let df = parse("RUN <<EOF\nEOF\nUSER x\n");
        assert_eq!(df.instructions.len(), 2);
        assert_eq!(df.instructions[0].heredocs[0].body, "");
        // `<<<` and quoted markers are not heredocs
        let df = parse("RUN cat <<< hi && echo '<<EOF'\nUSER x\n");
        assert!(df.instructions[0].heredocs.is_empty());
        assert_eq!(df.instructions.len(), 2);
    }

    #[test]
    fn json_and_shell_forms() {
        let text = "CMD [\"nginx\", \"-g\", \"daemon off;\"]\nCMD [nginx]\nENTRYPOINT [\"a\", 1]\nRUN [\"/bin/sh\", \"-c\", \"curl -k x && ls\"]\nRUN [\"sh\", \"-c\", \"echo \\\"x\\\"\"]\nCMD []\nSHELL [\"pwsh\", \"-c\"]\nSHELL pwsh -c\nVOLUME [\"/data\"]\n";
        let df = parse(text);
        let i = &df.instructions;
        match &i[0].args.form {
            ArgsForm::Json(items) => {
                let v: Vec<_> = items.iter().map(|(v, _)| v.as_str()).collect();
                assert_eq!(v, ["nginx", "-g", "daemon off;"]);
                assert_eq!(items[2].1.text(text), "\"daemon off;\"");
            }
            ArgsForm::Shell => panic!("expected JSON"),
        }
        assert!(i[0].is_exec_form());
        assert_eq!(cmd_names(&i[0]), ["nginx -g daemon off;"]);
        assert_eq!(i[0].run_commands()[0].words[0].span.text(text), "\"nginx\"");
        assert!(!i[1].is_exec_form());
        assert_eq!(cmd_names(&i[1]), ["[nginx]"]);
        assert!(!i[2].is_exec_form());
        // sh -c: the script is parsed with exact spans
        assert_eq!(cmd_names(&i[3]), ["curl -k x", "ls"]);
        assert_eq!(i[3].run_commands()[0].words[1].span.text(text), "-k");
        // escapes in the script: run as one exec command
        assert_eq!(cmd_names(&i[4]), ["sh -c echo \"x\""]);
        assert!(i[5].is_exec_form());
        assert!(i[5].run_commands().is_empty());
        assert!(i[6].is_exec_form());
        assert!(!i[7].is_exec_form());
        assert_eq!(i[8].words()[0].0, "/data");
        let msgs: Vec<_> = df.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "ENTRYPOINT exec form must be a JSON array of strings",
                "SHELL needs its arguments in JSON form: SHELL [\"executable\", \"param\"]"
            ]
        );
        assert_eq!(df.errors[0].span.text(text), "[\"a\", 1]");
        check_spans(text, &df);
        // unicode escapes
        assert_eq!(
            parse_json_strings(r#"["\u00e9\ud83d\ude00", "é"]"#)
                .map(|v| v.into_iter().map(|x| x.0).collect::<Vec<_>>()),
            Some(vec!["é😀".to_string(), "é".to_string()])
        );
        assert!(parse_json_strings(r#"["a",]"#).is_none());
        assert!(parse_json_strings(r#"["a"] x"#).is_none());
        assert!(parse_json_strings("[\"a\nb\"]").is_none());
    }

    #[test]
    fn healthcheck() {
        let text = "HEALTHCHECK --interval=5s --timeout=3s CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK CMD [\"curl\", \"-f\", \"x\"]\nHEALTHCHECK NONE\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let h = &df.instructions[0];
        assert_eq!(h.flags.len(), 2);
        assert_eq!(
            h.flag("interval").and_then(|f| f.value.as_deref()),
            Some("5s")
        );
        assert_eq!(cmd_names(h), ["curl -f http://localhost/", "exit 1"]);
        assert_eq!(h.run_commands()[0].words[0].span.text(text), "curl");
        let h = &df.instructions[1];
        assert!(h.is_exec_form());
        assert_eq!(cmd_names(h), ["curl -f x"]);
        let w: Vec<_> = h.words().into_iter().map(|w| w.0).collect();
        assert_eq!(w, ["CMD", "curl", "-f", "x"]);
        assert!(df.instructions[2].run_commands().is_empty());
    }

    #[test]
    fn flags_and_mounts() {
        let text = "FROM --platform=$BUILDPLATFORM node:20 AS b\nRUN --mount=type=cache,target=/root/.cache --network=none pip install x\nCOPY --chown=1000:1000 --link a b\nRUN --mount=type=secret,id=tok,target=/a,readonly cat /a\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
        let run = &df.instructions[1];
        let m = &run.flags[0];
        assert_eq!(m.name, "mount");
        assert_eq!(m.span.text(text), "--mount=type=cache,target=/root/.cache");
        assert_eq!(
            m.value_span.map(|s| s.text(text)),
            Some("type=cache,target=/root/.cache")
        );
        assert_eq!(
            m.mount_kv(),
            [
                ("type".to_string(), "cache".to_string()),
                ("target".to_string(), "/root/.cache".to_string())
            ]
        );
        assert_eq!(run.args.text, "pip install x");
        assert_eq!(run.args_span.text(text), "pip install x");
        let copy = &df.instructions[2];
        assert_eq!(copy.flags.len(), 2);
        assert_eq!(copy.flags[1].name, "link");
        assert_eq!(copy.flags[1].value, None);
        assert_eq!(copy.flags[0].value.as_deref(), Some("1000:1000"));
        let kv = df.instructions[3].flags[0].mount_kv();
        assert_eq!(kv[2], ("target".to_string(), "/a".to_string()));
        assert_eq!(kv[3], ("readonly".to_string(), String::new()));
        check_spans(text, &df);
    }

    #[test]
    fn arg_substitution_in_from() {
        let text = "ARG REG=registry.example.com:5000\nARG TAG\nARG VARIANT=\nARG FULL=${REG}/full\nFROM ${REG}/team/app:${TAG:-1.0}@sha256:abc AS one\nFROM $REG/x:${TAG}\nFROM base${VARIANT:+-}${VARIANT}\nFROM ${NOPE-alpine}:3\nFROM localhost:5000/app\nFROM $FULL\nFROM scratch\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.global_args, [0, 1, 2, 3]);
        let s = &df.stages;
        assert_eq!(
            s[0].image.raw,
            "registry.example.com:5000/team/app:1.0@sha256:abc"
        );
        assert_eq!(s[0].image.name, "registry.example.com:5000/team/app");
        assert_eq!(s[0].image.tag.as_deref(), Some("1.0"));
        assert_eq!(s[0].image.digest.as_deref(), Some("sha256:abc"));
        assert!(!s[0].image.unresolved);
        assert_eq!(
            s[0].image.span.text(text),
            "${REG}/team/app:${TAG:-1.0}@sha256:abc"
        );
        assert_eq!(s[1].image.raw, "registry.example.com:5000/x:");
        assert!(s[1].image.unresolved);
        assert_eq!(s[2].image.raw, "base");
        assert!(!s[2].image.unresolved);
        assert_eq!(s[3].image.raw, "alpine:3");
        assert_eq!(s[3].image.tag.as_deref(), Some("3"));
        assert_eq!(s[4].image.name, "localhost:5000/app");
        assert_eq!(s[4].image.tag, None);
        assert_eq!(s[5].image.raw, "registry.example.com:5000/full");
        assert!(s[6].image.is_scratch());
        assert!(df.instructions[..4].iter().all(|i| i.stage.is_none()));
    }

    #[test]
    fn key_values() {
        let text = "ENV A=1 B=\"two words\" C\nENV PATH /usr/local/bin:$PATH\nLABEL org.opencontainers.image.title=\"x y\"\nARG NAME\nARG V=1 W=2\nUSER app\n";
        let df = parse(text);
        let kv = df.instructions[0].key_values();
        assert_eq!(kv.len(), 3);
        assert_eq!(kv[1].key, "B");
        assert_eq!(kv[1].key_span.text(text), "B");
        assert_eq!(kv[1].value.as_deref(), Some("two words"));
        assert_eq!(
            kv[1].value_span.map(|s| s.text(text)),
            Some("\"two words\"")
        );
        assert_eq!(kv[2].value, None);
        let kv = df.instructions[1].key_values();
        assert_eq!(kv.len(), 1);
        assert_eq!(kv[0].key, "PATH");
        assert_eq!(kv[0].value.as_deref(), Some("/usr/local/bin:$PATH"));
        assert_eq!(
            kv[0].value_span.map(|s| s.text(text)),
            Some("/usr/local/bin:$PATH")
        );
        let kv = df.instructions[2].key_values();
        assert_eq!(kv[0].key, "org.opencontainers.image.title");
        assert_eq!(kv[0].value.as_deref(), Some("x y"));
        let kv = df.instructions[3].key_values();
        assert_eq!((kv[0].key.as_str(), kv[0].value.as_deref()), ("NAME", None));
        let kv = df.instructions[4].key_values();
        assert_eq!(kv[1].key, "W");
        assert_eq!(kv[1].value_span.map(|s| s.text(text)), Some("2"));
        assert!(df.instructions[5].key_values().is_empty());
        check_spans(text, &df);
    }

    #[test]
    fn errors() {
        let text = "FROM alpine\nFOO bar\nRUN apt-get update\n&& apt-get install x\nRUN\n";
        let df = parse(text);
        let msgs: Vec<_> = df.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "unknown instruction \"FOO\"",
                "unknown instruction: a line that does not start with an instruction",
                "RUN has no arguments"
            ]
        );
        assert_eq!(df.errors[0].span.text(text), "FOO");
        assert_eq!(df.errors[1].span.text(text), "&&");
        assert_eq!(df.instructions.len(), 5);
        assert_eq!(
            df.instructions[1].keyword,
            Keyword::Other("FOO".to_string())
        );
        let df = parse("FROM a b\n");
        assert_eq!(df.errors.len(), 1);

        // binary junk: capped errors
        let junk: String = (0..5000)
            .map(|i| format!("\u{0}\u{1}junk{i}\u{7f}\n"))
            .collect();
        let df = parse(&junk);
        assert_eq!(df.errors.len(), MAX_ERRORS + 1);
        assert!(df.errors[MAX_ERRORS].message.starts_with("too many errors"));
        check_spans(&junk, &df);
    }

    #[test]
    fn every_prefix_is_safe() {
        let text = "\u{feff}# syntax=x\n# escape=\\\nARG B=é\nFROM ${B:-a}:1 AS z\nRUN --mount=type=cache,target=/x echo \"é $(id -u)\" 'q' \\\r\n  # c\r\n  && <<-EOF cat > /f\n\tbody é\n\tEOF\nCMD [\"a\", \"\\u00e9\"]\nENV K=\"v w\" L\nHEALTHCHECK CMD x || y\nCOPY <<A <<B /d\na\nA\nb\nB\n";
        for end in 0..=text.len() {
            let Some(t) = text.get(..end) else { continue };
            let df = parse(t);
            check_spans(t, &df);
        }
        // and some binary noise
        let noise: Vec<u8> = (0..4000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        let noise = String::from_utf8_lossy(&noise).into_owned();
        let df = parse(&noise);
        check_spans(&noise, &df);
        assert!(df.errors.len() <= MAX_ERRORS + 1);
    }

    #[test]
    fn random_token_soup_never_panics() {
        const TOKENS: &[&str] = &[
            "FROM ",
            "RUN ",
            "COPY ",
            "ENV ",
            "ARG ",
            "HEALTHCHECK ",
            "CMD ",
            "ONBUILD ",
            "x",
            "a=b",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\\",
            "`",
            "'",
            "\"",
            "$",
            "${",
            "}",
            "$(",
            ")",
            "(",
            "[",
            "]",
            ",",
            "<<",
            "<<-",
            "EOF",
            "#",
            "# escape=`",
            "--mount=",
            "&&",
            "||",
            "|",
            ";",
            "&",
            ">",
            "2>&1",
            "é",
            "\u{0}",
            "case ",
            " in ",
            "esac",
            "if ",
            "fi",
            "{ ",
            " }",
            "=",
            ":-",
            "@sha256:",
            ":5000/",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut t = String::new();
            let n = (seed >> 60) as usize + 4;
            for _ in 0..n * 3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(TOKENS[(seed % TOKENS.len() as u64) as usize]);
            }
            let df = parse(&t);
            check_spans(&t, &df);
            let script = shell::parse_script(&t);
            for c in &script.commands {
                assert!(t.get(c.span.start..c.span.end).is_some(), "{t:?}");
                for w in &c.words {
                    assert!(t.get(w.span.start..w.span.end).is_some(), "{t:?}");
                }
                let _ = c.program();
                let _ = c.has_flag("k", Some('k'));
            }
        }
    }

    #[test]
    fn large_input_is_linear_enough() {
        let mut text = String::from("FROM alpine\nRUN true \\\n");
        for i in 0..50_000 {
            text.push_str(&format!("  && echo {i} \\\n"));
        }
        text.push_str("  && ls\n");
        for i in 0..50_000 {
            text.push_str(&format!("RUN echo {i}\n"));
        }
        let df = parse(&text);
        assert_eq!(df.instructions.len(), 50_002);
        assert_eq!(df.instructions[1].run_commands().len(), 50_002);
    }
}
