//! Gating: what of a report counts against the run. Baselines and `--new-only-since` narrow
//! the report to what is new; `--fail-on` turns what is left into the exit code.

pub mod baseline;
pub mod diff;

use crate::api::Severity;
use crate::report::Report;

/// How a check ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the fail-on level, and no error of plumb's own.
    Pass,
    /// Findings at or above the fail-on level (parse errors count as errors).
    Fail,
    /// A file plumb could not read or check (and no failing finding).
    ToolError,
}

impl Outcome {
    /// The process exit code: 0, 1, 2.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Pass => 0,
            Outcome::Fail => 1,
            Outcome::ToolError => 2,
        }
    }
}

/// The outcome of a report gated at `fail_on` (`None`: never fail on findings).
pub fn outcome(report: &Report, fail_on: Option<Severity>) -> Outcome {
    let failed = fail_on.is_some_and(|level| report.findings.iter().any(|f| f.severity >= level));
    if failed {
        Outcome::Fail
    } else if !report.errors.is_empty() {
        Outcome::ToolError
    } else {
        Outcome::Pass
    }
}
