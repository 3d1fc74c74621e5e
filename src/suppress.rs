//! Inline suppressions, one syntax for every kind, read from comments only:
//!
//! - `# plumb: ignore[<id>, <id>] -- <reason>` on the finding's line, or alone on the line
//!   above it;
//! - `# plumb: ignore-file[<id>] -- <reason>` anywhere in the file;
//! - either with an expiry, `# plumb: ignore[<id>] until=2027-03-31 -- <reason>`: from the
//!   day after that date it suppresses nothing, and `plumb/expired-suppression` says so
//!   (an `until=` that is not a `YYYY-MM-DD` date is reported the same way and not honoured).
//!
//! `//` starts the comment as well (Terraform). JSON has no comments: in a `*.tf.json` file or
//! a plan, a `"//"` member (Terraform's comment convention) is one, so
//! `"//": "plumb: ignore[<id>] -- <reason>"` on the line above (or the line itself) works. Ids may be globs (`k8s/*`). A directive
//! counts only inside a comment of the file's own syntax (or a shell comment of a script
//! it embeds), as each parser reports them: text in a string, a `run:` command or a heredoc
//! suppresses nothing. A suppression without a reason is reported
//! (`plumb/suppression-without-reason`), and so is each id that suppresses nothing
//! (`plumb/unused-suppression`). `plumb/parse-error` cannot be suppressed.
//!
//! A file-wide suppression of every rule (`ignore-file[*]`, `ignore-file[all]`, or any glob
//! that matches every rule id) is refused: it suppresses nothing and is reported as
//! `plumb/blanket-suppression`. One comment must not be able to switch plumb off for a file
//! without a trace (issue 22, item 4); a file that should not be checked is excluded in
//! `.plumb.yml`, where the review of the config sees it. Everything that is suppressed is
//! kept, with its reason, for the audit trail (JSON `suppressed`, SARIF `suppressions`).

use std::sync::LazyLock;

use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;

use crate::api::Finding;
use crate::rules::{self, plumb};
use crate::source::{LineIndex, Span};

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:#|//|"//"\s*:\s*")\s*plumb:\s*(ignore-file|ignore)\s*\[([^\]\n]*)\](?:[ \t]+until=([^ \t\n]*))?(?:[ \t]*--[ \t]*([^\n]*))?"#,
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
    /// The `until=` date as written, when there is one.
    until: Option<String>,
    /// Whether it suppresses anything: not expired, and a valid `until=` if any.
    live: bool,
}

/// The reason the editor's "suppress this finding" action writes, for the user to replace:
/// it counts as no reason until they do.
pub const REASON_PLACEHOLDER: &str = "<reason>";

/// A calendar day, as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub i64);

impl Day {
    /// `YYYY-MM-DD`, a real date.
    pub fn parse(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let t = &s[r];
            t.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| t.parse().ok())
                .flatten()
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days_in = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if d < 1 || d > days_in {
            return None;
        }
        // days from civil (Howard Hinnant's algorithm)
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// Today, in UTC.
    pub fn today() -> Day {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Day((secs / 86_400) as i64)
    }
}

/// Whether a suppression pattern names every rule: `all`, or a glob matching every id.
fn blanket(pattern: &str, matcher: Option<&GlobMatcher>) -> bool {
    pattern == "all" || matcher.is_some_and(|m| rules::REGISTRY.iter().all(|r| m.is_match(r.id)))
}

/// A finding an inline suppression silenced, with the suppression's reason.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    pub reason: String,
    /// The directive's comment.
    pub directive: Span,
    /// The directive's `until=` date, when it has one.
    pub until: Option<String>,
}

/// The outcome of applying a file's suppressions.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
}

/// Split `findings` into kept and suppressed by the directives in `comments`, and add the
/// findings about the suppressions themselves (`enabled` says whether a rule ran on this
/// file, so a suppression of a rule that did not run is not called unused). `today` decides
/// which `until=` dates have passed.
pub fn apply(
    text: &str,
    lines: &LineIndex,
    comments: &[Span],
    findings: Vec<Finding>,
    enabled: &dyn Fn(&str) -> bool,
    today: Day,
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
        let reason = m.get(4).map(|r| r.as_str().trim()).unwrap_or("");
        if reason.is_empty() || reason == REASON_PLACEHOLDER {
            extra.push(
                Finding::new(
                    &plumb::SUPPRESSION_WITHOUT_REASON,
                    whole_span,
                    "suppression without a reason: add `-- <why this is acceptable>`",
                )
                .help("write the reason after `--`, e.g. `# plumb: ignore[docker/sudo] -- base image has no other way`"),
            );
        }
        let until = m.get(3).map(|u| u.as_str().to_string());
        let mut live = true;
        if let (Some(u), Some(g)) = (&until, m.get(3)) {
            let at = Span::new(c.start + g.start(), c.start + g.end());
            match Day::parse(u) {
                None => {
                    live = false;
                    extra.push(
                        Finding::new(
                            &plumb::EXPIRED_SUPPRESSION,
                            at,
                            format!("until={u} is not a date (YYYY-MM-DD): the suppression is not honoured"),
                        )
                        .help("write the last day the suppression holds, e.g. until=2027-03-31"),
                    );
                }
                Some(day) if day < today => {
                    live = false;
                    extra.push(
                        Finding::new(
                            &plumb::EXPIRED_SUPPRESSION,
                            at,
                            format!("this suppression expired on {u}: what it silenced is reported again; fix it, or renew the suppression with a new date and reason"),
                        )
                        .help("the findings it covered are reported with this comment as a related place"),
                    );
                }
                Some(_) => {}
            }
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
            if file_wide && blanket(trimmed, matcher.as_ref()) {
                // refused: reported, never honoured (issue 22, item 4)
                extra.push(
                    Finding::new(
                        &plumb::BLANKET_SUPPRESSION,
                        span,
                        format!("ignore-file[{trimmed}] would silence every rule in this file: it is not honoured; name the rules it is about, or exclude the file in .plumb.yml"),
                    )
                    .help("e.g. `# plumb: ignore-file[docker/sudo] -- <why>`, or `exclude: [path/to/file]` in .plumb.yml"),
                );
                continue;
            }
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
            until,
            live,
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
    for mut f in findings {
        let mut by: Option<usize> = None;
        let mut expired: Option<usize> = None;
        if f.rule.id != plumb::PARSE_ERROR.id {
            let line = lines.line_of(f.span.start);
            for (k, d) in directives.iter_mut().enumerate() {
                if !d.file_wide && !(d.lines.0..=d.lines.1).contains(&line) {
                    continue;
                }
                for e in &mut d.entries {
                    let hit = match &e.matcher {
                        Some(m) => m.is_match(f.rule.id),
                        None => {
                            e.pattern == f.rule.id
                                || f.rule.aliases.contains(&&*e.pattern)
                                || rules::peers::find(&e.pattern)
                                    .is_some_and(|p| p.rule == f.rule.id)
                                || (e.pattern == "all" && !d.file_wide)
                        }
                    };
                    if hit {
                        e.used = true;
                        if d.live {
                            by.get_or_insert(k);
                        } else {
                            expired.get_or_insert(k);
                        }
                    }
                }
            }
        }
        match by {
            Some(k) => out.suppressed.push(Suppressed {
                finding: f,
                reason: directives[k].reason.clone(),
                directive: directives[k].span,
                until: directives[k].until.clone(),
            }),
            None => {
                if let Some(k) = expired {
                    let d = &directives[k];
                    let label = match &d.until {
                        Some(u) if Day::parse(u).is_some() => {
                            format!("the suppression that expired on {u}")
                        }
                        _ => "the suppression with an invalid until= date".to_string(),
                    };
                    f = f.related(d.span, label);
                }
                out.kept.push(f)
            }
        }
    }
    for d in &directives {
        if !d.live {
            continue; // reported as expired
        }
        for e in &d.entries {
            if e.used {
                continue;
            }
            let known =
                rules::find(&e.pattern).is_some() || e.matcher.is_some() || e.pattern == "all";
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
        apply(
            text,
            &lines,
            &comments(text),
            findings,
            &|_| true,
            Day::today(),
        )
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
            Day::today(),
        );
        assert_eq!(a.kept.len(), 1);
        assert!(a.suppressed.is_empty());
    }

    #[test]
    fn days() {
        assert_eq!(Day::parse("1970-01-01"), Some(Day(0)));
        assert_eq!(Day::parse("2000-03-01"), Some(Day(11_017)));
        assert_eq!(Day::parse("2024-02-29").map(|d| d.0), Some(19_782));
        assert_eq!(Day::parse("2023-02-29"), None);
        assert_eq!(Day::parse("2027-13-01"), None);
        assert_eq!(Day::parse("2027-3-31"), None);
        assert_eq!(Day::parse("tomorrow"), None);
        assert!(Day::today() > Day::parse("2025-01-01").unwrap_or(Day(i64::MAX)));
    }

    #[test]
    fn expiry() {
        let text = "RUN sudo a # plumb: ignore[docker/sudo] until=2020-01-01 -- old\nRUN sudo b # plumb: ignore[docker/sudo] until=2999-12-31 -- new\nRUN sudo c # plumb: ignore[docker/sudo] until=soon -- bad\n";
        let at = |s: &str| text.find(s).unwrap_or(0);
        let a = run(
            text,
            vec![
                finding("docker/sudo", at("sudo a")),
                finding("docker/sudo", at("sudo b")),
                finding("docker/sudo", at("sudo c")),
            ],
        );
        assert_eq!(a.suppressed.len(), 1);
        assert_eq!(a.suppressed[0].until.as_deref(), Some("2999-12-31"));
        let sudo: Vec<_> = a
            .kept
            .iter()
            .filter(|f| f.rule.id == "docker/sudo")
            .collect();
        assert_eq!(sudo.len(), 2);
        assert!(sudo[0].related[0].label.contains("expired on 2020-01-01"));
        assert!(sudo[1].related[0].label.contains("invalid until="));
        let expired: Vec<_> = a
            .kept
            .iter()
            .filter(|f| f.rule.id == "plumb/expired-suppression")
            .map(|f| f.span.text(text))
            .collect();
        assert_eq!(expired, vec!["2020-01-01", "soon"]);
        assert!(
            !a.kept
                .iter()
                .any(|f| f.rule.id == "plumb/unused-suppression")
        );
    }

    #[test]
    fn blanket_file_wide_suppressions_are_refused() {
        for pattern in ["*", "all", "*/*", "**"] {
            let text = format!("# plumb: ignore-file[{pattern}] -- everything\nRUN sudo x\n");
            let a = run(&text, vec![finding("docker/sudo", text.len() - 4)]);
            assert!(a.suppressed.is_empty(), "{pattern}");
            let ids: Vec<_> = a.kept.iter().map(|f| f.rule.id).collect();
            assert!(ids.contains(&"docker/sudo"), "{pattern}");
            assert!(ids.contains(&"plumb/blanket-suppression"), "{pattern}");
        }
        // a kind's rules are named, not everything: honoured
        let text = "# plumb: ignore-file[docker/*] -- vendored\nRUN sudo x\n";
        let a = run(text, vec![finding("docker/sudo", text.len() - 4)]);
        assert_eq!(a.suppressed.len(), 1);
    }

    #[test]
    fn the_placeholder_reason_is_no_reason() {
        let text = "RUN sudo a # plumb: ignore[docker/sudo] -- <reason>\n";
        let a = run(text, vec![finding("docker/sudo", 4)]);
        assert_eq!(a.suppressed.len(), 1);
        assert!(
            a.kept
                .iter()
                .any(|f| f.rule.id == "plumb/suppression-without-reason")
        );
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
