//! Findings of one file -> reported findings: line/column positions, related places in this
//! and other files, fingerprints, and the file's text with secrets masked for snippets.

use crate::hash::FxMap;
use std::sync::Arc;

use crate::api::Finding;
use crate::detect::secrets::{file_tokens, mask_secrets, mask_spans_with, scrub};
use crate::project::{ParsedFile, Project};
use crate::report::{
    self, RelatedLocation, Report, Reported, ReportedEdit, ReportedFix, SuppressedFinding,
    fingerprint,
};
use crate::source::{Kind, LineIndex, Span, k8s};
use crate::suppress::Suppressed;

/// One file's part of the report: its findings shown and suppressed, and the texts their
/// snippets are drawn from (the file's, masked; a rendered stream's templates).
#[derive(Default)]
pub(super) struct Resolved {
    pub out: Vec<Reported>,
    pub suppressed: Vec<SuppressedFinding>,
    pub sources: Vec<(String, Arc<str>)>,
}

impl Resolved {
    /// Into the report, in file order: the file's own text replaces any, a template's text is
    /// kept only where none is yet.
    pub(super) fn merge(self, out: &mut Vec<Reported>, report: &mut Report) {
        out.extend(self.out);
        report.suppressed.extend(self.suppressed);
        let mut sources = self.sources.into_iter();
        if let Some((rel, text)) = sources.next() {
            report.sources.insert(rel, text);
        }
        for (path, text) in sources {
            report.sources.entry(path).or_insert(text);
        }
    }
}

/// Resolve one file's findings. `marked`: secret spans of this file found elsewhere (by the
/// secret rules run for masking only, or marked by findings of other files).
pub(super) fn resolve(
    file: &ParsedFile,
    project: &Project,
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
    marked: &[Span],
) -> Resolved {
    let mut resolved = Resolved::default();
    if findings.is_empty() && suppressed.is_empty() {
        return resolved;
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
    let tokens = file_tokens(file, project);
    secrets.extend(mask_spans_with(
        &file.src.text,
        &tokens.tokens,
        &tokens.credentials,
    ));
    let masked: Arc<str> = Arc::from(mask_secrets(&file.src.text, &secrets));
    // rendered chart or kustomize output: findings point at the templates it names
    let rendered = match file.src.kind {
        Kind::K8s => Rendered::new(file, project, &masked),
        _ => None,
    };
    let mut occurrences: FxMap<(&'static str, String, String), usize> = FxMap::default();
    let mut of_object: FxMap<(&'static str, String, Arc<str>, String), usize> = FxMap::default();
    let mut fingerprinted = |f: Finding| -> Reported {
        let offending = normalize_ws(f.span.text(&masked));
        let key = rendered
            .as_ref()
            .and_then(|r| r.path_at(f.span.start))
            .unwrap_or(&file.src.rel)
            .to_string();
        let n = occurrences
            .entry((f.rule.id, key.clone(), offending.clone()))
            .or_insert(0);
        let v1 = fingerprint(f.rule.id, &key, &offending, *n);
        *n += 1;
        // the message as shown (cleaned once, here)
        let message = clean(&f.message);
        // about an object: keyed on it and on what is wrong, not on where it points
        let fp = match &f.object {
            Some(object) => {
                let what = normalize_ws(&message);
                let n = of_object
                    .entry((f.rule.id, key.clone(), object.clone(), what.clone()))
                    .or_insert(0);
                let fp = report::fingerprint_object(f.rule.id, &key, object, &what, *n);
                *n += 1;
                fp
            }
            None => v1.clone(),
        };
        let r = reported(file, project, f, message, fp, v1);
        match &rendered {
            Some(rd) => rd.relocate(r),
            None => r,
        }
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
                resolved.out.push(r);
            }
            Some((reason, directive, until)) => resolved.suppressed.push(SuppressedFinding {
                finding: r,
                reason,
                directive: {
                    let at =
                        report::locate(&file.src.rel, &file.src.text, &file.src.lines, directive);
                    // a comment of a rendered template: on that template, as the finding
                    rendered.as_ref().and_then(|rd| rd.place(&at)).unwrap_or(at)
                },
                until,
            }),
        }
    }
    if any_shown {
        resolved.sources.push((file.src.rel.clone(), masked));
        // the rendered text of each template, for snippets at the positions reported
        if let Some(rd) = rendered {
            for (path, text, _) in rd.texts {
                resolved.sources.push((path, text));
            }
        }
    }
    resolved
}

/// Where the documents of a rendered stream came from (`# Source:` comments of `helm
/// template`, origin annotations of `kustomize build`): a finding in one is reported on the
/// template's path, at its position in the text rendered from that template (the
/// template's own lines are not known), and its message says so.
struct Rendered {
    segments: Vec<Segment>,
    /// Per template: its display path, the text rendered from it (its documents in order,
    /// secrets masked) and that text's line index.
    texts: Vec<(String, Arc<str>, LineIndex)>,
    rendered_rel: String,
}

struct Segment {
    span: Span,
    /// Where the rendered document's first line starts in the stream.
    body: usize,
    template: usize,
    /// Where the document starts in its template's rendered text.
    at: usize,
}

impl Rendered {
    fn new(file: &ParsedFile, project: &Project, masked: &str) -> Option<Rendered> {
        let docs = k8s::rendered_docs(&file.src.text);
        if docs.is_empty() {
            return None;
        }
        let rel = &file.src.rel;
        let dir = rel.rfind('/').map_or("", |i| &rel[..=i]);
        let mut texts: Vec<(String, String)> = Vec::new();
        let mut segments = Vec::new();
        for d in docs {
            // a committed rendered file whose chart is not in the repository (a vendored
            // upstream chart) keeps its findings: a path to no file helps nobody
            let Some(path) = template_path(&project.root, dir, &d) else {
                continue;
            };
            let template = match texts.iter().position(|(p, _)| *p == path) {
                Some(i) => i,
                None => {
                    texts.push((path, String::new()));
                    texts.len() - 1
                }
            };
            let body = d.body.min(d.span.end);
            let text = &mut texts[template].1;
            let at = text.len();
            text.push_str(masked.get(body..d.span.end).unwrap_or(""));
            if !text.ends_with('\n') {
                text.push('\n');
            }
            segments.push(Segment {
                span: d.span,
                body,
                template,
                at,
            });
        }
        if segments.is_empty() {
            return None;
        }
        Some(Rendered {
            segments,
            texts: texts
                .into_iter()
                .map(|(p, t)| {
                    let lines = LineIndex::new(&t);
                    (p, Arc::from(t), lines)
                })
                .collect(),
            rendered_rel: rel.clone(),
        })
    }

    fn segment_at(&self, offset: usize) -> Option<&Segment> {
        self.segments
            .iter()
            .find(|s| s.span.start <= offset && offset < s.span.end.max(s.span.start + 1))
    }

    fn path_at(&self, offset: usize) -> Option<&str> {
        self.segment_at(offset)
            .map(|s| self.texts[s.template].0.as_str())
    }

    /// The location in the template's rendered text of a location in the stream.
    fn place(&self, loc: &report::Location) -> Option<report::Location> {
        if loc.file != self.rendered_rel {
            return None;
        }
        let seg = self.segment_at(loc.start.offset)?;
        let (path, text, lines) = &self.texts[seg.template];
        let start = loc.start.offset.clamp(seg.body, seg.span.end);
        let end = loc.end.offset.clamp(start, seg.span.end);
        let span = Span::new(start - seg.body + seg.at, end - seg.body + seg.at);
        Some(report::locate(path, text, lines, span))
    }

    fn relocate(&self, mut r: Reported) -> Reported {
        let Some(loc) = self.place(&r.location) else {
            return r;
        };
        r.message = format!(
            "{} (position in the output rendered from this template, {}:{})",
            r.message, self.rendered_rel, r.location.start.line
        );
        r.location = loc;
        for rel in &mut r.related {
            if let Some(l) = self.place(&rel.location) {
                rel.location = l;
            }
        }
        // edits of the rendered text cannot be applied to a template
        r.fix = None;
        r
    }
}

/// The display path of the file a rendered document came from. Helm names
/// `<chart>/templates/<file>`: the chart is the directory of the rendered file (the
/// recipe renders into `--stdin-filename <chart dir>/...`), else a directory `<chart>` beside
/// it, else the path as written. Kustomize names paths relative to the directory built.
/// None when no such file exists.
fn template_path(root: &std::path::Path, dir: &str, doc: &k8s::RenderedDoc) -> Option<String> {
    let src = doc.source.trim_start_matches("./");
    let mut candidates: Vec<String> = Vec::new();
    match doc.renderer {
        k8s::Renderer::Helm => {
            let in_chart = src.split_once('/').map_or(src, |(_, rest)| rest);
            candidates.push(format!("{dir}{in_chart}"));
            candidates.push(format!("{dir}{src}"));
            candidates.push(src.to_string());
        }
        k8s::Renderer::Kustomize => {
            candidates.push(format!("{dir}{src}"));
            candidates.push(src.to_string());
        }
    }
    let clean = |p: &str| {
        crate::paths::normalize(std::path::Path::new(p))
            .to_string_lossy()
            .replace('\\', "/")
    };
    candidates
        .iter()
        .map(|c| clean(c))
        .find(|c| root.join(c).is_file())
}

fn reported(
    file: &ParsedFile,
    project: &Project,
    f: Finding,
    message: String,
    fingerprint: String,
    fingerprint_v1: String,
) -> Reported {
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
        // an edit's text is written out verbatim (JSON, SARIF, editors): a fix that would
        // carry a secret (a token copied from the line it rewrites) is not offered
        .filter(|x| {
            x.edits.iter().all(|e| {
                crate::detect::secrets::mask_spans(&e.text).is_empty()
                    && !f.secrets.iter().any(|s| {
                        s.end > s.start
                            && file
                                .src
                                .text
                                .get(s.start..s.end)
                                .is_some_and(|v| e.text.contains(v))
                    })
            })
        })
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
        message,
        help: f.help.as_deref().map(clean),
        kind: file.src.kind,
        location,
        related,
        fingerprint,
        fingerprint_v1,
        fix,
        confidence: f.confidence,
    }
}

/// A message or label as it may be shown: no known-format token or password in it (a rule
/// that quoted one by mistake, a parse error quoting the file), and no character that
/// reorders or hides text (a name from a hostile file quoted in a message).
fn clean(s: &str) -> String {
    let s = scrub(s);
    // printable ASCII, line breaks and tabs: nothing to escape (most messages; the
    // character test below ran per character)
    let plain = |b: u8| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t';
    if s.bytes().all(plain)
        || !s
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

/// `s` with every run of whitespace one space, and none at either end (what
/// `split_whitespace` and `join(" ")` give). ASCII text, nearly all of it, is done a byte at
/// a time: the offending text of a finding can be a whole script, and listing its words was
/// 1.6% of a check of 1,080 real-world workflows.
fn normalize_ws(s: &str) -> String {
    if !s.is_ascii() {
        // Unicode whitespace (no-break space, em space, ...) counts too
        let mut out = String::with_capacity(s.len());
        for w in s.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
        return out;
    }
    // the ASCII bytes `char::is_whitespace` holds
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    loop {
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let word = i;
        while i < b.len() && !ws(b[i]) {
            i += 1;
        }
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(&b[word..i]);
    }
    // ASCII in, ASCII out
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::normalize_ws;

    /// The same text as splitting at whitespace and joining with spaces.
    #[test]
    fn normalize_ws_is_split_and_join() {
        for s in [
            "",
            " ",
            "a",
            "  a  b\t\tc\n",
            "\r\na\u{b}b\u{c}c\r",
            "run: |\n  make test\n  ./x.sh   --flag\n",
            "x\u{a0}y \u{2003} z",
            "é  ü\tß",
            "\u{1c}a\u{1f}",
        ] {
            let want = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(normalize_ws(s), want, "{s:?}");
        }
    }
}
