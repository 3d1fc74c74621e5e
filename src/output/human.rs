//! Human output: each finding as a miette diagnostic with its source snippet, then plumb's
//! own errors and notices, then the summary line.
//!
//! Snippets come only from `Report::sources` (secrets already masked). Spans are clamped
//! to the text and to character boundaries before miette sees them, so a span that is
//! empty, at the end of the file or stale never makes the renderer fail; should miette
//! still refuse, the finding is printed as a plain `path:line:col` line instead.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::sync::Arc;

use rayon::prelude::*;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::HumanOptions;
use crate::api::Severity;
use crate::report::{Location, Position, Report, Reported};
use crate::source::LineIndex;

/// A file's text, named, for miette. It plays the part of miette's `NamedSource` with one
/// difference: the `[file:line:col]` over each snippet is plumb's own position of the label
/// there (columns in characters, as in every other format), not miette's byte count.
struct Source {
    name: String,
    text: Arc<str>,
    /// Line starts of `text`, so snippets are cut from the lines around a span.
    lines: Arc<LineIndex>,
    /// Clamped label offsets and the positions the report gives them.
    known: Vec<(usize, Position)>,
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text: &'a str = &self.text;
        // miette counts lines from the start of what it is given, once per label: give it
        // only the lines around the span (a margin of one more line on each side, cut at
        // line starts), or a file with thousands of findings renders in quadratic time
        let (from, to) = (span.offset(), span.offset() + span.len());
        let (window_start, first_line) = if to <= text.len() {
            let first = self.lines.line_of(from).saturating_sub(before + 1);
            (self.lines.line_start(first).min(from), first)
        } else {
            (0, 0)
        };
        let window_end = if to <= text.len() {
            let last = self.lines.line_of(to).saturating_add(after + 2);
            self.lines.line_start(last).min(text.len())
        } else {
            text.len()
        };
        let window = &text[window_start..window_end];
        let local = SourceSpan::new((from - window_start).into(), span.len());
        let inner = window.read_span(&local, before, after)?;
        let inner_span = SourceSpan::new(
            (inner.span().offset() + window_start).into(),
            inner.span().len(),
        );
        let (mut line, mut column) = (inner.line() + first_line, inner.column());
        if before == 0 && after == 0 {
            // The header's reference point.
            let offset = floor_boundary(text, span.offset());
            match self.known.iter().find(|(o, _)| *o == offset) {
                Some((_, p)) => {
                    line = p.line.saturating_sub(1);
                    column = p.column.saturating_sub(1);
                }
                None => {
                    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
                    column = text[line_start..offset].chars().count();
                }
            }
        }
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            inner_span,
            line,
            column,
            inner.line_count(),
        )))
    }
}

/// Text from scanned files made safe for a terminal: control characters (escape
/// sequences, backspace, a lone carriage return, C1 controls) and the characters that
/// reorder or hide text (bidi overrides, zero-width marks) become `?`, one `?` per byte, so
/// byte offsets into the text stay valid. Newlines, tabs and CRLF stay.
pub(crate) fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char, next: Option<char>| {
        (c.is_control() && c != '\n' && c != '\t' && !(c == '\r' && next == Some('\n')))
            || crate::paths::is_misleading(c)
    };
    let mut chars = text.chars().peekable();
    let mut clean = true;
    while let Some(c) = chars.next() {
        if bad(c, chars.peek().copied()) {
            clean = false;
            break;
        }
    }
    if clean {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if bad(c, chars.peek().copied()) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One finding, shaped for miette.
struct Diag {
    code: &'static str,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<Source>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diag")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Note => miette::Severity::Advice,
    }
}

/// The largest character boundary of `text` at or before `offset`.
fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut o = offset.min(text.len());
    while o > 0 && !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// A location's byte span, clamped into `text`: `(offset, len)`.
fn clamp(text: &str, loc: &Location) -> (usize, usize) {
    let start = floor_boundary(text, loc.start.offset);
    let end = floor_boundary(text, loc.end.offset).max(start);
    (start, end - start)
}

fn label(source: &mut Source, loc: &Location, label: &str, primary: bool) -> LabeledSpan {
    let (offset, len) = clamp(&source.text, loc);
    source.known.push((offset, loc.start));
    let label = Some(label.to_string());
    if primary {
        LabeledSpan::new_primary_with_span(label, (offset, len))
    } else {
        LabeledSpan::new_with_span(label, (offset, len))
    }
}

fn position(loc: &Location) -> String {
    format!("{}:{}:{}", loc.file, loc.start.line, loc.start.column)
}

/// A file's terminal-safe text and its line index, made once per file.
type Prepared = (Arc<str>, Arc<LineIndex>);

/// Snippets are shown only for spans on lines up to this long and covering at most this
/// many bytes: a finding on a line of megabytes would print the whole line (20,000
/// findings on one 4 MB line: gigabytes of log). Past it the finding says `at file:line:col`.
const MAX_SNIPPET_BYTES: usize = 2_000;

/// Whether a location's lines are short enough to show.
fn showable(text: &str, lines: &LineIndex, loc: &Location) -> bool {
    let (start, len) = clamp(text, loc);
    let first = lines.line_of(start);
    let last = lines.line_of(start + len);
    let from = lines.line_start(first).min(text.len());
    let to = lines.line_start(last + 1).min(text.len());
    len <= MAX_SNIPPET_BYTES && to.saturating_sub(from) <= 2 * MAX_SNIPPET_BYTES
}

fn diag<'r>(report: &'r Report, f: &Reported, prepared: &mut HashMap<&'r str, Prepared>) -> Diag {
    let mut source = report
        .sources
        .get_key_value(&f.location.file)
        .map(|(file, t)| {
            let (text, lines) = prepared
                .entry(file.as_str())
                .or_insert_with(|| {
                    let text: Arc<str> = match printable(t) {
                        std::borrow::Cow::Borrowed(_) => Arc::clone(t),
                        std::borrow::Cow::Owned(s) => Arc::from(s),
                    };
                    let lines = Arc::new(LineIndex::new(&text));
                    (text, lines)
                })
                .clone();
            Source {
                name: printable(&f.location.file).into_owned(),
                text,
                lines,
                known: Vec::new(),
            }
        })
        .filter(|s| showable(&s.text, &s.lines, &f.location));
    let mut labels = Vec::new();
    if let Some(source) = &mut source {
        labels.push(label(source, &f.location, "here", true));
        let (text, lines) = (Arc::clone(&source.text), Arc::clone(&source.lines));
        for r in f
            .related
            .iter()
            .filter(|r| r.location.file == f.location.file && showable(&text, &lines, &r.location))
        {
            labels.push(label(source, &r.location, &printable(&r.label), false));
        }
    }
    Diag {
        code: f.rule,
        severity: severity(f.severity),
        message: printable(&f.message).into_owned(),
        help: super::help_of(f).map(|h| printable(h).into_owned()),
        source,
        labels,
    }
}

/// ANSI styles, or nothing.
struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// plumb's own errors and the notices, one line each, then a blank line when there was one.
pub(crate) fn write_errors_and_notices(
    report: &Report,
    color: bool,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let paint = Paint { color };
    for e in &report.errors {
        let mut place = String::new();
        if let Some(file) = &e.file {
            place.push_str(&printable(file));
            if let Some((line, column)) = e.position {
                place.push_str(&format!(":{line}:{column}"));
            }
            place.push_str(": ");
        }
        writeln!(
            out,
            "{}: {place}{}",
            paint.paint("1;31", "error"),
            printable(&e.message)
        )?;
    }
    for n in &report.notices {
        writeln!(
            out,
            "{}: {}: {}",
            paint.paint("1;36", "note"),
            printable(&n.file),
            printable(&n.message)
        )?;
    }
    if !report.errors.is_empty() || !report.notices.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

/// Write the findings, plumb's own errors and notices, and the summary line.
pub fn write<'r>(
    report: &'r Report,
    opts: &HumanOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width.max(20))
        // wrap at spaces only: a rule id, a path, an action reference, a URL or a flag
        // stays whole for copying, even one longer than a line (the defaults, the Unicode
        // line-breaking algorithm with hyphen splitting and long words cut, broke after `/`
        // and `-`, and cost 18% of a 10,000-file check's CPU)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
        .with_links(false)
        .with_context_lines(1);

    // one finding's text, ending with its blank line
    let render = |f: &Reported, prepared: &mut HashMap<&'r str, Prepared>| -> String {
        let d = diag(report, f, prepared);
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &d).is_err() {
            rendered.clear();
            rendered.push_str(&format!(
                "{}: {}: {}\n",
                f.rule,
                printable(&position(&f.location)),
                d.message
            ));
            if let Some(help) = &d.help {
                rendered.push_str(&format!("  help: {help}\n"));
            }
        } else if d.source.is_none() {
            // No text to show: still say where.
            rendered.push_str(&format!("  at {}\n", printable(&position(&f.location))));
        }
        for r in f
            .related
            .iter()
            .filter(|r| r.location.file != f.location.file)
        {
            rendered.push_str(&format!(
                "  = related: {}: {}\n",
                printable(&position(&r.location)),
                printable(&r.label)
            ));
        }
        rendered.push('\n');
        rendered
    };
    // Findings come sorted by file. Rendering is most of the time a report with many
    // findings takes: render the files of a batch in parallel (each file's text prepared
    // once), then write the batch in order; batches bound the memory held.
    let files: Vec<&[Reported]> = report
        .findings
        .chunk_by(|a, b| a.location.file == b.location.file)
        .collect();
    for batch in files.chunks(256) {
        let one = |findings: &&[Reported]| {
            let mut prepared = HashMap::new();
            findings
                .iter()
                .map(|f| render(f, &mut prepared))
                .collect::<String>()
        };
        // a few files are rendered here: the thread pool costs more to start
        let texts: Vec<String> = if batch.len() > crate::engine::FEW_FILES {
            batch.par_iter().map(one).collect()
        } else {
            batch.iter().map(one).collect()
        };
        for t in texts {
            out.write_all(t.as_bytes())?;
        }
    }

    write_errors_and_notices(report, opts.color, out)?;
    writeln!(out, "{}", report.summary_line())?;
    let safe = report.fixable(crate::api::Applicability::Safe);
    let all = report.fixable(crate::api::Applicability::Unsafe);
    if safe > 0 {
        let more = if all > safe {
            format!(" ({} more with --unsafe-fixes)", all - safe)
        } else {
            String::new()
        };
        writeln!(out, "{safe} fixable with `plumb check --fix`{more}")?;
    } else if all > 0 {
        writeln!(out, "{all} fixable with `plumb check --unsafe-fixes`")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing;
    use crate::report::Position;

    fn render(report: &Report) -> String {
        testing::render(|b| write(report, &HumanOptions::default(), b))
    }

    #[test]
    fn findings_snippets_and_summary() {
        let text = render(&testing::report());
        for needle in [
            "docker/non-root-user",
            "Dockerfile:3:6",
            "USER root",
            "the final stage runs as root",
            "here",
            "the stage that runs as root",
            "add `USER 10001` after the last RUN",
            "plumb/parse-error",
            "Dockerfile:4:1",
            "gha/unpinned-action",
            ".github/workflows/ci.yml:5:15",
            "  = related: .github/workflows/ci.yml:5:15: the job that builds it",
            "error: broken dir/main.tf:3:7: cannot read file: permission denied",
            "note: charts/app/templates/deploy.yaml: skipped: a Helm template",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(text.ends_with("1 error, 1 warning, 1 note in 2 files (5 files scanned)\n"));
        assert!(!text.contains('\x1b'), "no colour when color is off");
    }

    #[test]
    fn colour_when_asked() {
        let opts = HumanOptions {
            color: true,
            width: 80,
        };
        let text = testing::render(|b| write(&testing::report(), &opts, b));
        assert!(text.contains('\x1b'));
        assert!(text.contains("docker/non-root-user"));
    }

    #[test]
    fn nothing_found_is_just_the_summary() {
        assert_eq!(render(&testing::empty()), "no findings (3 files scanned)\n");
    }

    #[test]
    fn finding_without_source_still_says_where() {
        let mut report = testing::report();
        report.sources.clear();
        let text = render(&report);
        assert!(text.contains("at Dockerfile:3:6"), "{text}");
        assert!(text.contains("the final stage runs as root"));
    }

    /// Spans that are empty, past the end, inside a multi-byte character or inverted,
    /// over texts that are empty, lack a final newline, use CRLF or tabs: none may panic.
    #[test]
    fn odd_spans_never_panic() {
        let texts = [
            "",
            "\n",
            "a",
            "no newline at end",
            "crlf\r\nline two\r\n",
            "\ttab\there\n\n\n",
            "ünïcødé ✓ 🎉\nzweite\n",
        ];
        let mut base = testing::report();
        base.findings.truncate(1);
        base.errors.clear();
        base.notices.clear();
        for text in texts {
            let n = text.len();
            let offsets = [0, 1, 2, n.saturating_sub(1), n, n + 1, n + 100, usize::MAX];
            for &a in &offsets {
                for &b in &offsets {
                    let mut report = base.clone_shallow();
                    report
                        .sources
                        .insert("Dockerfile".to_string(), Arc::from(text));
                    let f = &mut report.findings[0];
                    f.location.start = Position {
                        line: 1,
                        column: 1,
                        offset: a,
                    };
                    f.location.end = Position {
                        line: 1,
                        column: 1,
                        offset: b,
                    };
                    f.related[0].location.start.offset = b;
                    f.related[0].location.end.offset = a;
                    let out = render(&report);
                    assert!(out.contains("docker/non-root-user"), "{text:?} {a} {b}");
                }
            }
        }
    }

    #[test]
    fn snippet_header_counts_characters() {
        let mut report = testing::report();
        report.findings.truncate(1);
        report.findings[0].related.truncate(1);
        let text = "é ü\tUSER root\nFROM x\n";
        report.sources.insert("Dockerfile".into(), Arc::from(text));
        report.findings[0].location = testing::loc("Dockerfile", text, 6, 10);
        report.findings[0].related[0].location = testing::loc("Dockerfile", text, 18, 22);
        let out = render(&report);
        assert!(out.contains("[Dockerfile:1:5]"), "{out}");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        assert_eq!(
            printable("a\x1b[31mb\r\nc\td\re\u{9b}f"),
            "a?[31mb\r\nc\td?e??f"
        );
        let text = "USER \x1b]0;pwned\x07root\n";
        assert_eq!(printable(text).len(), text.len());
        let mut report = testing::report();
        report.findings.truncate(1);
        report.findings[0].related.clear();
        report.findings[0].message = "bad \x1b[2J name".to_string();
        report.sources.insert("Dockerfile".into(), Arc::from(text));
        report.findings[0].location = testing::loc("Dockerfile", text, 5, 16);
        report.errors[0].message = "oops\x08\x08".to_string();
        let out = render(&report);
        assert!(
            !out.contains('\x1b') && !out.contains('\x07') && !out.contains('\x08'),
            "{out:?}"
        );
        assert!(out.contains("bad ?[2J name"));
    }

    impl Report {
        /// A copy of the findings and sources (Report is not Clone).
        fn clone_shallow(&self) -> Report {
            Report {
                findings: self.findings.clone(),
                errors: self.errors.clone(),
                notices: self.notices.clone(),
                files_scanned: self.files_scanned,
                sources: self.sources.clone(),
                ..Report::default()
            }
        }
    }
}
