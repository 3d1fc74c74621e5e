//! Hostile input: files a user, or an attacker opening a pull request, can write. Each must
//! end with a clear per-file message while the rest is checked, never a panic or a hang.
//! The time bounds are generous (a debug build on a loaded CI machine): they catch hangs and
//! blow-ups, not slowness; speed is measured in benches/.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n";

fn plumb(dir: &Path, args: &[&str], bound: Duration) -> (Output, serde_json::Value) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(dir)
        .args(["check", "--format", "json", "--select", "all"])
        .args(args)
        .output()
        .unwrap();
    let took = start.elapsed();
    assert!(took < bound, "took {took:?}, bound {bound:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    let v = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, v)
}

/// The canary: a normal manifest beside the hostile file must still be checked.
fn canary_checked(v: &serde_json::Value) -> bool {
    v["findings"].as_array().is_some_and(|f| {
        f.iter()
            .any(|x| x["file"] == "canary.yaml" && x["rule"] == "k8s/missing-resource-limits")
    })
}

fn findings_for<'a>(v: &'a serde_json::Value, file: &str) -> Vec<&'a serde_json::Value> {
    v["findings"]
        .as_array()
        .map(|f| f.iter().filter(|x| x["file"] == file).collect())
        .unwrap_or_default()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("canary.yaml"), POD).unwrap();
    dir
}

const BOUND: Duration = Duration::from_secs(20);

#[test]
fn yaml_alias_bomb() {
    let dir = setup();
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    for i in 1..30 {
        let p = i - 1;
        text.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    std::fs::write(dir.path().join("bomb.yaml"), text).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
}

#[test]
fn deep_nesting_yaml_and_hcl() {
    let dir = setup();
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\ndata: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    std::fs::write(dir.path().join("deep.yaml"), deep).unwrap();
    let hcl = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    std::fs::write(dir.path().join("deep.tf"), hcl).unwrap();
    let block = format!("{}{}", "a {\n".repeat(5_000), "}\n".repeat(5_000));
    std::fs::write(dir.path().join("blocks.tf"), block).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    assert_eq!(
        findings_for(&v, "deep.yaml")[0]["rule"],
        "plumb/parse-error"
    );
    assert_eq!(findings_for(&v, "deep.tf")[0]["rule"], "plumb/parse-error");
}

#[test]
fn huge_single_line_file() {
    let dir = setup();
    let mut text =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: \"");
    text.push_str(&"a".repeat(50 * 1024 * 1024));
    text.push_str("\"}\n");
    std::fs::write(dir.path().join("big.yaml"), text).unwrap();
    // over the default 10 MiB limit: skipped with a notice
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    assert!(v["notices"].to_string().contains("big.yaml"));
    // and read in full when the limit allows it
    let (_, v) = plumb(
        dir.path(),
        &["--max-file-size", "100000000"],
        Duration::from_secs(60),
    );
    assert!(canary_checked(&v));
}

#[cfg(unix)]
#[test]
fn sparse_gigabyte_file_is_skipped() {
    let dir = setup();
    let f = std::fs::File::create(dir.path().join("Dockerfile")).unwrap();
    f.set_len(1 << 30).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    assert!(v["notices"].to_string().contains("Dockerfile"));
}

#[test]
fn invalid_utf8_nul_and_binary() {
    let dir = setup();
    std::fs::write(
        dir.path().join("bad.yaml"),
        b"apiVersion: v1\nkind: Pod\nx: \xc3\x28\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("nul.tf"), b"variable \"x\" {\x00}\n").unwrap();
    let mut bin = Vec::new();
    for i in 0..100_000u32 {
        bin.extend_from_slice(&i.wrapping_mul(2_654_435_761).to_le_bytes());
    }
    std::fs::write(dir.path().join("Dockerfile"), bin).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    for f in ["bad.yaml", "nul.tf", "Dockerfile"] {
        let got = findings_for(&v, f);
        assert_eq!(got.len(), 1, "{f}: {got:?}");
        assert_eq!(got[0]["rule"], "plumb/parse-error", "{f}");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_fifo_and_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = setup();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), POD).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("out.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    // a FIFO named Dockerfile: never opened, so nothing blocks
    let fifo = dir.path().join("Dockerfile");
    let ok = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    // permission denied (meaningless as root, where it is still readable)
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("pod.yaml"), POD).unwrap();
    std::fs::write(dir.path().join("unreadable.tf"), "variable \"x\" {}\n").unwrap();
    std::fs::set_permissions(
        dir.path().join("unreadable.tf"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(canary_checked(&v));
    assert!(
        findings_for(&v, "out.yaml").is_empty(),
        "symlink out of the root followed"
    );
    if ok {
        assert!(findings_for(&v, "Dockerfile").is_empty());
        assert!(
            v["notices"].to_string().contains("Dockerfile"),
            "{}",
            v["notices"]
        );
    }
}

#[test]
fn hundred_thousand_empty_files() {
    let dir = setup();
    let many = dir.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for i in 0..100_000 {
        std::fs::File::create(many.join(format!("f{i}.tf"))).unwrap();
    }
    let (_, v) = plumb(dir.path(), &[], Duration::from_secs(60));
    assert!(canary_checked(&v));
    assert!(v["summary"]["files_scanned"].as_u64().unwrap() > 100_000);
}

#[test]
fn malicious_config_fails_clearly_in_bounded_time() {
    let dir = setup();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let huge_regex = format!(
        "rules:\n  secrets/hardcoded-token:\n    allow: ['{}']\n",
        "(a{1000}){1000}"
    );
    std::fs::write(dir.path().join(".plumb.yml"), huge_regex).unwrap();
    let (out, _) = plumb(dir.path(), &[], BOUND);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(".plumb.yml:3"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let absurd_glob = format!("exclude: ['{}']\n", "**/".repeat(2000));
    std::fs::write(dir.path().join(".plumb.yml"), absurd_glob).unwrap();
    let (out, _) = plumb(dir.path(), &[], BOUND);
    assert_eq!(out.status.code(), Some(2));
}
