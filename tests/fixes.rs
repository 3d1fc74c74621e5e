//! Fix in, fixed text out. A rule whose findings carry fixes has a fix fixture next to its
//! bad and good ones, `fixtures/<kind>/<slug>/fix*` (a file, or a directory for rules that
//! read several files), in which every finding of the rule has a fix. The test checks it with
//! that rule alone, applies every fix (unsafe ones too) in rounds as `plumb check
//! --unsafe-fixes` does, compares the fixed text with a reviewed snapshot
//! (`tests/snapshots/fixes__<kind>__<slug>.snap`), and checks the fixed text again: no
//! finding of the rule may be left. A rule with a fix on its bad fixture and no fix fixture
//! fails, so a new fix cannot land untested.
//!
//! `cargo test --test fixes -- docker/pip-no-cache` runs one rule's fix test.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use plumb::api::{Applicability, Rule};
use plumb::engine::{self, CheckOptions};
use plumb::rules::REGISTRY;

fn options(root: &Path, paths: Vec<PathBuf>, select: &str) -> CheckOptions {
    let config = common::fixture_config(&[select]);
    CheckOptions {
        paths,
        stdin: None,
        config,
        root: root.to_path_buf(),
        no_ignore: true,
        exclude: Vec::new(),
        max_file_size: 10 * 1024 * 1024,
        no_inline_ignores: false,
        config_file: None,
    }
}

fn inputs(dir: &Path, stem: &str) -> Vec<PathBuf> {
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

fn check_fix(rule: &'static Rule, fix: Vec<PathBuf>) -> Result<(), Failed> {
    let root = common::manifest_dir();
    let opts = options(&root, fix, rule.id);
    let before = engine::check(&opts);
    let mine: Vec<_> = before
        .findings
        .iter()
        .filter(|f| f.rule == rule.id)
        .collect();
    if mine.is_empty() {
        return Err("the fix fixture has no finding of the rule".into());
    }
    if let Some(f) = mine.iter().find(|f| f.fix.is_none()) {
        return Err(format!(
            "every finding of a fix fixture must have a fix; this one has none: {}:{} {}",
            f.location.file, f.location.start.line, f.message
        )
        .into());
    }
    let mut snapshot = String::new();
    for f in &mine {
        let fix = f.fix.as_ref().expect("checked above");
        let _ = writeln!(
            snapshot,
            "# {}:{} [{}] {}",
            f.location.file,
            f.location.start.line,
            fix.applicability.name(),
            fix.title
        );
    }
    let outcome = engine::fix::fix(&opts, Applicability::Unsafe);
    for file in &outcome.files {
        let _ = write!(snapshot, "\n--- {}\n{}", file.rel, file.after);
    }
    let left: Vec<String> = outcome
        .report
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
    if !left.is_empty() {
        return Err(format!(
            "findings left after fixing:\n{}\n{snapshot}",
            left.join("\n")
        )
        .into());
    }
    let name = rule.id.replace('/', "__");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root.join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(format!("{} fixed by its own fixes", rule.id));
    settings
        .bind(|| {
            std::panic::catch_unwind(|| insta::assert_snapshot!(format!("fixes__{name}"), snapshot))
        })
        .map_err(|_| {
            Failed::from(format!(
                "fixed text of {} differs (cargo insta review)",
                rule.id
            ))
        })
}

/// A rule without a fix fixture: its bad fixture must offer no fix.
fn check_no_fix(rule: &'static Rule, bad: Vec<PathBuf>) -> Result<(), Failed> {
    let root = common::manifest_dir();
    let report = engine::check(&options(&root, bad, rule.id));
    match report
        .findings
        .iter()
        .find(|f| f.rule == rule.id && f.fix.is_some())
    {
        Some(f) => Err(format!(
            "{} offers a fix ({}:{}) but has no fix fixture: add fixtures/{}/fix*",
            rule.id, f.location.file, f.location.start.line, rule.id
        )
        .into()),
        None => Ok(()),
    }
}

fn main() {
    let args = Arguments::from_args();
    let root = common::manifest_dir();
    let trials: Vec<Trial> = REGISTRY
        .iter()
        .map(|rule| {
            let dir = root.join("fixtures").join(rule.id);
            let fix = inputs(&dir, "fix");
            let bad = inputs(&dir, "bad");
            Trial::test(rule.id, move || {
                if fix.is_empty() {
                    check_no_fix(rule, bad)
                } else {
                    check_fix(rule, fix)
                }
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
