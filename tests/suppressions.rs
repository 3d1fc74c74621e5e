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

/// Issue 22, item 4: `ignore-file[*]` (or `[all]`, or a glob matching every rule) silenced
/// every finding of a file without a trace. It is refused now: nothing is suppressed, the
/// findings stand, and `plumb/blanket-suppression` says why. Findings a named suppression
/// silences are counted in the summary and kept in the report.
#[test]
fn issue_22_item_4_a_file_wide_suppression_of_everything_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    for pattern in ["*", "all", "*/*", "**", "*, docker/sudo"] {
        write(
            dir.path(),
            "Dockerfile",
            &format!(
                "# plumb: ignore-file[{pattern}] -- hide everything\nFROM alpine:3.20\nUSER app\nRUN sudo apk add curl\n"
            ),
        );
        let report = common::check(dir.path(), &[dir.path().join("Dockerfile")], &[]);
        let found = ids(&report);
        assert!(
            found.contains(&("plumb/blanket-suppression", 1)),
            "{pattern}: {found:?}"
        );
        if pattern.contains("docker/sudo") {
            // the named rule in the same comment is honoured, and counted
            assert_eq!(report.suppressed.len(), 1, "{pattern}");
            assert!(report.summary_line().contains(", 1 suppressed"));
        } else {
            assert!(found.contains(&("docker/sudo", 4)), "{pattern}: {found:?}");
            assert!(report.suppressed.is_empty(), "{pattern}");
        }
    }
    // the same through the binary: exit 1, and the refusal in every format
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(dir.path())
        .args(["check", "--format", "json", "Dockerfile"])
        .output()
        .expect("run plumb");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["rule"].as_str()).collect())
        .unwrap_or_default();
    assert!(rules.contains(&"plumb/blanket-suppression"), "{rules:?}");
}

/// The audit trail: suppressed findings are in JSON (with the reason) and SARIF (with
/// `suppressions`), counted in the summary, never in human output or the exit code;
/// `--no-ignores` reports them as if no comment existed.
#[test]
fn suppressed_findings_are_kept_for_the_audit_trail() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("git");
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nUSER app\n# plumb: ignore[docker/sudo] until=2999-01-31 -- the base image needs it\nRUN sudo apk add curl\n",
    );
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_plumb"))
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .args(["check", "--select", "docker/sudo"])
            .args(args)
            .output()
            .expect("run plumb")
    };
    let human = run(&[]);
    assert_eq!(human.status.code(), Some(0));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(!text.contains("docker/sudo"), "{text}");
    assert!(
        text.contains("no findings (1 file scanned, 1 suppressed)"),
        "{text}"
    );

    let json = run(&["--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["summary"]["suppressed"], 1);
    let s = &v["suppressed"][0];
    assert_eq!(s["rule"], "docker/sudo");
    assert_eq!(s["start"]["line"], 4);
    assert_eq!(s["suppression"]["kind"], "inSource");
    assert_eq!(s["suppression"]["reason"], "the base image needs it");
    assert_eq!(s["suppression"]["until"], "2999-01-31");
    assert_eq!(s["suppression"]["start"]["line"], 3);

    let sarif = run(&["--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("sarif");
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "docker/sudo");
    let sup = &r["suppressions"][0];
    assert_eq!(sup["kind"], "inSource");
    assert_eq!(sup["justification"], "the base image needs it");
    assert_eq!(
        sup["location"]["physicalLocation"]["region"]["startLine"],
        3
    );

    // --no-ignores: as if the comment were not there
    let audit = run(&["--no-ignores", "--format", "json"]);
    assert_eq!(audit.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&audit.stdout).expect("json");
    assert_eq!(v["findings"][0]["rule"], "docker/sudo");
    assert_eq!(v["suppressed"], serde_json::json!([]));
}

/// An expired suppression suppresses nothing: the finding comes back, pointing at the
/// comment, and `plumb/expired-suppression` points at the date.
#[test]
fn an_expired_suppression_brings_the_finding_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nUSER app\n# plumb: ignore[docker/sudo] until=2020-01-31 -- until the next base image\nRUN sudo apk add curl\n",
    );
    let report = common::check(
        dir.path(),
        &[dir.path().join("Dockerfile")],
        &["docker/sudo", "plumb/expired-suppression"],
    );
    let found = ids(&report);
    assert_eq!(
        found,
        vec![("plumb/expired-suppression", 3), ("docker/sudo", 4)],
        "{found:?}"
    );
    let sudo = &report.findings[1];
    assert_eq!(
        sudo.related[0].label,
        "the suppression that expired on 2020-01-31"
    );
    assert!(report.suppressed.is_empty());
}

/// JSON has no comments: in a `*.tf.json` file a `"//"` member (Terraform's comment
/// convention) holds the directive; the same text under another key suppresses nothing.
#[test]
fn a_comment_member_suppresses_in_terraform_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tf = |note: &str| {
        format!(
            "{{\n  \"resource\": {{\n    \"aws_db_instance\": {{\n      \"d\": {{\n        {note}\n        \"publicly_accessible\": true\n      }}\n    }}\n  }}\n}}\n"
        )
    };
    let run = |text: &str| {
        write(dir.path(), "main.tf.json", text);
        common::check(
            dir.path(),
            &[dir.path().to_path_buf()],
            &["tf/public-access"],
        )
    };
    let report = run(&tf(
        "\"description\": \"plumb: ignore[tf/public-access] -- not a comment\",",
    ));
    assert_eq!(ids(&report), [("tf/public-access", 6)]);
    let report = run(&tf(
        "\"//\": \"plumb: ignore[tf/public-access] -- a demo database\",",
    ));
    assert!(report.findings.is_empty(), "{:?}", ids(&report));
    assert_eq!(report.suppressed.len(), 1);
}
