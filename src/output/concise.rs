//! Concise output: one line per finding, `path:line:col: rule-id message`, then plumb's own
//! errors and notices and the summary line. For grep, editors' quickfix lists and people who
//! know the rules.
//!
//! A message's later lines are joined with ` / ` so a finding stays on one line; control and
//! bidi characters are made printable as in the human format.

use std::io;

use super::human::printable;
use crate::report::Report;

/// One finding per line, then errors, notices and the summary.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    for f in &report.findings {
        let message: Vec<&str> = f
            .message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            printable(&f.location.file),
            f.location.start.line,
            f.location.start.column,
            f.rule,
            printable(&message.join(" / "))
        )?;
    }
    super::human::write_errors_and_notices(report, false, out)?;
    writeln!(out, "{}", report.summary_line())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing;

    #[test]
    fn one_line_per_finding() {
        let text = testing::render(|b| write(&testing::report(), b));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[..3],
            [
                "Dockerfile:3:6: docker/non-root-user the final stage runs as root: add USER with a non-root user",
                "Dockerfile:4:1: plumb/parse-error unexpected end of file",
                ".github/workflows/ci.yml:5:15: gha/unpinned-action action: unpinned, 100% mutable / second line",
            ],
            "{text}"
        );
        assert!(text.contains("error: broken dir/main.tf:3:7: cannot read file"));
        assert!(text.ends_with("(5 files scanned)\n"), "{text}");
    }

    #[test]
    fn control_characters_are_made_printable() {
        let mut report = testing::report();
        report.findings[0].message = "bad \x1b[2J name".to_string();
        let text = testing::render(|b| write(&report, b));
        assert!(!text.contains('\x1b'));
    }
}
