//! plumb's own JSON: a versioned schema documented in `docs/json-output.md`.
//!
//! Within one `version` no field changes meaning and none is removed; new fields may be
//! added. Keys come in the order of the structs below, whatever serde_json's features.

use std::io;

use rayon::prelude::*;
use serde::Serialize;

use crate::report::{Location, Position, Report, Reported};

/// The schema version. Bump it only for a change that is not an addition.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    /// The config file the run read (relative to the repository root), null for defaults.
    config: Option<&'a str>,
    findings: Vec<Finding<'a>>,
    errors: Vec<Error<'a>>,
    notices: Vec<NoticeOut<'a>>,
    /// Findings inline suppressions silenced, with their reasons: the audit trail.
    suppressed: Vec<SuppressedOut<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct SuppressedOut<'a> {
    #[serde(flatten)]
    finding: Finding<'a>,
    suppression: Suppression<'a>,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    reason: &'a str,
    until: Option<&'a str>,
    file: &'a str,
    start: Pos,
    end: Pos,
}

#[derive(Serialize)]
struct FixOut<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<EditOut<'a>>,
}

#[derive(Serialize)]
struct EditOut<'a> {
    start: Pos,
    end: Pos,
    text: &'a str,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    severity: &'static str,
    packs: &'static [&'static str],
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    kind: &'static str,
    start: Pos,
    end: Pos,
    related: Vec<Related<'a>>,
    fingerprint: &'a str,
    fix: Option<FixOut<'a>>,
    /// `high`, `medium` or `low`: present only when the rule can tell.
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<&'static str>,
}

#[derive(Serialize)]
struct Pos {
    line: usize,
    column: usize,
    offset: usize,
}

impl From<Position> for Pos {
    fn from(p: Position) -> Pos {
        Pos {
            line: p.line,
            column: p.column,
            offset: p.offset,
        }
    }
}

#[derive(Serialize)]
struct Related<'a> {
    file: &'a str,
    start: Pos,
    end: Pos,
    label: &'a str,
}

#[derive(Serialize)]
struct Error<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct NoticeOut<'a> {
    file: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    notes: usize,
    files_with_findings: usize,
    files_scanned: usize,
    suppressed: usize,
}

fn related<'a>(loc: &'a Location, label: &'a str) -> Related<'a> {
    Related {
        file: &loc.file,
        start: loc.start.into(),
        end: loc.end.into(),
        label,
    }
}

fn finding(f: &Reported) -> Finding<'_> {
    Finding {
        rule: f.rule,
        severity: f.severity.name(),
        packs: f.meta.map_or(&[][..], |r| r.packs),
        message: &f.message,
        help: super::help_of(f),
        file: &f.location.file,
        kind: f.kind.name(),
        start: f.location.start.into(),
        end: f.location.end.into(),
        related: f
            .related
            .iter()
            .map(|r| related(&r.location, &r.label))
            .collect(),
        fingerprint: &f.fingerprint,
        fix: f.fix.as_ref().map(|x| FixOut {
            title: &x.title,
            applicability: x.applicability.name(),
            edits: x
                .edits
                .iter()
                .map(|e| EditOut {
                    start: e.location.start.into(),
                    end: e.location.end.into(),
                    text: &e.text,
                })
                .collect(),
        }),
        confidence: f.confidence.map(|c| c.name()),
    }
}

/// The report's JSON with an empty `findings` array ([`write`] writes the findings into it).
fn output(report: &Report) -> Output<'_> {
    use crate::api::Severity;
    let findings = Vec::new();
    Output {
        version: VERSION,
        tool: Tool {
            name: "plumb",
            version: crate::VERSION,
        },
        config: report.config.as_deref(),
        findings,
        errors: report
            .errors
            .iter()
            .map(|e| Error {
                file: e.file.as_deref(),
                line: e.position.map(|p| p.0),
                column: e.position.map(|p| p.1),
                message: &e.message,
            })
            .collect(),
        notices: report
            .notices
            .iter()
            .map(|n| NoticeOut {
                file: &n.file,
                message: &n.message,
            })
            .collect(),
        suppressed: report
            .suppressed
            .iter()
            .map(|s| SuppressedOut {
                finding: finding(&s.finding),
                suppression: Suppression {
                    kind: "inSource",
                    reason: &s.reason,
                    until: s.until.as_deref(),
                    file: &s.directive.file,
                    start: s.directive.start.into(),
                    end: s.directive.end.into(),
                },
            })
            .collect(),
        summary: Summary {
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            notes: report.count(Severity::Note),
            files_with_findings: report.files_with_findings(),
            files_scanned: report.files_scanned,
            suppressed: report.suppressed.len(),
        },
    }
}

/// Write the report as pretty-printed JSON, ending with a newline.
///
/// Serialising the findings is most of the time a large report takes: they are rendered in
/// parallel, a batch at a time, each as serde_json pretty-prints an element of the top-level
/// `findings` array (every line after the first indented by four spaces: JSON strings hold
/// no raw newline), and written into the rest of the document, which serde_json renders with
/// the array empty. The bytes are those of pretty-printing the whole report at once.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let doc = serde_json::to_string_pretty(&output(report))?;
    const EMPTY: &str = "\n  \"findings\": []";
    let Some(at) = doc.find(EMPTY).filter(|_| !report.findings.is_empty()) else {
        out.write_all(doc.as_bytes())?;
        return writeln!(out);
    };
    let open = at + EMPTY.len() - 1;
    out.write_all(&doc.as_bytes()[..open])?;
    let mut first = true;
    for batch in report.findings.chunks(2048) {
        let one =
            |f: &Reported| serde_json::to_string_pretty(&finding(f)).map(|t| indent_lines(&t));
        // a few findings are rendered here: the thread pool costs more to start
        let texts = if batch.len() > 64 {
            batch
                .par_iter()
                .map(one)
                .collect::<Result<Vec<String>, _>>()?
        } else {
            batch.iter().map(one).collect::<Result<Vec<String>, _>>()?
        };
        for t in texts {
            out.write_all(if first { b"\n    " } else { b",\n    " })?;
            out.write_all(t.as_bytes())?;
            first = false;
        }
    }
    out.write_all(b"\n  ")?;
    out.write_all(&doc.as_bytes()[open..])?;
    writeln!(out)
}

/// `text` with four spaces after each line break (`str::replace` searched a character at a
/// time: 1.5% of a check of real-world workflows with JSON output).
fn indent_lines(text: &str) -> String {
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut out = String::with_capacity(text.len() + 4 * text.len() / 16);
    let mut from = 0;
    for at in breaks {
        out.push_str(&text[from..=at]);
        out.push_str("    ");
        from = at + 1;
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::output::testing;

    #[test]
    fn indent_lines_indents_after_every_break() {
        for text in ["", "a", "a\nb", "\n", "{\n  \"x\": 1\n}", "\n\nx\n"] {
            assert_eq!(indent_lines(text), text.replace('\n', "\n    "), "{text:?}");
        }
    }

    fn parse(report: &Report) -> (String, Value) {
        let text = testing::render(|b| write(report, b));
        let value = serde_json::from_str(&text).expect("valid JSON");
        (text, value)
    }

    #[test]
    fn top_level_shape_and_summary() {
        let (text, v) = parse(&testing::report());
        assert!(text.ends_with("}\n"));
        assert_eq!(v["version"], 1);
        assert_eq!(
            v["tool"],
            json!({"name": "plumb", "version": crate::VERSION})
        );
        assert_eq!(
            v["summary"],
            json!({"errors": 1, "warnings": 1, "notes": 1, "files_with_findings": 2, "files_scanned": 5, "suppressed": 0})
        );
        assert_eq!(
            v["errors"],
            json!([{"file": "broken dir/main.tf", "line": 3, "column": 7,
                    "message": "cannot read file: permission denied"}])
        );
        assert_eq!(
            v["notices"],
            json!([{"file": "charts/app/templates/deploy.yaml", "message": "skipped: a Helm template"}])
        );
        // Keys in a fixed order: version first, summary last.
        let order: Vec<usize> = [
            "\"version\"",
            "\"tool\"",
            "\"findings\"",
            "\"suppressed\"",
            "\"summary\"",
        ]
        .iter()
        .map(|k| text.find(k).unwrap_or(usize::MAX))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    }

    #[test]
    fn finding_fields() {
        let (_, v) = parse(&testing::report());
        let f = &v["findings"][0];
        assert_eq!(f["rule"], "docker/non-root-user");
        assert_eq!(f["severity"], "error");
        assert_eq!(f["packs"], json!(["non-root", "least-privilege"]));
        assert_eq!(f["help"], "add `USER 10001` after the last RUN");
        assert_eq!(f["file"], "Dockerfile");
        assert_eq!(f["kind"], "dockerfile");
        assert_eq!(f["start"], json!({"line": 3, "column": 6, "offset": 39}));
        assert_eq!(f["end"], json!({"line": 3, "column": 10, "offset": 43}));
        assert_eq!(f["fingerprint"], "0123456789abcdef");
        assert_eq!(f["related"][0]["label"], "the stage that runs as root");
        assert_eq!(f["related"][0]["file"], "Dockerfile");
        assert_eq!(f["related"][1]["file"], ".github/workflows/ci.yml");
        assert_eq!(f["related"][1]["start"]["line"], 5);
        // No help of its own: the rule's summary.
        let parse_error = &v["findings"][1];
        assert_eq!(
            parse_error["help"],
            crate::rules::plumb::PARSE_ERROR.summary
        );
        assert_eq!(parse_error["start"], parse_error["end"]);
        assert_eq!(
            v["findings"][2]["message"],
            "action: unpinned, 100% mutable\nsecond line"
        );
        let keys: Vec<&str> = f
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        for k in [
            "rule",
            "severity",
            "packs",
            "message",
            "help",
            "file",
            "kind",
            "start",
            "end",
            "related",
            "fingerprint",
            "fix",
        ] {
            assert!(keys.contains(&k), "missing {k}");
        }
    }

    #[test]
    fn empty_report_has_empty_arrays() {
        let (_, v) = parse(&testing::empty());
        assert_eq!(v["findings"], json!([]));
        assert_eq!(v["errors"], json!([]));
        assert_eq!(v["notices"], json!([]));
        assert_eq!(v["summary"]["files_scanned"], 3);
    }

    #[test]
    fn unknown_rule_has_no_packs_and_null_help() {
        let mut r = testing::report();
        r.findings.truncate(1);
        r.findings[0].meta = None;
        r.findings[0].help = None;
        let (_, v) = parse(&r);
        assert_eq!(v["findings"][0]["packs"], json!([]));
        assert_eq!(v["findings"][0]["help"], Value::Null);
    }
}
