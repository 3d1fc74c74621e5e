//! The binary end to end: exit codes, config loading and errors, explicit files, stdin,
//! --list-files, rules, explain, init.

use std::path::Path;

use assert_cmd::Command;

fn plumb(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("plumb").unwrap();
    c.current_dir(dir).env("NO_COLOR", "1");
    c
}

const BAD_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "pod.yaml", BAD_POD);
    let out = plumb(dir.path())
        .args(["check", "--select", "k8s/missing-resource-limits"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("k8s/missing-resource-limits"));
    let out = plumb(dir.path())
        .args([
            "check",
            "--select",
            "k8s/missing-resource-limits",
            "--fail-on",
            "error",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = plumb(dir.path())
        .args(["check", "--fail-on", "never", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // SARIF and JSON gate like human output
    let out = plumb(dir.path())
        .args([
            "check",
            "--select",
            "k8s/missing-resource-limits",
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = plumb(dir.path())
        .args([
            "check",
            "--select",
            "k8s/missing-resource-limits",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["file"], "pod.yaml");
}

#[test]
fn clean_tree_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "nothing to see\n");
    let out = plumb(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("no findings (0 files scanned)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn config_errors_exit_two_with_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        ".plumb.yml",
        "select: [all]\nseverity:\n  k8s/nope: error\n",
    );
    write(dir.path(), "pod.yaml", BAD_POD);
    let out = plumb(dir.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".plumb.yml:3:3"), "{err}");
    assert!(err.contains("k8s/nope"), "{err}");
}

#[test]
fn config_is_found_walking_up_and_applies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        ".plumb.yml",
        "ignore: [k8s/missing-resource-limits]\n",
    );
    write(dir.path(), "deploy/pod.yaml", BAD_POD);
    let out = plumb(&dir.path().join("deploy"))
        .args(["check", "pod.yaml"])
        .output()
        .unwrap();
    assert!(
        !stdout(&out).contains("k8s/missing-resource-limits"),
        "{}",
        stdout(&out)
    );
    let out = plumb(&dir.path().join("deploy"))
        .args([
            "check",
            "--no-config",
            "--select",
            "k8s/missing-resource-limits",
            "pod.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // paths are shown relative to the repository root, not the working directory
    assert!(stdout(&out).contains("deploy/pod.yaml"), "{}", stdout(&out));
}

#[test]
fn explicit_files_are_checked_even_when_ignored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), ".gitignore", "pod.yaml\n");
    write(dir.path(), "pod.yaml", BAD_POD);
    let out = plumb(dir.path())
        .args(["check", "--select", "k8s/missing-resource-limits"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "ignored by .gitignore when walking"
    );
    let out = plumb(dir.path())
        .args([
            "check",
            "--select",
            "k8s/missing-resource-limits",
            "pod.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "named explicitly: checked");
    let out = plumb(dir.path())
        .args([
            "check",
            "--select",
            "k8s/missing-resource-limits",
            "--no-ignore",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "--no-ignore");
}

#[test]
fn stdin_with_filename() {
    let dir = tempfile::tempdir().unwrap();
    let out = plumb(dir.path())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "k8s/pod.yaml",
            "--format",
            "json",
            "--select",
            "k8s/missing-resource-limits",
        ])
        .write_stdin(BAD_POD)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["file"], "k8s/pod.yaml");
    assert_eq!(v["findings"][0]["start"]["line"], 7);
    let out = plumb(dir.path())
        .args(["check", "-"])
        .write_stdin("not: a kind plumb knows\n")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdin without a name whose kind its content does not tell is a usage error"
    );
}

#[test]
fn list_files_shows_kinds() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: push\njobs: {}\n",
    );
    write(dir.path(), "app/Dockerfile", "FROM alpine:3.20\n");
    write(dir.path(), "docker-compose.yml", "services: {}\n");
    write(dir.path(), "k8s/pod.yaml", BAD_POD);
    write(
        dir.path(),
        "k8s/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
    );
    write(dir.path(), "chart/Chart.yaml", "name: app\n");
    write(
        dir.path(),
        "chart/templates/d.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n",
    );
    write(dir.path(), "infra/main.tf", "variable \"x\" {}\n");
    write(dir.path(), "notes.yaml", "a: 1\n");
    let out = plumb(dir.path())
        .args(["check", "--list-files"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = stdout(&out);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines,
        vec![
            "workflow\t.github/workflows/ci.yml",
            "dockerfile\tapp/Dockerfile",
            "compose\tdocker-compose.yml",
            "terraform\tinfra/main.tf",
            "k8s\tk8s/pod.yaml",
        ]
    );
}

#[test]
fn file_kinds_follow_where_github_and_docker_look() {
    // issue 13: only the repository root's workflows run; test data is nobody's input but
    // the tests'; manifests under .github/, stack files and suffixed Dockerfiles are kinds
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let wf = "on: push\njobs: {}\n";
    write(dir.path(), ".github/workflows/ci.yml", wf);
    write(dir.path(), "checks/testdata/.github/workflows/bad.yml", wf);
    write(
        dir.path(),
        "docs/example/.github/workflows/template.yml",
        wf,
    );
    write(
        dir.path(),
        "checks/testdata/Dockerfile-invalid",
        "not a dockerfile\n",
    );
    write(dir.path(), "testdata/pod.yaml", BAD_POD);
    write(dir.path(), ".github/k8s/pod.yaml", BAD_POD);
    write(dir.path(), "docker-stack.yml", "services: {}\n");
    write(dir.path(), "images/Dockerfile-alpine", "FROM alpine:3.20\n");
    write(dir.path(), "images/api.Containerfile", "FROM alpine:3.20\n");
    write(dir.path(), "images/Dockerfile-lint.json", "{}\n");
    let out = plumb(dir.path())
        .args(["check", "--list-files"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let s = stdout(&out);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines,
        vec![
            "k8s\t.github/k8s/pod.yaml",
            "workflow\t.github/workflows/ci.yml",
            "compose\tdocker-stack.yml",
            "dockerfile\timages/Dockerfile-alpine",
            "dockerfile\timages/api.Containerfile",
        ]
    );
}

#[test]
fn helm_templates_are_skipped_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "chart/Chart.yaml", "name: app\n");
    write(
        dir.path(),
        "chart/templates/d.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n",
    );
    let out = plumb(dir.path()).args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Helm template"), "{}", stdout(&out));
}

#[test]
fn rules_explain_init() {
    let dir = tempfile::tempdir().unwrap();
    let out = plumb(dir.path())
        .args(["rules", "--kind", "k8s"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("k8s/missing-resource-limits"));
    assert!(!stdout(&out).contains("docker/non-root-user"));
    let out = plumb(dir.path())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 5);
    let out = plumb(dir.path())
        .args(["explain", "gha/unpinned-action"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("# gha/unpinned-action"));
    let out = plumb(dir.path())
        .args(["explain", "nope/nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = plumb(dir.path()).args(["init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join(".plumb.yml").is_file());
    let out = plumb(dir.path()).args(["init"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "does not overwrite");
    // the starter config is valid
    write(dir.path(), "pod.yaml", BAD_POD);
    let out = plumb(dir.path()).args(["check"]).output().unwrap();
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_input_is_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a-bad.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: [\n",
    );
    std::fs::write(dir.path().join("Dockerfile"), b"\x7fELF\x00\x00\x01binary").unwrap();
    std::fs::write(
        dir.path().join("bad-utf8.yaml"),
        b"apiVersion: v1\nkind: Pod\nname: \xff\xfe\n",
    )
    .unwrap();
    write(
        dir.path(),
        "tabs.yaml",
        "apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n",
    );
    write(dir.path(), "empty.tf", "");
    write(dir.path(), "z-pod.yaml", BAD_POD);
    let out = plumb(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "k8s/missing-resource-limits",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let by_file = |f: &str| {
        findings
            .iter()
            .filter(|x| x["file"] == f)
            .collect::<Vec<_>>()
    };
    assert_eq!(by_file("a-bad.yaml")[0]["rule"], "plumb/parse-error");
    assert_eq!(by_file("Dockerfile")[0]["rule"], "plumb/parse-error");
    assert!(
        by_file("Dockerfile")[0]["message"]
            .as_str()
            .unwrap()
            .contains("binary")
    );
    let utf8 = by_file("bad-utf8.yaml");
    assert!(utf8[0]["message"].as_str().unwrap().contains("UTF-8"));
    assert_eq!(utf8[0]["start"]["line"], 3);
    assert_eq!(by_file("tabs.yaml")[0]["rule"], "plumb/parse-error");
    assert!(
        by_file("z-pod.yaml")
            .iter()
            .any(|x| x["rule"] == "k8s/missing-resource-limits"),
        "the scan went on"
    );
}

#[test]
fn crlf_and_bom_keep_positions() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{}", BAD_POD.replace('\n', "\r\n"));
    write(dir.path(), "pod.yaml", &text);
    let out = plumb(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "k8s/missing-resource-limits",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(
        (f["start"]["line"].as_u64(), f["start"]["column"].as_u64()),
        (Some(7), Some(13))
    );
    assert_eq!(
        (f["end"]["line"].as_u64(), f["end"]["column"].as_u64()),
        (Some(7), Some(16))
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_escapes_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "pod.yaml", BAD_POD);
    write(dir.path(), "repo/ok.yaml", BAD_POD);
    std::os::unix::fs::symlink(dir.path().join("repo"), dir.path().join("repo/loop")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("pod.yaml"),
        dir.path().join("repo/escape.yaml"),
    )
    .unwrap();
    let out = plumb(&dir.path().join("repo"))
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "k8s/missing-resource-limits",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.iter().all(|f| *f == "ok.yaml"), "{files:?}");
    let notices = v["notices"].to_string();
    assert!(notices.contains("outside"), "{notices}");
}

#[test]
fn oversized_files_are_skipped_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pod.yaml", BAD_POD);
    let out = plumb(dir.path())
        .args([
            "check",
            "--max-file-size",
            "10",
            "--select",
            "k8s/missing-resource-limits",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("limit"), "{}", stdout(&out));
}

#[test]
fn plumb_passes_its_own_rules() {
    // the repository's own .plumb.yml turns every rule on and leaves out the bad fixtures
    let out = plumb(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args(["check", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = plumb(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "check",
            "--no-config",
            "--select",
            "all",
            "action.yml",
            ".github/",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn related_locations_in_unchecked_files_resolve_from_their_text() {
    // pyproject.toml is no kind plumb checks: its related location comes from its text.
    // The fixture's workflows sit below the repository root, where GitHub (and plumb) read
    // none: fixtures/kinds.plumb.yml maps them, as for every fixture.
    let out = plumb(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "check",
            "--config",
            "fixtures/kinds.plumb.yml",
            "--select",
            "gha/coverage-gate",
            "--format",
            "json",
        ])
        .arg("fixtures/gha/coverage-gate/bad.pyproject")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let related = &v["findings"][0]["related"][0];
    assert_eq!(
        related["file"],
        "fixtures/gha/coverage-gate/bad.pyproject/pyproject.toml"
    );
    assert_eq!(related["start"]["line"], 6);
}

#[test]
fn helm_template_on_stdin_is_skipped_too() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Chart.yaml", "name: app\n");
    let out = plumb(dir.path())
        .args([
            "check",
            "-",
            "--stdin-filename",
            "templates/d.yaml",
            "--format",
            "json",
        ])
        .write_stdin("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["notices"].to_string().contains("Helm template"), "{v}");
    assert_eq!(v["summary"]["files_scanned"], 0);
}

/// A rule judged by a bundled, dated table says the table's date in `plumb explain` and in
/// its SARIF descriptor (`properties.data-date`); a finding whose rule can tell how sure it
/// is carries `confidence` in JSON and SARIF (`properties.confidence`).
#[test]
fn data_date_and_confidence() {
    let dir = tempfile::tempdir().unwrap();
    let out = plumb(dir.path())
        .args(["explain", "gha/known-vulnerable-action"])
        .output()
        .unwrap();
    let date = plumb::rules::find("gha/known-vulnerable-action")
        .and_then(|r| r.data_date)
        .expect("the advisory snapshot has a date");
    assert!(
        stdout(&out).contains(&format!("dated {date}")),
        "{}",
        stdout(&out)
    );
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: tj-actions/changed-files@v40.0.0\n      - run: echo \"${{ github.event.issue.title }}\"\n",
    );
    let out = plumb(dir.path())
        .args(["check", "--no-config", "--format", "sarif", "."])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let kva = rules
        .iter()
        .find(|r| r["id"] == "gha/known-vulnerable-action")
        .expect("the advisory rule fired");
    assert_eq!(kva["properties"]["data-date"], date);
    let results = v["runs"][0]["results"].as_array().unwrap();
    let ti = results
        .iter()
        .find(|r| r["ruleId"] == "gha/template-injection")
        .expect("template-injection fired");
    assert_eq!(ti["properties"]["confidence"], "high");
    let out = plumb(dir.path())
        .args(["check", "--no-config", "--format", "json", "."])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ti = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "gha/template-injection")
        .unwrap();
    assert_eq!(ti["confidence"], "high");
}
