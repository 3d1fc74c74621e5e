//! Scripts embedded in the files plumb reads: Dockerfile `RUN`/`CMD`/`ENTRYPOINT`/
//! `HEALTHCHECK`, compose `command`/`entrypoint`/`healthcheck`, Kubernetes `command`/`args`/
//! probe and lifecycle `exec` commands, workflow and action `run:` steps.
//!
//! Every script is lexed once, when its file is parsed, and kept with spans in file
//! coordinates: rules read the cached commands and never lex again. This module owns the
//! three things every kind needs for that: the list of shells, the `sh -c <script>` reading
//! of an argument vector, and mapping a lexed script's spans back to the file.

use super::shell::{self, Command, Script, Word};
use super::yaml::{NodeId, Yaml};
use super::{OffsetMap, Span};

/// Programs that run their `-c` argument, or their heredoc input, as a shell script.
pub const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];

/// Whether `program` (a path or a bare name) is one of [`SHELLS`].
pub fn is_shell(program: &str) -> bool {
    SHELLS.contains(&shell::basename(program))
}

/// Lex `text` (a derived string: a YAML scalar's value, a Dockerfile logical line) whose
/// offset `shift` maps to the file through `map`; every span of the result is a file span.
pub fn lex_mapped(text: &str, map: &OffsetMap, shift: usize) -> Script {
    map_script(shell::parse_script(text), map, shift)
}

/// Map every span of `script` (offsets into a text that sits at `shift` in a derived string)
/// to the file through `map`.
pub fn map_script(mut script: Script, map: &OffsetMap, shift: usize) -> Script {
    for c in &mut script.commands {
        c.span = map.span(c.span.shift(shift));
        for w in c.words_mut() {
            w.span = map.span(w.span.shift(shift));
        }
    }
    for s in &mut script.comments {
        *s = map.span(s.shift(shift));
    }
    script
}

/// One word of an argument vector (exec form, a compose list, Kubernetes `command` +
/// `args`): its value, its raw span in the file (quotes included), and where its value's
/// characters sit in the file, for lexing it as a script (`None` when they cannot be
/// mapped, as for a JSON string with escapes).
pub struct ArgWord {
    pub value: String,
    pub span: Span,
    pub map: Option<OffsetMap>,
}

/// The index of the script operand of `<shell> [options] -c <script>`: options may be
/// grouped (`-ec`, `-xc`), `-o`/`+o` take a value.
fn shell_c_script(words: &[ArgWord]) -> Option<usize> {
    if !is_shell(&words.first()?.value) {
        return None;
    }
    let mut seen_c = false;
    let mut k = 1;
    while let Some(w) = words.get(k) {
        let v = w.value.as_str();
        if v == "-o" || v == "+o" {
            k += 2;
            continue;
        }
        if v.len() > 1 && (v.starts_with('-') || v.starts_with('+')) && !v.starts_with("--") {
            seen_c |= v[1..].contains('c');
            k += 1;
            continue;
        }
        if v.starts_with("--") {
            k += 1;
            continue;
        }
        return seen_c.then_some(k);
    }
    None
}

/// Read an argument vector as the process it starts: `["sh", "-c", "<script>"]` is the
/// script, lexed; anything else is one command of those words.
pub fn argv(words: Vec<ArgWord>) -> Script {
    if words.is_empty() {
        return Script::default();
    }
    if let Some(k) = shell_c_script(&words) {
        if let Some(map) = &words[k].map {
            return lex_mapped(&words[k].value, map, 0);
        }
    }
    let span = words[0].span.cover(words[words.len() - 1].span);
    let words: Vec<Word> = words
        .into_iter()
        .map(|w| Word {
            value: w.value,
            span: w.span,
            quoted: true,
        })
        .collect();
    Script {
        commands: vec![Command {
            words: words.into(),
            span,
            op_before: None,
            op_after: None,
            pipeline: 0,
            in_subshell: false,
            ..Default::default()
        }],
        comments: Vec::new(),
    }
}

/// Append `next` to `into`, renumbering its pipelines after those already there, so
/// pipeline ids stay unique across the scripts of one instruction or step.
pub fn append(into: &mut Script, next: Script) {
    let base = into.commands.last().map_or(0, |c| c.pipeline + 1);
    for mut c in next.commands {
        c.pipeline += base;
        into.commands.push(c);
    }
    into.comments.extend(next.comments);
}

/// The scripts of a YAML file by the node that holds them (a `run:` value, a compose
/// `command`, a Kubernetes container), lexed once when the file is loaded.
#[derive(Debug, Default)]
pub struct Scripts {
    /// Sorted by node id.
    by_node: Vec<(NodeId, Script)>,
}

impl Scripts {
    /// Build from (node, script) pairs in any order.
    pub fn new(mut pairs: Vec<(NodeId, Script)>) -> Scripts {
        pairs.sort_by_key(|(id, _)| *id);
        pairs.dedup_by_key(|(id, _)| *id);
        Scripts { by_node: pairs }
    }

    /// The script held by `node`.
    pub fn get(&self, node: NodeId) -> Option<&Script> {
        let i = self
            .by_node
            .binary_search_by_key(&node, |(id, _)| *id)
            .ok()?;
        Some(&self.by_node[i].1)
    }

    /// Every comment inside the scripts, in file coordinates.
    pub fn comments(&self) -> impl Iterator<Item = Span> + '_ {
        self.by_node
            .iter()
            .flat_map(|(_, s)| s.comments.iter().copied())
    }
}

/// A YAML scalar run by a shell (`run:`, a compose `command` string), lexed with file
/// spans.
pub fn yaml_script(node: Yaml<'_>, text: &str) -> Option<Script> {
    let value = node.as_str().filter(|_| node.is_scalar())?;
    Some(lex_mapped(value, &node.value_map(text), 0))
}

/// A YAML list of strings as an argument vector (see [`argv`]); `None` when an item is not
/// a string.
pub fn yaml_argv<'a>(items: impl Iterator<Item = Yaml<'a>>, text: &str) -> Option<Script> {
    let mut words = Vec::new();
    for item in items {
        let value = item.as_str().filter(|_| item.is_scalar())?;
        words.push(ArgWord {
            value: value.to_string(),
            span: item.span(),
            map: Some(item.value_map(text)),
        });
    }
    Some(argv(words))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, value: &str) -> ArgWord {
        let at = text.find(value).unwrap();
        ArgWord {
            value: value.to_string(),
            span: Span::new(at - 1, at + value.len() + 1),
            map: Some(OffsetMap::contiguous(at)),
        }
    }

    #[test]
    fn shell_c_is_read_as_its_script() {
        let text = r#"["sh", "-ec", "curl -k https://x | sh"]"#;
        let s = argv(vec![
            word(text, "sh"),
            word(text, "-ec"),
            word(text, "curl -k https://x | sh"),
        ]);
        assert_eq!(s.commands.len(), 2);
        let curl = &s.commands[0];
        assert_eq!(curl.words[0].value, "curl");
        assert_eq!(curl.words[1].span.text(text), "-k");
        assert_eq!(curl.op_after, Some(shell::Op::Pipe));
    }

    #[test]
    fn options_before_c_are_skipped() {
        let text = r#"["bash", "-o", "pipefail", "-ec", "make test"]"#;
        let s = argv(vec![
            word(text, "bash"),
            word(text, "-o"),
            word(text, "pipefail"),
            word(text, "-ec"),
            word(text, "make test"),
        ]);
        assert_eq!(s.commands.len(), 1);
        assert_eq!(s.commands[0].words[0].value, "make");
    }

    #[test]
    fn other_vectors_are_one_command() {
        let text = r#"["/usr/bin/python3", "-c", "import os"]"#;
        let s = argv(vec![
            word(text, "/usr/bin/python3"),
            word(text, "-c"),
            word(text, "import os"),
        ]);
        assert_eq!(s.commands.len(), 1);
        assert_eq!(s.commands[0].words.len(), 3);
        assert_eq!(
            s.commands[0].span.text(text),
            text[1..text.len() - 1].to_string()
        );
    }

    #[test]
    fn mapped_spans_and_comments_land_in_the_file() {
        // a derived string whose second line sits 10 bytes further in the file
        let file = "run: |\n  echo a # plumb\n  curl -k x\n";
        let derived = "echo a # plumb\ncurl -k x\n";
        let mut map = OffsetMap::default();
        map.push(0, file.find("echo").unwrap());
        map.push(15, file.find("curl").unwrap());
        let s = lex_mapped(derived, &map, 0);
        assert_eq!(s.commands[1].words[1].span.text(file), "-k");
        assert_eq!(s.comments[0].text(file), "# plumb");
    }

    #[test]
    fn append_keeps_pipeline_ids_unique() {
        let mut a = shell::parse_script("a | b; c");
        let b = shell::parse_script("d | e");
        append(&mut a, b);
        let ids: Vec<usize> = a.commands.iter().map(|c| c.pipeline).collect();
        assert_eq!(ids, vec![0, 0, 1, 2, 2]);
    }
}
