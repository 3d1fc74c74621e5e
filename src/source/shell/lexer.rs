//! The lexer: one linear pass, no recursion on input, total on any text.

use super::{Command, Op, Script, Word};
use crate::source::Span;

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
enum Nest {
    Paren,
    Brace,
    Backtick,
    DQuote,
}

/// Scan a nested construct opened just before `i` (its opener already consumed); return
/// the index just past its closer, or the end of input.
fn scan_nested(b: &[u8], mut i: usize, first: Nest) -> usize {
    let mut stack = vec![first];
    while i < b.len() {
        let Some(&top) = stack.last() else { break };
        let c = b[i];
        let next = b.get(i + 1).copied();
        if top == Nest::DQuote {
            match c {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'$' if next == Some(b'(') => {
                    stack.push(Nest::Paren);
                    i += 2;
                }
                b'$' if next == Some(b'{') => {
                    stack.push(Nest::Brace);
                    i += 2;
                }
                b'`' => {
                    stack.push(Nest::Backtick);
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
                    stack.push(Nest::DQuote);
                    i += 1;
                }
                b'`' => {
                    if top == Nest::Backtick {
                        stack.pop();
                    } else {
                        stack.push(Nest::Backtick);
                    }
                    i += 1;
                }
                b'$' if next == Some(b'(') => {
                    stack.push(Nest::Paren);
                    i += 2;
                }
                b'$' if next == Some(b'{') => {
                    stack.push(Nest::Brace);
                    i += 2;
                }
                b'(' if top == Nest::Paren => {
                    stack.push(Nest::Paren);
                    i += 1;
                }
                b')' if top == Nest::Paren => {
                    stack.pop();
                    i += 1;
                }
                b'}' if top == Nest::Brace => {
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

/// The bytes a word's loop acts on ([`Lexer::read_word`]): a word ends at a blank or an
/// operator, and quotes, escapes, `$` and backquotes change how what follows is read. Every
/// other byte stands for itself.
static WORD_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let special = b" \t\r\n;&|<>()'\"\\$`";
    let mut k = 0;
    while k < special.len() {
        t[special[k] as usize] = true;
        k += 1;
    }
    t
};

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
            words: words.into(),
            span,
            op_before: self.pending_op.take(),
            op_after: op,
            pipeline: 0,
            in_subshell: self.depth > 0,
            ..Default::default()
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
            let end = scan_nested(self.b, self.i + 2, Nest::Paren);
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
                b'"' => self.i = scan_nested(self.b, self.i + 1, Nest::DQuote),
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
            let end = scan_nested(b, i + 2, Nest::Paren);
            val.extend_from_slice(&b[i..end]);
            i = end;
        }
        while i < b.len() {
            // a run of bytes that stand for themselves, copied at once (byte by byte, the
            // word loop was most of lexing every script of real-world workflows)
            let run = b[i..]
                .iter()
                .position(|&c| WORD_SPECIAL[c as usize])
                .unwrap_or(b.len() - i);
            if run > 0 {
                val.extend_from_slice(&b[i..i + run]);
                i += run;
                continue;
            }
            let c = b[i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')' => break,
                b'(' => {
                    if val.last() == Some(&b'=') {
                        // array assignment `a=(x y)`
                        let end = scan_nested(b, i + 1, Nest::Paren);
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
                        let run = b[i..]
                            .iter()
                            .position(|&c| matches!(c, b'"' | b'\\' | b'$' | b'`'))
                            .unwrap_or(b.len() - i);
                        if run > 0 {
                            val.extend_from_slice(&b[i..i + run]);
                            i += run;
                            continue;
                        }
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
                                    Nest::Paren
                                } else {
                                    Nest::Brace
                                };
                                let end = scan_nested(b, i + 2, ctx);
                                val.extend_from_slice(&b[i..end]);
                                i = end;
                            }
                            b'`' => {
                                let end = scan_nested(b, i + 1, Nest::Backtick);
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
                        let end = scan_nested(b, i + 2, Nest::Paren);
                        val.extend_from_slice(&b[i..end]);
                        i = end;
                    }
                    Some(b'{') => {
                        let end = scan_nested(b, i + 2, Nest::Brace);
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
                    let end = scan_nested(b, i + 1, Nest::Backtick);
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
