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

//!
//! The model and command queries are here; the lexer is `lexer.rs`.

mod lexer;

#[cfg(test)]
mod tests;

use super::Span;
use std::sync::Arc;

pub use lexer::parse_script;

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// The words of the command, redirections and their targets excluded. Shared: a
    /// command is cloned into every search that reaches it (the command follower, its
    /// replays), and a deep copy of its words was most of that cost.
    pub words: Arc<[Word]>,
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
    /// [`Command::program`]'s answer, found on first use: rules and the follower ask it of
    /// each command many times. Build commands with `..Default::default()`; a command whose
    /// `words` change gets a fresh one ([`Command::with_words`]).
    pub program_at: ProgramAt,
}

/// The memo of [`Command::program`]: the index of the program in `words` (or none).
/// Commands compare equal whatever it holds.
#[derive(Clone, Debug, Default)]
pub struct ProgramAt(std::sync::OnceLock<Option<usize>>);

impl PartialEq for ProgramAt {
    fn eq(&self, _: &ProgramAt) -> bool {
        true
    }
}
impl Eq for ProgramAt {}

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
        let at = *self.program_at.0.get_or_init(|| self.find_program());
        debug_assert_eq!(at, self.find_program(), "a stale program_at: words changed");
        at.map(|i| (&self.words[i], i))
    }

    /// The words to change in place: copied first when another command shares them.
    pub fn words_mut(&mut self) -> &mut [Word] {
        if Arc::get_mut(&mut self.words).is_none() {
            self.words = self.words.iter().cloned().collect();
        }
        Arc::get_mut(&mut self.words).unwrap_or(&mut [])
    }

    /// This command with other words (the memo of its program starts afresh).
    pub fn with_words(&self, words: Vec<Word>) -> Command {
        Command {
            words: words.into(),
            span: self.span,
            op_before: self.op_before,
            op_after: self.op_after,
            pipeline: self.pipeline,
            in_subshell: self.in_subshell,
            program_at: ProgramAt::default(),
        }
    }

    fn find_program(&self) -> Option<usize> {
        let w = &self.words;
        let mut i = 0;
        let mut last_wrapper: Option<usize> = None;
        loop {
            while w.get(i).is_some_and(Word::is_assignment) {
                i += 1;
            }
            let Some(word) = w.get(i) else {
                return last_wrapper.filter(|k| *k < w.len());
            };
            let base = basename(&word.value);
            if !WRAPPERS.contains(&base) {
                return Some(i);
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
                        return Some(at);
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

/// The last path component: `/usr/bin/sudo` -> `sudo`. A byte search: `rsplit('/')` set
/// up a character searcher for each call, 160 instructions, and rules ask this of every
/// command's program and script (340,000 times in a check of 1,080 real-world workflows).
pub fn basename(s: &str) -> &str {
    match memchr::memrchr(b'/', s.as_bytes()) {
        // `/` is ASCII: the byte after it starts a character
        Some(i) => &s[i + 1..],
        None => s,
    }
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
