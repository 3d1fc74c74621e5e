//! The resolved result of a check: findings with line/column positions, ready for any output
//! format. Output writers read this and rule metadata, nothing else.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::api::{Applicability, Confidence, Rule, Severity};
use crate::source::{Kind, LineIndex, Span};

/// A 1-based line and column (in characters), and the byte offset they stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// A place in a file. `file` is relative to the repository root, with `/` separators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub start: Position,
    pub end: Position,
}

#[derive(Clone, Debug)]
pub struct RelatedLocation {
    pub location: Location,
    pub label: String,
}

/// One finding, resolved for output.
#[derive(Clone, Debug)]
pub struct Reported {
    pub rule: &'static str,
    /// The rule's metadata (None only for ids outside the registry).
    pub meta: Option<&'static Rule>,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub kind: Kind,
    pub location: Location,
    pub related: Vec<RelatedLocation>,
    /// Stable identity, no line numbers. For a finding about an object (a container, a
    /// service, a job or step, a stage, a Terraform block): rule, file, the object's identity
    /// and the message, so an edit that moves where it points (a key added to the container)
    /// does not change it; otherwise rule, file, the offending text (secrets masked) and its
    /// occurrence index.
    pub fingerprint: String,
    /// The fingerprint of baselines of version 1 (rule, file, offending text, occurrence),
    /// for matching them.
    pub fingerprint_v1: String,
    /// Edits that remove the finding, when its rule knows them.
    pub fix: Option<ReportedFix>,
    /// How sure the rule is, when it can tell.
    pub confidence: Option<Confidence>,
}

/// A finding's fix, resolved: edits with positions in the finding's file.
#[derive(Clone, Debug)]
pub struct ReportedFix {
    pub title: String,
    pub applicability: Applicability,
    /// In file order, not overlapping.
    pub edits: Vec<ReportedEdit>,
}

/// Replace the text between `location.start` and `location.end` with `text`.
#[derive(Clone, Debug)]
pub struct ReportedEdit {
    pub location: Location,
    pub text: String,
}

/// A file plumb could not check, or a problem of plumb's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolError {
    pub file: Option<String>,
    pub position: Option<(usize, usize)>,
    pub message: String,
}

/// A file left out on purpose (too large, a Helm template, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Sorted by file, line, column, rule.
    pub findings: Vec<Reported>,
    pub errors: Vec<ToolError>,
    pub notices: Vec<Notice>,
    pub files_scanned: usize,
    /// Text of each file that has findings, secrets masked, for snippets.
    pub sources: BTreeMap<String, Arc<str>>,
    /// Findings inline suppressions silenced: never shown or gated on, kept for the audit
    /// trail.
    pub suppressed: Vec<SuppressedFinding>,
    /// The config file the run used (display path), `None` for the defaults.
    pub config: Option<String>,
}

/// A finding an inline suppression silenced, with the suppression's reason and place.
#[derive(Clone, Debug)]
pub struct SuppressedFinding {
    pub finding: Reported,
    pub reason: String,
    /// The suppression comment.
    pub directive: Location,
    /// The `until=` date of the suppression (`2027-03-31`), when it has one.
    pub until: Option<String>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Files with at least one finding.
    pub fn files_with_findings(&self) -> usize {
        let mut files: Vec<&str> = self
            .findings
            .iter()
            .map(|f| f.location.file.as_str())
            .collect();
        files.dedup();
        files.len()
    }

    /// Findings with a fix of at most `level` (safe, or safe and unsafe).
    pub fn fixable(&self, level: Applicability) -> usize {
        self.findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(|x| x.applicability <= level))
            .count()
    }

    /// The summary line: `2 errors, 1 warning, 0 notes in 2 files (5 files scanned)`, with
    /// `, 3 suppressed` inside the parentheses when inline suppressions silenced findings;
    /// `no findings (5 files scanned)` when nothing was found.
    pub fn summary_line(&self) -> String {
        fn plural(n: usize, word: &str) -> String {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        }
        let suppressed = if self.suppressed.is_empty() {
            String::new()
        } else {
            format!(", {} suppressed", self.suppressed.len())
        };
        if self.findings.is_empty() {
            return format!(
                "no findings ({} scanned{suppressed})",
                plural(self.files_scanned, "file")
            );
        }
        format!(
            "{}, {}, {} in {} ({} scanned{suppressed})",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Note), "note"),
            plural(self.files_with_findings(), "file"),
            plural(self.files_scanned, "file"),
        )
    }
}

/// Span -> Location for a file's text.
pub fn locate(file: &str, text: &str, lines: &LineIndex, span: Span) -> Location {
    let (l1, c1) = lines.position(text, span.start);
    let (l2, c2) = lines.position(text, span.end);
    Location {
        file: file.to_string(),
        start: Position {
            line: l1,
            column: c1,
            offset: span.start,
        },
        end: Position {
            line: l2,
            column: c2,
            offset: span.end,
        },
    }
}

/// FNV-1a, 64 bits: stable across runs, platforms and versions of Rust.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in *p {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The stable identity of a finding about an object: rule, file, the object's identity
/// (`Deployment/prod/web container app`), the message (`what`, whitespace normalised; it never
/// holds a secret's value) and its occurrence index among identical ones. Neither the
/// position nor the text pointed at: a key added to the object moves those.
pub fn fingerprint_object(
    rule: &str,
    file: &str,
    object: &str,
    what: &str,
    occurrence: usize,
) -> String {
    let occ = occurrence.to_string();
    let parts: [&[u8]; 6] = [
        b"v2",
        rule.as_bytes(),
        file.as_bytes(),
        object.as_bytes(),
        what.as_bytes(),
        occ.as_bytes(),
    ];
    let a = fnv1a(&parts);
    let mut rev = parts;
    rev.reverse();
    let b = fnv1a(&rev);
    hex_pair(a, b)
}

/// The stable identity of a finding: no line numbers, so moving code does not change it.
pub fn fingerprint(rule: &str, file: &str, offending: &str, occurrence: usize) -> String {
    let occ = occurrence.to_string();
    let a = fnv1a(&[
        rule.as_bytes(),
        file.as_bytes(),
        offending.as_bytes(),
        occ.as_bytes(),
    ]);
    let b = fnv1a(&[
        occ.as_bytes(),
        offending.as_bytes(),
        file.as_bytes(),
        rule.as_bytes(),
    ]);
    hex_pair(a, b)
}

/// `format!("{a:016x}{b:016x}")` without the formatter: two fingerprints per finding, and
/// the padded hex formatting was 6.5M instructions for 3,137 findings.
fn hex_pair(a: u64, b: u64) -> String {
    let mut out = String::with_capacity(32);
    for x in [a, b] {
        for i in (0..16).rev() {
            out.push(char::from(
                crate::hash::HEX_DIGITS[((x >> (i * 4)) & 0xf) as usize],
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_pair_is_the_padded_hex_of_both() {
        for (a, b) in [
            (0, 0),
            (1, 0xf),
            (0xdead_beef, u64::MAX),
            (u64::MAX, 0x0123_4567_89ab_cdef),
        ] {
            assert_eq!(hex_pair(a, b), format!("{a:016x}{b:016x}"));
        }
    }
}
