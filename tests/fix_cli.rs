//! `plumb check --fix`, `--unsafe-fixes` and `--diff` through the binary, and fixes in the
//! JSON and SARIF outputs.

use std::path::Path;
use std::process::{Command, Output};

const DOCKERFILE: &str =
    "FROM python:3.12-slim\nRUN pip install flask\nUSER app\nCMD gunicorn app:app\n";

fn plumb(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args([
            "check",
            "--select",
            "docker/pip-no-cache,docker/shell-form-entrypoint",
        ])
        .args(args)
        .output()
        .expect("run plumb")
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("git");
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).expect("write");
    dir
}

fn read(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("Dockerfile")).expect("read")
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = project();
    let out = plumb(dir.path(), &["--diff"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,4 +1,4 @@\n FROM python:3.12-slim\n-RUN pip install flask\n+RUN pip install --no-cache-dir flask\n USER app\n CMD gunicorn app:app\n"
    );
    assert_eq!(read(dir.path()), DOCKERFILE);
    let out = plumb(dir.path(), &["--diff", "--unsafe-fixes"]);
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("+CMD [\"gunicorn\", \"app:app\"]"), "{diff}");
    assert_eq!(read(dir.path()), DOCKERFILE);
}

#[test]
fn fix_writes_safe_fixes_and_reports_what_is_left() {
    let dir = project();
    let out = plumb(dir.path(), &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("1 fixable with `plumb check --fix` (1 more with --unsafe-fixes)"),
        "{text}"
    );
    let out = plumb(dir.path(), &["--fix"]);
    // the shell-form CMD is left: its fix is unsafe
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("applied 1 fixes in 1 files"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("docker/shell-form-entrypoint"), "{text}");
    assert!(!text.contains("docker/pip-no-cache"), "{text}");
    assert_eq!(
        read(dir.path()),
        DOCKERFILE.replace("pip install", "pip install --no-cache-dir")
    );
    let out = plumb(dir.path(), &["--unsafe-fixes"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        read(dir.path()),
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nUSER app\nCMD [\"gunicorn\", \"app:app\"]\n"
    );
    // nothing left to fix: --diff exits 0 with no output
    let out = plumb(dir.path(), &["--diff", "--unsafe-fixes"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn fixes_in_json_and_sarif() {
    let dir = project();
    let out = plumb(dir.path(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let pip = v["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule"] == "docker/pip-no-cache"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(pip["fix"]["title"], "add --no-cache-dir");
    assert_eq!(pip["fix"]["applicability"], "safe");
    let e = &pip["fix"]["edits"][0];
    assert_eq!(e["text"], " --no-cache-dir");
    assert_eq!(e["start"], e["end"]);
    assert_eq!(e["start"]["line"], 2);
    assert_eq!(e["start"]["column"], 16);
    let out = plumb(dir.path(), &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let results = v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "docker/pip-no-cache")
        .cloned()
        .unwrap_or_default();
    let fix = &r["fixes"][0];
    assert_eq!(fix["description"]["text"], "add --no-cache-dir");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "Dockerfile");
    assert_eq!(
        change["replacements"][0]["deletedRegion"],
        serde_json::json!({"startLine": 2, "startColumn": 16, "endLine": 2, "endColumn": 16})
    );
    assert_eq!(
        change["replacements"][0]["insertedContent"]["text"],
        " --no-cache-dir"
    );
}

#[test]
fn standard_input_is_never_written() {
    let dir = project();
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(dir.path())
        .args(["check", "--fix", "-", "--stdin-filename", "Dockerfile"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--diff"));
}

/// A diff shows whole lines: a token on a fixed line is masked, even with no secrets rule
/// selected.
#[test]
fn a_diff_never_shows_a_secret() {
    let dir = project();
    let token = format!(
        "ghp_{}",
        "a1B2c3D4e5F6g7H8i9J0".repeat(2).get(..36).unwrap_or("")
    );
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM python:3.12-slim\nRUN GITHUB_TOKEN={token} pip install flask\nUSER app\n"),
    )
    .expect("write");
    let out = plumb(dir.path(), &["--diff"]);
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("+RUN GITHUB_TOKEN=gh"), "{diff}");
    assert!(diff.contains("pip install --no-cache-dir flask"), "{diff}");
    assert!(!diff.contains(&token), "{diff}");
}

/// A fix never edits text other places share: an anchored `condition` merged into several
/// services (as in getsentry/self-hosted) or an aliased container is left alone, since
/// changing it would change every service or container that uses it.
#[test]
fn shared_yaml_is_never_edited() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join(".git")).expect("git");
    let compose = "x-default: &default\n  condition: service_started\nservices:\n  web:\n    image: ghcr.io/acme/web:1.0.0\n    depends_on:\n      db:\n        <<: *default\n      smtp:\n        <<: *default\n  db:\n    image: postgres:16.4\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n  smtp:\n    image: ghcr.io/acme/smtp:1.0.0\n";
    std::fs::write(dir.path().join("compose.yaml"), compose).expect("write");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - &app\n      name: app\n      image: example/app:1.0.0\n";
    std::fs::write(dir.path().join("pod.yaml"), pod).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(dir.path())
        .args([
            "check",
            "--select",
            "compose/depends-on-not-healthy,k8s/read-only-root-fs",
            "--diff",
            "--unsafe-fixes",
        ])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
    // the findings are there, without a fix
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(dir.path())
        .args([
            "check",
            "--select",
            "compose/depends-on-not-healthy,k8s/read-only-root-fs",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let found: Vec<(String, bool)> = v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap_or("").to_string(),
                        f["fix"].is_null(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        found,
        vec![
            ("compose/depends-on-not-healthy".to_string(), true),
            ("k8s/read-only-root-fs".to_string(), true)
        ]
    );
}
