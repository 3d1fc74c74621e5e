//! Findings of one file -> reported findings: line/column positions, related places in this
//! and other files, fingerprints, and the file's text with secrets masked for snippets.

use std::collections::HashMap;
use std::sync::Arc;

use crate::api::Finding;
use crate::detect::secrets::{mask_secrets, mask_spans, scrub};
use crate::project::{ParsedFile, Project};
use crate::report::{
    self, RelatedLocation, Report, Reported, ReportedEdit, ReportedFix, SuppressedFinding,
    fingerprint,
};
use crate::source::{LineIndex, Span};
use crate::suppress::Suppressed;

/// Resolve one file's findings. `marked`: secret spans of this file found elsewhere (by the
/// secret rules run for masking only, or marked by findings of other files).
pub(super) fn resolve(
    file: &ParsedFile,
    project: &Project,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
    marked: &[Span],
    out: &mut Vec<Reported>,
    report: &mut Report,
) {
    if findings.is_empty() && suppressed.is_empty() {
        return;
    }
    // masked: every secret any finding marked, whether or not that finding is shown, those
    // marked elsewhere, and every token, private key block and password in a URL or on a
    // command line in the text, whatever rules ran (the fingerprints hash this text too)
    let mut secrets: Vec<Span> = findings
        .iter()
        .chain(suppressed.iter().map(|s| &s.finding))
        .flat_map(|f| f.secrets.iter().copied())
        .collect();
    secrets.extend_from_slice(marked);
    secrets.extend(mask_spans(&file.src.text));
    let masked: Arc<str> = Arc::from(mask_secrets(&file.src.text, &secrets));
    let mut occurrences: HashMap<(&'static str, String), usize> = HashMap::new();
    let mut fingerprinted = |f: Finding| -> Reported {
        let offending = normalize_ws(f.span.text(&masked));
        let n = occurrences
            .entry((f.rule.id, offending.clone()))
            .or_insert(0);
        let fp = fingerprint(f.rule.id, &file.src.rel, &offending, *n);
        *n += 1;
        reported(file, project, f, fp)
    };
    // fingerprints count occurrences over kept and suppressed findings alike, so
    // suppressing one finding does not change another's identity
    type Why = (String, Span, Option<String>);
    let mut all: Vec<(Finding, Option<Why>)> = findings
        .into_iter()
        .map(|f| (f, None))
        .chain(
            suppressed
                .into_iter()
                .map(|s| (s.finding, Some((s.reason, s.directive, s.until)))),
        )
        .collect();
    all.sort_by_key(|(f, _)| (f.span.start, f.span.end, f.rule.id));
    let mut any_shown = false;
    for (f, reason) in all {
        let r = fingerprinted(f);
        match reason {
            None => {
                any_shown = true;
                out.push(r);
            }
            Some((reason, directive, until)) => report.suppressed.push(SuppressedFinding {
                finding: r,
                reason,
                directive: report::locate(
                    &file.src.rel,
                    &file.src.text,
                    &file.src.lines,
                    directive,
                ),
                until,
            }),
        }
    }
    if any_shown {
        report.sources.insert(file.src.rel.clone(), masked);
    }
}

fn reported(file: &ParsedFile, project: &Project, f: Finding, fingerprint: String) -> Reported {
    let location = report::locate(&file.src.rel, &file.src.text, &file.src.lines, f.span);
    let related = f
        .related
        .iter()
        .filter_map(|r| match &r.file {
            None => Some(RelatedLocation {
                location: report::locate(&file.src.rel, &file.src.text, &file.src.lines, r.span),
                label: clean(&r.label),
            }),
            Some(path) => {
                // a file checked or already loaded by a rule, else its text read once: a
                // related place is never parsed again (nor as a kind it is not)
                let location = match project.parsed(path) {
                    Some(o) if r.span.end <= o.src.text.len() => {
                        report::locate(&o.src.rel, &o.src.text, &o.src.lines, r.span)
                    }
                    Some(_) => return None,
                    None => {
                        let text = project.read_text(path)?;
                        if r.span.end > text.len() {
                            return None;
                        }
                        let lines = LineIndex::new(&text);
                        report::locate(&project.rel(path), &text, &lines, r.span)
                    }
                };
                Some(RelatedLocation {
                    location,
                    label: clean(&r.label),
                })
            }
        })
        .collect();
    // a fix whose edits overlap or leave the file is a rule's bug: dropped, never applied
    let fix = f
        .fix
        .filter(|x| !x.edits.is_empty() && x.valid_for(&file.src.text))
        .map(|x| ReportedFix {
            title: x.title,
            applicability: x.applicability,
            edits: x
                .edits
                .into_iter()
                .map(|e| ReportedEdit {
                    location: report::locate(
                        &file.src.rel,
                        &file.src.text,
                        &file.src.lines,
                        e.span,
                    ),
                    text: e.text,
                })
                .collect(),
        });
    Reported {
        rule: f.rule.id,
        meta: Some(f.rule),
        severity: f.severity,
        message: clean(&f.message),
        help: f.help.as_deref().map(clean),
        kind: file.src.kind,
        location,
        related,
        fingerprint,
        fix,
    }
}

/// A message or label as it may be shown: no known-format token or password in it (a rule
/// that quoted one by mistake, a parse error quoting the file), and no character that
/// reorders or hides text (a name from a hostile file quoted in a message).
fn clean(s: &str) -> String {
    let s = scrub(s);
    if !s
        .chars()
        .any(|c| crate::paths::is_misleading(c) || (c.is_control() && c != '\n' && c != '\t'))
    {
        return s.into_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if crate::paths::is_misleading(c) || (c.is_control() && c != '\n' && c != '\t') {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
