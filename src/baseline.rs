//! Baselines and new-findings-only gating, for teams turning plumb on over existing debt.
//!
//! A baseline records findings by fingerprint (rule, file, the offending text with secrets
//! masked, and its occurrence index among identical ones; no line numbers), so edits above
//! a finding do not revive it. The file is sorted JSON, one entry per line group, so it
//! diffs well in review.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

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
    let doc = json!({"version": 1, "tool": "plumb", "findings": list});
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// A baseline read from its file.
#[derive(Debug, Default, Clone)]
pub struct Baseline {
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
    pub fn everything() -> Scope {
        Scope(None)
    }

    /// The paths given on the command line (and the name standing for standard input).
    pub fn of_paths(root: &Path, paths: &[PathBuf], stdin_name: Option<&Path>) -> Scope {
        let mut prefixes = Vec::new();
        for p in paths.iter().map(PathBuf::as_path).chain(stdin_name) {
            let rel = crate::engine::rel_path(root, p);
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
    if doc.get("version").and_then(Value::as_u64) != Some(1) {
        return Err(format!(
            "{}: not a plumb baseline of version 1",
            path.display()
        ));
    }
    let mut out = Baseline::default();
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
    report
        .findings
        .retain(|f| match left.get_mut(&f.fingerprint) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
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

/// Lines added or changed since the merge-base with `base_ref`, per file (repository-relative
/// paths). `None` for a file means the whole file is new.
pub type Changes = BTreeMap<String, Option<Vec<(usize, usize)>>>;

/// Run git (never anything configured by the repository: no external diff, no textconv, no
/// fsmonitor hook).
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "diff.external=",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// What changed since the merge-base of `base_ref` and HEAD, working tree included.
pub fn changes_since(root: &Path, base_ref: &str) -> Result<Changes, String> {
    if base_ref.starts_with('-') {
        return Err(format!("--new-only-since: \"{base_ref}\" is not a git ref"));
    }
    // a CI checkout is shallow and has one branch: say what is missing and how to get it
    let shallow = git(root, &["rev-parse", "--is-shallow-repository"])?.trim() == "true";
    let clone = if shallow {
        "this shallow clone (CI checkouts are shallow by default)"
    } else {
        "this clone"
    };
    let branch = base_ref
        .strip_prefix("refs/remotes/")
        .unwrap_or(base_ref)
        .strip_prefix("origin/")
        .unwrap_or(base_ref);
    let commit = format!("{base_ref}^{{commit}}");
    if git(root, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        return Err(format!(
            "--new-only-since: the ref \"{base_ref}\" is not in {clone}: check out with \
             `fetch-depth: 0` (actions/checkout), or fetch it \
             (`git fetch origin +refs/heads/{branch}:refs/remotes/origin/{branch}`)"
        ));
    }
    let base = git(root, &["merge-base", base_ref, "HEAD"]).map_err(|e| {
        if shallow {
            format!(
                "--new-only-since: \"{base_ref}\" and HEAD have no merge-base in {clone}: \
                 check out with `fetch-depth: 0` (actions/checkout), or fetch the history \
                 (`git fetch --unshallow origin`)"
            )
        } else if e.ends_with("failed: ") {
            format!("--new-only-since: \"{base_ref}\" and HEAD share no history (no merge-base)")
        } else {
            e
        }
    })?;
    let base = base.trim();
    let diff = git(
        root,
        &[
            "diff",
            "--no-ext-diff",
            "--no-textconv",
            "--unified=0",
            "--no-color",
            "--no-renames",
            base,
            "--",
        ],
    )?;
    let mut out = parse_diff(&diff);
    for f in git(root, &["ls-files", "--others", "--exclude-standard"])?.lines() {
        if !f.is_empty() {
            out.insert(f.to_string(), None);
        }
    }
    Ok(out)
}

/// Parse `git diff --unified=0` into changed line ranges of the new side.
pub fn parse_diff(diff: &str) -> Changes {
    let mut out = Changes::new();
    let mut current: Option<String> = None;
    let mut new_file = false;
    for line in diff.lines() {
        if line.starts_with("diff --git ") {
            current = None;
            new_file = false;
        } else if line == "--- /dev/null" {
            new_file = true;
        } else if let Some(path) = line.strip_prefix("+++ ") {
            current = path.strip_prefix("b/").map(str::to_string);
            if let Some(p) = &current {
                if new_file {
                    out.insert(p.clone(), None);
                } else {
                    out.entry(p.clone()).or_insert_with(|| Some(Vec::new()));
                }
            }
        } else if let Some(rest) = line.strip_prefix("@@ ") {
            let Some(p) = &current else { continue };
            // @@ -a,b +c,d @@
            let Some(plus) = rest.split_whitespace().find(|w| w.starts_with('+')) else {
                continue;
            };
            let mut parts = plus[1..].split(',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1);
            if count == 0 {
                continue; // pure deletion
            }
            if let Some(Some(ranges)) = out.get_mut(p) {
                ranges.push((start, start + count - 1));
            }
        }
    }
    out
}

/// Keep only findings on changed lines (or in new files). Returns how many were dropped.
pub fn keep_changed(report: &mut Report, changes: &Changes) -> usize {
    let before = report.findings.len();
    report
        .findings
        .retain(|f| match changes.get(&f.location.file) {
            Some(None) => true,
            Some(Some(ranges)) => {
                let (a, b) = (
                    f.location.start.line,
                    f.location.end.line.max(f.location.start.line),
                );
                ranges.iter().any(|(s, e)| a <= *e && b >= *s)
            }
            None => false,
        });
    before - report.findings.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_ranges() {
        let d = "diff --git a/x.yml b/x.yml\n--- a/x.yml\n+++ b/x.yml\n@@ -3,0 +4,2 @@\n+a\n+b\n@@ -10 +12 @@\n-c\n+d\n@@ -20,3 +22,0 @@\ndiff --git a/n.tf b/n.tf\nnew file mode 100644\n--- /dev/null\n+++ b/n.tf\n@@ -0,0 +1,3 @@\n";
        let c = parse_diff(d);
        assert_eq!(c.get("x.yml"), Some(&Some(vec![(4, 5), (12, 12)])));
        assert_eq!(c.get("n.tf"), Some(&None));
    }
}
