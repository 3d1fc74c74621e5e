//! Paths -> files to check, with their kind. Directories are walked honouring `.gitignore`
//! and `.ignore` (read here, capped, compiled with the `ignore` crate's matcher); `.github/`
//! is always walked; symlinks are not followed out of the walked directory; files named on
//! the command line are always checked; a file reached by two names is checked once.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::config::Config;
use crate::paths::rel_path;
use crate::report::{Notice, ToolError};
use crate::source::Kind;

/// A file to check. `kind` is `None` for a YAML file of no known name: it is sniffed for
/// Kubernetes documents once read.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// The display path ([`crate::paths::display`]): distinct files, distinct names.
    pub rel: String,
    pub kind: Option<Kind>,
    /// The real path: files are told apart by it.
    pub canonical: PathBuf,
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
    if lower.ends_with(".tf")
        || lower.ends_with(".tfvars")
        || lower.ends_with(".tf.json")
        || lower.ends_with(".tfvars.json")
    {
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
    // YAML may be manifests, JSON a Terraform plan: both need a look inside
    lower.ends_with(".yml") || lower.ends_with(".yaml") || lower.ends_with(".json")
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
    if rel.to_ascii_lowercase().ends_with(".json") {
        // a JSON file of no known name is read only when it is a Terraform plan
        // (`terraform show -json`); nothing under a test-data directory
        // (UTF-16 read as UTF-8 shows its byte order mark as two U+FFFD and NULs between
        // the characters; PowerShell writes plans so)
        let utf16: String;
        let text = if text.starts_with("\u{fffd}\u{fffd}") && text.contains('\0') {
            utf16 = text
                .chars()
                .filter(|&c| c != '\0' && c != '\u{fffd}')
                .collect();
            utf16.as_str()
        } else {
            text
        };
        return (!in_test_data(rel) && crate::source::terraform::is_plan(text))
            .then_some(Kind::Terraform);
    }
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

/// The kind of a text of no name at all (standard input without `--stdin-filename`), from
/// its content: a Kubernetes manifest (`apiVersion` and `kind`), a workflow (top-level `on`
/// and `jobs`), an action (`runs` with `using`), a compose file (top-level `services`),
/// Terraform (a top-level block such as `resource "..."`), or a Dockerfile (its first
/// instruction `FROM`, or `ARG` before one). `None` when it is none of these.
pub fn sniff_content(text: &str) -> Option<Kind> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if crate::source::terraform::is_plan(text) {
        return Some(Kind::Terraform);
    }
    if sniff("-", text).is_some() {
        return Some(Kind::K8s);
    }
    let top_keys: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '-']) && !l.trim().is_empty())
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, _)| k.trim().trim_matches(['"', '\'']))
        })
        .collect();
    let has = |k: &str| top_keys.contains(&k);
    if has("jobs") && (has("on") || has("true")) {
        return Some(Kind::Workflow);
    }
    if has("runs") && text.lines().any(|l| l.trim_start().starts_with("using:")) {
        return Some(Kind::Action);
    }
    if has("services") {
        return Some(Kind::Compose);
    }
    let mut arg_seen = false;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        let first = t.split_whitespace().next().unwrap_or("");
        let word = first.trim_end_matches('{');
        let is_tf_block = matches!(
            word,
            "resource"
                | "data"
                | "module"
                | "variable"
                | "output"
                | "provider"
                | "terraform"
                | "locals"
                | "moved"
                | "import"
                | "check"
                | "removed"
        ) && (t.contains('"') || t.ends_with('{'))
            && !t.contains(':');
        if is_tf_block {
            return Some(Kind::Terraform);
        }
        match first.to_ascii_uppercase().as_str() {
            "FROM" => return Some(Kind::Dockerfile),
            "ARG" => arg_seen = true,
            _ if arg_seen => return None,
            _ => {}
        }
        if !arg_seen {
            // the first instruction is neither FROM nor ARG: not a Dockerfile
            return None;
        }
    }
    None
}

/// The kind of a YAML file of no known name, from its text: `Ok(Some(K8s))` for manifests,
/// `Ok(None)` for other YAML, `Err(notice)` for a Helm template, which plumb leaves alone.
/// A template is a manifest holding `{{` inside a chart (`in_chart`: under a `templates/`
/// directory next to a `Chart.yaml`); elsewhere a `{{` (in a comment, a string) does not
/// make a file a template: it is checked, and only if it then fails to parse is it taken for
/// one ([`template_notice`]).
pub fn classify(rel: &str, text: &str, in_chart: bool) -> Result<Option<Kind>, Notice> {
    match sniff(rel, text) {
        Some(_) if in_chart && is_helm_template(text) => Err(Notice {
            file: rel.to_string(),
            message: TEMPLATE_SKIPPED.into(),
        }),
        k => Ok(k),
    }
}

/// The notice of a manifest skipped as a template in a chart.
pub const TEMPLATE_SKIPPED: &str = "Helm template (holds `{{` in a chart's templates/): skipped; check the rendered output with `helm template CHART | plumb check -`";

/// The notice of a manifest outside a chart skipped because it holds `{{` and does not parse.
pub const TEMPLATE_UNPARSED: &str = "holds `{{` and does not parse as YAML: taken for a template and skipped; check the rendered output with `helm template CHART | plumb check -`";

/// Whether a manifest is a Helm template that plumb leaves alone. Rendered output (which
/// names its templates in `# Source:` comments) is not, whatever `{{` its values hold.
pub fn is_helm_template(text: &str) -> bool {
    text.contains("{{") && !crate::source::k8s::is_rendered(text)
}

/// The notice for a manifest outside a chart that holds `{{` and does not parse as YAML:
/// a template plumb cannot read.
pub fn template_notice(rel: &str) -> Notice {
    Notice {
        file: rel.to_string(),
        message: TEMPLATE_UNPARSED.into(),
    }
}

/// Whether `path` sits under a `templates/` directory whose parent holds a `Chart.yaml`
/// (a Helm chart).
pub fn in_helm_chart(path: &Path) -> bool {
    let abs = crate::paths::absolute(path);
    abs.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir.parent().is_some_and(|chart| {
                chart.join("Chart.yaml").is_file() || chart.join("Chart.yml").is_file()
            })
    })
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

use crate::config::CONFIG_NAMES;

/// Directories never walked into.
const SKIPPED_DIRS: [&str; 3] = [".git", "node_modules", ".terraform"];

/// An ignore file larger than this is not read (a notice says so).
pub const MAX_IGNORE_FILE_BYTES: u64 = 1 << 20;
/// Patterns read from one ignore file; the rest are not used (a notice says so).
pub const MAX_IGNORE_PATTERNS: usize = 10_000;
/// Patterns read from all ignore files of a run together.
pub const MAX_IGNORE_PATTERNS_TOTAL: usize = 20_000;

/// One directory's ignore files, compiled.
#[derive(Default)]
struct DirIgnores {
    /// `.ignore` (ripgrep's: it wins over `.gitignore` at any depth).
    ignore: Option<Gitignore>,
    gitignore: Option<Gitignore>,
}

/// `.gitignore` and `.ignore` files read as the walk meets them, each capped in size and
/// pattern count (a hostile ignore file of a million patterns would otherwise take gigabytes
/// to compile), plus `.git/info/exclude` and the user's global excludes.
struct Ignores {
    enabled: bool,
    /// What git tracks, relative to the root: an ignore pattern never leaves out a tracked
    /// file (git ignores only untracked ones), so a pull request cannot hide its own
    /// Dockerfile behind a `.gitignore` it adds.
    tracked: Option<Tracked>,
    /// Ignore files above the walked directory are read up to here (the repository root).
    root: PathBuf,
    dirs: HashMap<PathBuf, DirIgnores>,
    exclude: Option<Gitignore>,
    global: Option<Gitignore>,
    patterns: usize,
    notices: Vec<Notice>,
}

impl Ignores {
    fn new(enabled: bool, root: &Path) -> Ignores {
        let root = crate::paths::absolute(root);
        let mut me = Ignores {
            enabled,
            tracked: None,
            root: root.clone(),
            dirs: HashMap::new(),
            exclude: None,
            global: None,
            patterns: 0,
            notices: Vec::new(),
        };
        if enabled {
            // (no repository, or no git: ignore files apply to every file)
            me.tracked = Tracked::read(&root);
            me.exclude = me.read(&root.join(".git/info/exclude"), &root);
            let (global, _) = Gitignore::global();
            me.global = (!global.is_empty()).then_some(global);
        }
        me
    }

    /// Read and compile one ignore file, within the caps.
    fn read(&mut self, file: &Path, dir: &Path) -> Option<Gitignore> {
        let meta = std::fs::metadata(file).ok()?;
        if !meta.is_file() {
            return None;
        }
        let shown = rel_path(&self.root, file);
        if meta.len() > MAX_IGNORE_FILE_BYTES {
            self.notices.push(Notice {
                file: shown,
                message: format!(
                    "ignore file of {} bytes, over the {MAX_IGNORE_FILE_BYTES}-byte limit: not read, so the files it names are checked",
                    meta.len()
                ),
            });
            return None;
        }
        let bytes = std::fs::read(file).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        let mut builder = GitignoreBuilder::new(dir);
        let mut n = 0;
        for line in text.lines() {
            let pattern = line.trim_end();
            if pattern.is_empty() || pattern.starts_with('#') {
                continue;
            }
            if n >= MAX_IGNORE_PATTERNS || self.patterns >= MAX_IGNORE_PATTERNS_TOTAL {
                self.notices.push(Notice {
                    file: shown,
                    message: format!(
                        "more than {} ignore patterns: the rest are not used, so the files they name are checked",
                        if n >= MAX_IGNORE_PATTERNS { MAX_IGNORE_PATTERNS } else { n }
                    ),
                });
                break;
            }
            if builder.add_line(Some(file.to_path_buf()), line).is_ok() {
                n += 1;
                self.patterns += 1;
            }
        }
        builder.build().ok().filter(|g| !g.is_empty())
    }

    /// Read a directory's ignore files, once.
    fn load(&mut self, dir: &Path) {
        if !self.enabled || self.dirs.contains_key(dir) {
            return;
        }
        let ignore = self.read(&dir.join(".ignore"), dir);
        let gitignore = self.read(&dir.join(".gitignore"), dir);
        self.dirs
            .insert(dir.to_path_buf(), DirIgnores { ignore, gitignore });
    }

    /// Whether `path` (absolute, under `top`) is ignored: `.ignore` files first, then
    /// `.gitignore` files, deepest first, then `.git/info/exclude` and the global excludes.
    /// Ignore files of directories above `top` count up to the repository root.
    fn ignored(&mut self, path: &Path, is_dir: bool, top: &Path) -> bool {
        if !self.enabled {
            return false;
        }
        if let Some(t) = &self.tracked {
            if t.holds(&self.root, path, is_dir) {
                return false;
            }
        }
        let stop = if top.starts_with(&self.root) {
            self.root.clone()
        } else {
            top.to_path_buf()
        };
        let dirs: Vec<&Path> = path
            .ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(&stop))
            .collect();
        for d in &dirs {
            self.load(d);
        }
        let pick = |g: &Option<Gitignore>| match g {
            Some(g) => match g.matched(path, is_dir) {
                ignore::Match::None => None,
                m => Some(m.is_ignore()),
            },
            None => None,
        };
        for which in [0, 1] {
            for d in &dirs {
                let Some(ig) = self.dirs.get(*d) else {
                    continue;
                };
                let m = if which == 0 {
                    pick(&ig.ignore)
                } else {
                    pick(&ig.gitignore)
                };
                if let Some(ignored) = m {
                    return ignored;
                }
            }
        }
        pick(&self.exclude)
            .or_else(|| pick(&self.global))
            .unwrap_or(false)
    }
}

/// The files git tracks (and their directories), as raw paths relative to the repository
/// root.
struct Tracked {
    files: std::collections::HashSet<Vec<u8>>,
    dirs: std::collections::HashSet<Vec<u8>>,
}

impl Tracked {
    /// `git ls-files` of the repository at `root` (its top level), or `None` when `root`
    /// is not one or git cannot say.
    fn read(root: &Path) -> Option<Tracked> {
        if !root.join(".git").exists() {
            return None;
        }
        let top = crate::git::run(root, &["rev-parse", "--show-toplevel"]).ok()?;
        let top = String::from_utf8(top).ok()?;
        let same = std::fs::canonicalize(top.trim_end_matches(['\n', '\r'])).ok()?
            == std::fs::canonicalize(root).ok()?;
        if !same {
            return None;
        }
        let out = crate::git::run(root, &["ls-files", "-z", "--cached", "--full-name"]).ok()?;
        let mut files = std::collections::HashSet::new();
        let mut dirs = std::collections::HashSet::new();
        for path in out.split(|&b| b == 0).filter(|p| !p.is_empty()) {
            let mut end = path.len();
            while let Some(i) = path[..end].iter().rposition(|&b| b == b'/') {
                if !dirs.insert(path[..i].to_vec()) {
                    break;
                }
                end = i;
            }
            files.insert(path.to_vec());
        }
        Some(Tracked { files, dirs })
    }

    /// Whether git tracks `path` (absolute, under `root`) or, for a directory, a file in it.
    fn holds(&self, root: &Path, path: &Path, is_dir: bool) -> bool {
        let Ok(rel) = path.strip_prefix(root) else {
            return false;
        };
        let key = rel_bytes(rel);
        if is_dir {
            self.dirs.contains(&key)
        } else {
            self.files.contains(&key)
        }
    }
}

/// A relative path as git lists it: raw bytes joined with `/`.
fn rel_bytes(rel: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            out.extend_from_slice(c.as_os_str().as_bytes());
        }
        #[cfg(not(unix))]
        out.extend_from_slice(c.as_os_str().to_string_lossy().as_bytes());
    }
    out
}

/// Walk `paths` and return what to check. `config_file` is the config in use: any other
/// `.plumb.yml` met is reported as not read (one config per run).
#[allow(clippy::too_many_arguments)]
pub fn discover(
    paths: &[PathBuf],
    root: &Path,
    config: &Config,
    cli_exclude: &[String],
    no_ignore: bool,
    max_file_size: u64,
    config_file: Option<&Path>,
) -> Discovery {
    discover_with(
        paths,
        root,
        config,
        cli_exclude,
        no_ignore,
        max_file_size,
        config_file,
        &mut |_| {},
    )
}

/// [`discover`], telling `found` of each candidate as the walk meets it (before the final
/// order and the removal of second names of one file), so a caller can start reading it.
#[allow(clippy::too_many_arguments)]
pub fn discover_with(
    paths: &[PathBuf],
    root: &Path,
    config: &Config,
    cli_exclude: &[String],
    no_ignore: bool,
    max_file_size: u64,
    config_file: Option<&Path>,
    found: &mut dyn FnMut(&Candidate),
) -> Discovery {
    let mut out = Discovery::default();
    let mut patterns = config.exclude.clone();
    patterns.extend(cli_exclude.iter().cloned());
    let mut walk = Walk {
        root,
        config,
        exclude: excludes(&patterns),
        max_file_size,
        ignores: Ignores::new(!no_ignore, root),
        config_file: config_file.and_then(|p| std::fs::canonicalize(p).ok()),
        configs_seen: Vec::new(),
        config_dirs: HashSet::new(),
        root_abs: crate::paths::absolute(root),
        out: &mut out,
        found,
    };
    // the canonical form of each directory holding named files, found once (a canonical
    // path per file was a readlink per path component: 4 system calls per file)
    let mut canonical_dirs: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    for path in paths {
        // one system call for a file that is not a link (a link's target is read after it)
        let own = std::fs::symlink_metadata(path);
        let is_link = own.as_ref().is_ok_and(|m| m.file_type().is_symlink());
        let meta = match own {
            Ok(m) if !is_link => Ok(m),
            _ => std::fs::metadata(path),
        };
        let meta = match meta {
            Ok(m) => m,
            Err(e) => {
                walk.out.errors.push(ToolError {
                    file: Some(rel_path(root, path)),
                    position: None,
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        if meta.is_dir() {
            walk.dir(path);
        } else {
            // named explicitly: always checked (pre-commit passes files this way)
            let abs = crate::paths::absolute(path);
            let rel = crate::paths::rel_path_abs(&walk.root_abs, path, &abs);
            if !meta.is_file() {
                walk.out.notices.push(Notice {
                    file: rel,
                    message: "not a regular file: skipped".into(),
                });
                continue;
            }
            if meta.len() > max_file_size {
                walk.out
                    .notices
                    .push(too_large(rel, meta.len(), max_file_size));
                continue;
            }
            walk.nested_configs_above(&abs);
            let in_dir = match (path.parent(), path.file_name()) {
                // a link is resolved whole: its target may sit anywhere
                (Some(dir), Some(name)) if !is_link => {
                    let dir = if dir.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        dir
                    };
                    canonical_dirs
                        .entry(dir.to_path_buf())
                        .or_insert_with(|| std::fs::canonicalize(dir).ok())
                        .as_ref()
                        .map(|d| d.join(name))
                }
                _ => None,
            };
            let canonical = in_dir.unwrap_or_else(|| {
                std::fs::canonicalize(path).unwrap_or_else(|_| crate::paths::absolute(path))
            });
            walk.candidate(Candidate {
                kind: kind_of(&rel, config),
                path: path.clone(),
                rel,
                canonical,
            });
        }
    }
    let Walk {
        ignores,
        mut configs_seen,
        ..
    } = walk;
    out.notices.extend(ignores.notices);
    configs_seen.sort();
    configs_seen.dedup();
    for rel in configs_seen {
        out.notices.push(Notice {
            file: rel,
            message: "config not read: plumb reads one config per run, the repository root's `.plumb.yml` or the one given with --config".into(),
        });
    }
    // one candidate per real file, whatever names led to it (`/abs/x` and `../x`, a link
    // and its target): the first in display order
    out.candidates.sort_by(|a, b| a.rel.cmp(&b.rel));
    // keyed by the path's bytes (canonical paths: equal bytes are equal paths), not the
    // `Path`, whose hash walks its components
    let mut seen = std::collections::HashSet::new();
    out.candidates
        .retain(|c| seen.insert(c.canonical.as_os_str().to_os_string()));
    out
}

fn too_large(rel: String, len: u64, max: u64) -> Notice {
    Notice {
        file: rel,
        message: format!("{len} bytes, over the {max}-byte limit (--max-file-size): skipped"),
    }
}

/// One discovery's state.
struct Walk<'a> {
    root: &'a Path,
    config: &'a Config,
    exclude: GlobSet,
    max_file_size: u64,
    ignores: Ignores,
    /// The canonical path of the config in use.
    config_file: Option<PathBuf>,
    /// Other config files met (display paths).
    configs_seen: Vec<String>,
    /// Directories already looked at for a config above a named file (their absolute
    /// paths' bytes: hashing a `Path` walks its components).
    config_dirs: HashSet<std::ffi::OsString>,
    /// `root`, made absolute once.
    root_abs: PathBuf,
    out: &'a mut Discovery,
    /// Told of each candidate as it is met.
    found: &'a mut dyn FnMut(&Candidate),
}

impl Walk<'_> {
    /// A config file met while walking or above a named file: noted when it is not the one
    /// in use.
    fn config_met(&mut self, path: &Path) {
        let canonical = std::fs::canonicalize(path).ok();
        if canonical.is_some() && canonical != self.config_file {
            self.configs_seen.push(rel_path(self.root, path));
        }
    }

    /// Configs between a named file and the repository root.
    /// `abs`: the file's absolute path.
    fn nested_configs_above(&mut self, abs: &Path) {
        for dir in abs.ancestors().skip(1) {
            if !dir.starts_with(&self.root_abs) {
                break;
            }
            // looked at for an earlier file, with every directory above it
            if !self.config_dirs.insert(dir.as_os_str().to_os_string()) {
                break;
            }
            for name in CONFIG_NAMES {
                let p = dir.join(name);
                if p.is_file() {
                    self.config_met(&p);
                }
            }
        }
    }

    /// Walk a directory: ignore files honoured, `.github/` always walked, symlinked
    /// directories entered only when their real path is inside the walked directory, each
    /// real directory entered once (so a link loop ends).
    fn dir(&mut self, top: &Path) {
        let top_abs = crate::paths::absolute(top);
        let canon_top = match std::fs::canonicalize(top) {
            Ok(c) => c,
            Err(e) => {
                self.out.errors.push(ToolError {
                    file: Some(rel_path(self.root, top)),
                    position: None,
                    message: format!("cannot read directory: {e}"),
                });
                return;
            }
        };
        let mut entered: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
        // (path as walked, its real path, exempt from ignore files: inside `.github/`)
        let mut stack = vec![(top_abs.clone(), canon_top.clone(), false)];
        while let Some((dir, canon, exempt)) = stack.pop() {
            if !entered.insert(canon.clone()) {
                self.out.notices.push(Notice {
                    file: rel_path(self.root, &dir),
                    message: "directory already walked (a symlink loop or a second link to it): not walked again".into(),
                });
                continue;
            }
            let read = match std::fs::read_dir(&dir) {
                Ok(r) => r,
                Err(e) => {
                    self.out.errors.push(ToolError {
                        file: Some(rel_path(self.root, &dir)),
                        position: None,
                        message: format!("cannot read directory: {e}"),
                    });
                    continue;
                }
            };
            let mut entries: Vec<(std::ffi::OsString, std::fs::FileType)> = read
                .filter_map(Result::ok)
                .filter_map(|e| Some((e.file_name(), e.file_type().ok()?)))
                .collect();
            entries.sort_by(|a, b| b.0.cmp(&a.0));
            for (name, ft) in entries {
                let path = dir.join(&name);
                let rel = rel_path(self.root, &path);
                let link = ft.is_symlink();
                let is_dir = if link {
                    std::fs::metadata(&path).is_ok_and(|m| m.is_dir())
                } else {
                    ft.is_dir()
                };
                if is_dir {
                    if SKIPPED_DIRS.iter().any(|s| name == *s) || self.excluded_dir(&rel) {
                        continue;
                    }
                    let github = dir == top_abs && name == ".github";
                    if !exempt && !github && self.ignores.ignored(&path, true, &top_abs) {
                        continue;
                    }
                    let real = if link {
                        match std::fs::canonicalize(&path) {
                            Ok(r) if r.starts_with(&canon_top) => r,
                            _ => {
                                self.out.notices.push(Notice {
                                    file: rel,
                                    message: "symlink to a directory outside the scanned directory: not followed".into(),
                                });
                                continue;
                            }
                        }
                    } else {
                        canon.join(&name)
                    };
                    stack.push((path, real, exempt || github));
                    continue;
                }
                if CONFIG_NAMES.iter().any(|c| name == *c) {
                    self.config_met(&path);
                }
                if !exempt && self.ignores.ignored(&path, false, &top_abs) {
                    continue;
                }
                let real = if link { None } else { Some(canon.join(&name)) };
                self.file(&path, rel, real, &canon_top);
            }
        }
    }

    fn excluded_dir(&self, rel: &str) -> bool {
        self.exclude.is_match(rel)
    }

    /// A file met by the walk (`real`: its real path, `None` for a symlink).
    fn file(&mut self, path: &Path, rel: String, real: Option<PathBuf>, canon_top: &Path) {
        if self.exclude.is_match(&rel) || !interesting(&rel, self.config) {
            return;
        }
        let canonical = match real {
            Some(r) => r,
            // a link is not followed out of the walked directory
            None => match std::fs::canonicalize(path) {
                Ok(target) if target.starts_with(canon_top) => target,
                _ => {
                    self.out.notices.push(Notice {
                        file: rel,
                        message: "symlink points outside the scanned directory: not followed"
                            .into(),
                    });
                    return;
                }
            },
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                self.out.errors.push(ToolError {
                    file: Some(rel),
                    position: None,
                    message: format!("cannot read: {e}"),
                });
                return;
            }
        };
        if !meta.is_file() {
            self.out.notices.push(Notice {
                file: rel,
                message: "not a regular file: skipped".into(),
            });
            return;
        }
        if meta.len() > self.max_file_size {
            self.out
                .notices
                .push(too_large(rel, meta.len(), self.max_file_size));
            return;
        }
        self.candidate(Candidate {
            kind: kind_of(&rel, self.config),
            path: path.to_path_buf(),
            rel,
            canonical,
        });
    }

    fn candidate(&mut self, c: Candidate) {
        (self.found)(&c);
        self.out.candidates.push(c);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn unnamed_text_is_sniffed_by_content() {
        use super::sniff_content as k;
        assert_eq!(k("apiVersion: v1\nkind: Pod\n"), Some(Kind::K8s));
        assert_eq!(
            k("# Source: chart/templates/d.yaml\n---\napiVersion: apps/v1\nkind: Deployment\n"),
            Some(Kind::K8s)
        );
        assert_eq!(
            k("name: ci\non: push\njobs:\n  a: {}\n"),
            Some(Kind::Workflow)
        );
        assert_eq!(k("\"on\": [push]\njobs: {}\n"), Some(Kind::Workflow));
        assert_eq!(
            k("name: a\nruns:\n  using: composite\n  steps: []\n"),
            Some(Kind::Action)
        );
        assert_eq!(k("services:\n  web:\n    image: x\n"), Some(Kind::Compose));
        assert_eq!(
            k("# syntax=docker/dockerfile:1\nARG V=1\nFROM alpine:$V\n"),
            Some(Kind::Dockerfile)
        );
        assert_eq!(k("from alpine\nrun true\n"), Some(Kind::Dockerfile));
        assert_eq!(
            k("// x\nresource \"aws_s3_bucket\" \"b\" {\n}\n"),
            Some(Kind::Terraform)
        );
        assert_eq!(
            k("{\"format_version\": \"1.2\", \"planned_values\": {}}"),
            Some(Kind::Terraform)
        );
        assert_eq!(k("terraform {\n}\n"), Some(Kind::Terraform));
        assert_eq!(k("key: value\nother: 1\n"), None);
        assert_eq!(k("RUN echo\nFROM x\n"), None);
        assert_eq!(k("ARG x\nRUN y\n"), None);
        assert_eq!(k(""), None);
    }

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
        assert_eq!(kind_of("infra/main.tf.json", &c), Some(Kind::Terraform));
        assert_eq!(kind_of("prod.tfvars.json", &c), Some(Kind::Terraform));
        assert_eq!(kind_of("package.json", &c), None);
        // a plan is told by its content, in UTF-8 or (PowerShell) UTF-16
        let plan = "{\"format_version\": \"1.2\", \"planned_values\": {}}";
        assert_eq!(sniff("plan.json", plan), Some(Kind::Terraform));
        assert_eq!(sniff("package.json", "{\"name\": \"x\"}"), None);
        assert_eq!(sniff("testdata/plan.json", plan), None);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(plan.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            sniff("plan.json", &String::from_utf8_lossy(&utf16)),
            Some(Kind::Terraform)
        );
        assert_eq!(
            crate::source::terraform::decode_utf16(&utf16).as_deref(),
            Some(plan)
        );
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
