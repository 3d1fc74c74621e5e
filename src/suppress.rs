//! Inline suppressions, one syntax for every kind, read from comments only:
//!
//! - `# plumb: ignore[<id>, <id>] -- <reason>` on the finding's line, or alone on the line
//!   above it;
//! - `# plumb: ignore-file[<id>] -- <reason>` anywhere in the file.
//!
//! `//` starts the comment as well (Terraform). Ids may be globs (`k8s/*`). A directive
//! counts only inside a comment of the file's own syntax (or a shell comment of a script
//! it embeds), as each parser reports them: text in a string, a `run:` command or a heredoc
//! suppresses nothing. A suppression without a reason is reported
//! (`plumb/suppression-without-reason`), and so is each id that suppresses nothing
//! (`plumb/unused-suppression`). `plumb/parse-error` cannot be suppressed.

use std::sync::LazyLock;

use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;

use crate::api::Finding;
use crate::rules::{self, plumb};
use crate::source::{LineIndex, Span};

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:#|//)\s*plumb:\s*(ignore-file|ignore)\s*\[([^\]\n]*)\](?:[ \t]*--[ \t]*([^\n]*))?",
    )
    .expect("directive regex")
});

struct Entry {
    pattern: String,
    matcher: Option<GlobMatcher>,
    span: Span,
    used: bool,
}

struct Directive {
    file_wide: bool,
    /// 0-based lines it covers (line-level directives).
    lines: (usize, usize),
    entries: Vec<Entry>,
    reason: String,
    span: Span,
}

/// A finding an inline suppression silenced, with the suppression's reason.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    pub reason: String,
    /// The directive's comment.
    pub directive: Span,
}

/// The outcome of applying a file's suppressions.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
}

/// Split `findings` into kept and suppressed by the directives in `comments`, and add the
/// findings about the suppressions themselves (`enabled` says whether a rule ran on this
/// file, so a suppression of a rule that did not run is not called unused).
pub fn apply(
    text: &str,
    lines: &LineIndex,
    comments: &[Span],
    findings: Vec<Finding>,
    enabled: &dyn Fn(&str) -> bool,
) -> Applied {
    let mut directives = Vec::new();
    let mut extra = Vec::new();
    for c in comments {
        let comment = c.text(text);
        if !comment.contains("plumb:") {
            continue;
        }
        let Some(m) = DIRECTIVE.captures(comment) else {
            continue;
        };
        let (Some(whole), Some(kind), Some(ids)) = (m.get(0), m.get(1), m.get(2)) else {
            continue;
        };
        let whole_span = Span::new(c.start + whole.start(), c.start + whole.end());
        let line = lines.line_of(c.start);
        let line_span = lines.line_span(text, line);
        let alone = text[line_span.start..c.start].trim().is_empty();
        let file_wide = kind.as_str() == "ignore-file";
        let reason = m.get(3).map(|r| r.as_str().trim()).unwrap_or("");
        if reason.is_empty() {
            extra.push(
                Finding::new(
                    &plumb::SUPPRESSION_WITHOUT_REASON,
                    whole_span,
                    "suppression without a reason: add `-- <why this is acceptable>`",
                )
                .help("write the reason after `--`, e.g. `# plumb: ignore[docker/sudo] -- base image has no other way`"),
            );
        }
        let mut entries = Vec::new();
        let mut offset = c.start + ids.start();
        for part in ids.as_str().split(',') {
            let trimmed = part.trim();
            let lead = part.len() - part.trim_start().len();
            let span = Span::new(offset + lead, offset + lead + trimmed.len());
            offset += part.len() + 1;
            if trimmed.is_empty() {
                continue;
            }
            let matcher = if trimmed.contains(['*', '?']) {
                GlobBuilder::new(trimmed)
                    .literal_separator(false)
                    .build()
                    .ok()
                    .map(|g| g.compile_matcher())
            } else {
                None
            };
            entries.push(Entry {
                pattern: trimmed.to_string(),
                matcher,
                span,
                used: false,
            });
        }
        directives.push(Directive {
            file_wide,
            lines: (line, if alone { line + 1 } else { line }),
            entries,
            reason: reason.to_string(),
            span: whole_span,
        });
    }
    if directives.is_empty() {
        let mut kept = findings;
        kept.extend(extra);
        return Applied {
            kept,
            suppressed: Vec::new(),
        };
    }
    let mut out = Applied::default();
    for f in findings {
        let mut by: Option<usize> = None;
        if f.rule.id != plumb::PARSE_ERROR.id {
            let line = lines.line_of(f.span.start);
            for (k, d) in directives.iter_mut().enumerate() {
                if !d.file_wide && !(d.lines.0..=d.lines.1).contains(&line) {
                    continue;
                }
                for e in &mut d.entries {
                    let hit = match &e.matcher {
                        Some(m) => m.is_match(f.rule.id),
                        None => e.pattern == f.rule.id || f.rule.aliases.contains(&&*e.pattern),
                    };
                    if hit {
                        e.used = true;
                        by.get_or_insert(k);
                    }
                }
            }
        }
        match by {
            Some(k) => out.suppressed.push(Suppressed {
                finding: f,
                reason: directives[k].reason.clone(),
                directive: directives[k].span,
            }),
            None => out.kept.push(f),
        }
    }
    for d in &directives {
        for e in &d.entries {
            if e.used {
                continue;
            }
            let known = rules::find(&e.pattern).is_some() || e.matcher.is_some();
            if !known {
                extra.push(Finding::new(
                    &plumb::UNUSED_SUPPRESSION,
                    e.span,
                    format!(
                        "suppression names unknown rule \"{}\": remove it or fix the id",
                        e.pattern
                    ),
                ));
            } else if e.pattern == plumb::PARSE_ERROR.id {
                extra.push(Finding::new(
                    &plumb::UNUSED_SUPPRESSION,
                    e.span,
                    "plumb/parse-error cannot be suppressed: a file that does not parse is not checked; fix the file or exclude it",
                ));
            } else if e.matcher.is_some() || enabled(&e.pattern) {
                extra.push(Finding::new(
                    &plumb::UNUSED_SUPPRESSION,
                    e.span,
                    format!(
                        "suppression of {} matches no finding here: remove it",
                        e.pattern
                    ),
                ));
            }
        }
    }
    out.kept.extend(extra);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Rule;

    fn finding(rule: &'static str, at: usize) -> Finding {
        let rule: &'static Rule = rules::find(rule).expect("registered rule");
        Finding::new(rule, Span::new(at, at + 1), "x")
    }

    /// Comments of a test text: `#` or `//` to the end of the line.
    fn comments(text: &str) -> Vec<Span> {
        let mut out = Vec::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            if let Some(k) = line.find(['#']).or_else(|| line.find("//")) {
                out.push(Span::new(start + k, start + line.trim_end().len()));
            }
            start += line.len();
        }
        out
    }

    fn run(text: &str, findings: Vec<Finding>) -> Applied {
        let lines = LineIndex::new(text);
        apply(text, &lines, &comments(text), findings, &|_| true)
    }

    #[test]
    fn same_line_and_line_above() {
        let text = "USER root # plumb: ignore[docker/non-root-user] -- base needs it\n# plumb: ignore[docker/sudo] -- ok\nRUN sudo x\nRUN sudo y\n";
        let l2 = text.find("RUN sudo x").unwrap();
        let l3 = text.find("RUN sudo y").unwrap();
        let a = run(
            text,
            vec![
                finding("docker/non-root-user", 0),
                finding("docker/sudo", l2),
                finding("docker/sudo", l3),
            ],
        );
        let ids: Vec<_> = a.kept.iter().map(|f| (f.rule.id, f.span.start)).collect();
        assert_eq!(ids, vec![("docker/sudo", l3)]);
        assert_eq!(a.suppressed.len(), 2);
        assert_eq!(a.suppressed[0].reason, "base needs it");
    }

    #[test]
    fn missing_reason_and_unused_are_reported() {
        let text = "a: 1 # plumb: ignore[k8s/*]\nb: 2 # plumb: ignore[nope/rule] -- why\n";
        let a = run(text, vec![]);
        let ids: Vec<_> = a.kept.iter().map(|f| f.rule.id).collect();
        assert!(ids.contains(&"plumb/suppression-without-reason"));
        assert_eq!(
            ids.iter()
                .filter(|i| **i == "plumb/unused-suppression")
                .count(),
            2
        );
        let unknown = a
            .kept
            .iter()
            .find(|f| f.message.contains("unknown rule"))
            .unwrap();
        assert_eq!(unknown.span.text(text), "nope/rule");
    }

    #[test]
    fn file_wide() {
        let text = "// plumb: ignore-file[tf/plaintext-secret] -- test fixtures\nx = 1\n";
        let a = run(text, vec![finding("tf/plaintext-secret", text.len() - 2)]);
        assert!(a.kept.is_empty());
        assert_eq!(a.suppressed.len(), 1);
    }

    #[test]
    fn text_outside_comments_suppresses_nothing() {
        // the directive sits in a string, and the caller's comment list does not hold it
        let text = "run: echo \"# plumb: ignore-file[gha/*] -- x\"\n";
        let lines = LineIndex::new(text);
        let a = apply(
            text,
            &lines,
            &[],
            vec![finding("gha/template-injection", 5)],
            &|_| true,
        );
        assert_eq!(a.kept.len(), 1);
        assert!(a.suppressed.is_empty());
    }

    #[test]
    fn parse_errors_cannot_be_suppressed() {
        let text = "# plumb: ignore-file[*] -- hide everything\nbroken\n";
        let pe = Finding::new(&plumb::PARSE_ERROR, Span::new(44, 45), "bad");
        let a = run(text, vec![pe]);
        assert!(a.kept.iter().any(|f| f.rule.id == "plumb/parse-error"));
        assert!(a.suppressed.is_empty());
    }
}
