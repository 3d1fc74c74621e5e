//! Compose files judged as `docker compose` runs them: a base merged with its override (and
//! an overlay with its base) before the service rules run, findings placed in the file that
//! wrote what they point at; `${VAR}` read from the `.env` beside the file; and the
//! `require-digest` option of compose/unpinned-image.

mod common;

use std::path::Path;

use plumb::config::Config;
use plumb::report::Report;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

/// (file, line, rule, service named in the message) of every finding.
fn seen(report: &Report) -> Vec<(String, usize, &'static str, String)> {
    report
        .findings
        .iter()
        .map(|f| {
            let svc = f.message.split('"').nth(1).unwrap_or_default().to_string();
            (f.location.file.clone(), f.location.start.line, f.rule, svc)
        })
        .collect()
}

fn has(report: &Report, file: &str, rule: &str, svc: &str) -> bool {
    seen(report)
        .iter()
        .any(|(f, _, r, s)| f == file && *r == rule && s == svc)
}

const BASE: &str = "services:
  web:
    image: nginx:1.27.0
    ports:
      - \"8080:80\"
  db:
    image: postgres:16.4
";

const OVERRIDE: &str = "services:
  web:
    restart: always
    healthcheck:
      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]
    privileged: true
    ports:
      - \"8080:8080\"
  debug:
    image: busybox:1.36
";

#[test]
fn an_override_completes_its_base() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "compose.yaml", BASE);
    write(dir.path(), "compose.override.yaml", OVERRIDE);
    let report = common::check(dir.path(), &[dir.path().to_path_buf()], &["compose/*"]);
    // the override gives web its healthcheck and restart policy
    for rule in [
        "compose/missing-healthcheck",
        "compose/missing-restart-policy",
    ] {
        assert!(
            !seen(&report)
                .iter()
                .any(|(_, _, r, s)| *r == rule && s == "web"),
            "{rule} on web: {:#?}",
            seen(&report)
        );
    }
    // db has neither, in either file: reported once, on the base
    assert!(has(
        &report,
        "compose.yaml",
        "compose/missing-healthcheck",
        "db"
    ));
    assert!(!has(
        &report,
        "compose.override.yaml",
        "compose/missing-healthcheck",
        "db"
    ));
    // what the override writes is reported there, at its line
    let privileged = report
        .findings
        .iter()
        .find(|f| f.rule == "compose/privileged")
        .expect("privileged");
    assert_eq!(
        (
            privileged.location.file.as_str(),
            privileged.location.start.line
        ),
        ("compose.override.yaml", 6)
    );
    // a service only the override defines is judged there
    assert!(has(
        &report,
        "compose.override.yaml",
        "compose/missing-healthcheck",
        "debug"
    ));
    // ports from both files clash once merged
    let dup = report
        .findings
        .iter()
        .find(|f| f.rule == "compose/duplicate-container-name")
        .expect("the merged ports clash");
    assert_eq!(dup.location.file, "compose.override.yaml");
    assert!(
        dup.related
            .iter()
            .any(|r| r.location.file == "compose.yaml" && r.location.start.line == 5),
        "{:?}",
        dup.related
    );
}

#[test]
fn a_base_checked_alone_is_still_merged_with_its_override() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", BASE);
    write(dir.path(), "docker-compose.override.yml", OVERRIDE);
    let report = common::check(
        dir.path(),
        &[dir.path().join("docker-compose.yml")],
        &["compose/missing-healthcheck"],
    );
    let got = seen(&report);
    assert!(
        got.iter().all(|(f, ..)| f == "docker-compose.yml"),
        "only the named file is reported: {got:#?}"
    );
    assert!(has(
        &report,
        "docker-compose.yml",
        "compose/missing-healthcheck",
        "db"
    ));
    assert!(!has(
        &report,
        "docker-compose.yml",
        "compose/missing-healthcheck",
        "web"
    ));
}

#[test]
fn an_overlay_is_merged_with_its_base_and_a_standalone_file_is_not() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "docker-compose.yml", BASE);
    // a partial file: web has no image of its own
    write(
        dir.path(),
        "docker-compose.prod.yml",
        "services:\n  web:\n    restart: always\n",
    );
    // a file of its own that happens to share a service name
    write(
        dir.path(),
        "docker-compose.ci.yml",
        "services:\n  db:\n    image: postgres:16.4\n",
    );
    let report = common::check(
        dir.path(),
        &[dir.path().to_path_buf()],
        &[
            "compose/missing-restart-policy",
            "compose/missing-healthcheck",
        ],
    );
    // the overlay's web is the base's web: judged on the base
    assert!(
        !seen(&report)
            .iter()
            .any(|(f, ..)| f == "docker-compose.prod.yml")
    );
    // the standalone file is judged alone
    assert!(has(
        &report,
        "docker-compose.ci.yml",
        "compose/missing-healthcheck",
        "db"
    ));
}

#[test]
fn dotenv_values_fill_in_images_ports_and_mounts() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  db:\n    image: \"postgres:${PG_TAG}\"\n    ports:\n      - \"${DB_PORT}:5432\"\n    volumes:\n      - \"${HOST}:/host\"\n",
    );
    write(
        dir.path(),
        ".env",
        "PG_TAG=latest\nDB_PORT=5432\nHOST=/etc\n",
    );
    let report = common::check(
        dir.path(),
        &[dir.path().to_path_buf()],
        &[
            "compose/unpinned-image",
            "compose/exposed-datastore-port",
            "compose/sensitive-host-mount",
        ],
    );
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        vec![
            "compose/unpinned-image",
            "compose/exposed-datastore-port",
            "compose/sensitive-host-mount"
        ],
        "{:#?}",
        seen(&report)
    );
}

#[test]
fn require_digest_reports_tags_without_a_digest() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  a:\n    image: redis:7.2.5\n  b:\n    image: redis:7.2.5@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
    );
    let off = common::check(
        dir.path(),
        &[dir.path().to_path_buf()],
        &["compose/unpinned-image"],
    );
    assert!(off.findings.is_empty());
    let config = Config::parse(
        &dir.path().join(".plumb.yml"),
        "select: [compose/unpinned-image]\nrules:\n  compose/unpinned-image:\n    require-digest: true\n",
    )
    .expect("config");
    let on = common::check_with(dir.path(), &[dir.path().to_path_buf()], config);
    let lines: Vec<usize> = on.findings.iter().map(|f| f.location.start.line).collect();
    assert_eq!(lines, vec![3], "{:#?}", seen(&on));
    assert!(on.findings[0].message.contains("without a digest"));
}
