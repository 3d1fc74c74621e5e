//! Output writers: one file per format, each reading the report and rule metadata only.
//!
//! Every writer is a pure function of the [`Report`]: no file is read (snippets come from
//! `Report::sources`, where secrets are already masked) and the same report always gives
//! the same bytes.

pub mod concise;
pub mod diff;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod rules;
pub mod sarif;
pub mod statistics;

pub use rules::{rules_json, rules_markdown, rules_table};

use std::io;

use crate::report::{Location, Report, Reported};

/// The output formats (also the values of `--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// Graphical diagnostics with source snippets, for terminals.
    Human,
    /// One line per finding: `path:line:col: rule-id message`.
    Concise,
    /// plumb's own versioned JSON (see `docs/json-output.md`).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...::...`), for annotations.
    Github,
    /// GitLab Code Quality report (JSON), for merge request widgets.
    Gitlab,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
        }
    }

    pub fn from_name(s: &str) -> Option<Format> {
        Some(match s {
            "human" | "text" => Format::Human,
            "concise" => Format::Concise,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "github" => Format::Github,
            "gitlab" => Format::Gitlab,
            _ => return None,
        })
    }
}

/// How the human format looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanOptions {
    /// ANSI colours (the caller decides: tty, `NO_COLOR`, `--color`).
    pub color: bool,
    /// Terminal width in columns, for wrapping.
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
        }
    }
}

/// Write `report` in `format`. `opts` is read by the human format only.
pub fn write(
    report: &Report,
    format: Format,
    opts: &HumanOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, opts, &mut NoCommands::new(out)),
        Format::Concise => concise::write(report, &mut NoCommands::new(out)),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Gitlab => gitlab::write(report, out),
    }
}

/// Write `report`'s counts per rule (`--statistics`) in `format`: a table for `human` and
/// `concise`, an array for `json`. `None` for a format with no statistics form.
pub fn write_statistics(
    report: &Report,
    format: Format,
    out: &mut dyn io::Write,
) -> Option<io::Result<()>> {
    Some(match format {
        Format::Human | Format::Concise => {
            statistics::write_text(report, &mut NoCommands::new(out))
        }
        Format::Json => statistics::write_json(report, out),
        Format::Sarif | Format::Github | Format::Gitlab => return None,
    })
}

/// A writer whose lines never start with `:`: GitHub's runner takes a log line starting with
/// `::` for a workflow command, so output meant for people gets a space before a leading
/// colon (a message or file name of a hostile repository cannot start one).
pub struct NoCommands<'w> {
    inner: &'w mut dyn io::Write,
    at_line_start: bool,
}

impl<'w> NoCommands<'w> {
    pub fn new(inner: &'w mut dyn io::Write) -> Self {
        NoCommands {
            inner,
            at_line_start: true,
        }
    }
}

impl io::Write for NoCommands<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut from = 0;
        for (i, &b) in buf.iter().enumerate() {
            if self.at_line_start && b == b':' {
                self.inner.write_all(&buf[from..i])?;
                self.inner.write_all(b" ")?;
                from = i;
            }
            self.at_line_start = b == b'\n';
        }
        self.inner.write_all(&buf[from..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The help shown with a finding: its own help, else its rule's summary.
pub(crate) fn help_of(f: &Reported) -> Option<&str> {
    match &f.help {
        Some(h) if !h.trim().is_empty() => Some(h.as_str()),
        _ => f.meta.map(|r| r.summary).filter(|s| !s.trim().is_empty()),
    }
}

/// A location as a valid line/column region: 1-based, the end never before the start, and
/// an empty span widened to one column so every consumer can show it.
/// Returns `(start_line, start_column, end_line, end_column)`; `end_column` is exclusive.
pub(crate) fn region(loc: &Location) -> (usize, usize, usize, usize) {
    let sl = loc.start.line.max(1);
    let sc = loc.start.column.max(1);
    let mut el = loc.end.line.max(1);
    let mut ec = loc.end.column.max(1);
    if (el, ec) < (sl, sc) {
        el = sl;
        ec = sc;
    }
    if el == sl && ec <= sc {
        ec = sc.saturating_add(1);
    }
    (sl, sc, el, ec)
}

#[cfg(test)]
pub(crate) mod testing {
    //! A small hand-built report shared by the writers' tests.

    use std::sync::Arc;

    use crate::api::Severity;
    use crate::report::{Location, Notice, Position, RelatedLocation, Report, Reported, ToolError};
    use crate::source::Kind;

    pub const DOCKERFILE: &str = "FROM alpine:3.20\nRUN apk add curl\nUSER root\n";
    pub const WORKFLOW: &str =
        "on: push\njobs:\n  build:\n    steps:\n      - uses: actions/checkout@v4\n";

    /// The position of byte `offset` in `text` (1-based line, 1-based char column).
    pub fn pos(text: &str, offset: usize) -> Position {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count() + 1;
        Position {
            line,
            column,
            offset,
        }
    }

    pub fn loc(file: &str, text: &str, start: usize, end: usize) -> Location {
        Location {
            file: file.to_string(),
            start: pos(text, start),
            end: pos(text, end),
        }
    }

    /// Three findings in two files: one with a related location in its own file and one in
    /// another, one with an empty span at the end of its file, one whose message holds
    /// `:`, `,`, `%` and a newline. Plus a tool error and a notice.
    pub fn report() -> Report {
        let user = DOCKERFILE.find("USER root").unwrap_or(0);
        let from = DOCKERFILE.find("alpine").unwrap_or(0);
        let uses = WORKFLOW.find("actions/checkout@v4").unwrap_or(0);
        let findings = vec![
            Reported {
                rule: "docker/non-root-user",
                meta: crate::rules::find("docker/non-root-user"),
                severity: Severity::Error,
                message: "the final stage runs as root: add USER with a non-root user".to_string(),
                help: Some("add `USER 10001` after the last RUN".to_string()),
                kind: Kind::Dockerfile,
                location: loc("Dockerfile", DOCKERFILE, user + 5, user + 9),
                related: vec![
                    RelatedLocation {
                        location: loc("Dockerfile", DOCKERFILE, from, from + 11),
                        label: "the stage that runs as root".to_string(),
                    },
                    RelatedLocation {
                        location: loc(".github/workflows/ci.yml", WORKFLOW, uses, uses + 19),
                        label: "the job that builds it".to_string(),
                    },
                ],
                fingerprint: "0123456789abcdef".to_string(),
                fingerprint_v1: String::new(),
                fix: None,
                confidence: None,
            },
            Reported {
                rule: "plumb/parse-error",
                meta: crate::rules::find("plumb/parse-error"),
                severity: Severity::Warning,
                message: "unexpected end of file".to_string(),
                help: None,
                kind: Kind::Dockerfile,
                location: loc("Dockerfile", DOCKERFILE, DOCKERFILE.len(), DOCKERFILE.len()),
                related: Vec::new(),
                fingerprint: "fedcba9876543210".to_string(),
                fingerprint_v1: String::new(),
                fix: None,
                confidence: None,
            },
            Reported {
                rule: "gha/unpinned-action",
                meta: crate::rules::find("gha/unpinned-action"),
                severity: Severity::Note,
                message: "action: unpinned, 100% mutable\nsecond line".to_string(),
                help: Some("pin it: use a full commit sha, keep the tag in a comment".to_string()),
                kind: Kind::Workflow,
                location: loc(".github/workflows/ci.yml", WORKFLOW, uses, uses + 19),
                related: Vec::new(),
                fingerprint: "00ff00ff00ff00ff".to_string(),
                fingerprint_v1: String::new(),
                fix: None,
                confidence: None,
            },
        ];
        let mut report = Report {
            findings,
            errors: vec![ToolError {
                file: Some("broken dir/main.tf".to_string()),
                position: Some((3, 7)),
                message: "cannot read file: permission denied".to_string(),
            }],
            notices: vec![Notice {
                file: "charts/app/templates/deploy.yaml".to_string(),
                message: "skipped: a Helm template".to_string(),
            }],
            files_scanned: 5,
            ..Report::default()
        };
        report
            .sources
            .insert("Dockerfile".to_string(), Arc::from(DOCKERFILE));
        report
            .sources
            .insert(".github/workflows/ci.yml".to_string(), Arc::from(WORKFLOW));
        report
    }

    /// A report with nothing found.
    pub fn empty() -> Report {
        Report {
            files_scanned: 3,
            ..Report::default()
        }
    }

    /// Render with a writer into a string.
    pub fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
        let mut buf = Vec::new();
        f(&mut buf).expect("writing to a Vec cannot fail");
        String::from_utf8(buf).expect("output is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
        assert_eq!(Format::from_name("xml"), None);
    }

    #[test]
    fn regions_are_never_inverted_or_empty() {
        let r = testing::report();
        // The empty span at the end of the Dockerfile: line 4, column 1.
        assert_eq!(region(&r.findings[1].location), (4, 1, 4, 2));
        let mut l = r.findings[0].location.clone();
        assert_eq!(region(&l), (3, 6, 3, 10));
        std::mem::swap(&mut l.start, &mut l.end);
        assert_eq!(region(&l), (3, 10, 3, 11));
        l.start.line = 0;
        l.start.column = 0;
        let (sl, sc, _, _) = region(&l);
        assert_eq!((sl, sc), (1, 1));
    }

    #[test]
    fn human_lines_never_start_with_a_colon() {
        let mut buf = Vec::new();
        {
            let mut w = NoCommands::new(&mut buf);
            io::Write::write_all(&mut w, b"::error::x\nok: y\n:").unwrap();
            io::Write::write_all(&mut w, b":notice::z\n").unwrap();
        }
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            " ::error::x\nok: y\n ::notice::z\n"
        );
    }

    #[test]
    fn every_format_writes_the_empty_report() {
        for f in Format::ALL {
            let out = testing::render(|b| write(&testing::empty(), f, &HumanOptions::default(), b));
            assert!(!out.is_empty(), "{}", f.name());
        }
    }
}
