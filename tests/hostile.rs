//! Hostile input: files a user, or an attacker opening a pull request, can write. Each must
//! end with a clear per-file message while the rest is checked, never a panic or a hang.
//! The time bounds are generous (a debug build on a loaded CI machine): they catch hangs and
//! blow-ups, not slowness; speed is measured in benches/.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n";

/// The binary under test; `PLUMB_BIN` runs these tests against another build (to show
/// that one fails them).
fn bin() -> String {
    std::env::var("PLUMB_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_plumb").to_string())
}

/// Run a check; a run past `bound` is killed and fails the test.
fn plumb(dir: &Path, args: &[&str], bound: Duration) -> (Output, serde_json::Value) {
    let start = Instant::now();
    let mut child = Command::new(bin())
        .current_dir(dir)
        .args(["check", "--format", "json", "--select", "all"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // drain the pipes while waiting, so a large report cannot block the child
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut v).ok();
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut v).ok();
        v
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > bound {
            child.kill().ok();
            child.wait().ok();
            panic!(
                "killed after {:?}: over the bound {bound:?}",
                start.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = Output {
        status,
        stdout: reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    };
    let took = start.elapsed();
    eprintln!("plumb {args:?}: {took:?}");
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
fn deep_nesting_and_huge_strings_in_terraform_json() {
    let dir = setup();
    // nesting in a .tf.json value, in a block body, in a `${...}` template inside a string,
    // and in a plan's values
    let deep = format!(
        "{{\"locals\": {{\"x\": {}1{}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.path().join("deep.tf.json"), deep).unwrap();
    let blocks = format!(
        "{{\"resource\": {{\"aws_s3_bucket\": {{\"b\": {}{}}}}}}}",
        "{\"a\": ".repeat(50_000),
        "{}".to_string() + &"}".repeat(50_000)
    );
    std::fs::write(dir.path().join("blocks.tf.json"), blocks).unwrap();
    let template = format!(
        "{{\"locals\": {{\"x\": \"${{{}1{}}}\"}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.path().join("template.tf.json"), template).unwrap();
    let plan = format!(
        "{{\"format_version\": \"1.2\", \"planned_values\": {{\"root_module\": {{\"resources\": [{{\"type\": \"t\", \"name\": \"n\", \"values\": {{\"v\": {}{}}}}}]}}}}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.path().join("plan.json"), plan).unwrap();
    // a huge string (a 1 MiB password) and a long template (a 50,000-step traversal: hcl-edit
    // takes seconds and hundreds of MiB on millions of steps, in .tf files as well)
    let huge = format!(
        "{{\"resource\": {{\"aws_db_instance\": {{\"d\": {{\"password\": \"{}\", \"name\": \"${{{}}}\"}}}}}}}}",
        "p".repeat(1024 * 1024),
        "a.".repeat(50_000) + "b"
    );
    std::fs::write(dir.path().join("huge.tf.json"), huge).unwrap();
    // an unclosed string and a truncated file: parse errors with a position
    std::fs::write(
        dir.path().join("unclosed.tf.json"),
        "{\"locals\": {\"x\": \"abc",
    )
    .unwrap();
    let (_, v) = plumb(dir.path(), &[], Duration::from_secs(60));
    assert!(canary_checked(&v));
    for f in [
        "deep.tf.json",
        "blocks.tf.json",
        "plan.json",
        "unclosed.tf.json",
    ] {
        let found = findings_for(&v, f);
        assert_eq!(found.len(), 1, "{f}: {found:?}");
        assert_eq!(found[0]["rule"], "plumb/parse-error", "{f}");
        assert!(
            found[0]["start"]["line"].as_u64().is_some(),
            "{f}: {:?}",
            found[0]
        );
    }
    // deeper than the template guard: not a value plumb judges, and no error
    assert!(findings_for(&v, "template.tf.json").is_empty());
    // the huge password is reported, redacted
    let huge = findings_for(&v, "huge.tf.json");
    assert!(
        huge.iter().any(|f| f["rule"] == "tf/plaintext-secret"),
        "{huge:?}"
    );
    assert!(!v.to_string().contains(&"p".repeat(64)));
}

#[test]
fn huge_single_line_file() {
    let dir = setup();
    let mut text =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: \"");
    text.push_str(&"a".repeat(30 * 1024 * 1024));
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

/// Each local uses the one before twice: 2^n evaluations without memoisation (26 locals in
/// 970 bytes took 13 s). And a value that doubles at each step (24 locals with a
/// 64-character seed took 21 s and 2.1 GB) stops at the value cap, with a notice.
#[test]
fn terraform_locals_evaluate_in_linear_time_and_bounded_space() {
    let dir = setup();
    let mut tf = String::from("locals {\n  l0 = false\n");
    for i in 1..31 {
        let p = i - 1;
        tf.push_str(&format!(
            "  l{i} = local.l{p} == local.l{p} ? local.l{p} : local.l{p}\n"
        ));
    }
    tf.push_str("}\nresource \"aws_db_instance\" \"db\" {\n  storage_encrypted = local.l30\n}\n");
    std::fs::create_dir(dir.path().join("chain")).unwrap();
    std::fs::write(dir.path().join("chain/main.tf"), tf).unwrap();
    let mut tf = format!("locals {{\n  d0 = \"{}\"\n", "s".repeat(64));
    for i in 1..40 {
        let p = i - 1;
        tf.push_str(&format!("  d{i} = \"${{local.d{p}}}${{local.d{p}}}\"\n"));
    }
    tf.push_str("}\nresource \"aws_db_instance\" \"db\" {\n  storage_encrypted = local.d39\n}\n");
    std::fs::create_dir(dir.path().join("double")).unwrap();
    std::fs::write(dir.path().join("double/main.tf"), tf).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    // the chain resolves (to false), so the rule reads the attribute's value
    let chain = findings_for(&v, "chain/main.tf");
    let at = chain
        .iter()
        .find(|f| f["rule"] == "tf/encryption-at-rest")
        .unwrap_or_else(|| panic!("{chain:?}"));
    assert!(
        at["message"].to_string().contains("local.l30 (false)"),
        "{at}"
    );
    // the doubling value is past the cap: unknown, and a notice says so
    let notices = v["notices"].to_string();
    assert!(
        notices.contains("double") && notices.contains("evaluation limits"),
        "{notices}"
    );
}

/// Local module calls: 3,000 callers of one module, and a chain of 500 directories where each
/// calls the next twice (without memoisation and bounds, 2^500 instances). Each module block is
/// read once, each module keeps at most eight instances and callers are followed four calls
/// up; the module is still judged with a caller's argument.
#[test]
fn terraform_module_calls_are_bounded() {
    let dir = setup();
    let shared = dir.path().join("modules/db");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(
        shared.join("main.tf"),
        "variable \"encrypted\" {\n  default = true\n}\nresource \"aws_db_instance\" \"this\" {\n  storage_encrypted = var.encrypted\n}\n",
    )
    .unwrap();
    let mut callers = String::new();
    for i in 0..3000 {
        callers.push_str(&format!(
            "module \"db{i}\" {{\n  source    = \"./modules/db\"\n  encrypted = false\n}}\n"
        ));
    }
    std::fs::write(dir.path().join("main.tf"), callers).unwrap();
    for i in 0..500 {
        let d = dir.path().join(format!("chain/d{i}"));
        std::fs::create_dir_all(&d).unwrap();
        let next = i + 1;
        std::fs::write(
            d.join("main.tf"),
            format!(
                "variable \"x\" {{\n  default = true\n}}\nmodule \"a\" {{\n  source = \"../d{next}\"\n  x      = var.x\n}}\nmodule \"b\" {{\n  source = \"../d{next}\"\n  x      = var.x\n}}\nresource \"aws_ebs_volume\" \"v\" {{\n  encrypted = var.x\n}}\n"
            ),
        )
        .unwrap();
    }
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    let db = findings_for(&v, "modules/db/main.tf");
    let at = db
        .iter()
        .find(|f| f["rule"] == "tf/encryption-at-rest")
        .unwrap_or_else(|| panic!("{db:?}"));
    let related = at["related"].as_array().map_or(0, Vec::len);
    assert!((1..=8).contains(&related), "{at}");
}

/// hcl-edit parsed the operand after a second binary operator twice per nesting level
/// (`x = {a+b% ` 24 times, 148 bytes: 10.5 s, doubling per level).
#[test]
fn hcl_backtracking_is_linear() {
    let dir = setup();
    std::fs::write(
        dir.path().join("unclosed.tf"),
        format!("x = {}\n", "{a+b% ".repeat(60)),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("closed.tf"),
        format!("x = {}1{}\n", "{a+b% {".repeat(30), "} }".repeat(30)),
    )
    .unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    for f in ["unclosed.tf", "closed.tf"] {
        let got = findings_for(&v, f);
        assert_eq!(got.len(), 1, "{f}: {got:?}");
        assert_eq!(got[0]["rule"], "plumb/parse-error", "{f}");
    }
}

/// A .gitignore of 300,000 patterns (8 MB) took 2.7 GB to compile; one just under 1 MiB
/// still holds 38,000.
#[test]
fn huge_ignore_files_are_capped() {
    let dir = setup();
    let mut seed = 1u64;
    let mut pattern = || {
        let mut p = String::from("*");
        for _ in 0..8 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            p.push((b'a' + (seed >> 60) as u8 % 10) as char);
        }
        p.push_str("*/xxx[0-9]*.y?ml\n");
        p
    };
    let big: String = (0..300_000).map(|_| pattern()).collect();
    std::fs::write(dir.path().join(".gitignore"), big).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let many: String = (0..38_000).map(|_| pattern()).collect();
    assert!(many.len() < 1 << 20);
    std::fs::write(dir.path().join("sub/.gitignore"), many).unwrap();
    std::fs::write(dir.path().join("sub/pod.yaml"), POD).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    assert!(!findings_for(&v, "sub/pod.yaml").is_empty());
    let notices = v["notices"].to_string();
    assert!(notices.contains("\".gitignore\""), "{notices}");
    assert!(notices.contains("sub/.gitignore"), "{notices}");
}

/// `compose/depends-on-not-healthy` looked each `depends_on` entry up in a list rebuilt per
/// entry (2,000 services: 14 s).
#[test]
fn thousands_of_compose_services() {
    let dir = setup();
    let mut compose = String::from("services:\n");
    for i in 0..3_000usize {
        compose.push_str(&format!("  s{i}:\n    image: example/s:1.0.0\n"));
        if i > 0 {
            compose.push_str("    depends_on:\n");
            for d in i.saturating_sub(3)..i {
                compose.push_str(&format!("      s{d}: {{condition: service_healthy}}\n"));
            }
        }
    }
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    assert!(
        findings_for(&v, "compose.yaml")
            .iter()
            .any(|f| f["rule"] == "compose/depends-on-not-healthy")
    );
}

/// The Dockerfile rules asked every compose file and manifest of the check who runs each
/// Dockerfile's image (1,576 Dockerfiles among 10,000 mixed files: 22 s of CPU in a release
/// build); the check now indexes them once.
#[test]
fn thousands_of_dockerfiles_compose_files_and_manifests() {
    let dir = setup();
    for i in 0..2_500usize {
        let d = dir.path().join(format!("svc/app{i}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("Dockerfile"),
            "FROM debian:12\nEXPOSE 80\nCMD [\"app\"]\n",
        )
        .unwrap();
        std::fs::write(
            d.join("compose.yaml"),
            format!("services:\n  app{i}:\n    build: .\n"),
        )
        .unwrap();
        std::fs::write(
            d.join("deploy.yaml"),
            POD.replace("example/app:1.0.0", &format!("example/app{i}:1.0.0")),
        )
        .unwrap();
    }
    let (_, v) = plumb(dir.path(), &[], Duration::from_secs(60));
    assert!(canary_checked(&v));
    let df = findings_for(&v, "svc/app7/Dockerfile");
    let root = df
        .iter()
        .find(|f| f["rule"] == "docker/non-root-user")
        .expect("docker/non-root-user on svc/app7/Dockerfile");
    // the compose service that runs it is still named as a related place
    assert_eq!(
        root["related"][0]["label"], "compose service \"app7\" runs it as root too",
        "{root}"
    );
}

/// `gha/unknown-needs` searched the job list per edge and per cycle check (2,500 jobs:
/// 43 s) and listed every job id in each message (4,000 jobs: 473 MB of JSON).
#[test]
fn thousands_of_jobs() {
    let dir = setup();
    let mut wf = String::from("on: push\njobs:\n");
    for i in 0..4_000usize {
        let mut needs: Vec<String> = (i.saturating_sub(3)..i).map(|d| format!("j{d}")).collect();
        needs.push("nope".into());
        wf.push_str(&format!(
            "  j{i}:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    needs: [{}]\n    steps:\n      - run: echo\n",
            needs.join(", ")
        ));
    }
    // and a cycle at the end
    wf.push_str("  a:\n    runs-on: x\n    needs: b\n    steps: [{run: x}]\n  b:\n    runs-on: x\n    needs: a\n    steps: [{run: x}]\n");
    std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    std::fs::write(dir.path().join(".github/workflows/ci.yml"), wf).unwrap();
    let (out, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    assert!(
        out.stdout.len() < 64 << 20,
        "{} bytes of JSON",
        out.stdout.len()
    );
    let found = findings_for(&v, ".github/workflows/ci.yml");
    let unknown: Vec<_> = found
        .iter()
        .filter(|f| f["rule"] == "gha/unknown-needs")
        .collect();
    assert_eq!(unknown.len(), 4_002);
    assert!(
        unknown[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("(and 3992 more)"),
        "{}",
        unknown[0]["message"]
    );
    assert!(
        unknown
            .iter()
            .filter(|f| f["message"].as_str().unwrap().contains("cycle"))
            .count()
            == 2
    );
}

/// A column was counted from the line's start for each finding (160,000 expressions on
/// one line: 43 s): here 20,000 on a line of 4.6 MB.
#[test]
fn twenty_thousand_findings_on_one_line() {
    let dir = setup();
    let filler = "é".repeat(100);
    let run = format!("${{{{ github.event.issue.title }}}} {filler}").repeat(20_000);
    let wf = format!(
        "on: issues\npermissions: {{}}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo {run}\n"
    );
    std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
    std::fs::write(dir.path().join(".github/workflows/ci.yml"), wf).unwrap();
    let (_, v) = plumb(dir.path(), &[], BOUND);
    assert!(canary_checked(&v));
    let found = findings_for(&v, ".github/workflows/ci.yml");
    let last = found
        .iter()
        .rfind(|f| f["rule"] == "gha/template-injection")
        .unwrap();
    assert_eq!(last["start"]["column"], 23 + 19_999 * 132);
}
