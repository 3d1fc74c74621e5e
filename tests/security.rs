//! What a hostile pull request must not get past: the gate (`--new-only-since`, config
//! resolution, discovery), execution through git, secrets in the output, and commands or
//! control characters injected into CI logs and terminals. Each test reproduces an attack
//! found against an earlier version (issue 22) and fails there.

use std::path::Path;
use std::process::{Command, Output};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n";
const ROOT_DOCKERFILE: &str = "FROM alpine:3.20\nUSER root\n";

/// The binary under test; `PLUMB_BIN` runs these tests against another build (to show
/// that one fails them).
fn bin() -> String {
    std::env::var("PLUMB_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_plumb").to_string())
}

fn plumb(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn files_with_findings(v: &serde_json::Value) -> Vec<String> {
    let mut files: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    files.dedup();
    files
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn has_git() -> bool {
    Command::new("git").arg("--version").output().is_ok()
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

/// A repository whose `main` has one commit and whose `feature` branch (checked out) adds
/// the files `setup` writes.
fn repo(setup: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "README.md", "base\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    setup(root);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "--allow-empty", "-m", "feature"]);
    dir
}

const NEW_ONLY: &[&str] = &[
    "check",
    "--format",
    "json",
    "--select",
    "docker/non-root-user",
    "--new-only-since",
    "main",
];

// ---- 1, 2: --new-only-since fails closed --------------------------------------------------

/// Paths git quotes (a space, non-ASCII, a tab, a quote, a backslash) were never matched, so
/// their findings were dropped as "unchanged".
#[test]
fn new_only_since_keeps_findings_in_files_whose_path_git_quotes() {
    if !has_git() {
        return;
    }
    let names = [
        "with space/Dockerfile",
        "café/Dockerfile",
        "tab\there/Dockerfile",
        "quote\"d/Dockerfile",
        "back\\slash/Dockerfile",
    ];
    let dir = repo(|root| {
        for n in names {
            write(root, n, ROOT_DOCKERFILE);
        }
    });
    let out = plumb(dir.path(), NEW_ONLY);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(files_with_findings(&v).len(), names.len(), "{v}");
    // the same with the untracked files of the work tree
    let dir = repo(|_| {});
    for n in names {
        write(dir.path(), n, ROOT_DOCKERFILE);
    }
    let v = json(&plumb(dir.path(), NEW_ONLY));
    assert_eq!(files_with_findings(&v).len(), names.len(), "{v}");
}

/// `diff.noprefix`, `diff.mnemonicPrefix` and `diff.srcPrefix`/`dstPrefix` in the
/// repository's config made every diff path unreadable, and every finding was dropped.
#[test]
fn new_only_since_ignores_diff_prefix_config() {
    if !has_git() {
        return;
    }
    for (key, value) in [
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.dstPrefix", "x/"),
    ] {
        let dir = repo(|root| write(root, "Dockerfile", ROOT_DOCKERFILE));
        git(dir.path(), &["config", key, value]);
        // and an edit in the work tree, so the work tree is compared too
        write(dir.path(), "app/Dockerfile", ROOT_DOCKERFILE);
        let out = plumb(dir.path(), NEW_ONLY);
        assert_eq!(out.status.code(), Some(1), "{key}");
        assert_eq!(
            files_with_findings(&json(&out)),
            ["Dockerfile", "app/Dockerfile"],
            "{key}"
        );
    }
}

/// Only changed lines count, in committed and uncommitted edits alike.
#[test]
fn new_only_since_keeps_changed_lines_and_drops_unchanged_ones() {
    if !has_git() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "Dockerfile", "FROM alpine:3.20\nUSER root\n");
    write(root, "b/Dockerfile", "FROM alpine:3.20\nUSER root\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(
        root,
        "Dockerfile",
        "FROM alpine:3.20\nRUN true\nUSER root\n",
    );
    git(root, &["commit", "-q", "-am", "unrelated line"]);
    let v = json(&plumb(root, NEW_ONLY));
    assert_eq!(files_with_findings(&v), Vec::<String>::new(), "{v}");
    // an uncommitted edit of the finding's line brings it in
    write(root, "b/Dockerfile", "FROM alpine:3.20\nUSER  root\n");
    let v = json(&plumb(root, NEW_ONLY));
    assert_eq!(files_with_findings(&v), ["b/Dockerfile"], "{v}");
}

/// A clean filter driver the repository's config names, selected by `.gitattributes`,
/// ran when git diffed the work tree.
#[cfg(unix)]
#[test]
fn new_only_since_runs_no_git_filter_driver() {
    if !has_git() {
        return;
    }
    let dir = repo(|root| {
        write(root, ".gitattributes", "* filter=pwn diff=pwn\n");
        write(root, "Dockerfile", ROOT_DOCKERFILE);
    });
    let root = dir.path();
    let marker = root.join("filter-ran");
    for driver in ["clean", "smudge", "process"] {
        git(
            root,
            &[
                "config",
                &format!("filter.pwn.{driver}"),
                &format!("touch {}; cat", marker.display()),
            ],
        );
    }
    git(
        root,
        &[
            "config",
            "diff.pwn.textconv",
            &format!("touch {}; cat", marker.display()),
        ],
    );
    // a work-tree edit and a stale index make git want to re-read the file
    write(
        root,
        "Dockerfile",
        "FROM alpine:3.20\nUSER root\nUSER root\n",
    );
    let out = plumb(root, NEW_ONLY);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!marker.exists(), "a git filter driver ran");
}

// ---- 3: one config per run -----------------------------------------------------------------

/// `plumb check sub other` read `sub/.plumb.yml` for the whole run, so a pull request's
/// nested config switched every check off.
#[test]
fn a_nested_config_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, "sub/.plumb.yml", "fail-on: never\nignore: [all]\n");
    write(root, "sub/Dockerfile", ROOT_DOCKERFILE);
    write(root, "other/Dockerfile", ROOT_DOCKERFILE);
    for args in [
        &["check", "sub", "other"][..],
        &["check", "sub/Dockerfile", "other"][..],
        &["check"][..],
    ] {
        let out = plumb(root, &[args, &["--format", "json"]].concat());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let v = json(&out);
        assert_eq!(
            files_with_findings(&v),
            ["other/Dockerfile", "sub/Dockerfile"],
            "{args:?}"
        );
        assert!(v["config"].is_null(), "{v}");
        assert!(
            v["notices"].to_string().contains("sub/.plumb.yml"),
            "{args:?}: {}",
            v["notices"]
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no config at the repository root"), "{err}");
    }
    // the root config applies, and the run says it used it (stderr, JSON, SARIF)
    write(root, ".plumb.yml", "ignore: [docker/missing-healthcheck]\n");
    let out = plumb(root, &["check", "sub", "--format", "json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("plumb: config "));
    assert_eq!(json(&out)["config"], ".plumb.yml");
    let sarif = json(&plumb(root, &["check", "sub", "--format", "sarif"]));
    assert_eq!(sarif["runs"][0]["properties"]["config"], ".plumb.yml");
    // --config names the one config
    let out = plumb(
        root,
        &["check", "--config", "sub/.plumb.yml", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out)["config"], "sub/.plumb.yml");
}

// ---- 5: files are told apart by their real path --------------------------------------------

#[cfg(unix)]
#[test]
fn colliding_display_names_are_all_checked() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    write(root, "deploy/app.yaml", POD);
    write(root, "deploy\\app.yaml", POD);
    let raw = root.join(std::ffi::OsStr::from_bytes(b"bad\xff.yaml"));
    std::fs::write(&raw, POD).unwrap();
    write(root, "bad\u{fffd}.yaml", POD);
    let out = plumb(
        root,
        &[
            "check",
            "--select",
            "k8s/missing-resource-limits",
            "--format",
            "json",
        ],
    );
    let v = json(&out);
    assert_eq!(v["summary"]["files_scanned"], 4, "{v}");
    assert_eq!(
        files_with_findings(&v),
        [
            "bad\\xff.yaml",
            "bad\u{fffd}.yaml",
            "deploy/app.yaml",
            "deploy\\\\app.yaml"
        ]
    );
}

/// The same file named twice (`/abs/x` and `../x`) was checked twice.
#[test]
fn one_file_under_two_names_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "x/pod.yaml", POD);
    write(dir.path(), "work/README", "");
    let abs = dir.path().join("x/pod.yaml");
    let out = plumb(
        &dir.path().join("work"),
        &[
            "check",
            "--format",
            "json",
            abs.to_str().unwrap(),
            "../x/pod.yaml",
            "../x",
        ],
    );
    assert_eq!(json(&out)["summary"]["files_scanned"], 1);
    // a link named beside its target, and two files of one directory named one by one
    // (the directory's canonical form is found once, a link's whole)
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&abs, dir.path().join("link.yaml")).unwrap();
        write(dir.path(), "x/other.yaml", POD);
        let out = plumb(
            &dir.path().join("work"),
            &[
                "check",
                "--format",
                "json",
                "../link.yaml",
                "../x/pod.yaml",
                "../x/other.yaml",
            ],
        );
        assert_eq!(json(&out)["summary"]["files_scanned"], 2);
    }
}

// ---- 6: `{{` makes a template only inside a chart --------------------------------------------

#[test]
fn braces_outside_a_chart_do_not_skip_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pod.yaml",
        &format!(
            "# rendered from {{{{ .Values.name }}}}\n{POD}      securityContext: {{privileged: true}}\n"
        ),
    );
    let out = plumb(
        root,
        &[
            "check",
            "--select",
            "k8s/privileged-container",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(files_with_findings(&json(&out)), ["pod.yaml"]);
    // a file that does not parse because of its template markers is left alone
    write(
        root,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nspec: {{ .Values.spec }}: [\n",
    );
    let out = plumb(root, &["check", "--format", "json"]);
    let v = json(&out);
    assert!(v["notices"].to_string().contains("template"), "{v}");
    // in a chart's templates/ it is a template, parsed or not
    write(root, "chart/Chart.yaml", "name: c\n");
    write(
        root,
        "chart/templates/pod.yaml",
        &format!("# {{{{ x }}}}\n{POD}"),
    );
    let v = json(&plumb(root, &["check", "chart", "--format", "json"]));
    assert_eq!(v["summary"]["files_scanned"], 0, "{v}");
}

// ---- 7: symlinked directories stay inside the scanned directory --------------------------------

#[cfg(unix)]
#[test]
fn symlinked_directories_are_not_followed_out() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "Dockerfile", ROOT_DOCKERFILE);
    let root = dir.path().join("repo");
    write(&root, "canary/Dockerfile", ROOT_DOCKERFILE);
    std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
    std::os::unix::fs::symlink("/", root.join("slash")).unwrap();
    // a link inside the scanned directory is followed, once
    std::os::unix::fs::symlink(root.join("canary"), root.join("inside")).unwrap();
    let out = plumb(
        &root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "docker/non-root-user",
        ],
    );
    let v = json(&out);
    assert_eq!(files_with_findings(&v), ["canary/Dockerfile"], "{v}");
    let notices = v["notices"].to_string();
    assert!(
        notices.contains("out") && notices.contains("slash"),
        "{notices}"
    );
    let list = plumb(&root, &["check", "--list-files"]);
    assert_eq!(
        String::from_utf8_lossy(&list.stdout),
        "dockerfile\tcanary/Dockerfile\n"
    );
}

// ---- 12, 13, 14: secrets never reach the output -------------------------------------------

const FORMATS: [&str; 5] = ["human", "json", "sarif", "github", "gitlab"];

/// Every format's output, the baseline and stderr, for `args`.
fn every_output(root: &Path, args: &[&str]) -> String {
    let mut all = String::new();
    for format in FORMATS {
        let out = plumb(root, &[&["check", "--format", format][..], args].concat());
        all.push_str(&String::from_utf8_lossy(&out.stdout));
        all.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    let base = root.join("plumb-baseline.json");
    plumb(
        root,
        &[
            &["check", "--write-baseline", base.to_str().unwrap()][..],
            args,
        ]
        .concat(),
    );
    all.push_str(&std::fs::read_to_string(&base).unwrap_or_default());
    std::fs::remove_file(&base).ok();
    all
}

fn assert_absent(output: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!output.contains(s), "{s:?} leaked:\n{output}");
    }
}

/// Parse errors quoted the word that started an unknown Dockerfile line (a pasted token, a
/// continuation-split `-p<password>`) and a duplicate YAML key (a token, `NAME=value`).
#[test]
fn parse_errors_quote_no_secret() {
    let gh = format!("ghp_{}", "a1B2".repeat(9));
    let gl = format!("glpat-{}", "Xy9".repeat(7));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Dockerfile",
        &format!("FROM alpine:3.20\n{gh}\nRUN mysql -u root\n-pS3cretPw77 app\nMySecretWord\n"),
    );
    write(
        root,
        "cm.yaml",
        &format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  {gl}: a\n  {gl}: b\n  API_KEY=abc123xyz: a\n  API_KEY=abc123xyz: b\n"
        ),
    );
    let all = every_output(root, &["--select", "plumb/parse-error,plumb/duplicate-key"]);
    assert!(all.contains("unknown instruction"), "{all}");
    assert!(all.contains("duplicate key"), "{all}");
    assert_absent(
        &all,
        &[
            &gh[4..],
            &gl[6..],
            "S3cretPw77",
            "MySecretWord",
            "abc123xyz",
        ],
    );
}

/// Snippets showed a private key's body lines, a token in a file whose secret findings
/// were suppressed or deselected, a token on a line of a file that does not parse, a
/// variable's default in another `.tf`; and masking a multi-line value shifted the lines
/// after it.
#[test]
fn snippets_mask_every_secret_whatever_the_selection() {
    let gh = format!("ghp_{}", "Zq7".repeat(12));
    let body1 = format!("MIIEpAIBAAK{}", "Qw3".repeat(10));
    let body2 = format!("xBody2{}", "Er5".repeat(10));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // a key block in a ConfigMap, and a container below it that other rules report on
    write(
        root,
        "cm.yaml",
        &format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    key: |\n      -----BEGIN RSA PRIVATE KEY-----\n      {body1}\n      {body2}\n      -----END RSA PRIVATE KEY-----\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n"
        ),
    );
    // a token on the line another rule reports, its own rule suppressed
    write(
        root,
        "Dockerfile",
        &format!(
            "FROM alpine:3.20\n# plumb: ignore[secrets/hardcoded-token] -- a test\nUSER root # {gh}\n"
        ),
    );
    // a file that does not parse
    write(
        root,
        "broken.tf",
        &format!("locals {{\n  x = \"{gh}\"\n  y = [\n"),
    );
    // a variable default in another file, shown by another rule's snippet
    write(
        root,
        "vars.tf",
        "variable \"db_password\" { default = \"Hunter2Default9\" }\nresource \"aws_db_instance\" \"b\" {\n  storage_encrypted = true\n}\n",
    );
    write(
        root,
        "main.tf",
        "resource \"aws_db_instance\" \"db\" {\n  password = var.db_password\n}\n",
    );
    for args in [
        &["--select", "all"][..],
        &["--select", "all", "--ignore", "secrets"][..],
    ] {
        let out = plumb(root, &[&["check", "--format", "human"][..], args].concat());
        let human = String::from_utf8_lossy(&out.stdout);
        assert_absent(
            &human,
            &[&gh[4..], &body1[4..], &body2[4..], "nter2Default9"],
        );
        // the snippet under the masked block still shows the right line numbers
        assert!(
            human.contains("14 │       image: example/app:1.0.0"),
            "{human}"
        );
        let all = every_output(root, args);
        assert_absent(&all, &[&gh[4..], &body1[4..], &body2[4..], "nter2Default9"]);
    }
}

/// Passwords in URLs and on command lines in Dockerfiles were not detected, and the
/// fingerprint of a finding whose text held one hashed the raw password (a dictionary
/// recovers it from the SARIF in a few hundred guesses).
#[test]
fn passwords_in_dockerfiles_are_found_and_never_fingerprinted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let dockerfile = |pw: &str| {
        format!(
            "FROM alpine:3.20\nRUN curl -fsSL http://deploy:{pw}@repo.example.com/i.sh | sh\nENV DATABASE_URL=postgres://app:{pw}@db/app\nRUN mysql -u root -p{pw} app\n"
        )
    };
    write(root, "Dockerfile", &dockerfile("Kx7Passw0rd"));
    let sarif = |root: &Path| {
        json(&plumb(
            root,
            &["check", "--format", "sarif", "--select", "all"],
        ))
    };
    let v = sarif(root);
    let results = v["runs"][0]["results"].as_array().unwrap();
    let found: Vec<(&str, u64)> = results
        .iter()
        .filter(|r| r["ruleId"] == "secrets/hardcoded-token")
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(!v.to_string().contains("7Passw0rd"));
    // the fingerprints do not change with the password (same length, same first two)
    let prints = |v: &serde_json::Value| -> Vec<String> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].to_string())
            .collect()
    };
    let before = prints(&v);
    write(root, "Dockerfile", &dockerfile("Kx9Other0ne"));
    assert_eq!(prints(&sarif(root)), before);
}

// ---- 16: no workflow command, control or bidi character from a file's name or text ----------

/// The github format's overflow list printed file names raw: a file named
/// `::stop-commands::x.yaml` stopped the runner's command processing, one holding a line
/// break and `::error` wrote an annotation; ESC, BEL and U+202E reached the log and the
/// terminal through every human-facing format and `--list-files`.
#[cfg(unix)]
#[test]
fn file_names_and_texts_inject_no_command_or_control() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let hostile_names = [
        "::stop-commands::tok.yaml",
        "a\n::error title=pwned::x.yaml",
        "bell\u{7}esc\u{1b}[2J.yaml",
        "evil\u{202e}lmy.yaml",
    ];
    // enough findings per file for the github format to list the rest plainly
    let pod = format!("{POD}      securityContext: {{privileged: true}}\n");
    for n in hostile_names {
        write(root, n, &pod);
    }
    // a manifest whose text carries the same (a name quoted in a message)
    write(
        root,
        "text.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"x\\n::error::in-name\\u001b]0;t\\u0007\\u202e\"\nspec:\n  containers:\n    - name: \"c\\u202e\\n::warning::c\"\n      image: example/app:1.0.0\n",
    );
    let commands = ["::error ", "::warning ", "::notice "];
    for format in ["github", "human"] {
        let out = plumb(root, &["check", "--select", "all", "--format", format]);
        let text = String::from_utf8_lossy(&out.stdout);
        for line in text.lines() {
            if line.starts_with("::") {
                assert!(
                    format == "github"
                        && commands.iter().any(|c| line.starts_with(c))
                        && (line.contains(" file=") || line.contains(" title=plumb::")),
                    "{format}: a line plumb did not write as a command: {line:?}"
                );
                assert!(!line.starts_with("::stop-commands"), "{line:?}");
            }
        }
        for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!text.contains(bad), "{format}: raw {bad:?} in\n{text}");
        }
    }
    let list = plumb(root, &["check", "--list-files"]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert_eq!(text.lines().count(), 5, "{text}");
    for line in text.lines() {
        assert!(!line.starts_with("::"), "{line:?}");
    }
    for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
        assert!(!text.contains(bad), "--list-files: raw {bad:?}");
    }
}

// ---- 15: the allow list is never dropped ------------------------------------------------------

/// Each `allow` pattern compiled alone, but the set over the size limit was dropped
/// silently, so nothing was allowed... or everything: now the config is refused with the
/// line.
#[test]
fn an_allow_list_too_large_together_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    let pattern = format!("'[a-z]{{{}}}x'", 400);
    let patterns: Vec<String> = (0..60)
        .map(|i| pattern.replace('x', &format!("x{i}")))
        .collect();
    write(
        root,
        ".plumb.yml",
        &format!(
            "rules:\n  secrets/hardcoded-token:\n    allow: [{}]\n",
            patterns.join(", ")
        ),
    );
    write(root, "Dockerfile", ROOT_DOCKERFILE);
    let out = plumb(root, &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(".plumb.yml:3"), "{err}");
}

/// A `.gitignore` the pull request adds left its own Dockerfile out of the walk, though git
/// tracks it (git's ignore rules apply only to untracked files).
#[test]
fn an_ignore_file_does_not_hide_a_tracked_file() {
    if !has_git() {
        return;
    }
    let dir = repo(|root| {
        write(root, ".gitignore", "Dockerfile\ndeploy/\n");
        write(root, "Dockerfile", ROOT_DOCKERFILE);
        write(root, "deploy/Dockerfile", ROOT_DOCKERFILE);
    });
    let root = dir.path();
    git(root, &["add", "-f", "Dockerfile", "deploy/Dockerfile"]);
    git(root, &["commit", "-q", "-m", "tracked though ignored"]);
    // an untracked file the patterns match stays out, as before
    write(root, "deploy/extra/Dockerfile", ROOT_DOCKERFILE);
    let out = plumb(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "docker/non-root-user",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        files_with_findings(&json(&out)),
        ["Dockerfile", "deploy/Dockerfile"]
    );
}

/// A fix's edits are written out verbatim (JSON `fix`, SARIF `fixes`, `--diff`): a fix that
/// would copy a token from the line it rewrites is not offered, and the token appears nowhere.
#[test]
fn fixes_carry_no_secret() {
    let gh = format!("ghp_{}", "Q7w".repeat(12));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        ".github/workflows/ci.yml",
        &format!(
            "on: push\npermissions: {{}}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"::set-output name=token::{gh}\"\n      - run: echo \"::set-output name=version::1.2\"\n"
        ),
    );
    let all = every_output(root, &["--select", "gha/deprecated-command"]);
    assert_absent(&all, &[&gh]);
    // the harmless one keeps its fix
    let out = plumb(
        root,
        &[
            "check",
            "--format",
            "json",
            "--select",
            "gha/deprecated-command",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixes: Vec<bool> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| !f["fix"].is_null())
        .collect();
    assert_eq!(fixes, vec![false, true], "{v}");
    let diff = plumb(
        root,
        &["check", "--diff", "--select", "gha/deprecated-command"],
    );
    assert_absent(&String::from_utf8_lossy(&diff.stdout), &[&gh]);
}
