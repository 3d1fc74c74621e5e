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

// ---- installing plumb: scripts/action-install.sh against a local stand-in for the release ----

const TARGET: &str = "x86_64-unknown-linux-musl";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn sh(dir: &Path, cmd: &str) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write_exe(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    sh(
        path.parent().unwrap(),
        &format!("chmod +x '{}'", path.display()),
    );
}

/// A release directory as the release workflow lays it out: `v<version>/plumb-<target>.tar.gz`
/// holding `plumb-<target>/plumb`, and `SHA256SUMS`. The binary is a stub that says who it is.
fn fake_release(root: &Path) -> std::path::PathBuf {
    let rel = root.join("release").join(format!("v{VERSION}"));
    let stage = root.join("stage");
    write_exe(
        &stage.join(format!("plumb-{TARGET}/plumb")),
        "#!/bin/sh\necho \"plumb from the release $*\"\n",
    );
    std::fs::create_dir_all(&rel).unwrap();
    sh(
        &stage,
        &format!(
            "tar -czf '{}/plumb-{TARGET}.tar.gz' plumb-{TARGET}",
            rel.display()
        ),
    );
    sh(
        &rel,
        &format!("sha256sum plumb-{TARGET}.tar.gz > SHA256SUMS"),
    );
    root.join("release")
}

/// A cargo that records its arguments and "builds" a stub into `--root`.
fn fake_cargo(root: &Path) -> std::path::PathBuf {
    let cargo = root.join("fake-cargo");
    write_exe(
        &cargo,
        "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/cargo-args\"\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && r=$2; shift; done\nmkdir -p \"$r/bin\"\nprintf '#!/bin/sh\\necho plumb built from source\\n' > \"$r/bin/plumb\"\nchmod +x \"$r/bin/plumb\"\n",
    );
    cargo
}

struct Install {
    code: i32,
    log: String,
    outputs: String,
}

fn install(root: &Path, mode: &str, env: &[(&str, &str)]) -> Install {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action-install.sh");
    let output = root.join("github_output");
    let _ = std::fs::remove_file(&output);
    let out = Command::new("bash")
        .arg(script)
        .arg(mode)
        .current_dir(root)
        .env("GITHUB_ACTION_PATH", env!("CARGO_MANIFEST_DIR"))
        .env("GITHUB_OUTPUT", &output)
        .env_remove("GITHUB_PATH")
        .env_remove("RUNNER_TOOL_CACHE")
        .env_remove("PLUMB_VERSION")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("PLUMB_INSTALL_ROOT", root.join("tools"))
        .env(
            "PLUMB_RELEASE_BASE_URL",
            format!("file://{}", root.join("release").display()),
        )
        .env("PLUMB_CARGO", root.join("fake-cargo"))
        .envs(env.iter().copied())
        .output()
        .unwrap();
    Install {
        code: out.status.code().unwrap_or(-1),
        log: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        outputs: std::fs::read_to_string(&output).unwrap_or_default(),
    }
}

fn output_value<'a>(outputs: &'a str, key: &str) -> Option<&'a str> {
    outputs
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
}

fn run_bin(path: &str) -> String {
    let out = Command::new(path).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn install_resolves_the_actions_own_version_and_a_reliable_cache_key() {
    let dir = tempfile::tempdir().unwrap();
    let r = install(dir.path(), "resolve", &[]);
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(output_value(&r.outputs, "version"), Some(VERSION));
    assert_eq!(output_value(&r.outputs, "target"), Some(TARGET));
    assert_eq!(
        output_value(&r.outputs, "cache-key"),
        Some(format!("plumb-bin-Linux-X64-{VERSION}-{TARGET}").as_str())
    );
    // a v prefix is accepted; anything else than a version or `source` is refused
    let r = install(dir.path(), "resolve", &[("PLUMB_VERSION", "v1.2.3")]);
    assert_eq!(output_value(&r.outputs, "version"), Some("1.2.3"));
    let r = install(dir.path(), "resolve", &[("PLUMB_VERSION", "../../etc")]);
    assert_eq!(r.code, 2);
    assert!(r.log.contains("is not a release version"), "{}", r.log);
    // a source build is keyed by a digest of the sources, not by the action's ref
    let r = install(dir.path(), "resolve", &[("PLUMB_VERSION", "source")]);
    let key = output_value(&r.outputs, "cache-key").unwrap();
    assert!(key.starts_with("plumb-source-Linux-X64-"), "{key}");
    assert_eq!(key.len(), "plumb-source-Linux-X64-".len() + 16, "{key}");
}

#[test]
fn install_downloads_and_verifies_the_release_then_uses_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    fake_release(dir.path());
    fake_cargo(dir.path());
    let r = install(dir.path(), "install", &[]);
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(r.log.contains("against SHA256SUMS"), "{}", r.log);
    let bin = output_value(&r.outputs, "bin").unwrap().to_string();
    assert!(
        bin.ends_with(&format!("{VERSION}-{TARGET}/bin/plumb")),
        "{bin}"
    );
    assert!(run_bin(&bin).contains("plumb from the release"));
    assert!(
        !dir.path().join("cargo-args").exists(),
        "nothing was built from source"
    );

    // the cache restored the binary: no download at all (the release is gone)
    std::fs::remove_dir_all(dir.path().join("release")).unwrap();
    let r = install(dir.path(), "install", &[]);
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(r.log.contains("from the cache"), "{}", r.log);
    assert_eq!(output_value(&r.outputs, "bin"), Some(bin.as_str()));
}

#[test]
fn install_refuses_a_download_whose_checksum_does_not_match() {
    let dir = tempfile::tempdir().unwrap();
    let release = fake_release(dir.path());
    fake_cargo(dir.path());
    let sums = release.join(format!("v{VERSION}/SHA256SUMS"));
    std::fs::write(
        &sums,
        format!("{}  plumb-{TARGET}.tar.gz\n", "0".repeat(64)),
    )
    .unwrap();
    let r = install(dir.path(), "install", &[]);
    assert_eq!(r.code, 2, "{}", r.log);
    assert!(r.log.contains("checksum mismatch"), "{}", r.log);
    assert!(r.log.contains("::error"), "{}", r.log);
    assert_eq!(output_value(&r.outputs, "bin"), None);
    assert!(
        !dir.path()
            .join("tools")
            .join(format!("{VERSION}-{TARGET}/bin/plumb"))
            .exists(),
        "the bad download was not installed"
    );
    assert!(
        !dir.path().join("cargo-args").exists(),
        "a bad checksum is an error, not a reason to build from source"
    );
}

#[test]
fn install_builds_from_source_when_no_release_matches() {
    let dir = tempfile::tempdir().unwrap();
    let release = fake_release(dir.path());
    fake_cargo(dir.path());
    // the release exists but has no asset for this runner
    std::fs::write(
        release.join(format!("v{VERSION}/SHA256SUMS")),
        format!("{}  plumb-aarch64-apple-darwin.tar.gz\n", "1".repeat(64)),
    )
    .unwrap();
    let r = install(dir.path(), "install", &[]);
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(
        r.log.contains(&format!("has no plumb-{TARGET}.tar.gz")),
        "{}",
        r.log
    );
    let args = std::fs::read_to_string(dir.path().join("cargo-args")).unwrap();
    assert!(args.starts_with("install --locked --root "), "{args}");
    assert!(
        args.trim_end()
            .ends_with(&format!("--path {}", env!("CARGO_MANIFEST_DIR"))),
        "{args}"
    );
    let bin = output_value(&r.outputs, "bin").unwrap();
    assert!(run_bin(bin).contains("built from source"));

    // no release at all
    let dir = tempfile::tempdir().unwrap();
    fake_cargo(dir.path());
    let r = install(dir.path(), "install", &[]);
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(
        r.log.contains(&format!("no release v{VERSION}")),
        "{}",
        r.log
    );

    // ... and no cargo to build with: a clear error
    let dir = tempfile::tempdir().unwrap();
    let r = install(
        dir.path(),
        "install",
        &[("PLUMB_CARGO", "/nonexistent/cargo")],
    );
    assert_eq!(r.code, 2, "{}", r.log);
    assert!(r.log.contains("no cargo on this runner"), "{}", r.log);

    // a runner no release is built for
    let dir = tempfile::tempdir().unwrap();
    fake_cargo(dir.path());
    let r = install(dir.path(), "install", &[("RUNNER_OS", "FreeBSD")]);
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(
        r.log.contains("no release binary is built for FreeBSD"),
        "{}",
        r.log
    );

    // another version than the action's own cannot be built from the action's source
    let dir = tempfile::tempdir().unwrap();
    fake_cargo(dir.path());
    let r = install(dir.path(), "install", &[("PLUMB_VERSION", "0.0.1")]);
    assert_eq!(r.code, 2, "{}", r.log);
    assert!(r.log.contains("not 0.0.1"), "{}", r.log);
    assert!(!dir.path().join("cargo-args").exists());
}

// ---- pull requests from forks, config from the base branch, new-only-since in a shallow clone ----

fn event(dir: &Path, head: &str) -> std::path::PathBuf {
    let path = dir.join("event.json");
    std::fs::write(
        &path,
        serde_json::json!({
            "pull_request": {
                "head": {"repo": {"full_name": head}},
                "base": {"repo": {"full_name": "owner/repo"}, "ref": "main"}
            },
            "repository": {"full_name": "owner/repo"}
        })
        .to_string(),
    )
    .unwrap();
    path
}

fn output_of(outputs: &str, key: &str) -> String {
    output_value(outputs, key).unwrap_or_default().to_string()
}

#[test]
fn fork_pull_request_skips_the_upload_and_still_gates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("pod.yaml"), POD).unwrap();
    let ev = event(dir.path(), "someone/repo-fork");
    let ev = ev.to_str().unwrap();
    let pr = [
        ("PLUMB_PATHS", "pod.yaml"),
        ("GITHUB_EVENT_NAME", "pull_request"),
        ("GITHUB_EVENT_PATH", ev),
        ("GITHUB_REPOSITORY", "owner/repo"),
        ("PLUMB_CONFIG_FROM_BASE", "false"),
    ];
    let (outputs, stdout) = run(dir.path(), &pr);
    assert_eq!(output_of(&outputs, "upload-sarif"), "false", "{outputs}");
    assert_eq!(
        output_of(&outputs, "exit-code"),
        "1",
        "the gate still fails"
    );
    assert!(
        stdout.contains("::notice title=plumb::pull request from a fork"),
        "{stdout}"
    );
    assert!(
        dir.path().join("plumb.sarif").exists(),
        "SARIF still written"
    );

    // the same pull request from a branch of the repository uploads
    event(dir.path(), "owner/repo");
    let (outputs, stdout) = run(dir.path(), &pr);
    assert_eq!(output_of(&outputs, "upload-sarif"), "true", "{outputs}");
    assert!(!stdout.contains("from a fork"), "{stdout}");

    // a push uploads; upload-sarif: false never does
    let (outputs, _) = run(dir.path(), &[("PLUMB_PATHS", "pod.yaml")]);
    assert_eq!(output_of(&outputs, "upload-sarif"), "true");
    let (outputs, _) = run(
        dir.path(),
        &[("PLUMB_PATHS", "pod.yaml"), ("PLUMB_UPLOAD_SARIF", "false")],
    );
    assert_eq!(output_of(&outputs, "upload-sarif"), "false");
    // nor does a run that could not complete
    let (outputs, _) = run(dir.path(), &[("PLUMB_FORMAT", "xml")]);
    assert_eq!(output_of(&outputs, "upload-sarif"), "false");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn has_git() -> bool {
    Command::new("git").arg("--version").output().is_ok()
}

/// An origin repository with `main` (a pod with findings) and a `feature` branch on top of it,
/// and a shallow clone of `feature` as actions/checkout makes one.
fn origin_and_shallow_clone(root: &Path, feature: impl Fn(&Path)) -> std::path::PathBuf {
    let origin = root.join("origin");
    std::fs::create_dir(&origin).unwrap();
    git(&origin, &["init", "-q", "-b", "main"]);
    std::fs::write(origin.join("old.yaml"), POD).unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "one"]);
    std::fs::write(origin.join("README"), "two\n").unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "two"]);
    git(&origin, &["checkout", "-q", "-b", "feature"]);
    feature(&origin);
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "feature"]);
    std::fs::write(origin.join("CHANGES"), "more\n").unwrap();
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "feature 2"]);
    git(
        &origin,
        &["config", "uploadpack.allowReachableSHA1InWant", "true"],
    );
    let work = root.join("work");
    git(
        root,
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "feature",
            &format!("file://{}", origin.display()),
            "work",
        ],
    );
    work
}

#[test]
fn new_only_since_fetches_the_base_in_a_shallow_clone() {
    if !has_git() {
        eprintln!("new-only-since fetch test skipped: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let work = origin_and_shallow_clone(dir.path(), |d| {
        std::fs::write(d.join("new.yaml"), POD.replace("name: p", "name: q")).unwrap();
    });
    assert_eq!(
        git(&work, &["rev-parse", "--is-shallow-repository"]).trim(),
        "true"
    );

    // plumb alone says which ref is missing and how to get it
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(&work)
        .args(["check", "--new-only-since", "origin/main", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"origin/main\" is not in this shallow clone"),
        "{err}"
    );
    assert!(err.contains("fetch-depth: 0"), "{err}");

    // the action fetches it and the history down to the merge-base
    let (outputs, stdout) = run(
        &work,
        &[
            ("PLUMB_NEW_ONLY_SINCE", "origin/main"),
            ("PLUMB_FORMAT", "github"),
            ("PLUMB_ANNOTATIONS", "false"),
        ],
    );
    assert_eq!(output_of(&outputs, "exit-code"), "1", "{stdout}");
    assert!(stdout.contains("file=new.yaml"), "{stdout}");
    assert!(!stdout.contains("file=old.yaml"), "{stdout}");

    // a bare branch name works too
    let (outputs, stdout) = run(
        &work,
        &[
            ("PLUMB_NEW_ONLY_SINCE", "main"),
            ("PLUMB_FORMAT", "github"),
            ("PLUMB_ANNOTATIONS", "false"),
        ],
    );
    assert_eq!(output_of(&outputs, "exit-code"), "1", "{stdout}");
    assert!(!stdout.contains("file=old.yaml"), "{stdout}");

    // and so does a commit SHA (github.event.pull_request.base.sha), in a fresh shallow clone
    let origin = dir.path().join("origin");
    let base_sha = git(&origin, &["rev-parse", "main"]).trim().to_string();
    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "work2",
        ],
    );
    let (outputs, stdout) = run(
        &dir.path().join("work2"),
        &[
            ("PLUMB_NEW_ONLY_SINCE", base_sha.as_str()),
            ("PLUMB_FORMAT", "github"),
            ("PLUMB_ANNOTATIONS", "false"),
            ("PLUMB_GITHUB_TOKEN", "ghs_tokenvalue0123456789"),
        ],
    );
    assert!(
        !stdout.contains("ghs_tokenvalue"),
        "the token is never printed"
    );
    assert_eq!(output_of(&outputs, "exit-code"), "1", "{stdout}");
    assert!(stdout.contains("file=new.yaml"), "{stdout}");
    assert!(!stdout.contains("file=old.yaml"), "{stdout}");
}

#[test]
fn fork_pull_request_takes_config_and_baseline_from_the_base_branch() {
    if !has_git() {
        eprintln!("config-from-base test skipped: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // the pull request switches every rule but one off in its own config, and baselines the
    // findings of the file it did not touch
    let work = origin_and_shallow_clone(dir.path(), |d| {
        std::fs::write(d.join(".plumb.yml"), "select: [plumb/parse-error]\n").unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_plumb"))
            .current_dir(d)
            .args([
                "check",
                "--no-config",
                "old.yaml",
                "--write-baseline",
                "base.json",
            ])
            .status()
            .unwrap();
        assert!(status.success());
    });
    let same = dir.path().join("same.json");
    std::fs::copy(event(dir.path(), "owner/repo"), &same).unwrap();
    let fork = dir.path().join("fork.json");
    std::fs::copy(event(dir.path(), "someone/repo-fork"), &fork).unwrap();
    let env = |ev: &Path, mode: &'static str| {
        vec![
            ("GITHUB_EVENT_NAME", "pull_request".to_string()),
            ("GITHUB_EVENT_PATH", ev.display().to_string()),
            ("GITHUB_REPOSITORY", "owner/repo".to_string()),
            ("GITHUB_BASE_REF", "main".to_string()),
            ("PLUMB_CONFIG_FROM_BASE", mode.to_string()),
            ("PLUMB_BASELINE", "base.json".to_string()),
            ("PLUMB_ANNOTATIONS", "false".to_string()),
            ("PLUMB_FORMAT", "json".to_string()),
        ]
    };
    let run_with = |env: Vec<(&str, String)>| {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run(&work, &env)
    };
    let findings_in = |file: &str| {
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(work.join("plumb.json")).unwrap())
                .unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == file)
            .count()
    };
    let (outputs, stdout) = run_with(env(&fork, "auto"));
    assert_eq!(output_of(&outputs, "exit-code"), "1", "{stdout}");
    assert!(stdout.contains("has no plumb config"), "{stdout}");
    assert!(
        stdout.contains("the base branch has no base.json"),
        "{stdout}"
    );
    assert!(
        findings_in("old.yaml") > 0,
        "the pull request's baseline was not used"
    );

    // from a branch of the repository the pull request's config applies (auto)
    let (outputs, stdout) = run_with(env(&same, "auto"));
    assert_eq!(output_of(&outputs, "exit-code"), "0", "{stdout}");
    // unless config-from-base is true
    let (outputs, _) = run_with(env(&same, "true"));
    assert_eq!(output_of(&outputs, "exit-code"), "1");

    // once the base branch has a config, that is the one a fork's pull request gets
    let origin = dir.path().join("origin");
    git(&origin, &["checkout", "-q", "main"]);
    std::fs::write(origin.join(".plumb.yml"), "select: [k8s/non-root-user]\n").unwrap();
    git(&origin, &["add", ".plumb.yml"]);
    git(&origin, &["commit", "-q", "-m", "config"]);
    let (outputs, stdout) = run_with(env(&fork, "auto"));
    assert_eq!(output_of(&outputs, "exit-code"), "1", "{stdout}");
    assert!(
        stdout.contains("config from the base branch (main:.plumb.yml)"),
        "{stdout}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("plumb.json")).unwrap()).unwrap();
    let rules: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules.into_iter().collect::<Vec<_>>(), ["k8s/non-root-user"]);
}
