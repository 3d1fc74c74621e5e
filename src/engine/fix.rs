//! Applying fixes (`plumb check --fix`, `--unsafe-fixes`, `--diff`), as ruff does: each
//! round applies the fixes of a file that do not overlap one another (in file order, the
//! first wins), then checks the new text again; fixes left out because they overlapped come
//! back, re-computed on the new text, in the next round. Rounds go on until no fix applies
//! or the text stops changing, at most [`MAX_ROUNDS`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{Buffers, CheckOptions, check_buffers, check_files, order};
use crate::api::{Applicability, Edit, apply_edits};
use crate::detect::secrets::{find_tokens, mask_secrets};
use crate::report::{Notice, Report, Reported, ReportedFix};
use crate::source::Span;

/// Rounds of fixing one file before giving up on it settling.
pub const MAX_ROUNDS: usize = 10;

/// A file whose text fixes changed.
#[derive(Debug, Clone)]
pub struct FixedFile {
    /// The path plumb read it from (what `--fix` writes).
    pub path: PathBuf,
    /// As shown in output.
    pub rel: String,
    pub before: String,
    pub after: String,
    /// `before` and `after` with every secret a finding marked masked: what a diff shows.
    pub masked_before: String,
    pub masked_after: String,
    /// Fixes applied, over all rounds.
    pub applied: usize,
}

/// The check after fixing: the report of the fixed texts, and the files that changed.
pub struct FixOutcome {
    pub report: Report,
    pub files: Vec<FixedFile>,
}

/// Check, then apply the fixes of at most `level` (safe; or safe and unsafe) to every file
/// that has some, re-checking each file after each round. Nothing is written: the caller
/// writes `files` or prints their diff.
pub fn fix(opts: &CheckOptions, level: Applicability) -> FixOutcome {
    let (mut report, project) = check_files(opts);
    let mut fixable: BTreeMap<String, Vec<Reported>> = BTreeMap::new();
    for f in &report.findings {
        if applicable(f, level).is_some() {
            fixable.entry(f.location.file.clone()).or_default();
        }
    }
    for f in &report.findings {
        if let Some(list) = fixable.get_mut(&f.location.file) {
            list.push(f.clone());
        }
    }
    let mut files = Vec::new();
    let mut rechecked: Vec<(String, Report)> = Vec::new();
    for (rel, findings) in fixable {
        let Some(file) = project.files.iter().find(|f| f.src.rel == rel) else {
            continue;
        };
        let path = file.src.path.clone();
        let before = file.src.text.clone();
        let masked_before = report
            .sources
            .get(&rel)
            .map_or_else(|| before.clone(), |m| m.to_string());
        let mut text = before.clone();
        let mut masked = masked_before.clone();
        let mut findings = findings;
        let mut applied = 0;
        let mut last: Option<Report> = None;
        let mut settled = false;
        for _ in 0..MAX_ROUNDS {
            let edits = one_round(&findings, level);
            if edits.is_empty() {
                settled = true;
                break;
            }
            let refs: Vec<&Edit> = edits.iter().flat_map(|(_, e)| e.iter()).collect();
            let next = apply_edits(&text, &refs);
            if next == text {
                settled = true;
                break;
            }
            masked = apply_edits(&masked, &refs);
            text = next;
            applied += edits.len();
            let mut buffers = Buffers::new();
            buffers.set(&path, text.as_str());
            let checked = check_buffers(opts, std::slice::from_ref(&path), &buffers).report;
            if let Some(m) = checked.sources.get(&rel) {
                masked = merge_masks(&masked, m);
            }
            findings = checked
                .findings
                .iter()
                .filter(|f| f.location.file == rel)
                .cloned()
                .collect();
            last = Some(checked);
        }
        if !settled {
            report.notices.push(Notice {
                file: rel.clone(),
                message: format!(
                    "fixes did not settle after {MAX_ROUNDS} rounds: the rest are left as findings"
                ),
            });
        }
        if let Some(checked) = last {
            rechecked.push((rel.clone(), checked));
        }
        if text != before {
            files.push(FixedFile {
                path,
                rel,
                masked_before: mask_tokens(&masked_before),
                masked_after: mask_tokens(&masked),
                before,
                after: text,
                applied,
            });
        }
    }
    for (rel, checked) in rechecked {
        replace_file(&mut report, &rel, checked);
    }
    FixOutcome { report, files }
}

/// A finding's fix, when it may be applied at `level`.
fn applicable(f: &Reported, level: Applicability) -> Option<&ReportedFix> {
    f.fix
        .as_ref()
        .filter(|x| x.applicability <= level && !x.edits.is_empty())
}

/// The fixes of one round: in file order, each kept unless it overlaps one kept before it
/// (two insertions at one point overlap too: their order would be a guess). Returns each
/// kept fix's edits.
fn one_round(findings: &[Reported], level: Applicability) -> Vec<(String, Vec<Edit>)> {
    let mut fixes: Vec<&ReportedFix> = findings
        .iter()
        .filter_map(|f| applicable(f, level))
        .collect();
    let span = |x: &ReportedFix| -> Span {
        let start = x.edits.iter().map(|e| e.location.start.offset).min();
        let end = x.edits.iter().map(|e| e.location.end.offset).max();
        Span::new(start.unwrap_or(0), end.unwrap_or(0))
    };
    fixes.sort_by_key(|x| {
        let s = span(x);
        (s.start, s.end)
    });
    let mut out: Vec<(String, Vec<Edit>)> = Vec::new();
    let mut taken: Vec<Span> = Vec::new();
    for x in fixes {
        let edits: Vec<Edit> = x
            .edits
            .iter()
            .map(|e| Edit {
                span: Span::new(e.location.start.offset, e.location.end.offset),
                text: e.text.clone(),
            })
            .collect();
        // the same edits from two findings are applied once
        if out.iter().any(|(_, e)| *e == edits) {
            continue;
        }
        let clash = edits.iter().any(|e| {
            taken.iter().any(|t| {
                (e.span.start < t.end && t.start < e.span.end)
                    || ((e.span.start == t.start || e.span.end == t.end)
                        && (e.span.is_empty() || t.is_empty()))
            })
        });
        if clash {
            continue;
        }
        taken.extend(edits.iter().map(|e| e.span));
        out.push((x.title.clone(), edits));
    }
    out
}

/// A text with every known-format token masked too, whichever rules ran: a diff shows lines
/// no finding may have looked at.
fn mask_tokens(text: &str) -> String {
    let spans: Vec<Span> = find_tokens(text)
        .iter()
        .map(|h| Span::new(h.range.0, h.range.1))
        .collect();
    mask_secrets(text, &spans)
}

/// `a` with every byte `b` masks (`*` where `a` has something else) masked too. Both are
/// masks of one text, so they have one length.
fn merge_masks(a: &str, b: &str) -> String {
    if a.len() != b.len() {
        return a.to_string();
    }
    let merged: Vec<u8> = a
        .bytes()
        .zip(b.bytes())
        .map(|(x, y)| if y == b'*' && x != b'*' { b'*' } else { x })
        .collect();
    String::from_utf8(merged).unwrap_or_else(|_| a.to_string())
}

/// Put the re-check of one file in place of its part of the report.
fn replace_file(report: &mut Report, rel: &str, checked: Report) {
    report.findings.retain(|f| f.location.file != rel);
    report.suppressed.retain(|s| s.finding.location.file != rel);
    report.errors.retain(|e| e.file.as_deref() != Some(rel));
    report.sources.remove(rel);
    report.findings.extend(checked.findings);
    report.suppressed.extend(checked.suppressed);
    report.errors.extend(checked.errors);
    report.sources.extend(checked.sources);
    report.findings.sort_by(|a, b| order(a).cmp(&order(b)));
    report
        .suppressed
        .sort_by(|a, b| order(&a.finding).cmp(&order(&b.finding)));
    report.errors.sort_by(|a, b| a.file.cmp(&b.file));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_merge_bytewise() {
        assert_eq!(merge_masks("ab**ef", "abcd**"), "ab****");
        assert_eq!(merge_masks("abc", "ab"), "abc");
    }
}
