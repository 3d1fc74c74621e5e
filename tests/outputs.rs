//! Every output format on one mixed fixture (one file of each kind), as reviewed snapshots,
//! plus the SARIF checks GitHub code scanning needs.

use std::process::Command;

fn run(format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "fixtures/mixed",
            // the fixture's .github/workflows is below the repository root
            "--config",
            "fixtures/kinds.plumb.yml",
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
    // the tool's version changes with every release, not with the output
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    insta::assert_snapshot!(
        "json",
        run("json").replacen(&version, "\"version\": \"<version>\"", 1)
    );
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
    // the whole log, rule help included, against the official schema (when present)
    let schema_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/sarif/sarif-schema-2.1.0.json");
    match std::fs::read_to_string(&schema_path) {
        Ok(schema) => {
            let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
            let validator = jsonschema::draft4::new(&schema).unwrap();
            let errors: Vec<String> = validator
                .iter_errors(&v)
                .map(|e| format!("{}: {e}", e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
        Err(e) => eprintln!("schema validation skipped: {}: {e}", schema_path.display()),
    }
    // the snapshot keeps the results and the rule ids; the rule book has its own tests
    let rules: Vec<&str> = v["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(rules.len(), plumb::rules::REGISTRY.len());
    let shown = serde_json::json!({"results": v["runs"][0]["results"], "invocations": v["runs"][0]["invocations"]});
    insta::assert_snapshot!("sarif", serde_json::to_string_pretty(&shown).unwrap());
}

#[test]
fn github() {
    insta::assert_snapshot!("github", run("github"));
}

#[test]
fn gitlab() {
    insta::assert_snapshot!("gitlab", run("gitlab"));
}
