//! The files of one check: each file's text, its one parse ([`Model`]), its comments and
//! the scripts it embeds, and the [`Project`] that rules reading across files go through (a
//! compose service and the Dockerfile it builds, the `*.tf` files of one module, a workflow
//! and the coverage config its tests read).
//!
//! Sits on `source/` and `paths`; nothing here knows about rules, config or output.

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::hash::FxMap;
use crate::paths::{normalize, parent, rel_path};
use crate::source::dockerfile::{self, Dockerfile};
use crate::source::script::Scripts;
use crate::source::terraform::{self, TfFile};
use crate::source::yaml::YamlFile;
use crate::source::{Kind, LineIndex, Span, comments, compose, k8s, workflow};

/// A file's text and identity.
#[derive(Debug)]
pub struct SourceFile {
    /// The path plumb read (relative to the working directory, or absolute).
    pub path: PathBuf,
    /// The path shown in output: relative to the repository root, `/`-separated.
    pub rel: String,
    pub kind: Kind,
    pub text: String,
    pub lines: LineIndex,
}

/// A file's parsed model: one parse per file, shared by all its rules.
#[derive(Debug)]
pub enum Model {
    /// A workflow, action, compose file or manifest.
    Yaml(YamlFile),
    Dockerfile(Dockerfile),
    Terraform(Option<TfFile>),
    /// The file could not be read as text (invalid UTF-8, binary): only its load error.
    Unreadable,
}

/// A problem met while loading or parsing a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub span: Span,
    pub message: String,
    /// Whether the file could not be checked (a syntax error), or only part of it is
    /// suspect (a duplicate key).
    pub fatal: bool,
    /// Spans of words the message does not quote (they could be secrets): masked wherever
    /// the file is shown.
    pub hidden: Vec<Span>,
    /// For a duplicate key (a finding of its own, not a parse error): where the same key is
    /// written before.
    pub duplicate_of: Option<Span>,
}

#[derive(Debug)]
pub struct ParsedFile {
    pub src: SourceFile,
    pub model: Model,
    /// Problems met while loading and parsing.
    pub load_errors: Vec<LoadError>,
    /// The scripts a YAML file embeds, lexed on first use.
    scripts: OnceLock<Scripts>,
    /// Comment spans, found on first use.
    comments: OnceLock<Vec<Span>>,
    /// A compose file's `.env` (the variables `${VAR}` reads), read on first use.
    compose_env: OnceLock<Option<compose::DotEnv>>,
}

impl ParsedFile {
    /// Decode and parse a file of a known kind.
    pub fn load(path: PathBuf, rel: String, kind: Kind, bytes: Vec<u8>) -> ParsedFile {
        let mut load_errors = Vec::new();
        // a Terraform plan written by PowerShell is UTF-16: read it as the text it is
        let bytes = match kind {
            Kind::Terraform => terraform::decode_utf16(&bytes).map_or(bytes, String::into_bytes),
            _ => bytes,
        };
        let (text, readable) = match String::from_utf8(bytes) {
            Ok(t) => (t, true),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                load_errors.push(LoadError {
                    span: Span::empty(at),
                    message: "file is not valid UTF-8: not checked".to_string(),
                    fatal: true,
                    hidden: Vec::new(),
                    duplicate_of: None,
                });
                (text, false)
            }
        };
        let readable = readable && {
            // memchr's vector search: str::find was 4.6M instructions over 1,080 workflows
            if let Some(at) = memchr::memchr(0, text.as_bytes()) {
                load_errors.push(LoadError {
                    span: Span::empty(at),
                    message: "file holds a NUL byte and looks binary: not checked".to_string(),
                    fatal: true,
                    hidden: Vec::new(),
                    duplicate_of: None,
                });
                false
            } else {
                true
            }
        };
        let lines = LineIndex::new(&text);
        let model = if !readable {
            Model::Unreadable
        } else {
            match kind {
                Kind::Dockerfile => {
                    let d = dockerfile::parse(&text);
                    load_errors.extend(d.errors.iter().map(|e| LoadError {
                        span: e.span,
                        message: e.message.clone(),
                        fatal: true,
                        hidden: e.hidden.clone(),
                        duplicate_of: None,
                    }));
                    Model::Dockerfile(d)
                }
                Kind::Terraform => match terraform::parse_file(&rel, &text) {
                    Ok(t) => Model::Terraform(Some(t)),
                    Err(e) => {
                        load_errors.push(LoadError {
                            span: e.span,
                            message: e.message,
                            fatal: true,
                            hidden: Vec::new(),
                            duplicate_of: None,
                        });
                        Model::Terraform(None)
                    }
                },
                Kind::Workflow | Kind::Action | Kind::Compose | Kind::K8s => {
                    let y = YamlFile::parse(&text);
                    load_errors.extend(y.errors.iter().map(|e| LoadError {
                        span: e.span,
                        message: e.message.clone(),
                        fatal: e.fatal,
                        hidden: e.hidden.clone(),
                        duplicate_of: e.duplicate_of,
                    }));
                    Model::Yaml(y)
                }
            }
        };
        ParsedFile {
            src: SourceFile {
                path,
                rel,
                kind,
                text,
                lines,
            },
            model,
            load_errors,
            scripts: OnceLock::new(),
            comments: OnceLock::new(),
            compose_env: OnceLock::new(),
        }
    }

    /// The `.env` beside a compose file, which Compose reads `${VAR}` values from (read
    /// through `project` once, on first use).
    pub fn compose_env(&self, project: &Project) -> Option<&compose::DotEnv> {
        self.compose_env
            .get_or_init(|| {
                let env = parent(&self.src.path).join(".env");
                project.read_text(&env).map(|t| compose::DotEnv::parse(&t))
            })
            .as_ref()
    }

    /// Comment spans, in source order: the only places a suppression is read from. The
    /// format's own comments and the shell comments of the scripts it embeds (a `#` in a
    /// string is neither). Found on first use: most files hold no suppression.
    pub fn comments(&self) -> &[Span] {
        self.comments.get_or_init(|| {
            let text = &self.src.text;
            match &self.model {
                Model::Dockerfile(d) => d.comments(),
                Model::Terraform(Some(t)) => t.comments.clone(),
                Model::Yaml(y) => {
                    let mut out = comments::yaml(text, y);
                    if let Some(s) = self.scripts() {
                        out.extend(s.comments());
                    }
                    out.sort_unstable();
                    out.dedup();
                    out
                }
                Model::Terraform(None) | Model::Unreadable => Vec::new(),
            }
        })
    }

    /// Whether the model is complete enough for rules to run: read as text, and (for
    /// Terraform, which has no partial parse) parsed.
    pub fn checkable(&self) -> bool {
        !matches!(self.model, Model::Unreadable | Model::Terraform(None))
    }

    /// The scripts a YAML file embeds, by node, lexed once, on first use.
    pub fn scripts(&self) -> Option<&Scripts> {
        let Model::Yaml(y) = &self.model else {
            return None;
        };
        let text = &self.src.text;
        Some(self.scripts.get_or_init(|| match self.src.kind {
            Kind::Compose => compose::scripts(y, text),
            Kind::K8s => k8s::scripts(y, text),
            _ => workflow::scripts(y, text),
        }))
    }

    /// The YAML model of a workflow, action, compose file or manifest.
    pub fn yaml(&self) -> Option<&YamlFile> {
        match &self.model {
            Model::Yaml(y) => Some(y),
            _ => None,
        }
    }

    pub fn dockerfile(&self) -> Option<&Dockerfile> {
        match &self.model {
            Model::Dockerfile(d) => Some(d),
            _ => None,
        }
    }

    pub fn terraform(&self) -> Option<&TfFile> {
        match &self.model {
            Model::Terraform(t) => t.as_ref(),
            _ => None,
        }
    }
}

/// A compose service that builds a Dockerfile of the check.
#[derive(Debug, Clone)]
pub struct ComposeBuild {
    /// The compose file.
    pub file: PathBuf,
    /// The service's key.
    pub key: Span,
    pub name: String,
    /// The service sets `user:`.
    pub user: bool,
    /// The service's `build:` picks a `target:` stage.
    pub target: bool,
}

/// How long-running Kubernetes containers run an image of a given name.
#[derive(Debug, Clone, Copy, Default)]
pub struct K8sRuns {
    /// Some container has a readiness or liveness probe.
    pub probed: bool,
    /// Some container has neither.
    pub unprobed: bool,
}

/// Who runs the images the check builds: [`Project::image_runners`].
#[derive(Debug, Default)]
pub struct ImageRunners {
    /// By normalised Dockerfile path: the compose services that build it.
    compose: HashMap<PathBuf, Vec<ComposeBuild>>,
    /// By lower-case image name (the last path segment, without tag or digest).
    k8s: HashMap<String, K8sRuns>,
}

impl ImageRunners {
    fn new(files: &[Arc<ParsedFile>]) -> ImageRunners {
        let mut index = ImageRunners::default();
        for f in files {
            match f.src.kind {
                Kind::Compose => {
                    let Some(c) = f.yaml().and_then(compose::Compose::of) else {
                        continue;
                    };
                    for s in c.services() {
                        let Some(df) = s.dockerfile_path(&f.src.path) else {
                            continue;
                        };
                        index
                            .compose
                            .entry(normalize(&df))
                            .or_default()
                            .push(ComposeBuild {
                                file: f.src.path.clone(),
                                key: s.key.span(),
                                name: s.name.to_string(),
                                user: s.get("user").is_some(),
                                target: s.get("build").and_then(|b| b.get("target")).is_some(),
                            });
                    }
                }
                Kind::K8s => {
                    let Some(y) = f.yaml() else { continue };
                    for c in k8s::containers(y) {
                        let Some(image) = c.image().and_then(|i| i.as_str()) else {
                            continue;
                        };
                        let name = image_name(image);
                        if name.is_empty() || !c.is_long_running() {
                            continue;
                        }
                        let runs = index.k8s.entry(name).or_default();
                        if c.node.get("readinessProbe").is_some()
                            || c.node.get("livenessProbe").is_some()
                        {
                            runs.probed = true;
                        } else {
                            runs.unprobed = true;
                        }
                    }
                }
                _ => {}
            }
        }
        index
    }

    /// The compose services that build the Dockerfile at `path`.
    pub fn compose(&self, path: &Path) -> &[ComposeBuild] {
        self.compose
            .get(&normalize(path))
            .map_or(&[], Vec::as_slice)
    }

    /// How Kubernetes runs images named `name` (compared without case).
    pub fn k8s(&self, name: &str) -> K8sRuns {
        self.k8s
            .get(&name.to_ascii_lowercase())
            .copied()
            .unwrap_or_default()
    }
}

/// An image reference's name: its last path segment without tag or digest, lower-case
/// (`ghcr.io/acme/frontend:1.2@sha256:...` -> `frontend`).
pub fn image_name(image: &str) -> String {
    let repo = image.split('@').next().unwrap_or(image);
    let repo = repo.rsplit('/').next().unwrap_or(repo);
    repo.split(':').next().unwrap_or(repo).to_ascii_lowercase()
}

/// Files read on demand, by path and the kind they were read as.
type LoadedFiles = FxMap<(PathBuf, Kind), Option<Arc<ParsedFile>>>;

/// Texts held in memory for some paths (an editor's unsaved buffers), by normalised path:
/// project reads take them before the disk.
pub type Overlay = HashMap<PathBuf, Arc<str>>;

/// Every file of one check, for rules that reason across files.
pub struct Project {
    /// The repository root: output paths are relative to it.
    pub root: PathBuf,
    pub files: Vec<Arc<ParsedFile>>,
    index: FxMap<PathBuf, usize>,
    extra: Mutex<LoadedFiles>,
    texts: Mutex<FxMap<PathBuf, Option<Arc<str>>>>,
    max_file_size: u64,
    overlay: Overlay,
    /// The manifests of the check summarised for cross-object rules, built on first use.
    k8s_set: OnceLock<k8s::SetIndex>,
    /// Who runs each image: compose services by the Dockerfile they build, Kubernetes
    /// containers by image name, built on first use.
    image_runners: OnceLock<ImageRunners>,
    /// Directories (display form, `deploy/` or "") holding a manifest left unparsed because
    /// it is a template: the objects of such a directory are not all known.
    templated_dirs: Vec<String>,
    /// What rules derive from the repository's other files ([`Project::derived`]), by type
    /// and key.
    derived: Mutex<Derived>,
}

type Derived = FxMap<TypeId, FxMap<String, Arc<dyn Any + Send + Sync>>>;

impl Project {
    pub fn new(root: PathBuf, files: Vec<Arc<ParsedFile>>, max_file_size: u64) -> Project {
        Project::with_overlay(root, files, max_file_size, Overlay::new())
    }

    /// A project whose reads of other files take `overlay`'s texts before the disk.
    pub fn with_overlay(
        root: PathBuf,
        files: Vec<Arc<ParsedFile>>,
        max_file_size: u64,
        overlay: Overlay,
    ) -> Project {
        let index = files
            .iter()
            .enumerate()
            .map(|(i, f)| (normalize(&f.src.path), i))
            .collect();
        Project {
            root,
            files,
            index,
            extra: Mutex::default(),
            texts: Mutex::default(),
            max_file_size,
            overlay,
            k8s_set: OnceLock::new(),
            image_runners: OnceLock::new(),
            templated_dirs: Vec::new(),
            derived: Mutex::default(),
        }
    }

    /// A value derived from the repository (a Makefile's rules, a script's commands, where a
    /// relative name leads), built by `build` the first time `key` is asked for a `T` and
    /// shared by every rule and thread of the check after that. Two threads asking at once
    /// may both build it; one result is kept.
    pub fn derived<T: Any + Send + Sync>(&self, key: &str, build: impl FnOnce() -> T) -> Arc<T> {
        let ty = TypeId::of::<T>();
        let found = {
            let m = self.derived.lock().unwrap_or_else(|e| e.into_inner());
            m.get(&ty).and_then(|m| m.get(key)).cloned()
        };
        if let Some(v) = found.and_then(|v| v.downcast::<T>().ok()) {
            return v;
        }
        let v = Arc::new(build());
        let mut m = self.derived.lock().unwrap_or_else(|e| e.into_inner());
        m.entry(ty)
            .or_default()
            .insert(key.to_string(), v.clone() as Arc<dyn Any + Send + Sync>);
        v
    }

    /// The project, told which files were skipped as templates (display paths).
    pub fn with_templates<'s>(mut self, skipped: impl Iterator<Item = &'s str>) -> Project {
        for rel in skipped {
            let dir = rel.rfind('/').map_or("", |i| &rel[..=i]).to_string();
            if !self.templated_dirs.contains(&dir) {
                self.templated_dirs.push(dir);
            }
        }
        self
    }

    /// Whether a manifest in `dir` (display form, `deploy/` or "") was skipped as a template,
    /// so the set of that directory's objects is not complete.
    pub fn holds_skipped_template(&self, dir: &str) -> bool {
        self.templated_dirs.iter().any(|d| d == dir)
    }

    /// Every Kubernetes object of the checked manifests, summarised once for rules that
    /// reason across objects and files (a Service and the pods it selects, a service
    /// account and its bindings).
    pub fn k8s_set(&self) -> &k8s::SetIndex {
        self.k8s_set.get_or_init(|| {
            k8s::SetIndex::new(
                self.files
                    .iter()
                    .filter_map(|f| match (&f.model, f.src.kind) {
                        (Model::Yaml(y), Kind::K8s) => Some((f.src.rel.as_str(), y)),
                        _ => None,
                    }),
            )
        })
    }

    /// Who runs the images the check's Dockerfiles build, indexed once: the Dockerfile rules
    /// ask per Dockerfile, and scanning every compose file and manifest for each of them was
    /// quadratic (10,000 mixed files: 22 s of CPU, 95% of the run).
    pub fn image_runners(&self) -> &ImageRunners {
        self.image_runners
            .get_or_init(|| ImageRunners::new(&self.files))
    }

    /// The bytes of a file that is not one of the checked files: the overlay's, else the
    /// disk's (at most `max_file_size`).
    fn read_bytes(&self, path: &Path) -> Option<Vec<u8>> {
        match self.overlay.get(path) {
            Some(t) => Some(t.as_bytes().to_vec()),
            None => read_limited(path, self.max_file_size),
        }
    }

    /// Every path read through [`Project::file`] or [`Project::read_text`] so far (whether
    /// or not it existed): what this check's findings depend on besides its own files.
    pub fn reads(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .extra
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .map(|(p, _)| p.clone())
            .collect();
        out.extend(
            self.texts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .keys()
                .cloned(),
        );
        out.sort();
        out.dedup();
        out
    }

    /// The parsed file at `path` read as `kind`: one of the checked files, or loaded (once)
    /// from disk. `None` when it does not exist or cannot be read.
    pub fn file(&self, path: &Path, kind: Kind) -> Option<Arc<ParsedFile>> {
        let path = normalize(path);
        if let Some(&i) = self.index.get(&path) {
            let f = &self.files[i];
            if f.src.kind == kind {
                return Some(f.clone());
            }
        }
        let mut extra = self.extra.lock().unwrap_or_else(|e| e.into_inner());
        let key = (path, kind);
        if let Some(f) = extra.get(&key) {
            return f.clone(); // asked before: no key to copy
        }
        let (path, kind) = key;
        extra
            .entry((path.clone(), kind))
            .or_insert_with(|| {
                let bytes = self.read_bytes(&path)?;
                let rel = self.rel(&path);
                Some(Arc::new(ParsedFile::load(path.clone(), rel, kind, bytes)))
            })
            .clone()
    }

    /// Whether `path` is one of the files this check checks (not one read on demand).
    pub fn checks(&self, path: &Path) -> bool {
        self.index.contains_key(&normalize(path))
    }

    /// A file already parsed, whatever its kind: one of the checked files, or one a rule
    /// loaded through [`Project::file`]. Never reads or parses anything.
    pub fn parsed(&self, path: &Path) -> Option<Arc<ParsedFile>> {
        let path = normalize(path);
        if let Some(&i) = self.index.get(&path) {
            return Some(self.files[i].clone());
        }
        let extra = self.extra.lock().unwrap_or_else(|e| e.into_inner());
        extra
            .iter()
            .find(|((p, _), f)| *p == path && f.is_some())
            .and_then(|(_, f)| f.clone())
    }

    /// The text of any file (a coverage config, a package.json), read once.
    pub fn read_text(&self, path: &Path) -> Option<Arc<str>> {
        let path = normalize(path);
        if let Some(&i) = self.index.get(&path) {
            return Some(Arc::from(self.files[i].src.text.as_str()));
        }
        let mut texts = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        texts
            .entry(path.clone())
            .or_insert_with(|| {
                if let Some(t) = self.overlay.get(&path) {
                    return Some(t.clone());
                }
                let bytes = read_limited(&path, self.max_file_size)?;
                String::from_utf8(bytes).ok().map(Arc::from)
            })
            .clone()
    }

    /// A path as shown in output.
    pub fn rel(&self, path: &Path) -> String {
        rel_path(&self.root, path)
    }
}

/// Read a regular file of at most `max` bytes.
pub fn read_limited(path: &Path, max: u64) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    std::fs::read(path).ok()
}

/// The module a Terraform file belongs to: its directory, or for a plan the plan itself (a
/// plan holds a whole configuration, resolved).
fn module_key(f: &ParsedFile) -> PathBuf {
    match f.terraform() {
        Some(t) if t.syntax == terraform::Syntax::Plan => normalize(&f.src.path),
        _ => normalize(parent(&f.src.path)),
    }
}

/// A Terraform module as rules see it: `files[id]` for the ids `module` hands out.
pub struct TfModule<'a> {
    pub module: Cow<'a, terraform::Module<'a>>,
    pub files: Cow<'a, [&'a ParsedFile]>,
    /// The id of the file being checked.
    pub this: usize,
    /// The call this module is instantiated by, when its values come from a caller's
    /// arguments ([`TfDirs::instances_of`]); origins with file id [`CALLER_ORIGIN`] are
    /// places in the caller's file.
    pub caller: Option<&'a TfCaller>,
}

/// The file id that origins of values passed by a caller carry: the place is in
/// [`TfCaller::path`].
pub const CALLER_ORIGIN: usize = usize::MAX / 2;
/// How many callers' instances of one local module are judged (the first, by caller path).
pub const MAX_TF_INSTANCES: usize = 8;
/// How many calls up a caller's own arguments are followed (`root -> app -> db`).
pub const MAX_TF_CALL_DEPTH: usize = 4;

/// A `module "name" { source = "./dir" ... }` block that calls a local module.
#[derive(Debug)]
pub struct TfCaller {
    /// The caller's file (as the engine reads it) and its display path.
    pub path: PathBuf,
    pub rel: String,
    /// The module block's name label.
    pub name: String,
    /// When the caller's own values came from its caller: that call, as
    /// `module.db in examples/x/main.tf`.
    pub via: Option<String>,
}

/// One local module as one caller instantiates it.
pub struct TfInstance<'a> {
    pub module: terraform::Module<'a>,
    pub caller: TfCaller,
}

/// One directory's Terraform files and the module over them.
pub struct TfDir<'a> {
    pub module: terraform::Module<'a>,
    pub files: Vec<&'a ParsedFile>,
    index: HashMap<&'a str, usize>,
    /// The module as its local callers instantiate it (empty: no caller among the checked
    /// files, the defaults apply).
    instances: Vec<TfInstance<'a>>,
}

/// The Terraform modules of a check, one per directory, indexed once: rules of every file
/// share them (a directory of 100,000 files stays linear).
#[derive(Default)]
pub struct TfDirs<'a> {
    dirs: HashMap<PathBuf, TfDir<'a>>,
}

impl<'a> TfDirs<'a> {
    /// Group the checked Terraform files by directory and index each module.
    pub fn new(project: &'a Project) -> TfDirs<'a> {
        let mut groups: HashMap<PathBuf, Vec<&ParsedFile>> = HashMap::new();
        for f in &project.files {
            if f.src.kind == Kind::Terraform {
                groups.entry(module_key(f)).or_default().push(f.as_ref());
            }
        }
        let dirs = groups
            .into_iter()
            .map(|(dir, files)| {
                let parsed: Vec<(usize, &TfFile)> = files
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| !terraform::is_tfvars(&f.src.rel))
                    .filter_map(|(i, f)| f.terraform().map(|t| (i, t)))
                    .collect();
                let index = files
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (f.src.rel.as_str(), i))
                    .collect();
                let tfvars: Vec<(usize, &str, &TfFile)> = files
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| terraform::is_tfvars(&f.src.rel))
                    .filter_map(|(i, f)| {
                        let name = f.src.rel.rsplit('/').next().unwrap_or(&f.src.rel);
                        // `terraform.tfvars.json` loads as `terraform.tfvars` does
                        let name = name.strip_suffix(".json").unwrap_or(name);
                        f.terraform().map(|t| (i, name, t))
                    })
                    .collect();
                let module = terraform::Module::new(&parsed).with_tfvars(&tfvars);
                (
                    dir,
                    TfDir {
                        module,
                        files,
                        index,
                        instances: Vec::new(),
                    },
                )
            })
            .collect();
        let mut dirs = TfDirs { dirs };
        dirs.instantiate();
        dirs
    }

    /// Find the local module calls (`source = "./..."` or `"../..."` naming a directory of
    /// the check) and build each called module's instances: the caller's arguments evaluated
    /// in the caller's module (or in each of its own instances, up to [`MAX_TF_CALL_DEPTH`]
    /// calls up) and substituted for the variables. Every module block is read once; at
    /// most [`MAX_TF_INSTANCES`] instances per directory.
    fn instantiate(&mut self) {
        // callee directory -> (caller directory, file id, module block)
        let mut calls: HashMap<PathBuf, Vec<(PathBuf, usize, &'a terraform::Block)>> =
            HashMap::new();
        for (dir, d) in &self.dirs {
            for (id, tf) in d.module.files() {
                for block in tf.body.blocks_of("module") {
                    let Some(source) = block.attr("source").and_then(|a| a.value.as_str()) else {
                        continue;
                    };
                    if !(source.starts_with("./") || source.starts_with("../")) {
                        continue;
                    }
                    let target = normalize(&dir.join(source));
                    if target != *dir && self.dirs.contains_key(&target) {
                        calls
                            .entry(target)
                            .or_default()
                            .push((dir.clone(), id, block));
                    }
                }
            }
        }
        if calls.is_empty() {
            return;
        }
        for list in calls.values_mut() {
            list.sort_by_key(|c| (c.0.clone(), c.1, c.2.span.start));
        }
        let mut built: HashMap<PathBuf, Vec<TfInstance<'a>>> = HashMap::new();
        let mut targets: Vec<PathBuf> = calls.keys().cloned().collect();
        targets.sort();
        for t in &targets {
            let mut visiting = Vec::new();
            self.instances_for(t, &calls, &mut built, &mut visiting, 0);
        }
        for (dir, instances) in built {
            if let Some(d) = self.dirs.get_mut(&dir) {
                d.instances = instances;
            }
        }
    }

    fn instances_for(
        &self,
        target: &Path,
        calls: &HashMap<PathBuf, Vec<(PathBuf, usize, &'a terraform::Block)>>,
        built: &mut HashMap<PathBuf, Vec<TfInstance<'a>>>,
        visiting: &mut Vec<PathBuf>,
        depth: usize,
    ) {
        if built.contains_key(target) || visiting.iter().any(|v| v == target) {
            return;
        }
        let Some(callee) = self.dirs.get(target) else {
            return;
        };
        visiting.push(target.to_path_buf());
        let mut out = Vec::new();
        for (caller_dir, file, block) in calls.get(target).map(Vec::as_slice).unwrap_or(&[]) {
            if out.len() >= MAX_TF_INSTANCES {
                break;
            }
            let Some(caller) = self.dirs.get(caller_dir) else {
                continue;
            };
            if depth < MAX_TF_CALL_DEPTH && calls.contains_key(caller_dir) {
                self.instances_for(caller_dir, calls, built, visiting, depth + 1);
            }
            let contexts: Vec<(&terraform::Module<'a>, Option<String>)> =
                match built.get(caller_dir) {
                    Some(list) if !list.is_empty() => list
                        .iter()
                        .map(|i| {
                            let via = format!("module.{} in {}", i.caller.name, i.caller.rel);
                            (&i.module, Some(via))
                        })
                        .collect(),
                    _ => vec![(&caller.module, None)],
                };
            let Some(pf) = caller.files.get(*file) else {
                continue;
            };
            let mut instances = Vec::new();
            for (context, via) in contexts {
                let mut passed = HashMap::new();
                for attr in &block.body.attributes {
                    if matches!(
                        attr.key.as_str(),
                        "source" | "version" | "providers" | "count" | "for_each" | "depends_on"
                    ) {
                        continue;
                    }
                    let value = match context.resolve(*file, &attr.value) {
                        terraform::Resolved::Known { value, .. } => {
                            Some((value, Some((CALLER_ORIGIN, attr.value.span))))
                        }
                        terraform::Resolved::Unknown => None,
                    };
                    passed.insert(attr.key.clone(), value);
                }
                instances.push(TfInstance {
                    module: callee.module.with_passed(passed),
                    caller: TfCaller {
                        path: pf.src.path.clone(),
                        rel: pf.src.rel.clone(),
                        name: block.label(0).unwrap_or_default().to_string(),
                        via,
                    },
                });
            }
            for i in instances {
                if out.len() < MAX_TF_INSTANCES {
                    out.push(i);
                }
            }
        }
        visiting.pop();
        built.insert(target.to_path_buf(), out);
    }

    /// The directories (display paths, sorted) whose module answered `Unknown` for a value
    /// past the evaluation limits.
    pub fn limited(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .dirs
            .values()
            .filter(|d| d.module.hit_limits())
            .filter_map(|d| d.files.first())
            .map(|f| match f.src.rel.rsplit_once('/') {
                Some((dir, _)) => dir.to_string(),
                None => ".".to_string(),
            })
            .collect();
        out.sort();
        out
    }

    /// The module `file` belongs to, with variable defaults and locals resolvable across
    /// its files.
    pub fn module_of(&'a self, file: &ParsedFile) -> Option<TfModule<'a>> {
        file.terraform()?;
        let dir = self.dirs.get(&module_key(file))?;
        let this = *dir.index.get(file.src.rel.as_str())?;
        Some(TfModule {
            module: Cow::Borrowed(&dir.module),
            files: Cow::Borrowed(&dir.files),
            this,
            caller: None,
        })
    }

    /// The module `file` belongs to as each local caller instantiates it (the caller's
    /// arguments substituted for its variables), or the module alone when no checked file
    /// calls it.
    pub fn instances_of(&'a self, file: &ParsedFile) -> Vec<TfModule<'a>> {
        let Some(base) = self.module_of(file) else {
            return Vec::new();
        };
        let Some(dir) = self.dirs.get(&normalize(parent(&file.src.path))) else {
            return vec![base];
        };
        if dir.instances.is_empty() {
            return vec![base];
        }
        dir.instances
            .iter()
            .map(|i| TfModule {
                module: Cow::Borrowed(&i.module),
                files: Cow::Borrowed(&dir.files),
                this: base.this,
                caller: Some(&i.caller),
            })
            .collect()
    }
}
