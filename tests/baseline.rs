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

/// Baseline `files` (with every default rule), rewrite them as `after`, and check again
/// against the baseline: the findings that come back, as `(file, rule, message, line)`.
fn revived(files: &[(&str, &str)], after: &[(&str, &str)]) -> Vec<(String, String, String, u64)> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let write = |files: &[(&str, &str)]| {
        for (name, text) in files {
            let p = root.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    };
    write(files);
    let (_, v, _) = plumb(root, &[]);
    assert!(count(&v) > 0, "the files have findings to baseline");
    let (code, _, err) = plumb(root, &["--write-baseline", "base.json"]);
    assert_eq!(code, 0, "{err}");
    let base = std::fs::read_to_string(root.join("base.json")).unwrap();
    assert!(base.contains("\"version\": 2"), "{base}");
    let (code, v, err) = plumb(root, &["--baseline", "base.json"]);
    assert_eq!((code, count(&v)), (0, 0), "{err}");
    write(after);
    let (_, v, _) = plumb(root, &["--baseline", "base.json"]);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: example/app:1.0.0
";

/// Issue 20: adding `securityContext: {privileged: true}` to a container moved where its
/// findings pointed (the container's text, then its new securityContext), their
/// fingerprints changed and every one came back as new. Keyed on the object's identity now:
/// only the new finding is reported.
#[test]
fn a_key_added_to_a_container_revives_none_of_its_findings() {
    let privileged = DEPLOYMENT.replace(
        "          image: example/app:1.0.0\n",
        "          image: example/app:1.0.0\n          securityContext: {privileged: true}\n",
    );
    let back = revived(
        &[("deploy.yaml", DEPLOYMENT)],
        &[("deploy.yaml", &privileged)],
    );
    let rules: Vec<(&str, &str)> = back.iter().map(|(f, r, ..)| (&f[..], &r[..])).collect();
    assert_eq!(
        rules,
        [("deploy.yaml", "k8s/privileged-container")],
        "{back:?}"
    );
    // a second container: its findings are new (the identity names the container)
    let two = DEPLOYMENT.replace(
        "          image: example/app:1.0.0\n",
        "          image: example/app:1.0.0\n        - name: sidecar\n          image: example/app:1.0.0\n",
    );
    let back = revived(&[("deploy.yaml", DEPLOYMENT)], &[("deploy.yaml", &two)]);
    assert!(!back.is_empty());
    assert!(
        back.iter().all(|(_, _, m, _)| m.contains("\"sidecar\"")),
        "{back:?}"
    );
}

/// Two services with the same problems, and a third added above them with the same again.
/// Keyed on the text pointed at (baseline version 1), the new service took the first old
/// one's entries, each old one the next's, and the last old service's findings came back as
/// new while the new service's were hidden. Keyed on the service, the new one's come back.
#[test]
fn a_service_added_above_others_is_the_one_reported() {
    let svc =
        |name: &str| format!("  {name}:\n    image: example/app:1.0.0\n    privileged: true\n");
    let before = format!("services:\n{}{}", svc("api"), svc("worker"));
    let after = format!("services:\n{}{}{}", svc("cron"), svc("api"), svc("worker"));
    let back = revived(&[("compose.yaml", &before)], &[("compose.yaml", &after)]);
    assert!(
        back.iter().any(|(_, r, ..)| r == "compose/privileged"),
        "{back:?}"
    );
    assert!(
        back.iter()
            .all(|(_, _, m, _)| m.contains("service \"cron\"")),
        "{back:?}"
    );
}

const WORKFLOW: &str = "name: ci
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: install
        run: curl -fsSL https://example.com/install.sh | sh
";

/// A job added above another with the same steps: only the new job's findings come back
/// (keyed on the text, version 1 reported the old job's and hid the new one's); and an
/// `env:` added to a step revives nothing.
#[test]
fn jobs_and_steps_keep_their_findings_when_others_are_added() {
    let wf = ".github/workflows/ci.yml";
    let lint = WORKFLOW.replace(
        "jobs:\n",
        "jobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: install\n        run: curl -fsSL https://example.com/install.sh | sh\n",
    );
    let back = revived(&[(wf, WORKFLOW)], &[(wf, &lint)]);
    assert!(!back.is_empty());
    // the new job is lines 4-10; build starts at line 11
    assert!(back.iter().all(|(.., line)| *line < 11), "{back:?}");
    let edited = WORKFLOW.replace(
        "      - name: install\n",
        "      - name: install\n        env: {CI: \"1\"}\n",
    );
    let back = revived(&[(wf, WORKFLOW)], &[(wf, &edited)]);
    assert!(back.is_empty(), "{back:?}");
}

/// A baseline of version 1 (fingerprints of the offending text, written by plumb before
/// version 2: `plumb check --no-config --write-baseline` on `DEPLOYMENT` at commit b473a7f)
/// is still read, and its entries match the findings they were written for.
#[test]
fn a_version_1_baseline_still_matches() {
    const V1: &[(&str, &str)] = &[
        ("k8s/automount-token", "91979d6cd86abea529d9b43363329e8d"),
        ("k8s/missing-probes", "30e7c1c4d5d712593e29dd2383d42851"),
        (
            "k8s/missing-resource-limits",
            "dcaccc609062741b5c1adbfbe1dfe65f",
        ),
        ("k8s/non-root-user", "65e017b4b0a34df35148495374fc3407"),
        (
            "k8s/privilege-escalation",
            "71f8de675a09d1c4b040367a3a4e0cb4",
        ),
        ("k8s/seccomp-profile", "e96752eb31eec6c75bab5929edd61a7f"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::write(root.join("deploy.yaml"), DEPLOYMENT).unwrap();
    let findings: Vec<serde_json::Value> = V1
        .iter()
        .map(|(rule, fp)| serde_json::json!({"file": "deploy.yaml", "rule": rule, "fingerprint": fp}))
        .collect();
    let doc = serde_json::json!({"version": 1, "tool": "plumb", "findings": findings});
    std::fs::write(root.join("v1.json"), doc.to_string()).unwrap();
    let (code, v, err) = plumb(root, &["--baseline", "v1.json"]);
    assert_eq!((code, count(&v)), (0, 0), "{err}\n{v:#}");
    assert!(err.contains("6 findings baselined"), "{err}");
    assert!(err.contains("0 baseline entries now fixed"), "{err}");
    // the version 2 fingerprints are others: a version 1 entry is not read as one
    let (_, v, _) = plumb(root, &[]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| { V1.iter().all(|(_, fp)| f["fingerprint"] != *fp) })
    );
    // an unknown version is refused
    std::fs::write(root.join("v9.json"), r#"{"version": 9, "findings": []}"#).unwrap();
    let (code, _, err) = plumb(root, &["--baseline", "v9.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("version 1 or 2"), "{err}");
}
