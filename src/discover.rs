//! Paths -> files to check, with their kind. Directories are walked honouring `.gitignore`
//! (the `ignore` crate, which also detects symlink loops); `.github/` is always walked;
//! files named on the command line are always checked.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::Config;
use crate::paths::rel_path;
use crate::report::{Notice, ToolError};
use crate::source::Kind;

/// A file to check. `kind` is `None` for a YAML file of no known name: it is sniffed for
/// Kubernetes documents once read.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    pub rel: String,
    pub kind: Option<Kind>,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub candidates: Vec<Candidate>,
    pub notices: Vec<Notice>,
    pub errors: Vec<ToolError>,
}

/// The kind a path's name says, if any (config `kinds:` first).
///
/// Workflows are the `.github/workflows/*.yml` of the repository root only: GitHub runs no
/// other, so a `.github/workflows` nested deeper (a scanner's test data, a template) is not
/// read as one ([`classify`] says so in a notice; `kinds:` maps it back when wanted).
pub fn kind_of(rel: &str, config: &Config) -> Option<Kind> {
    for (m, k) in &config.kinds {
        if m.is_match(rel) {
            return Some(*k);
        }
    }
    if in_test_data(rel) {
        return None;
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let is_yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if is_yaml {
        let dir = &rel[..rel.len() - name.len()];
        if dir == ".github/workflows/" {
            return Some(Kind::Workflow);
        }
        if dir.ends_with(".github/workflows/") {
            return None;
        }
        if lower == "action.yml" || lower == "action.yaml" {
            return Some(Kind::Action);
        }
        let stem = lower.trim_end_matches(".yml").trim_end_matches(".yaml");
        if stem == "compose"
            || stem.starts_with("compose.")
            || stem.starts_with("docker-compose")
            || stem == "docker-stack"
            || stem.starts_with("docker-stack.")
        {
            return Some(Kind::Compose);
        }
        return None;
    }
    if is_dockerfile_name(name) {
        return Some(Kind::Dockerfile);
    }
    if lower.ends_with(".tf") || lower.ends_with(".tfvars") {
        return Some(Kind::Terraform);
    }
    None
}

/// Whether a path sits in a test-data directory (`testdata/`, Go's convention for inputs of
/// tests that the toolchain never builds; `test-data/`, `test_data/`): a scanner's or a
/// parser's deliberately broken examples, which nothing deploys.
fn in_test_data(rel: &str) -> bool {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    parts.iter().any(|p| {
        matches!(
            p.to_ascii_lowercase().as_str(),
            "testdata" | "test-data" | "test_data"
        )
    })
}

/// `Dockerfile`, `Containerfile`, with a `.suffix` or `-suffix` (`Dockerfile.prod`,
/// `Dockerfile-alpine`), or a `.dockerfile`/`.containerfile` extension (`api.Dockerfile`).
fn is_dockerfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    for base in ["dockerfile", "containerfile"] {
        if lower == base || lower.ends_with(&format!(".{base}")) {
            return true;
        }
        // the capitalised base name with a suffix: `Dockerfile.prod`, `Containerfile-ci`;
        // not `dockerfile-lint.json` or `Dockerfile.md`-style documentation
        let cap = format!("{}{}", base[..1].to_ascii_uppercase(), &base[1..]);
        if let Some(rest) = name.strip_prefix(&cap) {
            if (rest.starts_with('.') || rest.starts_with('-'))
                && rest.len() > 1
                && !is_doc_ext(rest)
            {
                return true;
            }
        }
    }
    false
}

/// Extensions of files named after a Dockerfile that are not one.
fn is_doc_ext(rest: &str) -> bool {
    let l = rest.to_ascii_lowercase();
    [
        ".md", ".txt", ".rst", ".json", ".yml", ".yaml", ".sh", ".py", ".bak", ".orig",
    ]
    .iter()
    .any(|e| l.ends_with(e))
}

/// Whether a path could hold a kind plumb reads (for the walk: YAML needs a look inside).
fn interesting(rel: &str, config: &Config) -> bool {
    if kind_of(rel, config).is_some() {
        return true;
    }
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".yml") || lower.ends_with(".yaml")
}

/// YAML files that are never Kubernetes manifests, whatever they hold. Under `.github/`
/// only the workflows directories: manifests a workflow applies (`.github/k8s/*.yaml`) are
/// manifests.
fn never_k8s(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    matches!(
        name.as_str(),
        "kustomization.yaml"
            | "kustomization.yml"
            | ".plumb.yml"
            | ".plumb.yaml"
            | ".pre-commit-config.yaml"
            | ".pre-commit-hooks.yaml"
            | "chart.yaml"
            | "values.yaml"
            | "codecov.yml"
            | "codecov.yaml"
            | "dependabot.yml"
            | "mkdocs.yml"
    ) || rel.contains(".github/workflows/")
        || in_test_data(rel)
}

/// Sniff a YAML file of no known name: Kubernetes when a document has top-level
/// `apiVersion` and `kind` keys. A Helm template (`{{`) is not parsed.
pub fn sniff(rel: &str, text: &str) -> Option<Kind> {
    // rendered chart or kustomize output is manifests whatever its name (`chart.yaml`)
    if crate::source::k8s::is_rendered(text) {
        return Some(Kind::K8s);
    }
    if never_k8s(rel) || !(text.contains("apiVersion") && text.contains("kind")) {
        return None;
    }
    let mut api = false;
    let mut kind = false;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        if line.starts_with("---") {
            if api && kind {
                break;
            }
            api = false;
            kind = false;
        }
        api |= line.starts_with("apiVersion:");
        kind |= line.starts_with("kind:");
        if api && kind {
            break;
        }
    }
    if api && kind { Some(Kind::K8s) } else { None }
}

/// The kind of a YAML file of no known name, from its text: `Ok(Some(K8s))` for manifests,
/// `Ok(None)` for other YAML, `Err(notice)` for a Helm template, which plumb leaves alone.
pub fn classify(rel: &str, text: &str) -> Result<Option<Kind>, Notice> {
    match sniff(rel, text) {
        Some(_) if is_helm_template(text) => Err(Notice {
            file: rel.to_string(),
            message: TEMPLATE_SKIPPED.into(),
        }),
        k => Ok(k),
    }
}

/// The notice of a manifest skipped as a template.
pub const TEMPLATE_SKIPPED: &str = "Helm template (holds `{{`): skipped; check the rendered output with `helm template | plumb check -`";

/// Whether a manifest is a Helm template that plumb leaves alone. Rendered output (which
/// names its templates in `# Source:` comments) is not, whatever `{{` its values hold.
pub fn is_helm_template(text: &str) -> bool {
    text.contains("{{") && !crate::source::k8s::is_rendered(text)
}

fn excludes(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = GlobBuilder::new(p).literal_separator(true).build() {
            b.add(g);
        }
        // `dir/` or `dir` excludes what is below it too
        let below = format!("{}/**", p.trim_end_matches('/'));
        if let Ok(g) = GlobBuilder::new(&below).literal_separator(true).build() {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Whether `rel` (relative to the repository root) is left out by the `exclude` patterns
/// (config `exclude:` and `--exclude`), as a directory walk leaves it out.
pub fn is_excluded(rel: &str, patterns: &[String]) -> bool {
    !patterns.is_empty() && excludes(patterns).is_match(rel)
}

/// Walk `paths` and return what to check.
pub fn discover(
    paths: &[PathBuf],
    root: &Path,
    config: &Config,
    cli_exclude: &[String],
    no_ignore: bool,
    max_file_size: u64,
) -> Discovery {
    let mut out = Discovery::default();
    let mut patterns = config.exclude.clone();
    patterns.extend(cli_exclude.iter().cloned());
    let exclude = excludes(&patterns);
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(ToolError {
                    file: Some(rel_path(root, path)),
                    position: None,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        if meta.is_dir() {
            walk(
                path,
                root,
                config,
                &exclude,
                no_ignore,
                max_file_size,
                &mut out,
            );
        } else {
            // named explicitly: always checked (pre-commit passes files this way)
            let rel = rel_path(root, path);
            if !meta.is_file() {
                out.notices.push(Notice {
                    file: rel,
                    message: "not a regular file: skipped".into(),
                });
                continue;
            }
            if meta.len() > max_file_size {
                out.notices.push(too_large(rel, meta.len(), max_file_size));
                continue;
            }
            out.candidates.push(Candidate {
                kind: kind_of(&rel, config),
                path: path.clone(),
                rel,
            });
        }
    }
    out.candidates.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.candidates.dedup_by(|a, b| a.rel == b.rel);
    out
}

fn too_large(rel: String, len: u64, max: u64) -> Notice {
    Notice {
        file: rel,
        message: format!("{len} bytes, over the {max}-byte limit (--max-file-size): skipped"),
    }
}

fn walk(
    dir: &Path,
    root: &Path,
    config: &Config,
    exclude: &GlobSet,
    no_ignore: bool,
    max_file_size: u64,
    out: &mut Discovery,
) {
    let canon_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .hidden(false)
        .follow_links(true)
        .git_ignore(!no_ignore)
        .git_global(!no_ignore)
        .git_exclude(!no_ignore)
        .ignore(!no_ignore)
        .parents(!no_ignore)
        .require_git(false)
        .filter_entry(|e| {
            let name = e.file_name();
            !(e.file_type().is_some_and(|t| t.is_dir())
                && (name == ".git" || name == "node_modules" || name == ".terraform"))
        });
    let mut walked_github = false;
    for entry in builder.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let msg = e.to_string();
                if msg.contains("loop") {
                    out.notices.push(Notice {
                        file: rel_path(root, dir),
                        message: format!("symlink loop not followed: {msg}"),
                    });
                } else {
                    out.errors.push(ToolError {
                        file: None,
                        position: None,
                        message: msg,
                    });
                }
                continue;
            }
        };
        let path = entry.path();
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            if path.file_name().is_some_and(|n| n == ".github") {
                walked_github = true;
            }
            continue;
        }
        consider(
            path,
            root,
            &canon_dir,
            entry.path_is_symlink(),
            config,
            exclude,
            max_file_size,
            out,
        );
    }
    // `.github/` is always checked, even when a .gitignore says otherwise
    let github = dir.join(".github");
    if !walked_github && github.is_dir() {
        for entry in ignore::WalkBuilder::new(&github)
            .standard_filters(false)
            .follow_links(false)
            .build()
            .flatten()
        {
            if entry.file_type().is_some_and(|t| t.is_file()) {
                consider(
                    entry.path(),
                    root,
                    &canon_dir,
                    false,
                    config,
                    exclude,
                    max_file_size,
                    out,
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn consider(
    path: &Path,
    root: &Path,
    canon_dir: &Path,
    is_symlink: bool,
    config: &Config,
    exclude: &GlobSet,
    max_file_size: u64,
    out: &mut Discovery,
) {
    let rel = rel_path(root, path);
    if exclude.is_match(&rel) || !interesting(&rel, config) {
        return;
    }
    if is_symlink {
        // not followed out of the scanned root
        match std::fs::canonicalize(path) {
            Ok(target) if target.starts_with(canon_dir) => {}
            _ => {
                out.notices.push(Notice {
                    file: rel,
                    message: "symlink points outside the scanned directory: not followed".into(),
                });
                return;
            }
        }
    }
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            out.errors.push(ToolError {
                file: Some(rel),
                position: None,
                message: format!("cannot read: {e}"),
            });
            return;
        }
    };
    if !meta.is_file() {
        out.notices.push(Notice {
            file: rel,
            message: "not a regular file: skipped".into(),
        });
        return;
    }
    if meta.len() > max_file_size {
        out.notices.push(too_large(rel, meta.len(), max_file_size));
        return;
    }
    out.candidates.push(Candidate {
        kind: kind_of(&rel, config),
        path: path.to_path_buf(),
        rel,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        let c = Config::default();
        assert_eq!(
            kind_of(".github/workflows/ci.yml", &c),
            Some(Kind::Workflow)
        );
        // GitHub runs only the repository root's workflows: nested ones are test data
        assert_eq!(kind_of("a/.github/workflows/ci.yaml", &c), None);
        assert_eq!(kind_of("checks/testdata/.github/workflows/x.yml", &c), None);
        assert_eq!(kind_of("action.yml", &c), Some(Kind::Action));
        assert_eq!(kind_of("build/Dockerfile", &c), Some(Kind::Dockerfile));
        assert_eq!(kind_of("Dockerfile.prod", &c), Some(Kind::Dockerfile));
        assert_eq!(kind_of("api.Dockerfile", &c), Some(Kind::Dockerfile));
        assert_eq!(kind_of("x.dockerfile", &c), Some(Kind::Dockerfile));
        assert_eq!(kind_of("Containerfile", &c), Some(Kind::Dockerfile));
        assert_eq!(
            kind_of("docker/Dockerfile-alpine", &c),
            Some(Kind::Dockerfile)
        );
        assert_eq!(kind_of("Containerfile-ci", &c), Some(Kind::Dockerfile));
        assert_eq!(kind_of("api.Containerfile", &c), Some(Kind::Dockerfile));
        assert_eq!(kind_of("Dockerfile-lint.json", &c), None);
        assert_eq!(kind_of("Dockerfile.md", &c), None);
        assert_eq!(kind_of("docker-stack.yml", &c), Some(Kind::Compose));
        assert_eq!(kind_of("docker-stack.prod.yaml", &c), Some(Kind::Compose));
        assert_eq!(kind_of("compose.yaml", &c), Some(Kind::Compose));
        assert_eq!(kind_of("compose.prod.yml", &c), Some(Kind::Compose));
        assert_eq!(
            kind_of("docker-compose.override.yml", &c),
            Some(Kind::Compose)
        );
        assert_eq!(kind_of("infra/main.tf", &c), Some(Kind::Terraform));
        assert_eq!(kind_of("deploy.yaml", &c), None);
        // test data is input for tests, never built or deployed
        assert_eq!(kind_of("checks/raw/testdata/Dockerfile-invalid", &c), None);
        assert_eq!(kind_of("pkg/test_data/docker-compose.yml", &c), None);
        assert_eq!(
            sniff("x/testdata/pod.yaml", "apiVersion: v1\nkind: Pod\n"),
            None
        );
        assert_eq!(kind_of("README.md", &c), None);
    }

    #[test]
    fn sniffs_manifests() {
        assert_eq!(
            sniff("d.yaml", "apiVersion: v1\nkind: Pod\n"),
            Some(Kind::K8s)
        );
        assert_eq!(
            sniff("d.yaml", "a: 1\n---\napiVersion: v1\nkind: Service\n"),
            Some(Kind::K8s)
        );
        assert_eq!(
            sniff("kustomization.yaml", "apiVersion: x\nkind: Kustomization\n"),
            None
        );
        assert_eq!(sniff("d.yaml", "name: x\n"), None);
        // manifests a workflow applies live under .github/ too; workflows never are
        assert_eq!(
            sniff(".github/k8s/app.yaml", "apiVersion: v1\nkind: Pod\n"),
            Some(Kind::K8s)
        );
        assert_eq!(
            sniff("x/.github/workflows/a.yml", "apiVersion: v1\nkind: Pod\n"),
            None
        );
    }
}
