//! The action's shell logic (scripts/action-run.sh, the part of action.yml that is not
//! GitHub-hosted) run against fixtures: exit codes for fail-on, SARIF written, annotations.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, env: &[(&str, &str)]) -> (String, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-run.sh");
    let output = dir.join("github_output");
    let _ = std::fs::remove_file(&output);
    let out = Command::new("bash")
        .arg(script)
        .current_dir(dir)
        .env("PLUMB_BIN", env!("CARGO_BIN_EXE_plumb"))
        .env("GITHUB_OUTPUT", &output)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the script records the code and exits 0"
    );
    (
        std::fs::read_to_string(&output).unwrap_or_default(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n";

#[test]
fn fail_on_sarif_and_annotations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("pod.yaml"), POD).unwrap();

    let (outputs, stdout) = run(dir.path(), &[("PLUMB_PATHS", "pod.yaml")]);
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    assert!(outputs.contains("sarif-file=plumb.sarif"));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("plumb.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    assert!(
        stdout.contains("::warning file=pod.yaml"),
        "annotations printed: {stdout}"
    );

    let (outputs, _) = run(
        dir.path(),
        &[("PLUMB_PATHS", "pod.yaml"), ("PLUMB_FAIL_ON", "never")],
    );
    assert!(outputs.contains("exit-code=0"), "{outputs}");

    let (outputs, stdout) = run(
        dir.path(),
        &[
            ("PLUMB_PATHS", "pod.yaml"),
            ("PLUMB_FAIL_ON", "error"),
            ("PLUMB_ANNOTATIONS", "false"),
        ],
    );
    assert!(outputs.contains("exit-code=0"), "only warnings: {outputs}");
    assert!(!stdout.contains("::warning"), "annotations off: {stdout}");

    // a baseline of today's findings makes the gate pass
    let status = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(dir.path())
        .args(["check", "pod.yaml", "--write-baseline", "base.json"])
        .status()
        .unwrap();
    assert!(status.success());
    let (outputs, _) = run(
        dir.path(),
        &[("PLUMB_PATHS", "pod.yaml"), ("PLUMB_BASELINE", "base.json")],
    );
    assert!(outputs.contains("exit-code=0"), "{outputs}");

    let (outputs, stdout) = run(dir.path(), &[("PLUMB_FORMAT", "xml")]);
    assert!(outputs.contains("exit-code=2"));
    assert!(stdout.contains("unknown format"));
}

#[test]
fn inputs_never_reach_the_shell_as_code() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pwned");
    let evil = format!("$(touch {}) `touch {}`", marker.display(), marker.display());
    let _ = run(
        dir.path(),
        &[
            ("PLUMB_PATHS", evil.as_str()),
            ("PLUMB_CONFIG", evil.as_str()),
        ],
    );
    assert!(!marker.exists(), "an input was executed");
}
