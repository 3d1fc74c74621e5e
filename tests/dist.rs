//! Distribution: one repository URL and one version everywhere they are written, the release
//! assets the Action expects are the ones the release workflow builds, and plumb passes its
//! own rules on the release workflow, the Action and the Dockerfile.

use std::path::Path;
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `owner/name` of the repository URL.
fn slug() -> &'static str {
    plumb::REPOSITORY
        .strip_prefix("https://github.com/")
        .expect("a GitHub URL")
}

#[test]
fn one_repository_url_everywhere() {
    assert_eq!(plumb::REPOSITORY, env!("CARGO_PKG_REPOSITORY"));
    assert!(
        plumb::config::STARTER
            .starts_with(&format!("# plumb configuration: {}\n", plumb::REPOSITORY))
    );
    let (owner, name) = slug().split_once('/').unwrap();
    for file in [
        "README.md",
        "CHANGELOG.md",
        "Dockerfile",
        "action.yml",
        "docs/releasing.md",
        "scripts/action-install.sh",
        "scripts/action-run.sh",
        ".pre-commit-hooks.yaml",
    ] {
        let text = read(file);
        for (i, _) in text.match_indices("github.com/") {
            let rest = &text[i + "github.com/".len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "-_./".contains(*c))
                .collect();
            let mut parts = path.split('/');
            let (o, n) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if n.trim_end_matches('.') == "plumb" {
                assert_eq!(
                    o,
                    owner,
                    "{file}: github.com/{path} is not {}",
                    plumb::REPOSITORY
                );
            }
        }
        for image in text.match_indices("ghcr.io/").map(|(i, _)| &text[i..]) {
            if image.starts_with("ghcr.io/${") || image.starts_with("ghcr.io/<") {
                continue;
            }
            assert!(
                image.starts_with(&format!("ghcr.io/{owner}/{name}")),
                "{file}: {}",
                image.lines().next().unwrap()
            );
        }
        for (i, _) in text.match_indices(&format!("/{name}@")) {
            let start = text[..i].rfind(char::is_whitespace).map_or(0, |s| s + 1);
            assert_eq!(&text[start..i], owner, "{file}: an action reference");
        }
    }
    assert!(read("Dockerfile").contains(&format!(
        "org.opencontainers.image.source=\"{}\"",
        plumb::REPOSITORY
    )));
}

#[test]
fn one_version_everywhere() {
    // the pre-commit package pins the wheel of this very version
    let shim = read("pyproject.toml");
    assert!(
        shim.contains(&format!("version = \"{VERSION}\"")),
        "pyproject.toml version"
    );
    assert!(
        shim.contains(&format!("\"plumb-lint=={VERSION}\"")),
        "pyproject.toml must pin plumb-lint=={VERSION}"
    );
    // the wheel takes its version from Cargo.toml
    let wheel = read("python/pyproject.toml");
    assert!(wheel.contains("bindings = \"bin\""));
    assert!(wheel.contains("manifest-path = \"../Cargo.toml\""));
    assert!(wheel.contains("dynamic = [\"version\""));
    // the changelog has this release and a place for the next
    let changelog = read("CHANGELOG.md");
    assert!(
        changelog.contains(&format!("\n## [{VERSION}]")),
        "CHANGELOG.md"
    );
    assert!(changelog.contains("\n## [Unreleased]"), "CHANGELOG.md");
    // the README's container example runs this release
    assert!(
        read("README.md").contains(&format!("ghcr.io/{}:{VERSION} ", slug())),
        "README.md: the container image tag"
    );
}

#[test]
fn the_action_downloads_what_the_release_builds() {
    let release = read(".github/workflows/release.yml");
    let install = read("scripts/action-install.sh");
    let mut targets = 0;
    for line in install.lines() {
        // `    Linux/X64) echo x86_64-unknown-linux-musl ;;`
        let Some((_, target)) = line.trim().split_once(") echo ") else {
            continue;
        };
        let target = target.trim_end_matches(";;").trim();
        if target.is_empty() || target == "\"\"" {
            continue;
        }
        targets += 1;
        assert!(
            release.contains(&format!("- target: {target}\n")),
            "release.yml builds no {target}"
        );
    }
    assert_eq!(targets, 5);
    // the archive names and the checksum file
    assert!(release.contains("stage=\"plumb-$TARGET\""));
    assert!(install.contains("asset=\"plumb-$target.tar.gz\""));
    assert!(install.contains("asset=\"plumb-$target.zip\""));
    assert!(release.contains("sha256sum -- * > SHA256SUMS"));
    assert!(!read("action.yml").contains("action_ref"));
}

#[test]
fn plumb_passes_its_own_rules_on_what_ships() {
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--select",
            "all",
            "--fail-on",
            "note",
            "--format",
            "github",
            ".github/",
            "action.yml",
            "Dockerfile",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(!stdout.contains("::"), "{stdout}");
    // and it did look at them, each as its kind
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            "--list-files",
            ".github/",
            "action.yml",
            "Dockerfile",
        ])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    for line in [
        "workflow\t.github/workflows/release.yml",
        "workflow\t.github/workflows/ci.yml",
        "action\taction.yml",
        "dockerfile\tDockerfile",
    ] {
        assert!(listed.lines().any(|l| l == line), "{line} not in {listed}");
    }
}
