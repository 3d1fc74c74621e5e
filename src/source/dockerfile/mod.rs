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
//!
//! The model lives here; [`parse`] in `parse.rs`, word splitting and JSON arrays in
//! `words.rs`, `ARG`/`ENV` substitution in `expand.rs`, each instruction's shell scripts
//! (lexed once, at parse time) in `scripts.rs`, and the facts rules ask about stages in
//! `query.rs`.

mod expand;
mod parse;
mod query;
mod scripts;
mod words;

#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use super::shell::{Command, Script};
use super::{OffsetMap, Span};

pub use parse::parse;
use words::{RawWord, skip_ws, split_words, unquote, unquote_keep_blanks, unquoted_eq};

/// How many errors are recorded before one "too many errors" entry ends the list.
pub const MAX_ERRORS: usize = 20;

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
    /// `#` comment lines (parser directives included); [`Dockerfile::comments`] adds the
    /// shell comments of the scripts.
    pub comment_lines: Vec<Span>,
}

/// Something the parser could not make sense of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    /// Spans of words the message does not quote (they could be secrets): masked wherever
    /// the file is shown.
    pub hidden: Vec<Span>,
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
    /// The shell scripts this instruction runs, lexed once, on first use (see
    /// [`Instruction::commands`]).
    script: OnceLock<Script>,
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

impl Dockerfile {
    /// Every comment: the `#` lines and the shell comments of the instructions' scripts (this
    /// lexes every script), in source order. Where suppressions may be written.
    pub fn comments(&self) -> Vec<Span> {
        let mut out = self.comment_lines.clone();
        for inst in &self.instructions {
            out.extend_from_slice(&inst.script().comments);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

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

    /// Every shell command this instruction runs, whichever form, in order, with file
    /// spans: the shell-form arguments of `RUN`, `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD`;
    /// an exec form as one command (or the script of `["sh", "-c", "..."]`); and each `RUN`
    /// heredoc body that a shell runs. Lexed once, the first time a rule asks; pipeline ids
    /// are unique across the scripts.
    pub fn commands(&self) -> &[Command] {
        &self.script().commands
    }

    /// The commands of [`Instruction::commands`] with the shell comments among them.
    pub fn script(&self) -> &Script {
        self.script
            .get_or_init(|| scripts::instruction_script(self))
    }

    fn escape_byte(&self) -> u8 {
        self.escape
    }
}
