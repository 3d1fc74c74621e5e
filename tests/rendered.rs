//! Rendered charts and kustomize output: `helm template . | plumb check - --stdin-filename
//! chart.yaml` checks the stream, and every finding in a rendered document points at the
//! template its `# Source:` comment (or kustomize origin annotation) names, in every output
//! format, at its line within the output rendered from that template, and says so.
//!
//! The chart is `fixtures/rendered/helm/shop` and `rendered.yaml` beside it is what `helm
//! template shop . --namespace shop` prints for it; the kustomize output is `kubectl
//! kustomize fixtures/rendered/kustomize/overlay` with origin annotations on.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod common;

fn chart() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rendered/helm/shop")
}

/// `plumb check - --stdin-filename chart.yaml` in the chart's directory, fed the rendered
/// chart.
fn check_stdin(format: &str) -> std::process::Output {
    let rendered = std::fs::read_to_string(chart().join("rendered.yaml")).unwrap();
    Command::cargo_bin("plumb")
        .unwrap()
        .current_dir(chart())
        .env("NO_COLOR", "1")
        .args([
            "check",
            "--no-config",
            "-",
            "--stdin-filename",
            "chart.yaml",
            "--format",
            format,
        ])
        .write_stdin(rendered)
        .output()
        .unwrap()
}

const PREFIX: &str = "fixtures/rendered/helm/shop/";

/// (template, line, rule) expected among the findings: lines are counted from the line
/// after the document's `# Source:` comment.
const EXPECTED: &[(&str, usize, &str)] = &[
    ("templates/rbac.yaml", 8, "k8s/rbac-cluster-admin"),
    ("templates/service.yaml", 6, "k8s/selector-mismatch"),
    ("templates/deployment.yaml", 17, "k8s/unpinned-image"),
    ("templates/deployment.yaml", 20, "k8s/host-port"),
];

#[test]
fn json_points_at_templates() {
    let out = check_stdin("json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["summary"]["files_scanned"], 1, "{v}");
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let file = f["file"].as_str().unwrap();
        assert!(
            file.starts_with(&format!("{PREFIX}templates/")),
            "every finding is on a template: {file}"
        );
        let msg = f["message"].as_str().unwrap();
        assert!(
            msg.contains("position in the output rendered from this template")
                && msg.contains("chart.yaml:"),
            "{msg}"
        );
        assert!(f["fix"].is_null(), "no fix of rendered text: {f}");
    }
    for (tpl, line, rule) in EXPECTED {
        assert!(
            findings
                .iter()
                .any(|f| f["file"] == format!("{PREFIX}{tpl}")
                    && f["start"]["line"] == *line
                    && f["rule"] == *rule),
            "{rule} at {tpl}:{line}"
        );
    }
    // a rendered stream with `{{` in a value (an alert template) is still checked
    assert!(!v["notices"].to_string().contains("Helm template"), "{v}");
}

#[test]
fn sarif_github_gitlab_and_human_point_at_templates() {
    let out = check_stdin("sarif");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let results = v["runs"][0]["results"].as_array().unwrap();
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.iter()
            .all(|u| u.starts_with(&format!("{PREFIX}templates/"))),
        "{uris:?}"
    );
    assert!(results.iter().any(|r| {
        r["ruleId"] == "k8s/rbac-cluster-admin"
            && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 8
    }));

    let out = check_stdin("github");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("file={PREFIX}templates/rbac.yaml,line=8")),
        "{text}"
    );
    assert!(!text.contains("file=chart.yaml"), "{text}");

    let out = check_stdin("gitlab");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("gitlab");
    let paths: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["location"]["path"].as_str().unwrap())
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with(&format!("{PREFIX}templates/"))),
        "{paths:?}"
    );

    let out = check_stdin("human");
    let text = String::from_utf8_lossy(&out.stdout);
    // the snippet is the rendered text of the template, at the reported line
    assert!(
        text.contains(&format!("{PREFIX}templates/rbac.yaml:8:")),
        "{text}"
    );
    assert!(text.contains("name: cluster-admin"), "{text}");
}

#[test]
fn kustomize_origin_annotations_name_the_files() {
    let v = common::check_json(&["fixtures/rendered/kustomize/overlay/rendered.yaml"]);
    let findings = v["findings"].as_array().unwrap();
    let at = |rule: &str| {
        findings.iter().find(|f| f["rule"] == rule).map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["start"]["line"].clone(),
            )
        })
    };
    // the Deployment came from the base, the Role from the overlay
    assert_eq!(
        at("k8s/unsafe-proc-mount"),
        Some((
            "fixtures/rendered/kustomize/base/deployment.yaml".to_string(),
            serde_json::json!(22)
        ))
    );
    assert_eq!(
        at("k8s/rbac-wildcard").map(|(f, _)| f),
        Some("fixtures/rendered/kustomize/overlay/rbac.yaml".to_string())
    );
}

#[test]
fn a_suppression_written_in_a_template_survives_rendering() {
    let out = check_stdin("json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "k8s/missing-probes"),
        "{v}"
    );
    let s = v["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rule"] == "k8s/missing-probes")
        .expect("suppressed");
    // the finding and its directive are both on the template
    let tpl = format!("{PREFIX}templates/deployment.yaml");
    assert_eq!(s["file"], tpl.as_str());
    assert_eq!(s["suppression"]["file"], tpl.as_str());
    assert_eq!(s["suppression"]["start"]["line"], 16);
    assert_eq!(s["suppression"]["reason"], "the mesh sidecar probes it");
}

#[test]
fn a_rendered_file_without_its_chart_keeps_its_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("plumb")
        .unwrap()
        .current_dir(root)
        .args([
            "check",
            "--no-config",
            "--format",
            "json",
            "--select",
            "k8s/rbac-dangerous-access",
            "fixtures/rendered/vendored/upstream.yaml",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let f = &v["findings"][0];
    assert_eq!(f["file"], "fixtures/rendered/vendored/upstream.yaml", "{v}");
    assert_eq!(f["start"]["line"], 10);
    assert!(
        !f["message"].as_str().unwrap().contains("rendered from"),
        "{f}"
    );
}
