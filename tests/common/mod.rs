//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use plumb::config::{Config, Selector};
use plumb::engine::{self, CheckOptions};
use plumb::report::Report;

/// Check `paths` with `root` as the repository root and only `select` enabled (`all` for
/// every rule, default-off ones included).
///
/// Fixture directories are repositories in miniature, below the real root: their
/// `.github/workflows/` are mapped to workflows as a `kinds:` entry would (plumb itself reads
/// only the repository root's, as GitHub runs only those).
pub fn check(root: &Path, paths: &[PathBuf], select: &[&str]) -> Report {
    check_with(root, paths, fixture_config(select))
}

/// The config fixtures are checked with: their `.github/workflows/` mapped to workflows,
/// and only `select` enabled (`all` for everything).
pub fn fixture_config(select: &[&str]) -> Config {
    let mut config = Config::default();
    for pattern in ["**/.github/workflows/*.yml", "**/.github/workflows/*.yaml"] {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .expect("glob");
        config
            .kinds
            .push((glob.compile_matcher(), plumb::source::Kind::Workflow));
    }
    if !select.is_empty() {
        config.selection.select = Some(
            select
                .iter()
                .map(|s| Selector::parse(s).expect("selector"))
                .collect(),
        );
    }
    config
}

pub fn check_with(root: &Path, paths: &[PathBuf], config: Config) -> Report {
    engine::check(&CheckOptions {
        paths: paths.to_vec(),
        stdin: None,
        config,
        root: root.to_path_buf(),
        no_ignore: true,
        exclude: Vec::new(),
        max_file_size: 10 * 1024 * 1024,
        config_file: None,
        no_inline_ignores: false,
    })
}

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The default file name a kind's example is written to.
pub fn default_name(prefix: &str) -> &'static str {
    match prefix {
        "docker" => "Dockerfile",
        "compose" => "docker-compose.yml",
        "k8s" => "manifest.yaml",
        "gha" => ".github/workflows/ci.yml",
        "tf" => "main.tf",
        _ => "Dockerfile",
    }
}

/// `rel` under `../shared` (data kept next to the repository, not in it: the SARIF schema,
/// the seeds), or `None` after saying loudly that the test is skipped: the line goes straight
/// to the process's standard error, which the test harness does not capture, so a plain
/// `cargo test` shows it. `PLUMB_REQUIRE_SHARED=1` turns the skip into a failure (for a
/// machine that is meant to have it); `PLUMB_SHARED=/path/to/shared` names it for a checkout
/// that is not next to it (a git worktree).
pub fn shared(rel: &str, what: &str) -> Option<PathBuf> {
    let base = std::env::var_os("PLUMB_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared"));
    let path = base.join(rel);
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "SKIPPED: {what}: {} is missing (keep ../shared next to the repository; PLUMB_REQUIRE_SHARED=1 makes this a failure)",
        path.display()
    );
    if std::env::var_os("PLUMB_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!("{message}");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{message}");
    None
}

/// `plumb check --no-config --format json <args>` run from the repository root, as a
/// process: the parsed JSON report.
#[allow(dead_code)]
pub fn check_json(args: &[&str]) -> serde_json::Value {
    let out = assert_cmd::Command::cargo_bin("plumb")
        .unwrap()
        .current_dir(manifest_dir())
        .args(["check", "--no-config", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("json")
}
