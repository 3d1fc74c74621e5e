//! Baselines and new-findings-only gating, end to end: a repository with 10 findings is
//! baselined; 10 lines inserted at the top of every file revive none; one new bad line gives
//! exactly one new finding. And `--new-only-since` reports only changed lines.

use std::path::Path;
use std::process::Command;

fn plumb(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(dir)
        .args(["check", "--format", "json", "--no-config"])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap_or(-1),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn count(v: &serde_json::Value) -> usize {
    v["findings"].as_array().map_or(0, Vec::len)
}

/// A pod with one container: exactly 1 finding of k8s/missing-resource-limits (one per
/// container, naming every missing field).
fn pod(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n"
    )
}

const SELECT: &[&str] = &[
    "--select",
    "k8s/missing-resource-limits,k8s/privileged-container",
];

#[test]
fn baseline_survives_moved_lines_and_catches_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    for i in 0..10 {
        std::fs::write(root.join(format!("pod{i}.yaml")), pod(&format!("p{i}"))).unwrap();
    }
    let (code, v, _) = plumb(root, SELECT);
    assert_eq!((code, count(&v)), (1, 10));

    let (code, _, _) = plumb(
        root,
        &[SELECT[0], SELECT[1], "--write-baseline", "base.json"],
    );
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(root.join("base.json")).unwrap();
    assert_eq!(text.matches("\"fingerprint\"").count(), 10);

    let (code, v, err) = plumb(root, &[SELECT[0], SELECT[1], "--baseline", "base.json"]);
    assert_eq!((code, count(&v)), (0, 0), "{err}");
    assert!(err.contains("10 findings baselined"), "{err}");

    // ten lines above every finding: nothing comes back
    for i in 0..10 {
        let p = root.join(format!("pod{i}.yaml"));
        let body = std::fs::read_to_string(&p).unwrap();
        let header: String = (0..10).map(|n| format!("# note {n}\n")).collect();
        std::fs::write(&p, format!("{header}{body}")).unwrap();
    }
    let (code, v, err) = plumb(root, &[SELECT[0], SELECT[1], "--baseline", "base.json"]);
    assert_eq!((code, count(&v)), (0, 0), "{err}\n{v:#}");

    // one new bad line: exactly one new finding
    let p = root.join("pod3.yaml");
    let body = std::fs::read_to_string(&p).unwrap();
    let bad = "      image: example/app:1.0.0\n      securityContext: {privileged: true}\n";
    std::fs::write(&p, body.replace("      image: example/app:1.0.0\n", bad)).unwrap();
    let (code, v, _) = plumb(root, &[SELECT[0], SELECT[1], "--baseline", "base.json"]);
    assert_eq!((code, count(&v)), (1, 1), "{v:#}");
    assert_eq!(v["findings"][0]["file"], "pod3.yaml");
    assert_eq!(v["findings"][0]["rule"], "k8s/privileged-container");

    // and fixed findings are counted as stale baseline entries
    std::fs::remove_file(root.join("pod0.yaml")).unwrap();
    let (_, _, err) = plumb(root, &[SELECT[0], SELECT[1], "--baseline", "base.json"]);
    assert!(err.contains("1 baseline entries now fixed"), "{err}");

    // a run on some files (a pre-commit hook's) counts only their entries as fixed
    let (_, _, err) = plumb(
        root,
        &[
            SELECT[0],
            SELECT[1],
            "--baseline",
            "base.json",
            "pod1.yaml",
            "pod2.yaml",
        ],
    );
    assert!(err.contains("2 findings baselined"), "{err}");
    assert!(err.contains("0 baseline entries now fixed"), "{err}");
    let (_, _, err) = plumb(
        root,
        &[
            SELECT[0],
            SELECT[1],
            "--baseline",
            "base.json",
            "pod0.yaml",
            "pod1.yaml",
        ],
    );
    assert!(err.contains("1 baseline entries now fixed"), "{err}");
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn new_only_since_reports_changed_lines_only() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("new-only-since test skipped: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("old.yaml"), pod("old")).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    // a new file counts whole; an unchanged file not at all
    std::fs::write(root.join("new.yaml"), pod("new")).unwrap();
    let (code, v, err) = plumb(root, &[SELECT[0], SELECT[1], "--new-only-since", "main"]);
    assert_eq!(code, 1, "{err}");
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, vec!["new.yaml"; 1]);
    // a changed line in the old file brings its findings in
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "new"]);
    let body = std::fs::read_to_string(root.join("old.yaml")).unwrap();
    std::fs::write(
        root.join("old.yaml"),
        body.replace("- name: app", "- name: app2"),
    )
    .unwrap();
    let (_, v, _) = plumb(root, &[SELECT[0], SELECT[1], "--new-only-since", "main"]);
    let old = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == "old.yaml")
        .count();
    assert_eq!(old, 1);
    // a ref that does not exist is a clear error
    let (code, _, err) = plumb(root, &["--new-only-since", "no-such-ref"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-ref"), "{err}");
}
