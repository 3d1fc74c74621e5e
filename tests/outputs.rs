//! Every output format on one mixed fixture (one file of each kind), as reviewed snapshots,
//! plus the SARIF checks GitHub code scanning needs.

use std::process::Command;

fn run(format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "fixtures/mixed",
            "--no-config",
            "--select",
            "all",
            "--color",
            "never",
            "--format",
            format,
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn human() {
    insta::assert_snapshot!("human", run("human"));
}

#[test]
fn json() {
    insta::assert_snapshot!("json", run("json"));
}

#[test]
fn sarif() {
    let text = run("sarif");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            uri.starts_with("fixtures/mixed/"),
            "uri relative to the repository root: {uri}"
        );
        assert!(r["partialFingerprints"]["plumb/v1"].is_string());
        assert!(
            r["partialFingerprints"]
                .get("primaryLocationLineHash")
                .is_none()
        );
    }
    insta::assert_snapshot!("sarif", text);
}

#[test]
fn github() {
    insta::assert_snapshot!("github", run("github"));
}

#[test]
fn gitlab() {
    insta::assert_snapshot!("gitlab", run("gitlab"));
}
