//! `--new-only-since <ref>`: which lines changed since the merge-base with a git ref, and
//! keeping only the findings on them.
//!
//! git is asked for objects only: the merge-base, the base tree's file list
//! (`ls-tree -r -z`, paths as raw bytes) and the base blobs (`cat-file --batch`, by object
//! id). The comparison of each base blob with the file in the work tree is plumb's own (a
//! Myers diff over lines). So no `git diff` output is parsed (no path quoting, no prefixes
//! from `diff.noprefix` or `diff.mnemonicPrefix`), and git never reads the work tree: no
//! clean or process filter driver, textconv or external diff a repository configures can
//! run. Anything that cannot be compared counts as changed (fail closed): a file the base
//! does not have is new, a file too different to diff cheaply counts whole.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use crate::report::Report;

/// Lines added or changed since the merge-base, per file (display paths, as findings name
/// them). `None` means the whole file counts as new.
pub type Changes = BTreeMap<String, Option<Vec<(usize, usize)>>>;

/// Edits (inserted plus deleted lines, after the common head and tail) past which a file is
/// not diffed but counted as changed whole: the diff costs time in (lines x edits) and
/// memory in edits squared.
pub const MAX_DIFF_EDITS: usize = 3_000;

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    crate::git::run(root, args)
}

fn git_text(root: &Path, args: &[&str]) -> Result<String, String> {
    git(root, args).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The merge-base of `base_ref` and HEAD, with a message that says what to fetch when a
/// (shallow) clone lacks it.
fn merge_base(root: &Path, base_ref: &str) -> Result<String, String> {
    if base_ref.starts_with('-') {
        return Err(format!("--new-only-since: \"{base_ref}\" is not a git ref"));
    }
    // a CI checkout is shallow and has one branch: say what is missing and how to get it
    let shallow = git_text(root, &["rev-parse", "--is-shallow-repository"])?.trim() == "true";
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
    let base = git_text(root, &["merge-base", base_ref, "HEAD"]).map_err(|e| {
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
    let base = base.trim().to_string();
    if base.is_empty() || !base.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "--new-only-since: git gave no merge-base for \"{base_ref}\""
        ));
    }
    Ok(base)
}

/// One file of the base tree.
struct BaseEntry {
    /// The path as git stores it (raw bytes, `/`-separated).
    path: Vec<u8>,
    oid: String,
}

/// The regular files and symlinks of a tree, by display path. Fails on any entry it cannot
/// read (fail closed: an entry misread is a file whose findings could be dropped).
fn base_tree(root: &Path, commit: &str) -> Result<HashMap<String, BaseEntry>, String> {
    let out = git(root, &["ls-tree", "-r", "-z", "--full-tree", commit])?;
    let mut files = HashMap::new();
    for record in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        // <mode> SP <type> SP <object> TAB <path>
        let bad = || {
            format!(
                "--new-only-since: cannot read git ls-tree output: {:?}",
                crate::paths::display_bytes(&record[..record.len().min(200)])
            )
        };
        let tab = record.iter().position(|&b| b == b'\t').ok_or_else(bad)?;
        let (meta, path) = (&record[..tab], &record[tab + 1..]);
        let meta = std::str::from_utf8(meta).map_err(|_| bad())?;
        let mut parts = meta.split(' ');
        let (Some(_mode), Some(kind), Some(oid), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if path.is_empty() || oid.is_empty() || !oid.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        if kind != "blob" {
            continue; // a submodule: its files are not in this repository's tree
        }
        files.insert(
            crate::paths::display_bytes(path),
            BaseEntry {
                path: path.to_vec(),
                oid: oid.to_string(),
            },
        );
    }
    Ok(files)
}

/// The contents of blobs by object id, through one `git cat-file --batch`.
fn blobs(root: &Path, oids: &[&str]) -> Result<HashMap<String, Vec<u8>>, String> {
    let mut out = HashMap::new();
    if oids.is_empty() {
        return Ok(out);
    }
    let mut child = crate::git::command(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot write to git cat-file")?;
    let request: String = oids.iter().map(|o| format!("{o}\n")).collect();
    let writer = std::thread::spawn(move || {
        let r = stdin.write_all(request.as_bytes());
        drop(stdin);
        r
    });
    let mut data = Vec::new();
    child
        .stdout
        .take()
        .ok_or("cannot read git cat-file")?
        .read_to_end(&mut data)
        .map_err(|e| format!("cannot read git cat-file: {e}"))?;
    let status = child
        .wait()
        .map_err(|e| format!("git cat-file failed: {e}"))?;
    let written = writer.join().map_err(|_| "git cat-file: writer failed")?;
    if !status.success() || written.is_err() {
        return Err("--new-only-since: git cat-file failed".into());
    }
    // <oid> SP <type> SP <size> LF <contents> LF, per object
    let mut at = 0;
    for oid in oids {
        let nl = data[at..]
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("--new-only-since: git cat-file output ended early")?;
        let header = std::str::from_utf8(&data[at..at + nl]).unwrap_or("");
        let mut h = header.split(' ');
        let (Some(got), Some(_), Some(size)) = (h.next(), h.next(), h.next()) else {
            return Err(format!(
                "--new-only-since: git cannot read object {oid}: {header}"
            ));
        };
        let size: usize = size
            .parse()
            .map_err(|_| format!("--new-only-since: git cannot read object {oid}: {header}"))?;
        let start = at + nl + 1;
        let end = start + size;
        if got != *oid || end > data.len() {
            return Err(format!(
                "--new-only-since: unexpected git cat-file output for {oid}"
            ));
        }
        out.insert((*oid).to_string(), data[start..end].to_vec());
        at = end + 1;
    }
    Ok(out)
}

/// The path of a tree entry in the work tree.
fn work_path(root: &Path, raw: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        root.join(std::ffi::OsStr::from_bytes(raw))
    }
    #[cfg(not(unix))]
    {
        root.join(String::from_utf8_lossy(raw).as_ref())
    }
}

/// What changed in `files` (display paths) since the merge-base of `base_ref` and HEAD,
/// the work tree included (uncommitted edits count). Every file asked for gets an entry.
pub fn changes_since<'a>(
    root: &Path,
    base_ref: &str,
    files: impl IntoIterator<Item = &'a str>,
) -> Result<Changes, String> {
    let base = merge_base(root, base_ref)?;
    let tree = base_tree(root, &base)?;
    let files: BTreeSet<&str> = files.into_iter().collect();
    let oids: Vec<&str> = files
        .iter()
        .filter_map(|f| tree.get(*f).map(|e| e.oid.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let blobs = blobs(root, &oids)?;
    let mut out = Changes::new();
    for file in files {
        let changed = match tree.get(file) {
            // not in the base: a new file counts whole
            None => None,
            Some(entry) => {
                let old = blobs.get(&entry.oid).map(Vec::as_slice).unwrap_or_default();
                // a file that cannot be read now counts whole, like one git cannot compare
                match std::fs::read(work_path(root, &entry.path)) {
                    Ok(new) => changed_lines(old, &new, MAX_DIFF_EDITS),
                    Err(_) => None,
                }
            }
        };
        out.insert(file.to_string(), changed);
    }
    Ok(out)
}

/// Keep only findings on changed lines (or in new files). Returns how many were dropped. A
/// finding in a file `changes` does not know is kept.
pub fn keep_changed(report: &mut Report, changes: &Changes) -> usize {
    let before = report.findings.len();
    report
        .findings
        .retain(|f| match changes.get(&f.location.file) {
            Some(Some(ranges)) => {
                let (a, b) = (
                    f.location.start.line,
                    f.location.end.line.max(f.location.start.line),
                );
                ranges.iter().any(|(s, e)| a <= *e && b >= *s)
            }
            Some(None) | None => true,
        });
    before - report.findings.len()
}

/// The 1-based line ranges of `new` that are not in `old` (a longest common subsequence of
/// lines, as git's default diff finds it; a trailing CR is not part of a line).
/// `None` when the edits exceed `max_edits`: the whole file counts as changed.
pub fn changed_lines(old: &[u8], new: &[u8], max_edits: usize) -> Option<Vec<(usize, usize)>> {
    fn lines(text: &[u8]) -> Vec<&[u8]> {
        if text.is_empty() {
            return Vec::new();
        }
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        text.split(|&b| b == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .collect()
    }
    let (a, b) = (lines(old), lines(new));
    // lines as numbers
    fn number<'t>(lines: &[&'t [u8]], ids: &mut HashMap<&'t [u8], u32>) -> Vec<u32> {
        lines
            .iter()
            .map(|l| {
                let n = ids.len() as u32;
                *ids.entry(*l).or_insert(n)
            })
            .collect()
    }
    let mut ids = HashMap::new();
    let a = number(&a, &mut ids);
    let b = number(&b, &mut ids);
    // the common head and tail cost nothing
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let matched = matched_lines(am, bm, max_edits)?;
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (i, m) in matched.iter().enumerate() {
        if *m {
            continue;
        }
        let line = head + i + 1;
        match ranges.last_mut() {
            Some((_, e)) if *e + 1 == line => *e = line,
            _ => ranges.push((line, line)),
        }
    }
    Some(ranges)
}

/// Myers' O((N+M)D) diff: for each line of `b`, whether it is part of the longest common
/// subsequence with `a`. `None` past `max_edits` edits.
fn matched_lines(a: &[u32], b: &[u32], max_edits: usize) -> Option<Vec<bool>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let mut matched = vec![false; b.len()];
    if n == 0 || m == 0 {
        return Some(matched);
    }
    let max_d = (a.len() + b.len()).min(max_edits) as isize;
    // v[k + off]: the furthest x on diagonal k; one snapshot of the live part per step
    let off = max_d + 1;
    let mut v = vec![0isize; (2 * off + 1) as usize];
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'outer: for d in 0..=max_d {
        trace.push(v[(off - d - 1) as usize..=(off + d + 1) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let down = k == -d || (k != d && v[(off + k - 1) as usize] < v[(off + k + 1) as usize]);
            let mut x = if down {
                v[(off + k + 1) as usize]
            } else {
                v[(off + k - 1) as usize] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[(off + k) as usize] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let found = found?;
    // walk back through the snapshots, marking the diagonals (matches)
    let (mut x, mut y) = (n, m);
    for d in (0..=found).rev() {
        let snap = &trace[d as usize];
        // snapshot index of diagonal k: k + d + 1
        let at = |k: isize| snap[(k + d + 1) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            matched[y as usize] = true;
        }
        if d == 0 {
            break;
        }
        x = prev_x;
        y = prev_y;
    }
    Some(matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(old: &str, new: &str) -> Option<Vec<(usize, usize)>> {
        changed_lines(old.as_bytes(), new.as_bytes(), MAX_DIFF_EDITS)
    }

    #[test]
    fn changed_ranges_of_the_new_side() {
        assert_eq!(ranges("a\nb\nc\n", "a\nb\nc\n"), Some(vec![]));
        assert_eq!(ranges("a\nb\nc\n", "a\nx\nb\nc\n"), Some(vec![(2, 2)]));
        assert_eq!(ranges("a\nb\nc\n", "a\nc\n"), Some(vec![]));
        assert_eq!(
            ranges("a\nb\nc\n", "a\nB\nc\nd\ne\n"),
            Some(vec![(2, 2), (4, 5)])
        );
        assert_eq!(ranges("", "a\nb\n"), Some(vec![(1, 2)]));
        assert_eq!(ranges("a\r\nb\r\n", "a\nb\n"), Some(vec![]));
        assert_eq!(
            // a swap keeps one of the two lines (deletions first, as git does)
            ranges("x\na\nb\nc\ny\n", "x\nb\na\nc\ny\nz\n"),
            Some(vec![(3, 3), (6, 6)])
        );
        // no final newline
        assert_eq!(ranges("a\nb", "a\nb\nc"), Some(vec![(3, 3)]));
    }

    #[test]
    fn too_many_edits_count_the_whole_file() {
        let old: String = (0..100).map(|i| format!("a{i}\n")).collect();
        let new: String = (0..100).map(|i| format!("b{i}\n")).collect();
        assert_eq!(changed_lines(old.as_bytes(), new.as_bytes(), 50), None);
        assert_eq!(
            changed_lines(old.as_bytes(), new.as_bytes(), 500),
            Some(vec![(1, 100)])
        );
    }

    #[test]
    fn matches_are_a_longest_common_subsequence() {
        // against a quadratic LCS on small random inputs
        let mut seed = 7u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 4) as u32
        };
        for _ in 0..300 {
            let a: Vec<u32> = (0..(next() * 3)).map(|_| next()).collect();
            let b: Vec<u32> = (0..(next() * 3 + 1)).map(|_| next()).collect();
            let got = matched_lines(&a, &b, 100).unwrap();
            let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for i in (0..a.len()).rev() {
                for j in (0..b.len()).rev() {
                    dp[i][j] = if a[i] == b[j] {
                        dp[i + 1][j + 1] + 1
                    } else {
                        dp[i + 1][j].max(dp[i][j + 1])
                    };
                }
            }
            assert_eq!(got.iter().filter(|m| **m).count(), dp[0][0], "{a:?} {b:?}");
            // and the matched lines of b, in order, are a subsequence of a
            let mut ai = a.iter();
            for (j, _) in got.iter().enumerate().filter(|(_, m)| **m) {
                assert!(ai.any(|x| *x == b[j]), "{a:?} {b:?} {got:?}");
            }
        }
    }
}
