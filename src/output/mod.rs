//! Output writers: one file per format, each reading the report and rule metadata only.

pub mod rules;

pub use rules::{rules_json, rules_markdown, rules_table};

use crate::report::Report;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Gitlab,
}

pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

pub fn write(
    report: &Report,
    _format: Format,
    _opts: &HumanOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    for f in &report.findings {
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            f.location.file,
            f.location.start.line,
            f.location.start.column,
            f.severity.name(),
            f.rule,
            f.message
        )?;
    }
    writeln!(out, "{}", report.summary_line())
}
