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
/// `findings` array ([`pretty_finding`]), and written into the rest of the document, which
/// serde_json renders with the array empty. The bytes are those of pretty-printing the
/// whole report at once.
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
        let one = |f: &Reported| {
            let mut out = String::with_capacity(1024);
            pretty_finding(&mut out, &finding(f));
            out
        };
        // a few findings are rendered here: the thread pool costs more to start
        let texts: Vec<String> = if batch.len() > 64 {
            batch.par_iter().map(one).collect()
        } else {
            batch.iter().map(one).collect()
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

/// A finding as serde_json pretty-prints it as an element of the top-level `findings` array
/// (two spaces a level, the element's own lines four spaces in), written here field by
/// field: serde_json's pretty printer, a call per token, was 3.2% of a check of 1,080
/// real-world workflows and all of the time between the last finding known and the
/// process's end. The bytes are serde_json's (`pretty_finding_is_serde_json`).
fn pretty_finding(out: &mut String, f: &Finding<'_>) {
    // a line break and the indentation of each level below the element's braces
    const L1: &str = "\n      ";
    const L2: &str = "\n        ";
    const L3: &str = "\n          ";
    const L4: &str = "\n            ";
    out.push('{');
    string_field(out, L1, "rule", f.rule);
    string_field(out, L1, "severity", f.severity);
    field(out, L1, "packs");
    array(out, L1, L2, f.packs, |out, p| string(out, p));
    string_field(out, L1, "message", f.message);
    field(out, L1, "help");
    opt_string(out, f.help);
    string_field(out, L1, "file", f.file);
    string_field(out, L1, "kind", f.kind);
    start_end(out, L1, &f.start, &f.end);
    field(out, L1, "related");
    array(out, L1, L2, &f.related, |out, r| {
        out.push('{');
        string_field(out, L3, "file", r.file);
        start_end(out, L3, &r.start, &r.end);
        string_field(out, L3, "label", r.label);
        out.push_str(L2);
        out.push('}');
    });
    string_field(out, L1, "fingerprint", f.fingerprint);
    field(out, L1, "fix");
    match &f.fix {
        None => out.push_str("null"),
        Some(fix) => {
            out.push('{');
            string_field(out, L2, "title", fix.title);
            string_field(out, L2, "applicability", fix.applicability);
            field(out, L2, "edits");
            array(out, L2, L3, &fix.edits, |out, e| {
                out.push('{');
                start_end(out, L4, &e.start, &e.end);
                string_field(out, L4, "text", e.text);
                out.push_str(L3);
                out.push('}');
            });
            out.push_str(L1);
            out.push('}');
        }
    }
    if let Some(c) = f.confidence {
        string_field(out, L1, "confidence", c);
    }
    out.push_str("\n    }");
}

/// An array as serde_json pretty-prints it: `[]` when empty, else each item on a line of
/// its own at `inner` and the closing bracket at `at` (line breaks with their indentation).
fn array<T>(out: &mut String, at: &str, inner: &str, items: &[T], item: impl Fn(&mut String, &T)) {
    if items.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(inner);
        item(out, x);
    }
    out.push_str(at);
    out.push(']');
}

/// A key at the indentation `at` (a line break and spaces), after a comma unless it is the
/// object's first.
fn field(out: &mut String, at: &str, key: &str) {
    if !out.ends_with('{') {
        out.push(',');
    }
    out.push_str(at);
    out.push('"');
    out.push_str(key);
    out.push_str("\": ");
}

/// A key and its string value, at `at`.
fn string_field(out: &mut String, at: &str, key: &str, value: &str) {
    field(out, at, key);
    string(out, value);
}

/// The `start` and `end` fields of a place, at `at`.
fn start_end(out: &mut String, at: &str, start: &Pos, end: &Pos) {
    field(out, at, "start");
    pos(out, at, start);
    field(out, at, "end");
    pos(out, at, end);
}

/// A position object whose keys sit one level below `at`.
fn pos(out: &mut String, at: &str, p: &Pos) {
    out.push('{');
    for (i, (key, n)) in [("line", p.line), ("column", p.column), ("offset", p.offset)]
        .into_iter()
        .enumerate()
    {
        out.push_str(if i == 0 { "" } else { "," });
        out.push_str(at);
        out.push_str("  \"");
        out.push_str(key);
        out.push_str("\": ");
        crate::hash::push_decimal(out, n);
    }
    out.push_str(at);
    out.push('}');
}

fn opt_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, the control characters
/// below U+0020 as `\b`, `\t`, `\n`, `\f`, `\r` or `\u00XX` (lower-case hex), everything
/// else (DEL and non-ASCII included) as it is.
fn string(out: &mut String, s: &str) {
    out.push('"');
    let b = s.as_bytes();
    let mut from = 0;
    loop {
        let i = next_escape(b, from);
        out.push_str(&s[from..i]);
        let Some(&c) = b.get(i) else { break };
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                let hex = crate::hash::HEX_DIGITS;
                out.push_str("\\u00");
                out.push(char::from(hex[usize::from(c >> 4)]));
                out.push(char::from(hex[usize::from(c & 0xf)]));
            }
        }
        from = i + 1;
    }
    out.push('"');
}

/// The index of the first byte at or after `from` that a JSON string escapes (`"`, `\`, a
/// control character below U+0020), or the length. Eight bytes at a time: the byte loop
/// was 1.8% of a check of 1,080 real-world workflows with JSON output.
fn next_escape(b: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // a byte of `x` is zero / below `n` (n <= 128): exact for whether any is
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let mut i = from;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if below(x, 0x20) | zero(x ^ (ONES * u64::from(b'"'))) | zero(x ^ (ONES * u64::from(b'\\')))
            != 0
        {
            break;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c < 0x20 || c == b'"' || c == b'\\' {
            return i;
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::output::testing;

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

    /// serde_json's pretty text of a finding as an element of the `findings` array.
    fn serde_pretty(f: &Reported) -> String {
        let text = serde_json::to_string_pretty(&finding(f)).expect("serializes");
        text.replace('\n', "\n    ")
    }

    #[test]
    fn pretty_finding_is_serde_json() {
        use crate::api::{Applicability, Confidence};
        use crate::report::{ReportedEdit, ReportedFix};
        let base = testing::report();
        let mut cases: Vec<Reported> = base.findings.clone();
        // every byte JSON escapes, quotes and backslashes, DEL, non-ASCII
        let all_controls: String = (0u8..0x20).map(char::from).collect();
        let odd = format!("{all_controls} \"q\" \\ back \u{7f} é ✓ 🚀 end");
        let mut f = base.findings[0].clone();
        f.message = odd.clone();
        f.help = Some(odd.clone());
        f.confidence = Some(Confidence::Medium);
        let edit = |text: &str| ReportedEdit {
            location: f.location.clone(),
            text: text.to_string(),
        };
        f.fix = Some(ReportedFix {
            title: odd.clone(),
            applicability: Applicability::Unsafe,
            edits: vec![edit("permissions:\n  contents: read\n"), edit(&odd)],
        });
        cases.push(f.clone());
        // no related locations, no packs, a fix without edits, each confidence
        let mut g = f.clone();
        g.related.clear();
        g.meta = None;
        g.fix = Some(ReportedFix {
            title: String::new(),
            applicability: Applicability::Safe,
            edits: Vec::new(),
        });
        for c in [None, Some(Confidence::Low), Some(Confidence::High)] {
            g.confidence = c;
            cases.push(g.clone());
        }
        let mut h = f.clone();
        h.related.truncate(1);
        if let Some(x) = h.fix.as_mut() {
            x.edits.truncate(1);
        }
        h.help = None;
        cases.push(h);
        for f in &cases {
            let mut ours = String::new();
            pretty_finding(&mut ours, &finding(f));
            assert_eq!(ours, serde_pretty(f), "{:?}", f.message);
        }
    }

    #[test]
    fn next_escape_finds_the_first_byte_to_escape() {
        let naive = |b: &[u8], from: usize| {
            (from..b.len())
                .find(|&i| b[i] < 0x20 || b[i] == b'"' || b[i] == b'\\')
                .unwrap_or(b.len())
        };
        // every escaped byte, and near misses (space, `!`, `#`, `[`, `]`, DEL, UTF-8 bytes),
        // at every offset of backgrounds of ASCII and of multi-byte characters
        let specials: Vec<u8> = (0u8..0x20).chain([b'"', b'\\']).collect();
        let near = [b' ', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xbf, 0xc3, 0xff];
        for background in [b'a', 0xe9] {
            for len in 0..24 {
                for at in 0..len {
                    for &c in specials.iter().chain(near.iter()) {
                        let mut b = vec![background; len];
                        b[at] = c;
                        for from in 0..=len {
                            assert_eq!(next_escape(&b, from), naive(&b, from), "{b:?} from {from}");
                        }
                    }
                }
            }
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
