//! `--statistics`: how many findings each rule made, most first, instead of the findings.
//! Text (a table) for people, JSON for scripts. Like every writer, a pure function of the
//! report.

use std::io;

use serde::Serialize;

use crate::api::{Applicability, Severity};
use crate::report::Report;

/// One rule's count. `severity` is the highest severity among its findings (config may
/// raise or lower single findings), `fixable` how many carry a fix (safe or unsafe).
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct RuleCount<'a> {
    pub rule: &'a str,
    pub count: usize,
    pub severity: &'static str,
    pub fixable: usize,
}

/// The counts, most findings first, then by rule id.
pub fn counts(report: &Report) -> Vec<RuleCount<'_>> {
    let mut by_rule: std::collections::BTreeMap<&str, (usize, Severity, usize)> =
        std::collections::BTreeMap::new();
    for f in &report.findings {
        let e = by_rule.entry(f.rule).or_insert((0, f.severity, 0));
        e.0 += 1;
        e.1 = e.1.max(f.severity);
        if f.fix
            .as_ref()
            .is_some_and(|x| x.applicability <= Applicability::Unsafe)
        {
            e.2 += 1;
        }
    }
    let mut rows: Vec<RuleCount<'_>> = by_rule
        .into_iter()
        .map(|(rule, (count, severity, fixable))| RuleCount {
            rule,
            count,
            severity: severity.name(),
            fixable,
        })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    rows
}

/// A table: count, rule, severity, fixable count; then the summary line.
pub fn write_text(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let rows = counts(report);
    let width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(0);
    let digits = rows.first().map_or(1, |r| r.count.to_string().len()).max(1);
    for r in &rows {
        let fixable = if r.fixable > 0 {
            format!("  {} fixable", r.fixable)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:>digits$}  {:<width$}  {}{fixable}",
            r.count, r.rule, r.severity
        )?;
    }
    writeln!(out, "{}", report.summary_line())
}

/// A JSON array of `{rule, count, severity, fixable}`.
pub fn write_json(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &counts(report))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing;

    #[test]
    fn counts_per_rule_most_first() {
        let mut report = testing::report();
        let extra = report.findings[2].clone();
        report.findings.push(extra);
        let text = testing::render(|b| write_text(&report, b));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "2  gha/unpinned-action   note", "{text}");
        assert_eq!(lines[1], "1  docker/non-root-user  error");
        assert_eq!(lines[2], "1  plumb/parse-error     warning");
        let json = testing::render(|b| write_json(&report, b));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v[0]["rule"], "gha/unpinned-action");
        assert_eq!(v[0]["count"], 2);
    }

    #[test]
    fn nothing_found_is_the_summary_or_an_empty_array() {
        let text = testing::render(|b| write_text(&testing::empty(), b));
        assert_eq!(text.lines().count(), 1);
        assert_eq!(
            testing::render(|b| write_json(&testing::empty(), b)),
            "[]\n"
        );
    }
}
