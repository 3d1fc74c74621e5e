//! GitLab Code Quality report: a JSON array GitLab shows in merge requests, so the same gate
//! works there (`artifacts: reports: codequality: gl-code-quality-report.json`).

use std::io;

use serde_json::json;

use crate::api::Severity;
use crate::report::Report;

/// GitLab's severities: info, minor, major, critical, blocker.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let items: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| {
            let (sl, sc, el, ec) = super::region(&f.location);
            json!({
                "type": "issue",
                "check_name": f.rule,
                "description": f.message,
                "content": {"body": super::help_of(f).unwrap_or("")},
                "categories": if f.meta.is_some_and(|m| m.security_severity.is_some()) { vec!["Security"] } else { vec!["Style"] },
                "severity": severity(f.severity),
                "fingerprint": f.fingerprint,
                "location": {
                    "path": f.location.file,
                    "positions": {
                        "begin": {"line": sl, "column": sc},
                        "end": {"line": el, "column": ec},
                    },
                },
            })
        })
        .collect();
    let s = serde_json::to_string_pretty(&items).map_err(io::Error::other)?;
    writeln!(out, "{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_quality_fields() {
        let out = super::super::testing::render(|b| write(&super::super::testing::report(), b));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let first = &v[0];
        assert_eq!(first["check_name"], "docker/non-root-user");
        assert_eq!(first["severity"], "major");
        assert_eq!(first["location"]["path"], "Dockerfile");
        assert_eq!(first["location"]["positions"]["begin"]["line"], 3);
        assert_eq!(first["fingerprint"], "0123456789abcdef");
        assert_eq!(v.as_array().unwrap().len(), 3);
    }
}
