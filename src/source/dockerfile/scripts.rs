//! The shell scripts of an instruction, lexed once when the file is parsed.

use super::words::parse_json_strings;
use super::{ArgsForm, Heredoc, Instruction, Keyword};
use crate::source::script::{self, ArgWord};
use crate::source::shell::{self, Script};

/// Every shell command `inst` runs, with file spans: the shell-form arguments of `RUN`,
/// `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD`; an exec form as one command (or the script of
/// `["sh", "-c", "..."]`); and each `RUN` heredoc body that a shell runs: all bodies when
/// the line holds nothing but heredocs (`RUN <<EOF`, unless a `#!` line names another
/// interpreter), else those fed to `sh`/`bash`/... . Heredocs that are data
/// (`cat <<EOF > file`, `COPY <<EOF`) are not scripts.
pub(super) fn instruction_script(inst: &Instruction) -> Script {
    if !matches!(
        inst.keyword,
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck
    ) {
        return Script::default();
    }
    let Some(at) = inst.command_at else {
        return Script::default();
    };
    let text = inst.args.text.get(at..).unwrap_or("");
    let map = &inst.args.map;
    if let ArgsForm::Json(items) = &inst.args.form {
        // the logical strings, with spans in `text`, to map script bodies exactly
        let logical = parse_json_strings(text).unwrap_or_default();
        let words = items
            .iter()
            .enumerate()
            .map(|(k, (value, span))| {
                // a body can be lexed in place only when its JSON string has no escapes
                let raw = logical.get(k).map(|(_, r)| *r);
                let verbatim = raw.and_then(|r| text.get(r.start + 1..r.end.saturating_sub(1)));
                let map = match (raw, verbatim) {
                    (Some(r), Some(v)) if v == value => Some(map.slice_from(at + r.start + 1)),
                    _ => None,
                };
                ArgWord {
                    value: value.clone(),
                    span: *span,
                    map,
                }
            })
            .collect();
        return script::argv(words);
    }
    let mut out = script::lex_mapped(text, map, at);
    let line_is_empty = out.commands.is_empty();
    let runs_heredoc = |h: &Heredoc| -> bool {
        if line_is_empty {
            return shebang_is_shell(&h.body);
        }
        // commands are in source order: the last one starting before the marker
        let k = out
            .commands
            .partition_point(|c| c.span.start <= h.span.start);
        k.checked_sub(1)
            .and_then(|k| out.commands.get(k))
            .filter(|c| c.span.contains(h.span))
            .and_then(|c| c.program())
            .is_some_and(|(w, _)| script::is_shell(&w.value))
    };
    let bodies: Vec<usize> = if inst.keyword == Keyword::Run {
        (0..inst.heredocs.len())
            .filter(|&k| runs_heredoc(&inst.heredocs[k]))
            .collect()
    } else {
        Vec::new()
    };
    for k in bodies {
        let h = &inst.heredocs[k];
        script::append(&mut out, script::lex_mapped(&h.body, &h.map, 0));
    }
    out
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
    script::is_shell(prog)
}

#[cfg(test)]
mod tests {
    use super::super::parse;

    #[test]
    fn exec_form_shell_c_maps_across_continuations() {
        let text = "FROM a\nRUN [\"sh\", \"-c\", \\\n  \"curl -k x\"]\n";
        let df = parse(text);
        let cmds = df.instructions[1].commands();
        assert_eq!(cmds.len(), 1);
        assert_eq!(cmds[0].words[1].span.text(text), "-k");
    }

    #[test]
    fn shell_comments_of_run_are_file_comments() {
        let text = "FROM a\n# top\nRUN make \\\n  # inside\n  && echo x # tail\n";
        let df = parse(text);
        let comments: Vec<&str> = df.comments().iter().map(|c| c.text(text)).collect();
        assert_eq!(comments, vec!["# top", "# inside", "# tail"]);
    }

    #[test]
    fn a_quoted_hash_is_no_comment() {
        let text = "FROM a\nRUN echo \"# plumb: ignore-file[docker/*] -- x\"\n";
        let df = parse(text);
        assert!(df.comments().is_empty());
    }
}
