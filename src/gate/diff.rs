//! `--new-only-since <ref>`: which lines changed since the merge-base with a git ref, and
//! keeping only the findings on them.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::report::Report;

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
