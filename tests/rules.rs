//! Fixture in, findings out. Every rule has `fixtures/<prefix>/<slug>/bad*` and `good*` (a
//! file or a directory). Each line of a bad fixture that must produce a finding carries
//! `# expect: <rule-id>[, <rule-id>]` (or `# expect-next-line: ...` on the comment line
//! above, for formats where a trailing comment would change the line's meaning). The test
//! asserts the rule's findings are exactly the marked lines, and none on the good fixture,
//! and compares the rendered findings of the bad fixture (rule, line:column, message,
//! related locations) with a reviewed snapshot, `tests/snapshots/rules__<kind>__<slug>.snap`,
//! so a message change shows as a diff.
//!
//! One test per rule: `cargo test --test rules -- docker/non-root-user` runs one rule's
//! fixtures alone.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use plumb::api::Rule;
use plumb::report::Report;
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
                // JSON has no comments: `"//": "expect: <id>"` (Terraform's comment member)
                let before = before.trim_end();
                if !(before.ends_with('#') || before.ends_with("//") || json_comment(before)) {
                    continue;
                }
                let ids = line[at + marker.len()..]
                    .split(['#', '"'])
                    .next()
                    .unwrap_or("");
                if ids.split(',').any(|id| id.trim() == rule) {
                    out.insert((rel.clone(), target));
                }
                break;
            }
        }
    }
    out
}

/// Whether a marker follows `"//": "`, a JSON file's comment member.
fn json_comment(before: &str) -> bool {
    before
        .strip_suffix('"')
        .and_then(|b| b.trim_end().strip_suffix(':'))
        .is_some_and(|b| b.trim_end().ends_with("\"//\""))
}

/// The findings of `rule` in a report, rendered for a snapshot.
fn render(report: &Report, rule: &str) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.rule == rule) {
        let _ = writeln!(
            out,
            "{}:{}:{} {} [{}] {}",
            f.location.file,
            f.location.start.line,
            f.location.start.column,
            f.rule,
            f.severity.name(),
            f.message
        );
        for r in &f.related {
            let _ = writeln!(
                out,
                "    related {}:{}:{} {}",
                r.location.file, r.location.start.line, r.location.start.column, r.label
            );
        }
    }
    out
}

fn check_rule(rule: &'static Rule) -> Result<(), Failed> {
    let root = common::manifest_dir();
    let (prefix, slug) = rule.id.split_once('/').expect("id has a slash");
    let dir = root.join("fixtures").join(prefix).join(slug);
    let bad = fixture_inputs(&dir, "bad");
    let good = fixture_inputs(&dir, "good");
    if bad.is_empty() || good.is_empty() {
        return Err(format!("missing bad or good fixture in {}", dir.display()).into());
    }
    let mut failures = Vec::new();
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
        failures.push(format!("bad fixture has no `# expect: {}` marker", rule.id));
    }
    if got != want {
        failures.push(format!(
            "bad fixture\n  expected: {want:?}\n  got:      {got:?}\n  all:\n{}",
            render(&report, rule.id)
        ));
    }
    if rule.id != "plumb/parse-error" {
        if let Some(pe) = report
            .findings
            .iter()
            .find(|f| f.rule == "plumb/parse-error")
        {
            failures.push(format!(
                "bad fixture does not parse: {} {}:{}",
                pe.message, pe.location.file, pe.location.start.line
            ));
        }
    }
    let snapshot = render(&report, rule.id);
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
        failures.push(format!("good fixture produced {noise:#?}"));
    }
    if !failures.is_empty() {
        return Err(failures.join("\n\n").into());
    }
    let name = rule.id.replace('/', "__");
    let settings = insta::Settings::clone_current();
    let mut settings = settings;
    settings.set_snapshot_path(root.join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(format!("findings of {} on its bad fixture", rule.id));
    settings
        .bind(|| {
            std::panic::catch_unwind(|| insta::assert_snapshot!(format!("rules__{name}"), snapshot))
        })
        .map_err(|_| {
            Failed::from(format!(
                "snapshot of {} differs (cargo insta review)",
                rule.id
            ))
        })
}

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = REGISTRY
        .iter()
        .map(|rule| Trial::test(rule.id, move || check_rule(rule)))
        .collect();
    trials.push(Trial::test(
        "every fixture folder belongs to a rule",
        || {
            let root = common::manifest_dir().join("fixtures");
            let mut orphans = Vec::new();
            for kind in std::fs::read_dir(&root).expect("fixtures").flatten() {
                if !kind.path().is_dir() {
                    continue;
                }
                for f in std::fs::read_dir(kind.path()).expect("kind").flatten() {
                    let id = format!(
                        "{}/{}",
                        kind.file_name().to_string_lossy(),
                        f.file_name().to_string_lossy()
                    );
                    let known = REGISTRY.iter().any(|r| r.id == id);
                    let shared = matches!(
                        kind.file_name().to_str(),
                        Some("mixed" | "hostile" | "rendered" | "examples")
                    );
                    if !known && !shared && f.path().is_dir() {
                        orphans.push(id.clone());
                    }
                    // `bad-x` or `good_x` is never picked up: only `bad`, `bad.*`
                    if known {
                        for e in std::fs::read_dir(f.path()).expect("rule").flatten() {
                            let name = e.file_name().to_string_lossy().into_owned();
                            let skipped = ["bad", "good", "fix"].iter().any(|stem| {
                                name.strip_prefix(stem)
                                    .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('.'))
                            });
                            if skipped {
                                orphans.push(format!("{id}/{name} (name it bad.* or good.*)"));
                            }
                        }
                    }
                }
            }
            if orphans.is_empty() {
                Ok(())
            } else {
                Err(format!("fixture folders without a rule: {orphans:?}").into())
            }
        },
    ));
    libtest_mimic::run(&args, trials).exit();
}
