//! Suppressions end to end: only comments suppress, suppressing one rule never removes
//! another rule's finding, and `plumb/parse-error` can be neither suppressed nor ignored.

mod common;

use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn ids(report: &plumb::report::Report) -> Vec<(&'static str, usize)> {
    report
        .findings
        .iter()
        .map(|f| (f.rule, f.location.start.line))
        .collect()
}

/// A pull request cannot hide its findings with a directive inside a string: only a comment
/// suppresses.
#[test]
fn a_directive_inside_a_string_suppresses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wf = "on: pull_request_target\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'echo \"# plumb: ignore-file[gha/*] -- x\"'\n      - run: echo \"${{ github.event.pull_request.title }}\"\n";
    write(dir.path(), ".github/workflows/ci.yml", wf);
    let report = common::check(
        dir.path(),
        &[dir.path().to_path_buf()],
        &["gha/template-injection"],
    );
    assert!(
        ids(&report).contains(&("gha/template-injection", 7)),
        "{:?}",
        ids(&report)
    );
    assert!(report.suppressed.is_empty());

    // the same directive as a YAML comment, and as a shell comment of the script, suppresses
    for (line, reason) in [
        ("# plumb: ignore-file[gha/*] -- reviewed", "reviewed"),
        (
            "      # plumb: ignore-file[gha/*] -- in the workflow",
            "in the workflow",
        ),
    ] {
        write(
            dir.path(),
            ".github/workflows/ci.yml",
            &format!("{wf}{line}\n"),
        );
        let report = common::check(
            dir.path(),
            &[dir.path().to_path_buf()],
            &["gha/template-injection"],
        );
        assert!(report.findings.is_empty(), "{:?}", ids(&report));
        assert_eq!(report.suppressed.len(), 1);
        assert_eq!(report.suppressed[0].reason, reason);
    }
    let script_comment = "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          curl -k https://example.com # plumb: ignore[gha/tls-verification-disabled] -- test host\n          curl -k https://example.org\n";
    write(dir.path(), ".github/workflows/ci.yml", script_comment);
    let report = common::check(
        dir.path(),
        &[dir.path().to_path_buf()],
        &["gha/tls-verification-disabled"],
    );
    assert_eq!(
        ids(&report),
        vec![("gha/tls-verification-disabled", 8)],
        "the shell comment suppresses its own line only"
    );
}

/// Suppressing a structured secret rule on a line holding a real token leaves the raw-text
/// token finding, which nobody suppressed.
#[test]
fn suppressing_one_rule_never_removes_another_rules_finding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = format!("ghp_{}", "Ab1".repeat(12));
    let compose = |suppress: &str| {
        format!(
            "services:\n  app:\n    image: app:1.0.0\n    environment:\n      GITHUB_TOKEN: {token}{suppress}\n"
        )
    };
    let rules = &["compose/plaintext-secret", "secrets/hardcoded-token"];
    write(dir.path(), "docker-compose.yml", &compose(""));
    let report = common::check(dir.path(), &[dir.path().to_path_buf()], rules);
    // reported once, by the structured rule
    assert_eq!(ids(&report), vec![("compose/plaintext-secret", 5)]);

    write(
        dir.path(),
        "docker-compose.yml",
        &compose(" # plumb: ignore[compose/plaintext-secret] -- rotated"),
    );
    let report = common::check(dir.path(), &[dir.path().to_path_buf()], rules);
    assert_eq!(ids(&report), vec![("secrets/hardcoded-token", 5)]);
    assert_eq!(report.suppressed.len(), 1);
    assert_eq!(
        report.suppressed[0].finding.rule,
        "compose/plaintext-secret"
    );
    assert_eq!(report.suppressed[0].directive.start.line, 5);
}

#[test]
fn parse_errors_cannot_be_suppressed_or_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "docker-compose.yml",
        "# plumb: ignore-file[*] -- hide it all\nservices: [\n",
    );
    let report = common::check(dir.path(), &[dir.path().to_path_buf()], &["all"]);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "plumb/parse-error"),
        "{:?}",
        ids(&report)
    );

    let plumb = env!("CARGO_BIN_EXE_plumb");
    let out = Command::new(plumb)
        .args(["check", "--no-config", "--ignore", "plumb/parse-error"])
        .arg(dir.path())
        .output()
        .expect("run plumb");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot be ignored"), "{err}");

    write(dir.path(), ".plumb.yml", "ignore: [plumb/parse-error]\n");
    let out = Command::new(plumb)
        .args(["check", "--config"])
        .arg(dir.path().join(".plumb.yml"))
        .arg(dir.path())
        .output()
        .expect("run plumb");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(".plumb.yml:1:10") && err.contains("cannot be ignored"),
        "{err}"
    );
}
