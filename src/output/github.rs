//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding,
//! which the runner turns into annotations on the pull request, then the summary line.

use std::io;

use crate::api::Severity;
use crate::report::Report;

/// The workflow command for a severity.
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// Escape a command's message data: `%`, CR and LF as the runner decodes them; any other
/// control character and the characters that reorder text (bidi overrides) as `%XX` /
/// `\u{XXXX}`, which the runner shows as they are, so none reaches the log raw.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '%' => out.push_str("%25"),
        '\r' => out.push_str("%0D"),
        '\n' => out.push_str("%0A"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("%{:02X}", c as u32)),
        c if crate::paths::is_misleading(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
        c => out.push(c),
    }
}

/// Escape a command's property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => push_escaped(&mut out, c),
        }
    }
    out
}

/// Write one workflow command per finding, plumb's own errors and notices, and the summary.
/// GitHub shows at most this many annotations of one level per step; the rest only clutter
/// the log, so they are listed plainly after a line that says where to see them all.
pub const MAX_ANNOTATIONS_PER_LEVEL: usize = 10;

pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    // most severe first, so the cap keeps the ones that matter
    let mut order: Vec<&crate::report::Reported> = report.findings.iter().collect();
    order.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut shown = [0usize; 3];
    let mut rest = Vec::new();
    for f in order {
        let slot = &mut shown[f.severity as usize];
        if *slot >= MAX_ANNOTATIONS_PER_LEVEL {
            rest.push(f);
            continue;
        }
        *slot += 1;
        let (sl, sc, el, ec) = super::region(&f.location);
        let mut message = f.message.clone();
        if let Some(help) = super::help_of(f) {
            message.push('\n');
            message.push_str(help);
        }
        writeln!(
            out,
            "::{} file={},line={sl},col={sc},endLine={el},endColumn={ec},title={}::{}",
            command(f.severity),
            escape_property(&f.location.file),
            escape_property(f.rule),
            escape_data(&message),
        )?;
    }
    if !rest.is_empty() {
        writeln!(
            out,
            "::notice title=plumb::{} more findings are not annotated (GitHub shows {MAX_ANNOTATIONS_PER_LEVEL} per level and step): see the list below, the SARIF report or the code scanning alerts",
            rest.len()
        )?;
        // indented and escaped like annotation data: a file named `::stop-commands::x`
        // or a message holding a line break can never start a line the runner would take
        // for a workflow command
        for f in rest {
            writeln!(
                out,
                "  {}:{}:{}: {} [{}] {}",
                escape_data(&f.location.file),
                f.location.start.line,
                f.location.start.column,
                f.severity.name(),
                f.rule,
                escape_data(&f.message)
            )?;
        }
    }
    for e in &report.errors {
        let mut props = Vec::new();
        if let Some(file) = &e.file {
            props.push(format!("file={}", escape_property(file)));
            if let Some((line, column)) = e.position {
                props.push(format!("line={},col={}", line.max(1), column.max(1)));
            }
        }
        props.push("title=plumb".to_string());
        writeln!(
            out,
            "::error {}::{}",
            props.join(","),
            escape_data(&e.message)
        )?;
    }
    for n in &report.notices {
        writeln!(
            out,
            "::notice file={},title=plumb::{}",
            escape_property(&n.file),
            escape_data(&n.message),
        )?;
    }
    writeln!(out, "{}", report.summary_line())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("a%b\r\nc: d, e"), "a%25b%0D%0Ac: d, e");
        assert_eq!(escape_property("a%b\r\nc: d, e"), "a%25b%0D%0Ac%3A d%2C e");
        assert_eq!(
            escape_data("x\u{1b}[2J\u{7}\u{202e}y"),
            "x%1B[2J%07\\u{202e}y"
        );
    }

    #[test]
    fn overflow_lines_never_start_a_command() {
        let mut r = testing::report();
        let template = r.findings[2].clone();
        r.findings.clear();
        for i in 0..12 {
            let mut f = template.clone();
            f.location.file = format!("::stop-commands::x{i}.yaml");
            f.message = "a\n::error title=x::pwned".to_string();
            r.findings.push(f);
        }
        let out = testing::render(|b| write(&r, b));
        for line in out.lines() {
            assert!(
                !line.starts_with("::")
                    || line.starts_with("::notice file=%3A%3Astop")
                    || line.starts_with("::notice title=plumb::")
                    || line.starts_with("::error file=broken")
                    || line.starts_with("::notice file=charts"),
                "{line}"
            );
        }
        assert!(out.contains("  ::stop-commands::x"), "{out}");
    }

    #[test]
    fn one_command_per_finding_then_summary() {
        let report = testing::report();
        let text = testing::render(|b| write(&report, b));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=Dockerfile,line=3,col=6,endLine=3,endColumn=10,title=docker/non-root-user::the final stage runs as root: add USER with a non-root user%0Aadd `USER 10001` after the last RUN",
                &format!(
                    "::warning file=Dockerfile,line=4,col=1,endLine=4,endColumn=2,title=plumb/parse-error::unexpected end of file%0A{}",
                    crate::rules::plumb::PARSE_ERROR.summary
                ),
                "::notice file=.github/workflows/ci.yml,line=5,col=15,endLine=5,endColumn=34,title=gha/unpinned-action::action: unpinned, 100%25 mutable%0Asecond line%0Apin it: use a full commit sha, keep the tag in a comment",
                "::error file=broken dir/main.tf,line=3,col=7,title=plumb::cannot read file: permission denied",
                "::notice file=charts/app/templates/deploy.yaml,title=plumb::skipped: a Helm template",
                "1 error, 1 warning, 1 note in 2 files (5 files scanned)",
            ]
        );
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn properties_are_escaped() {
        let mut report = testing::report();
        report.findings.truncate(1);
        report.findings[0].location.file = "a:b,c%.yml".to_string();
        report.errors.clear();
        report.notices.clear();
        let text = testing::render(|b| write(&report, b));
        assert!(
            text.starts_with("::error file=a%3Ab%2Cc%25.yml,line=3,"),
            "{text}"
        );
    }

    #[test]
    fn tool_error_without_file() {
        let mut report = testing::empty();
        report.errors.push(crate::report::ToolError {
            file: None,
            position: None,
            message: "bad config\nline 2".to_string(),
        });
        let text = testing::render(|b| write(&report, b));
        assert_eq!(
            text,
            "::error title=plumb::bad config%0Aline 2\n0 errors, 0 warnings, 0 notes in 0 files (3 files scanned)\n"
        );
    }

    #[test]
    fn annotations_are_capped_per_level_most_severe_first() {
        let mut r = testing::report();
        let template = r.findings[0].clone();
        r.findings.clear();
        for i in 0..25 {
            let mut f = template.clone();
            f.severity = if i < 12 {
                Severity::Warning
            } else {
                Severity::Error
            };
            r.findings.push(f);
        }
        let out = testing::render(|b| write(&r, b));
        assert_eq!(
            out.lines()
                .filter(|l| l.starts_with("::error file=Dockerfile"))
                .count(),
            10
        );
        assert_eq!(
            out.lines()
                .filter(|l| l.starts_with("::warning file="))
                .count(),
            10
        );
        assert!(out.contains("5 more findings are not annotated"), "{out}");
        let first = out.lines().next().unwrap();
        assert!(first.starts_with("::error"), "{first}");
    }
}
