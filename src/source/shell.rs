//! A POSIX-ish shell lexer for Dockerfile `RUN` bodies and CI `run:` scripts.
//!
//! It does not execute or expand anything: it finds the simple commands of a script, their
//! words (quotes removed, escapes resolved, `$VAR`/`$(...)` kept literally) and how each
//! command is joined to the next. Compound syntax (`if`/`while`/`for`/`case`, `( )` and
//! `{ }` groups) is flattened: the commands inside are reported in source order.
//!
//! The lexer is total and runs in linear time: it never panics, never recurses on input,
//! and stops gracefully at the end of text when a quote or substitution is unterminated.
//! Spans are byte offsets into the text given to [`parse_script`].

use super::Span;

/// How a command is joined to its neighbour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `|` (and `|&`)
    Pipe,
    /// `;`, `;;` or a newline
    Semi,
    /// `&`
    Background,
}

/// One shell word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed and backslash escapes resolved. Parameter expansions,
    /// command substitutions and backticks are kept literally (`$HOME`, `$(id -u)`).
    pub value: String,
    /// The raw word in the text, quotes included.
    pub span: Span,
    /// Whether any part of the word was quoted or backslash-escaped.
    pub quoted: bool,
}

impl Word {
    /// Whether the word is a variable assignment `NAME=value` (also `NAME+=value`,
    /// `NAME[i]=value`).
    pub fn is_assignment(&self) -> bool {
        is_assignment(&self.value)
    }
}

/// One simple command: its words, with redirections left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// The words of the command, redirections and their targets excluded.
    pub words: Vec<Word>,
    /// From the first to the last token of the command (redirections included).
    pub span: Span,
    /// The operator joining this command to the previous one.
    pub op_before: Option<Op>,
    /// The operator joining this command to the next one.
    pub op_after: Option<Op>,
    /// Commands connected by `|` share this id; ids count up from 0 in source order.
    pub pipeline: usize,
    /// Whether the command sits inside a `( ... )` or `{ ...; }` group.
    pub in_subshell: bool,
}

/// The simple commands of a script, in source order, and its comments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
    /// `# ...` comments, from the `#` to the end of the line.
    pub comments: Vec<Span>,
}

const WRAPPERS: &[&str] = &["sudo", "env", "exec", "time", "nice", "nohup", "command"];

impl Command {
    /// The first word that is not a variable assignment, taken literally (`sudo` in
    /// `sudo apt-get install`). See [`Command::program`] for the program that really runs.
    pub fn name(&self) -> Option<&str> {
        self.words
            .iter()
            .find(|w| !w.is_assignment())
            .map(|w| w.value.as_str())
    }

    /// The program that really runs and its index in `words`: leading `VAR=value`
    /// assignments and the wrappers `sudo`, `env`, `exec`, `time`, `nice`, `nohup` and
    /// `command` (with their options) are skipped. `command -v x` is a lookup, so its
    /// program is `command` itself. A wrapper with nothing after it is the program.
    pub fn program(&self) -> Option<(&Word, usize)> {
        let w = &self.words;
        let mut i = 0;
        let mut last_wrapper: Option<usize> = None;
        loop {
            while w.get(i).is_some_and(Word::is_assignment) {
                i += 1;
            }
            let Some(word) = w.get(i) else {
                return last_wrapper.and_then(|k| w.get(k).map(|x| (x, k)));
            };
            let base = basename(&word.value);
            if !WRAPPERS.contains(&base) {
                return Some((word, i));
            }
            let at = i;
            last_wrapper = Some(at);
            i += 1;
            i = match base {
                "sudo" => skip_options(
                    w,
                    i,
                    "ugCDprtUT",
                    &[
                        "user",
                        "group",
                        "chdir",
                        "host",
                        "prompt",
                        "role",
                        "type",
                        "other-user",
                        "close-from",
                        "command-timeout",
                        "chroot",
                    ],
                ),
                "env" => skip_options(w, i, "uCS", &["unset", "chdir", "split-string"]),
                "exec" => skip_options(w, i, "a", &[]),
                "time" => skip_options(w, i, "fo", &["format", "output"]),
                "nice" => skip_options(w, i, "n", &["adjustment"]),
                "command" => {
                    let j = skip_options(w, i, "", &[]);
                    let lookup = w[i.min(w.len())..j.min(w.len())]
                        .iter()
                        .any(|x| x.value.starts_with('-') && x.value.contains(['v', 'V']));
                    if lookup {
                        return Some((word, at));
                    }
                    j
                }
                _ => skip_options(w, i, "", &[]),
            };
        }
    }

    /// The words after index `idx` (the arguments of the program at `idx`).
    pub fn args_after(&self, idx: usize) -> &[Word] {
        self.words.get(idx + 1..).unwrap_or(&[])
    }

    /// The first argument of [`Command::program`] that sets the option `--long` (also
    /// `--long=value`) or the short option `-c` (also inside a group such as `-fsSLk`).
    /// `long` may be given with or without its leading dashes; an empty `long` only matches
    /// short options. Scanning stops at `--`.
    pub fn has_flag(&self, long: &str, short: Option<char>) -> Option<&Word> {
        let (_, p) = self.program()?;
        let long = long.trim_start_matches('-');
        for w in self.args_after(p) {
            let v = w.value.as_str();
            if v == "--" {
                break;
            }
            if let Some(rest) = v.strip_prefix("--") {
                if !long.is_empty()
                    && rest
                        .strip_prefix(long)
                        .is_some_and(|r| r.is_empty() || r.starts_with('='))
                {
                    return Some(w);
                }
            } else if let (Some(rest), Some(c)) = (v.strip_prefix('-'), short) {
                // a group of short options ends where a glued value starts (`-o/tmp/k`)
                if rest
                    .chars()
                    .take_while(|ch| ch.is_ascii_alphanumeric())
                    .any(|ch| ch == c)
                {
                    return Some(w);
                }
            }
        }
        None
    }
}

/// The last path component: `/usr/bin/sudo` -> `sudo`.
pub fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// Skip the options of a wrapper starting at `i`; return the index of the first word after
/// them. `arg_shorts` are short options taking a value, `arg_longs` long ones.
fn skip_options(w: &[Word], mut i: usize, arg_shorts: &str, arg_longs: &[&str]) -> usize {
    while let Some(word) = w.get(i) {
        let v = word.value.as_str();
        if v == "--" {
            return i + 1;
        }
        if let Some(long) = v.strip_prefix("--") {
            i += 1;
            if !long.contains('=') && arg_longs.contains(&long) {
                i += 1;
            }
        } else if let Some(short) = v.strip_prefix('-').filter(|s| !s.is_empty()) {
            i += 1;
            // `-u root`, `-Eu root`: the last option of a group takes the next word
            if short.chars().all(|x| x.is_ascii_alphabetic())
                && short.chars().last().is_some_and(|c| arg_shorts.contains(c))
            {
                i += 1;
            }
        } else {
            break;
        }
    }
    i
}

/// `NAME=value`, `NAME+=value`, `NAME[sub]=value`.
fn is_assignment(v: &str) -> bool {
    let b = v.as_bytes();
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {}
        _ => return false,
    }
    let mut i = 1;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    if b.get(i) == Some(&b'[') {
        match b[i..].iter().position(|&c| c == b']') {
            Some(k) => i += k + 1,
            None => return false,
        }
    }
    if b.get(i) == Some(&b'+') {
        i += 1;
    }
    b.get(i) == Some(&b'=')
}

/// Split `text` into simple commands. Never fails; see the module docs.
pub fn parse_script(text: &str) -> Script {
    let mut lx = Lexer {
        b: text.as_bytes(),
        i: 0,
        commands: Vec::new(),
        words: Vec::new(),
        cmd_span: None,
        pending_op: None,
        depth: 0,
        heredocs: Vec::new(),
        mode: Mode::Normal,
        case_depth: 0,
        closed: false,
        comments: Vec::new(),
    };
    lx.run();
    let comments = lx.comments;
    let mut commands = lx.commands;
    let mut id = 0;
    for k in 0..commands.len() {
        if k > 0 && commands[k - 1].op_after != Some(Op::Pipe) {
            id += 1;
        }
        commands[k].pipeline = id;
    }
    Script { commands, comments }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Normal,
    /// After `for`/`select`: the loop head is skipped up to `;`, a newline or `do`.
    ForHead,
    /// After `case`: skipped up to `in`.
    CaseHead,
    /// Inside `case ... in`, where a pattern `pat)` or `esac` is expected.
    CasePattern,
    /// After `function`: the function name is skipped.
    FuncName,
}

/// Nesting contexts for substitutions, scanned without recursion.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Paren,
    Brace,
    Backtick,
    DQuote,
}

/// Scan a nested construct opened just before `i` (its opener already consumed); return
/// the index just past its closer, or the end of input.
fn scan_nested(b: &[u8], mut i: usize, first: Ctx) -> usize {
    let mut stack = vec![first];
    while i < b.len() {
        let Some(&top) = stack.last() else { break };
        let c = b[i];
        let next = b.get(i + 1).copied();
        if top == Ctx::DQuote {
            match c {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'$' if next == Some(b'(') => {
                    stack.push(Ctx::Paren);
                    i += 2;
                }
                b'$' if next == Some(b'{') => {
                    stack.push(Ctx::Brace);
                    i += 2;
                }
                b'`' => {
                    stack.push(Ctx::Backtick);
                    i += 1;
                }
                _ => i += 1,
            }
        } else {
            match c {
                b'\\' => i += 2,
                b'\'' => {
                    i = match b[i + 1..].iter().position(|&x| x == b'\'') {
                        Some(k) => i + 1 + k + 1,
                        None => b.len(),
                    };
                }
                b'"' => {
                    stack.push(Ctx::DQuote);
                    i += 1;
                }
                b'`' => {
                    if top == Ctx::Backtick {
                        stack.pop();
                    } else {
                        stack.push(Ctx::Backtick);
                    }
                    i += 1;
                }
                b'$' if next == Some(b'(') => {
                    stack.push(Ctx::Paren);
                    i += 2;
                }
                b'$' if next == Some(b'{') => {
                    stack.push(Ctx::Brace);
                    i += 2;
                }
                b'(' if top == Ctx::Paren => {
                    stack.push(Ctx::Paren);
                    i += 1;
                }
                b')' if top == Ctx::Paren => {
                    stack.pop();
                    i += 1;
                }
                b'}' if top == Ctx::Brace => {
                    stack.pop();
                    i += 1;
                }
                _ => i += 1,
            }
        }
        if stack.is_empty() {
            return i.min(b.len());
        }
    }
    b.len()
}

fn bytes_to_string(v: Vec<u8>) -> String {
    match String::from_utf8(v) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
    commands: Vec<Command>,
    /// Words of the command being read.
    words: Vec<Word>,
    /// Span of the tokens of the command being read.
    cmd_span: Option<Span>,
    pending_op: Option<Op>,
    /// Open `( )` / `{ }` groups.
    depth: usize,
    /// Here-documents whose bodies start after the next newline: (delimiter, strip tabs).
    heredocs: Vec<(Vec<u8>, bool)>,
    mode: Mode,
    case_depth: usize,
    /// A group or compound command just closed: the next operator joins it, i.e. its last
    /// command.
    closed: bool,
    comments: Vec<Span>,
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    fn run(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\\' if self.peek(1) == Some(b'\n') => self.i += 2,
                b'\\' if self.peek(1) == Some(b'\r') && self.peek(2) == Some(b'\n') => self.i += 3,
                b'\n' => {
                    self.i += 1;
                    self.newline();
                }
                b'#' => self.skip_comment(),
                _ if self.mode == Mode::CasePattern => self.case_pattern(),
                b';' => {
                    let mut n = 1;
                    let mut case_end = false;
                    if self.peek(1) == Some(b';') {
                        n = 2;
                        case_end = true;
                        if self.peek(2) == Some(b'&') {
                            n = 3;
                        }
                    } else if self.peek(1) == Some(b'&') {
                        n = 2;
                        case_end = true;
                    }
                    self.i += n;
                    self.separator(Op::Semi);
                    if case_end && self.case_depth > 0 {
                        self.mode = Mode::CasePattern;
                    }
                }
                b'&' => match self.peek(1) {
                    Some(b'&') => {
                        self.i += 2;
                        self.separator(Op::And);
                    }
                    Some(b'>') => self.redirect(),
                    _ => {
                        self.i += 1;
                        self.separator(Op::Background);
                    }
                },
                b'|' => match self.peek(1) {
                    Some(b'|') => {
                        self.i += 2;
                        self.separator(Op::Or);
                    }
                    Some(b'&') => {
                        self.i += 2;
                        self.separator(Op::Pipe);
                    }
                    _ => {
                        self.i += 1;
                        self.separator(Op::Pipe);
                    }
                },
                b'(' => self.open_paren(),
                b')' => {
                    self.i += 1;
                    self.finish(None);
                    self.depth = self.depth.saturating_sub(1);
                    self.close();
                }
                b'<' | b'>' if self.peek(1) == Some(b'(') => self.word(),
                b'<' | b'>' => self.redirect(),
                b'0'..=b'9' if self.is_fd_redirect() => self.redirect(),
                _ => self.word(),
            }
        }
        self.finish(None);
    }

    /// A group or compound command ended: the next operator applies to it.
    fn close(&mut self) {
        self.pending_op = None;
        self.closed = true;
    }

    fn skip_comment(&mut self) {
        let start = self.i;
        match self.b[self.i..].iter().position(|&c| c == b'\n') {
            Some(k) => self.i += k,
            None => self.i = self.b.len(),
        }
        let mut end = self.i;
        if end > start && self.b[end - 1] == b'\r' {
            end -= 1;
        }
        self.comments.push(Span::new(start, end));
    }

    fn newline(&mut self) {
        match self.mode {
            Mode::ForHead | Mode::CaseHead | Mode::FuncName => self.mode = Mode::Normal,
            Mode::Normal | Mode::CasePattern => {}
        }
        self.separator(Op::Semi);
        self.skip_heredoc_bodies();
    }

    fn separator(&mut self, op: Op) {
        if matches!(self.mode, Mode::ForHead | Mode::FuncName) {
            self.mode = Mode::Normal;
        }
        self.finish(Some(op));
    }

    /// End the command being read, joined to the next by `op`.
    fn finish(&mut self, op: Option<Op>) {
        let words = std::mem::take(&mut self.words);
        let span = self.cmd_span.take();
        if words.is_empty() {
            if let Some(op) = op {
                if self.pending_op.is_none() {
                    self.pending_op = Some(op);
                    if let Some(last) = self.commands.last_mut() {
                        if last.op_after.is_none() || self.closed {
                            last.op_after = Some(op);
                        }
                    }
                }
            }
            self.closed = false;
            return;
        }
        let span = span.unwrap_or_default();
        self.commands.push(Command {
            words,
            span,
            op_before: self.pending_op.take(),
            op_after: op,
            pipeline: 0,
            in_subshell: self.depth > 0,
        });
        self.pending_op = op;
        self.closed = false;
    }

    fn extend_cmd(&mut self, span: Span) {
        self.cmd_span = Some(match self.cmd_span {
            Some(s) => s.cover(span),
            None => span,
        });
    }

    fn skip_heredoc_bodies(&mut self) {
        let docs = std::mem::take(&mut self.heredocs);
        for (delim, strip) in docs {
            loop {
                if self.i >= self.b.len() {
                    return;
                }
                let end = self.b[self.i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(self.b.len(), |k| self.i + k);
                let mut line = &self.b[self.i..end];
                if let Some(l) = line.strip_suffix(b"\r") {
                    line = l;
                }
                if strip {
                    while let Some(l) = line.strip_prefix(b"\t") {
                        line = l;
                    }
                }
                self.i = (end + 1).min(self.b.len());
                if line == delim.as_slice() {
                    break;
                }
            }
        }
    }

    /// Digits followed by `<` or `>`: a redirection of a file descriptor (`2>&1`).
    fn is_fd_redirect(&self) -> bool {
        let mut k = self.i;
        while k < self.b.len() && self.b[k].is_ascii_digit() {
            k += 1;
        }
        matches!(self.b.get(k), Some(b'<' | b'>'))
    }

    fn open_paren(&mut self) {
        // `name() {`: a function definition, not a command
        let mut k = self.i + 1;
        while matches!(self.b.get(k), Some(b' ' | b'\t')) {
            k += 1;
        }
        if self.b.get(k) == Some(&b')') && self.words.len() == 1 {
            self.words.clear();
            self.cmd_span = None;
            self.i = k + 1;
            return;
        }
        // `(( arithmetic ))` as a command
        if self.words.is_empty() && self.peek(1) == Some(b'(') {
            let end = scan_nested(self.b, self.i + 2, Ctx::Paren);
            let end = if self.b.get(end) == Some(&b')') {
                end + 1
            } else {
                end
            };
            self.i = end;
            return;
        }
        self.i += 1;
        self.finish(None);
        self.depth += 1;
    }

    fn redirect(&mut self) {
        let start = self.i;
        while self.i < self.b.len() && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        let rest = &self.b[self.i..];
        let mut heredoc: Option<bool> = None;
        let n = if rest.starts_with(b"<<<") {
            3
        } else if rest.starts_with(b"<<-") {
            heredoc = Some(true);
            3
        } else if rest.starts_with(b"<<") {
            heredoc = Some(false);
            2
        } else if rest.starts_with(b"&>>") {
            3
        } else if rest.starts_with(b">>")
            || rest.starts_with(b">&")
            || rest.starts_with(b">|")
            || rest.starts_with(b"<&")
            || rest.starts_with(b"<>")
            || rest.starts_with(b"&>")
        {
            2
        } else {
            1
        };
        self.i = (self.i + n).min(self.b.len());
        let mut end = self.i;
        // the target, on the same line
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t') => self.i += 1,
                Some(b'\\') if self.peek(1) == Some(b'\n') => self.i += 2,
                _ => break,
            }
        }
        if let Some(c) = self.peek(0) {
            if !matches!(
                c,
                b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' | b'#'
            ) {
                let w = self.read_word();
                end = w.span.end;
                if let Some(strip) = heredoc {
                    self.heredocs.push((w.value.into_bytes(), strip));
                }
            }
        }
        self.extend_cmd(Span::new(start, end));
    }

    fn case_pattern(&mut self) {
        // `esac` ends the case; anything else is a pattern up to its unquoted `)`
        if self.b[self.i..].starts_with(b"esac")
            && self.b.get(self.i + 4).is_none_or(|c| {
                matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b';' | b')' | b'&' | b'|')
            })
        {
            self.i += 4;
            self.case_depth = self.case_depth.saturating_sub(1);
            self.mode = Mode::Normal;
            self.close();
            return;
        }
        let mut depth = 0usize;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'\'' => {
                    self.i = match self.b[self.i + 1..].iter().position(|&x| x == b'\'') {
                        Some(k) => self.i + k + 2,
                        None => self.b.len(),
                    }
                }
                b'"' => self.i = scan_nested(self.b, self.i + 1, Ctx::DQuote),
                b'(' => {
                    depth += 1;
                    self.i += 1;
                }
                b')' if depth > 1 => {
                    depth -= 1;
                    self.i += 1;
                }
                b')' => {
                    // `pat)`, or `(pat)` with the optional leading parenthesis
                    self.i += 1;
                    break;
                }
                b'\n' => break,
                _ => self.i += 1,
            }
        }
        self.i = self.i.min(self.b.len());
        self.mode = Mode::Normal;
    }

    fn word(&mut self) {
        let w = self.read_word();
        let raw_plain = !w.quoted && w.span.len() == w.value.len();
        if self.words.is_empty() && raw_plain {
            match self.mode {
                Mode::ForHead => {
                    if w.value == "do" {
                        self.mode = Mode::Normal;
                    }
                    return;
                }
                Mode::CaseHead => {
                    if w.value == "in" {
                        self.mode = Mode::CasePattern;
                    }
                    return;
                }
                Mode::FuncName => {
                    self.mode = Mode::Normal;
                    // `function name()`: skip the parentheses too
                    let mut k = self.i;
                    while matches!(self.b.get(k), Some(b' ' | b'\t')) {
                        k += 1;
                    }
                    if self.b.get(k) == Some(&b'(') {
                        let mut j = k + 1;
                        while matches!(self.b.get(j), Some(b' ' | b'\t')) {
                            j += 1;
                        }
                        if self.b.get(j) == Some(&b')') {
                            self.i = j + 1;
                        }
                    }
                    return;
                }
                Mode::Normal | Mode::CasePattern => {}
            }
            match w.value.as_str() {
                "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" => return,
                "fi" | "done" => {
                    self.close();
                    return;
                }
                "{" => {
                    self.depth += 1;
                    return;
                }
                "}" => {
                    self.depth = self.depth.saturating_sub(1);
                    self.close();
                    return;
                }
                "for" | "select" => {
                    self.mode = Mode::ForHead;
                    return;
                }
                "case" => {
                    self.mode = Mode::CaseHead;
                    self.case_depth += 1;
                    return;
                }
                "esac" if self.case_depth > 0 => {
                    self.case_depth -= 1;
                    self.close();
                    return;
                }
                "function" => {
                    self.mode = Mode::FuncName;
                    return;
                }
                _ => {}
            }
        } else if self.mode != Mode::Normal {
            // words of a loop or case head are not commands
            if self.mode == Mode::ForHead && raw_plain && w.value == "do" {
                self.mode = Mode::Normal;
            }
            if self.mode == Mode::CaseHead && raw_plain && w.value == "in" {
                self.mode = Mode::CasePattern;
            }
            if self.mode == Mode::FuncName {
                self.mode = Mode::Normal;
            }
            return;
        }
        self.extend_cmd(w.span);
        self.words.push(w);
    }

    /// Read one word starting at `self.i` (which is not a blank or an operator).
    fn read_word(&mut self) -> Word {
        let b = self.b;
        let start = self.i;
        let mut val: Vec<u8> = Vec::new();
        let mut quoted = false;
        let mut i = self.i;
        // process substitution `<(...)` / `>(...)` is one word
        if matches!(b.get(i), Some(b'<' | b'>')) && b.get(i + 1) == Some(&b'(') {
            let end = scan_nested(b, i + 2, Ctx::Paren);
            val.extend_from_slice(&b[i..end]);
            i = end;
        }
        while i < b.len() {
            let c = b[i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')' => break,
                b'(' => {
                    if val.last() == Some(&b'=') {
                        // array assignment `a=(x y)`
                        let end = scan_nested(b, i + 1, Ctx::Paren);
                        val.extend_from_slice(&b[i..end]);
                        i = end;
                    } else {
                        break;
                    }
                }
                b'\'' => {
                    quoted = true;
                    let end = b[i + 1..]
                        .iter()
                        .position(|&x| x == b'\'')
                        .map_or(b.len(), |k| i + 1 + k);
                    val.extend_from_slice(&b[i + 1..end]);
                    i = (end + 1).min(b.len());
                }
                b'"' => {
                    quoted = true;
                    i += 1;
                    while i < b.len() {
                        match b[i] {
                            b'"' => {
                                i += 1;
                                break;
                            }
                            b'\\' => match b.get(i + 1) {
                                Some(b'\n') => i += 2,
                                Some(&n @ (b'$' | b'`' | b'"' | b'\\')) => {
                                    val.push(n);
                                    i += 2;
                                }
                                _ => {
                                    val.push(b'\\');
                                    i += 1;
                                }
                            },
                            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{')) => {
                                let ctx = if b[i + 1] == b'(' {
                                    Ctx::Paren
                                } else {
                                    Ctx::Brace
                                };
                                let end = scan_nested(b, i + 2, ctx);
                                val.extend_from_slice(&b[i..end]);
                                i = end;
                            }
                            b'`' => {
                                let end = scan_nested(b, i + 1, Ctx::Backtick);
                                val.extend_from_slice(&b[i..end]);
                                i = end;
                            }
                            x => {
                                val.push(x);
                                i += 1;
                            }
                        }
                    }
                }
                b'\\' => match b.get(i + 1) {
                    Some(b'\n') => i += 2,
                    Some(b'\r') if b.get(i + 2) == Some(&b'\n') => i += 3,
                    Some(&n) => {
                        quoted = true;
                        val.push(n);
                        i += 2;
                    }
                    None => {
                        val.push(b'\\');
                        i += 1;
                    }
                },
                b'$' => match b.get(i + 1) {
                    Some(b'(') => {
                        let end = scan_nested(b, i + 2, Ctx::Paren);
                        val.extend_from_slice(&b[i..end]);
                        i = end;
                    }
                    Some(b'{') => {
                        let end = scan_nested(b, i + 2, Ctx::Brace);
                        val.extend_from_slice(&b[i..end]);
                        i = end;
                    }
                    Some(b'\'') => {
                        // ANSI-C quoting: resolve the common escapes
                        quoted = true;
                        i += 2;
                        while i < b.len() {
                            match b[i] {
                                b'\'' => {
                                    i += 1;
                                    break;
                                }
                                b'\\' if i + 1 < b.len() => {
                                    val.push(match b[i + 1] {
                                        b'n' => b'\n',
                                        b't' => b'\t',
                                        b'r' => b'\r',
                                        b'a' => 0x07,
                                        b'b' => 0x08,
                                        b'e' | b'E' => 0x1b,
                                        b'0' => 0,
                                        x => x,
                                    });
                                    i += 2;
                                }
                                x => {
                                    val.push(x);
                                    i += 1;
                                }
                            }
                        }
                    }
                    // `$"..."`: the `"` is read as a double quote next
                    Some(b'"') => i += 1,
                    _ => {
                        val.push(b'$');
                        i += 1;
                    }
                },
                b'`' => {
                    let end = scan_nested(b, i + 1, Ctx::Backtick);
                    val.extend_from_slice(&b[i..end]);
                    i = end;
                }
                x => {
                    val.push(x);
                    i += 1;
                }
            }
        }
        let i = i.min(b.len());
        // always make progress
        self.i = if i == start { start + 1 } else { i };
        Word {
            value: bytes_to_string(val),
            span: Span::new(start, self.i.min(b.len())),
            quoted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &Script) -> Vec<String> {
        s.commands
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

    fn cmds(text: &str) -> Vec<String> {
        names(&parse_script(text))
    }

    #[test]
    fn simple_and_operators() {
        let text = "apt-get update && apt-get install -y curl || true; echo hi | grep h & wait";
        let s = parse_script(text);
        assert_eq!(
            names(&s),
            [
                "apt-get update",
                "apt-get install -y curl",
                "true",
                "echo hi",
                "grep h",
                "wait"
            ]
        );
        let ops: Vec<_> = s.commands.iter().map(|c| c.op_after).collect();
        assert_eq!(
            ops,
            [
                Some(Op::And),
                Some(Op::Or),
                Some(Op::Semi),
                Some(Op::Pipe),
                Some(Op::Background),
                None
            ]
        );
        assert_eq!(s.commands[1].op_before, Some(Op::And));
        assert_eq!(s.commands[0].op_before, None);
        let pipes: Vec<_> = s.commands.iter().map(|c| c.pipeline).collect();
        assert_eq!(pipes, [0, 1, 2, 3, 3, 4]);
        assert_eq!(s.commands[1].span.text(text), "apt-get install -y curl");
        assert_eq!(s.commands[1].words[3].span.text(text), "curl");
    }

    #[test]
    fn quotes_and_escapes() {
        let text = r#"echo 'a b' "c $HOME \"d\"" e\ f g"h"'i' "$(date "+%s")" `id -u` ${X:-y}"#;
        let s = parse_script(text);
        let w = &s.commands[0].words;
        let vals: Vec<_> = w.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(
            vals,
            [
                "echo",
                "a b",
                r#"c $HOME "d""#,
                "e f",
                "ghi",
                r#"$(date "+%s")"#,
                "`id -u`",
                "${X:-y}"
            ]
        );
        assert_eq!(w[1].span.text(text), "'a b'");
        assert!(w[1].quoted);
        assert!(!w[0].quoted);
        assert_eq!(w[5].span.text(text), r#""$(date "+%s")""#);
    }

    #[test]
    fn nested_substitution_with_parens() {
        let s = cmds("x=$(echo $(echo ')' ) (a)) ; y");
        assert_eq!(s, ["x=$(echo $(echo ')' ) (a))", "y"]);
    }

    #[test]
    fn continuation_and_comments() {
        let text = "curl -fsSL \\\n  https://x.sh | sh # run it\n# whole line\nls";
        let s = parse_script(text);
        assert_eq!(names(&s), ["curl -fsSL https://x.sh", "sh", "ls"]);
        assert_eq!(s.commands[0].words[2].span.text(text), "https://x.sh");
        assert_eq!(s.commands[1].op_after, Some(Op::Semi));
        assert_eq!(s.commands[2].op_before, Some(Op::Semi));
        // `#` inside a word is not a comment
        assert_eq!(cmds("echo a#b"), ["echo a#b"]);
    }

    #[test]
    fn redirections_are_not_words() {
        let s =
            cmds("make > /dev/null 2>&1; cat < in >> out 2> err; cmd &>/dev/null; tr a b <<< 'x'");
        assert_eq!(s, ["make", "cat", "cmd", "tr a b"]);
        let text = "echo hi >&2";
        let p = parse_script(text);
        assert_eq!(p.commands[0].span.text(text), "echo hi >&2");
    }

    #[test]
    fn heredocs_are_skipped() {
        let text = "cat <<EOF > /etc/x\ncurl evil\nEOF\nls\ncat <<-'END'\n\tnot a command\n\tEND\necho done";
        assert_eq!(cmds(text), ["cat", "ls", "cat", "echo done"]);
        // two on one line
        assert_eq!(cmds("cat <<A <<B\na\nA\nb\nB\nok"), ["cat", "ok"]);
        // unterminated: swallowed to the end
        assert_eq!(cmds("cat <<EOF\nx\n"), ["cat"]);
    }

    #[test]
    fn groups_and_subshells() {
        let s = parse_script("(cd /x && make) | tee log; { a; b; } && c");
        assert_eq!(names(&s), ["cd /x", "make", "tee log", "a", "b", "c"]);
        let sub: Vec<_> = s.commands.iter().map(|c| c.in_subshell).collect();
        assert_eq!(sub, [true, true, false, true, true, false]);
        assert_eq!(s.commands[1].op_after, Some(Op::Pipe));
        assert_eq!(s.commands[1].pipeline, s.commands[2].pipeline);
        assert_eq!(s.commands[5].op_before, Some(Op::And));
    }

    #[test]
    fn keywords_are_separators() {
        assert_eq!(
            cmds("if curl -k https://x; then echo ok; else exit 1; fi"),
            ["curl -k https://x", "echo ok", "exit 1"]
        );
        assert_eq!(
            cmds("for f in a b c; do rm $f; done\nwhile true; do sleep 1; done"),
            ["rm $f", "true", "sleep 1"]
        );
        assert_eq!(
            cmds("case $x in\n  a|b) echo ab ;;\n  (c) echo c;;\n  *) echo other\nesac; ls"),
            ["echo ab", "echo c", "echo other", "ls"]
        );
        assert_eq!(
            cmds("f() { echo in f; }\nfunction g { ls; }\nf"),
            ["echo in f", "ls", "f"]
        );
        assert_eq!(cmds("(( i++ )); ! grep x y"), ["grep x y"]);
        // keywords only count in command position
        assert_eq!(cmds("echo if then fi"), ["echo if then fi"]);
    }

    #[test]
    fn program_skips_wrappers() {
        let s = parse_script(
            "DEBIAN_FRONTEND=noninteractive sudo -E -u root env A=1 nice -n 5 apt-get install x",
        );
        let c = &s.commands[0];
        let (w, i) = c.program().expect("program");
        assert_eq!(w.value, "apt-get");
        assert_eq!(i, 10);
        assert_eq!(c.name(), Some("sudo"));
        assert_eq!(c.args_after(i)[0].value, "install");
        let s = parse_script("command -v curl");
        assert_eq!(s.commands[0].program().map(|p| p.1), Some(0));
        let s = parse_script("sudo");
        assert_eq!(s.commands[0].program().map(|p| p.1), Some(0));
        let s = parse_script("A=1 B=2");
        assert_eq!(s.commands[0].program(), None);
        assert_eq!(s.commands[0].name(), None);
    }

    #[test]
    fn flags() {
        let s = parse_script("curl -fsSLk --retry=3 -o /tmp/k https://x -- -x");
        let c = &s.commands[0];
        assert_eq!(
            c.has_flag("insecure", Some('k')).map(|w| w.value.as_str()),
            Some("-fsSLk")
        );
        assert_eq!(
            c.has_flag("--retry", None).map(|w| w.value.as_str()),
            Some("--retry=3")
        );
        assert!(c.has_flag("retry-all", None).is_none());
        assert!(c.has_flag("", Some('x')).is_none());
        let s = parse_script("curl -fsSL -o/tmp/k x");
        assert!(s.commands[0].has_flag("insecure", Some('k')).is_none());
        let s = parse_script("sudo curl --insecure x");
        assert!(s.commands[0].has_flag("insecure", Some('k')).is_some());
    }

    #[test]
    fn unterminated_and_hostile_input() {
        for text in [
            "echo 'abc",
            "echo \"abc $(x",
            "echo $(",
            "echo ${",
            "echo `x",
            "\\",
            "a \\",
            "((((((",
            "))))))",
            "}}}{{{",
            "case",
            "case x in",
            "esac esac",
            "<<",
            "2>",
            "cat <<",
            "$'\\",
            "\u{0}\u{1}\u{ff}é\\é",
            "for",
            "function",
            ";;;;&&||||&",
        ] {
            let s = parse_script(text);
            for c in &s.commands {
                for w in &c.words {
                    assert!(text.get(w.span.start..w.span.end).is_some(), "{text:?}");
                }
            }
        }
        let deep = "$(".repeat(50_000);
        let s = parse_script(&deep);
        assert_eq!(s.commands.len(), 1);
        let many = "a && ".repeat(20_000);
        assert_eq!(parse_script(&many).commands.len(), 20_000);
    }

    #[test]
    fn assignments() {
        assert!(is_assignment("A=1"));
        assert!(is_assignment("A+=1"));
        assert!(is_assignment("a_b[2]=x"));
        assert!(!is_assignment("=x"));
        assert!(!is_assignment("1A=x"));
        assert!(!is_assignment("--a=b"));
        assert_eq!(cmds("arr=(a b) x"), ["arr=(a b) x"]);
    }
}
