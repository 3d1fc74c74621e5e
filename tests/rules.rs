//! Fixture in, findings out. Every rule has `fixtures/<prefix>/<slug>/bad*` and `good*` (a
//! file or a directory). Each line of a bad fixture that must produce a finding carries
//! `# expect: <rule-id>[, <rule-id>]` (or `# expect-next-line: ...` on the comment line
//! above, for formats where a trailing comment would change the line's meaning). The test
//! asserts the rule's findings are exactly the marked lines, and none on the good fixture.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use plumb::rules::REGISTRY;

fn fixture_inputs(dir: &Path, stem: &str) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name == stem || name.starts_with(&format!("{stem}."))
        })
        .collect();
    out.sort();
    out
}

fn files_under(p: &Path) -> Vec<PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    let mut out = Vec::new();
    for e in walk(p) {
        out.push(e);
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// (file relative to the repo root, 1-based line) pairs marked for `rule`.
fn expected(files: &[PathBuf], root: &Path, rule: &str) -> BTreeSet<(String, usize)> {
    let mut out = BTreeSet::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let rel = f
            .strip_prefix(root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            for (marker, target) in [("expect-next-line:", i + 2), ("expect:", i + 1)] {
                let Some(at) = line.find(marker) else {
                    continue;
                };
                let before = &line[..at];
                if !(before.trim_end().ends_with('#') || before.trim_end().ends_with("//")) {
                    continue;
                }
                let ids = line[at + marker.len()..].split(['#']).next().unwrap_or("");
                if ids.split(',').any(|id| id.trim() == rule) {
                    out.insert((rel.clone(), target));
                }
                break;
            }
        }
    }
    out
}

#[test]
fn every_rule_fixture_matches_its_markers() {
    let root = common::manifest_dir();
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in REGISTRY {
        let (prefix, slug) = rule.id.split_once('/').expect("id has a slash");
        let dir = root.join("fixtures").join(prefix).join(slug);
        let bad = fixture_inputs(&dir, "bad");
        let good = fixture_inputs(&dir, "good");
        if bad.is_empty() || good.is_empty() {
            failures.push(format!(
                "{}: missing bad or good fixture in {}",
                rule.id,
                dir.display()
            ));
            continue;
        }
        // bad: exactly the marked lines
        let report = common::check(&root, &bad, &["all"]);
        let got: BTreeSet<(String, usize)> = report
            .findings
            .iter()
            .filter(|f| f.rule == rule.id)
            .map(|f| (f.location.file.clone(), f.location.start.line))
            .collect();
        let bad_files: Vec<PathBuf> = bad.iter().flat_map(|b| files_under(b)).collect();
        let want = expected(&bad_files, &root, rule.id);
        if want.is_empty() {
            failures.push(format!(
                "{}: bad fixture has no `# expect: {}` marker",
                rule.id, rule.id
            ));
        }
        if got != want {
            failures.push(format!(
                "{}: bad fixture\n  expected: {want:?}\n  got:      {got:?}\n  all: {:#?}",
                rule.id,
                report
                    .findings
                    .iter()
                    .map(|f| format!(
                        "{}:{}:{} {} {}",
                        f.location.file,
                        f.location.start.line,
                        f.location.start.column,
                        f.rule,
                        f.message
                    ))
                    .collect::<Vec<_>>()
            ));
        }
        if rule.id != "plumb/parse-error" {
            if let Some(pe) = report
                .findings
                .iter()
                .find(|f| f.rule == "plumb/parse-error")
            {
                failures.push(format!(
                    "{}: bad fixture does not parse: {} {}:{}",
                    rule.id, pe.message, pe.location.file, pe.location.start.line
                ));
            }
        }
        // good: nothing from this rule, and it parses
        let report = common::check(&root, &good, &["all"]);
        let noise: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.rule == rule.id || f.rule == "plumb/parse-error")
            .map(|f| {
                format!(
                    "{}:{} {} {}",
                    f.location.file, f.location.start.line, f.rule, f.message
                )
            })
            .collect();
        if !noise.is_empty() {
            failures.push(format!("{}: good fixture produced {noise:#?}", rule.id));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(checked, REGISTRY.len());
}
