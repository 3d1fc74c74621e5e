//! Baselines and new-findings-only gating, for teams turning plumb on over existing debt.
//!
//! A baseline records findings by fingerprint, with no line numbers, so edits above a
//! finding do not revive it. Version 2 (written now): a finding about an object (container,
//! service, job, step, stage, Terraform block) is keyed on the object's identity and its
//! message, so an edit that moves where it points (a key added to the container) does not
//! revive it either; other findings on the offending text with secrets masked and its
//! occurrence index among identical ones. Version 1 baselines (offending text for every
//! finding) are still read and matched the old way. The file is sorted JSON, one entry per
//! line group, so it diffs well in review.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::report::Report;

/// What applying a baseline did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BaselineStats {
    /// Findings hidden because the baseline has them.
    pub baselined: usize,
    /// Baseline entries no finding matched any more: fixed since.
    pub stale: usize,
}

/// The baseline file's text for a report.
pub fn render(report: &Report) -> String {
    let mut entries: Vec<(&str, &str, &str, &str)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.location.file.as_str(),
                f.rule,
                f.fingerprint.as_str(),
                f.message.as_str(),
            )
        })
        .collect();
    entries.sort();
    let list: Vec<Value> = entries
        .into_iter()
        .map(|(file, rule, fp, message)| {
            json!({"file": file, "rule": rule, "fingerprint": fp, "message": message})
        })
        .collect();
    let doc = json!({"version": VERSION, "tool": "plumb", "findings": list});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The version `render` writes.
pub const VERSION: u64 = 2;

/// A baseline read from its file.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
    /// 1: fingerprints of the offending text for every finding; 2: of the object's identity
    /// where a finding has one.
    pub version: u64,
    /// Fingerprint -> how many findings it stands for.
    pub counts: HashMap<String, usize>,
    /// Fingerprint -> the file its findings were in.
    pub files: HashMap<String, String>,
}

/// The files a run looked at, as repository-relative prefixes (`None`: everything), so a
/// baseline entry of a file the run did not check is not counted as fixed.
#[derive(Debug, Default, Clone)]
pub struct Scope(Option<Vec<String>>);

impl Scope {
    /// The paths given on the command line (and the name standing for standard input).
    pub fn of_paths(root: &Path, paths: &[PathBuf], stdin_name: Option<&Path>) -> Scope {
        let mut prefixes = Vec::new();
        for p in paths.iter().map(PathBuf::as_path).chain(stdin_name) {
            let rel = crate::paths::rel_path(root, p);
            if rel == "." {
                return Scope(None);
            }
            prefixes.push(rel);
        }
        Scope(Some(prefixes))
    }

    pub fn contains(&self, file: &str) -> bool {
        match &self.0 {
            None => true,
            Some(prefixes) => prefixes.iter().any(|p| {
                file == p
                    || file
                        .strip_prefix(p.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            }),
        }
    }
}

/// Read a baseline.
pub fn load(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: baseline is not valid JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    let version = doc.get("version").and_then(Value::as_u64).unwrap_or(0);
    if !(1..=VERSION).contains(&version) {
        return Err(format!(
            "{}: not a plumb baseline of version 1 or {VERSION}",
            path.display()
        ));
    }
    let mut out = Baseline {
        version,
        ..Baseline::default()
    };
    for f in doc
        .get("findings")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{}: baseline has no findings list", path.display()))?
    {
        if let Some(fp) = f.get("fingerprint").and_then(Value::as_str) {
            *out.counts.entry(fp.to_string()).or_insert(0) += 1;
            if let Some(file) = f.get("file").and_then(Value::as_str) {
                out.files.insert(fp.to_string(), file.to_string());
            }
        }
    }
    Ok(out)
}

/// Drop the findings the baseline records. Entries left over count as fixed only when their
/// file is in `scope` (a pre-commit run on three files says nothing of the others).
pub fn apply(report: &mut Report, baseline: &Baseline, scope: &Scope) -> BaselineStats {
    let mut left = baseline.counts.clone();
    let before = report.findings.len();
    report.findings.retain(|f| {
        let fp = if baseline.version == 1 {
            &f.fingerprint_v1
        } else {
            &f.fingerprint
        };
        match left.get_mut(fp) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    let stale = left
        .iter()
        .filter(|(fp, _)| {
            baseline
                .files
                .get(fp.as_str())
                .is_none_or(|file| scope.contains(file))
        })
        .map(|(_, n)| n)
        .sum();
    BaselineStats {
        baselined: before - report.findings.len(),
        stale,
    }
}
