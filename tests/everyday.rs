//! Everyday use (issue 20, item 5), end to end: concise output, --statistics, standard
//! input without a name, excludes on --stdin-filename, config errors in JSON and SARIF,
//! "did you mean", peers' rule ids, --help's exit codes.

use std::path::Path;

use assert_cmd::Command;

fn plumb(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("plumb").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS");
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

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A repository with one bad pod.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "k8s/pod.yaml", BAD_POD);
    dir
}

#[test]
fn concise_is_one_line_per_finding() {
    let dir = repo();
    let out = plumb(dir.path())
        .args([
            "check",
            "--format",
            "concise",
            "--select",
            "k8s/missing-resource-limits,k8s/missing-probes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 3, "{text}");
    for l in &lines[..lines.len() - 1] {
        let mut parts = l.splitn(4, ':');
        assert_eq!(parts.next(), Some("k8s/pod.yaml"), "{l}");
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{l}");
        assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{l}");
        let rest = parts.next().unwrap();
        assert!(
            rest.starts_with(" k8s/missing-resource-limits ")
                || rest.starts_with(" k8s/missing-probes "),
            "{l}"
        );
    }
    assert!(lines.last().unwrap().contains("(1 file scanned)"), "{text}");
}

#[test]
fn statistics_count_per_rule() {
    let dir = repo();
    write(
        dir.path(),
        "k8s/pod2.yaml",
        &BAD_POD.replace("name: p", "name: q"),
    );
    let out = plumb(dir.path())
        .args([
            "check",
            "--statistics",
            "--select",
            "k8s/missing-resource-limits,k8s/missing-probes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("pod.yaml"), "no findings listed: {text}");
    let row = text
        .lines()
        .find(|l| l.contains("k8s/missing-resource-limits"))
        .unwrap_or_else(|| panic!("{text}"));
    let count: usize = row.split_whitespace().next().unwrap().parse().unwrap();
    assert!(count >= 2, "two pods: {row}");
    let out = plumb(dir.path())
        .args([
            "check",
            "--statistics",
            "--format",
            "json",
            "--select",
            "k8s/missing-resource-limits",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["rule"], "k8s/missing-resource-limits");
    assert_eq!(v[0]["count"].as_u64(), Some(count as u64));
    let out = plumb(dir.path())
        .args(["check", "--statistics", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--statistics works with"));
}

#[test]
fn clean_run_says_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let out = plumb(dir.path()).args(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "no findings (0 files scanned)\n");
}

#[test]
fn columns_sets_the_wrapping_width() {
    let dir = repo();
    let run = |columns: &str| {
        let out = plumb(dir.path())
            .env("COLUMNS", columns)
            .args(["check", "--select", "k8s/missing-resource-limits"])
            .output()
            .unwrap();
        stdout(&out)
    };
    let narrow = run("50");
    let wide = run("300");
    let widest = |t: &str| t.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest(&narrow) <= 60, "{narrow}");
    assert!(widest(&wide) > 60, "{wide}");
}

#[test]
fn colour_env_vars_are_honoured_into_a_pipe() {
    let dir = repo();
    let run = |vars: &[(&str, &str)]| {
        let mut c = plumb(dir.path());
        c.env_remove("NO_COLOR");
        for (k, v) in vars {
            c.env(k, v);
        }
        let out = c
            .args(["check", "--select", "k8s/missing-resource-limits"])
            .output()
            .unwrap();
        stdout(&out).contains('\x1b')
    };
    assert!(!run(&[]), "a pipe gets no colour");
    assert!(run(&[("FORCE_COLOR", "1")]));
    assert!(run(&[("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
}

#[test]
fn stdin_without_a_name_is_sniffed() {
    let dir = repo();
    let out = plumb(dir.path())
        .args([
            "check",
            "-",
            "--format",
            "json",
            "--select",
            "k8s/missing-resource-limits",
        ])
        .write_stdin(format!(
            "# Source: chart/templates/pod.yaml\n---\n{BAD_POD}"
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["file"], "-");
    assert_eq!(v["findings"][0]["kind"], "k8s");
    let out = plumb(dir.path())
        .args(["check", "-", "--select", "docker/*"])
        .write_stdin("FROM alpine:3.20\nUSER root\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("docker/non-root-user"));
    let out = plumb(dir.path())
        .args(["check", "-"])
        .write_stdin("just: some yaml\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--stdin-filename"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn excludes_apply_to_the_stdin_filename() {
    let dir = repo();
    write(dir.path(), ".plumb.yml", "exclude:\n  - vendor/\n");
    let run = |name: &str, extra: &[&str]| {
        plumb(dir.path())
            .args([
                "check",
                "-",
                "--stdin-filename",
                name,
                "--select",
                "k8s/missing-resource-limits",
            ])
            .args(extra)
            .write_stdin(BAD_POD)
            .output()
            .unwrap()
    };
    let out = run("vendor/pod.yaml", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("excluded"), "{}", stdout(&out));
    let out = run("gen/pod.yaml", &["--exclude", "gen/**"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = run("k8s/pod.yaml", &[]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn help_gives_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["check", "--help"]] {
        let out = plumb(dir.path()).args(args).output().unwrap();
        let text = stdout(&out);
        assert!(text.contains("Exit codes:"), "{text}");
        assert!(text.contains("  2  a usage, config or I/O error"), "{text}");
    }
}

#[test]
fn config_errors_reach_json_and_sarif() {
    let dir = repo();
    write(dir.path(), ".plumb.yml", "select: [all]\nbogus: 1\n");
    let out = plumb(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {:?}", stdout(&out)));
    let e = &v["errors"][0];
    assert_eq!(e["file"], ".plumb.yml");
    assert_eq!(e["line"], 2);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("unknown key \"bogus\"")
    );
    assert!(stderr(&out).contains(".plumb.yml:2:1"), "{}", stderr(&out));
    let out = plumb(dir.path())
        .args(["check", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert!(
        inv["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("bogus"),
        "{inv}"
    );
    // a bad --select too, with no file to name
    std::fs::remove_file(dir.path().join(".plumb.yml")).unwrap();
    let out = plumb(dir.path())
        .args(["check", "--format", "json", "--select", "nosuch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["errors"][0]["file"].is_null());
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("--select:")
    );
}

#[test]
fn misspellings_get_a_did_you_mean() {
    let dir = repo();
    let err = |args: &[&str]| {
        let out = plumb(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        stderr(&out)
    };
    assert!(
        err(&["explain", "gha/template-injectoin"])
            .contains("did you mean \"gha/template-injection\"")
    );
    assert!(
        err(&["check", "--select", "gha/template-injecton"])
            .contains("did you mean \"gha/template-injection\"")
    );
    // a slug without its kind names the rule
    assert!(
        err(&["check", "--select", "relative-workdir"])
            .contains("did you mean \"docker/relative-workdir\"")
    );
    let packs = err(&["rules", "--pack", "supply-chian"]);
    assert!(packs.contains("did you mean \"supply-chain\""), "{packs}");
    assert!(packs.contains("packs are: "), "{packs}");
    write(dir.path(), ".plumb.yml", "selct: [all]\n");
    assert!(err(&["check"]).contains("did you mean \"select\""));
    // an option's value too: a misspelt deploy gate is refused, not dropped
    write(
        dir.path(),
        ".plumb.yml",
        "rules:\n  gha/deploy-without-tests:\n    require: [tests, securty-scan]\n",
    );
    let e = err(&["check"]);
    assert!(e.contains(".plumb.yml:3:"), "{e}");
    assert!(e.contains("did you mean \"security-scan\""), "{e}");
}

#[test]
fn peers_ids_are_aliases() {
    let dir = repo();
    let out = plumb(dir.path())
        .args(["explain", "DL3002"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("covered by plumb's docker/non-root-user"),
        "{text}"
    );
    assert!(
        text.contains("## Peers") && text.contains("hadolint `DL3002`"),
        "{text}"
    );
    let out = plumb(dir.path())
        .args(["explain", "k8s/host-namespaces"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("checkov `CKV_K8S_17`"));
    // --select by a checkov id, and a suppression by it
    let out = plumb(dir.path())
        .args(["check", "--format", "concise", "--select", "CKV_K8S_10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("k8s/missing-resource-limits"));
    write(
        dir.path(),
        "k8s/pod.yaml",
        &BAD_POD.replace(
            "    - name: app\n",
            "    - name: app # plumb: ignore[CKV_K8S_10] -- sized by the namespace quota\n",
        ),
    );
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
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["suppressed"].as_array().unwrap().len(), 1, "{v}");
}
