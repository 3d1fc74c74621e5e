//! Inline suppressions, one syntax for every kind:
//!
//! - `# plumb: ignore[<id>, <id>] -- <reason>` on the finding's line, or alone on the line
//!   above it;
//! - `# plumb: ignore-file[<id>] -- <reason>` anywhere in the file.
//!
//! `//` starts the comment as well (Terraform). Ids may be globs (`k8s/*`). A suppression
//! without a reason is reported (`plumb/suppression-without-reason`), and so is each id that
//! suppresses nothing (`plumb/unused-suppression`).

use std::sync::LazyLock;

use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;

use crate::finding::{Finding, Severity};
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
}

/// Remove suppressed findings and add the findings about suppressions themselves.
pub fn apply(
    text: &str,
    lines: &LineIndex,
    findings: &mut Vec<Finding>,
    enabled: &dyn Fn(&str) -> bool,
) {
    if !text.contains("plumb:") {
        return;
    }
    let mut directives = Vec::new();
    let mut extra = Vec::new();
    for m in DIRECTIVE.captures_iter(text) {
        let (Some(whole), Some(kind), Some(ids)) = (m.get(0), m.get(1), m.get(2)) else {
            continue;
        };
        let line = lines.line_of(whole.start());
        let line_span = lines.line_span(text, line);
        let alone = text[line_span.start..whole.start()].trim().is_empty();
        let file_wide = kind.as_str() == "ignore-file";
        let reason = m.get(3).map(|r| r.as_str().trim()).unwrap_or("");
        if reason.is_empty() {
            extra.push(
                Finding::engine(
                    "plumb/suppression-without-reason",
                    Severity::Warning,
                    Span::new(whole.start(), whole.end()),
                    "suppression without a reason: add `-- <why this is acceptable>`".into(),
                )
                .help("write the reason after `--`, e.g. `# plumb: ignore[docker/sudo] -- base image has no other way`"),
            );
        }
        let mut entries = Vec::new();
        let mut offset = ids.start();
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
        });
    }
    if directives.is_empty() {
        return;
    }
    findings.retain(|f| {
        let line = lines.line_of(f.span.start);
        let mut suppressed = false;
        for d in &mut directives {
            if !d.file_wide && !(d.lines.0..=d.lines.1).contains(&line) {
                continue;
            }
            for e in &mut d.entries {
                let hit = match &e.matcher {
                    Some(m) => m.is_match(f.rule),
                    None => e.pattern == f.rule,
                };
                if hit {
                    e.used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });
    for d in &directives {
        for e in &d.entries {
            if e.used {
                continue;
            }
            let known = crate::rules::find(&e.pattern).is_some() || e.matcher.is_some();
            if !known {
                extra.push(Finding::engine(
                    "plumb/unused-suppression",
                    Severity::Note,
                    e.span,
                    format!(
                        "suppression names unknown rule \"{}\": remove it or fix the id",
                        e.pattern
                    ),
                ));
            } else if e.matcher.is_some() || enabled(&e.pattern) {
                extra.push(Finding::engine(
                    "plumb/unused-suppression",
                    Severity::Note,
                    e.span,
                    format!(
                        "suppression of {} matches no finding here: remove it",
                        e.pattern
                    ),
                ));
            }
        }
    }
    findings.extend(extra);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &'static str, at: usize) -> Finding {
        Finding::engine(rule, Severity::Warning, Span::new(at, at + 1), "x".into())
    }

    #[test]
    fn same_line_and_line_above() {
        let text = "USER root # plumb: ignore[docker/non-root-user] -- base needs it\n# plumb: ignore[docker/sudo] -- ok\nRUN sudo x\nRUN sudo y\n";
        let lines = LineIndex::new(text);
        let l2 = text.find("RUN sudo x").unwrap();
        let l3 = text.find("RUN sudo y").unwrap();
        let mut f = vec![
            finding("docker/non-root-user", 0),
            finding("docker/sudo", l2),
            finding("docker/sudo", l3),
        ];
        apply(text, &lines, &mut f, &|_| true);
        let ids: Vec<_> = f.iter().map(|f| (f.rule, f.span.start)).collect();
        assert_eq!(ids, vec![("docker/sudo", l3)]);
    }

    #[test]
    fn missing_reason_and_unused_are_reported() {
        let text = "a: 1 # plumb: ignore[k8s/*]\nb: 2 # plumb: ignore[nope/rule] -- why\n";
        let lines = LineIndex::new(text);
        let mut f = vec![];
        apply(text, &lines, &mut f, &|_| true);
        let ids: Vec<_> = f.iter().map(|f| f.rule).collect();
        assert!(ids.contains(&"plumb/suppression-without-reason"));
        assert_eq!(
            ids.iter()
                .filter(|i| **i == "plumb/unused-suppression")
                .count(),
            2
        );
        let unknown = f
            .iter()
            .find(|f| f.message.contains("unknown rule"))
            .unwrap();
        assert_eq!(unknown.span.text(text), "nope/rule");
    }

    #[test]
    fn file_wide() {
        let text = "// plumb: ignore-file[tf/plaintext-secret] -- test fixtures\nx = 1\n";
        let lines = LineIndex::new(text);
        let mut f = vec![finding("tf/plaintext-secret", text.len() - 2)];
        apply(text, &lines, &mut f, &|_| true);
        assert!(f.is_empty());
    }
}
