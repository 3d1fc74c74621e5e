//! The pipeline: discovered files -> parse once (in parallel) -> the enabled rules of each
//! file's kind in one pass (in parallel) -> suppressions -> sort -> a [`Report`].

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::config::{Config, OptValue};
use crate::discover::{self, Candidate, Discovery};
use crate::finding::{Finding, Severity, mask_secrets};
use crate::report::{self, RelatedLocation, Report, Reported, ToolError};
use crate::rules::{self, Rule};
use crate::source::dockerfile::{self, Dockerfile};
use crate::source::terraform::{self, TfFile};
use crate::source::yaml::{Yaml, YamlFile};
use crate::source::{Kind, LineIndex, Span};
use crate::suppress;

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
    Yaml(YamlFile),
    Dockerfile(Dockerfile),
    Terraform(Option<TfFile>),
    /// The file could not be read as text (invalid UTF-8, binary): only its load error.
    Unreadable,
}

#[derive(Debug)]
pub struct ParsedFile {
    pub src: SourceFile,
    pub model: Model,
    /// Problems met while loading and parsing, as `plumb/parse-error` findings.
    pub load_errors: Vec<(Span, String, Severity)>,
}

impl ParsedFile {
    /// Decode and parse a file of a known kind.
    pub fn load(path: PathBuf, rel: String, kind: Kind, bytes: Vec<u8>) -> ParsedFile {
        let mut load_errors = Vec::new();
        let (text, readable) = match String::from_utf8(bytes) {
            Ok(t) => (t, true),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                load_errors.push((
                    Span::empty(at),
                    "file is not valid UTF-8: not checked".to_string(),
                    Severity::Error,
                ));
                (text, false)
            }
        };
        let readable = readable && {
            if let Some(at) = text.find('\0') {
                load_errors.push((
                    Span::empty(at),
                    "file holds a NUL byte and looks binary: not checked".to_string(),
                    Severity::Error,
                ));
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
                    for e in &d.errors {
                        load_errors.push((e.span, e.message.clone(), Severity::Error));
                    }
                    Model::Dockerfile(d)
                }
                Kind::Terraform => match terraform::parse(&text) {
                    Ok(t) => Model::Terraform(Some(t)),
                    Err(e) => {
                        load_errors.push((e.span, e.message, Severity::Error));
                        Model::Terraform(None)
                    }
                },
                Kind::Workflow | Kind::Action | Kind::Compose | Kind::K8s => {
                    let y = YamlFile::parse(&text);
                    for e in &y.errors {
                        let sev = if e.fatal {
                            Severity::Error
                        } else {
                            Severity::Warning
                        };
                        load_errors.push((e.span, e.message.clone(), sev));
                    }
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
        }
    }

    pub fn text(&self) -> &str {
        &self.src.text
    }

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

/// Files read on demand, by path and the kind they were read as.
type LoadedFiles = HashMap<(PathBuf, Kind), Option<Arc<ParsedFile>>>;

/// Every file of one check, for rules that reason across files (a compose service and the
/// Dockerfile it builds; the `*.tf` files of one module; a workflow and the coverage config
/// its test command reads).
pub struct Project {
    /// The repository root: output paths are relative to it.
    pub root: PathBuf,
    pub files: Vec<Arc<ParsedFile>>,
    index: HashMap<PathBuf, usize>,
    extra: Mutex<LoadedFiles>,
    texts: Mutex<HashMap<PathBuf, Option<Arc<str>>>>,
    max_file_size: u64,
}

impl Project {
    pub fn new(root: PathBuf, files: Vec<Arc<ParsedFile>>, max_file_size: u64) -> Project {
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
        }
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
        extra
            .entry((path.clone(), kind))
            .or_insert_with(|| {
                let bytes = read_limited(&path, self.max_file_size)?;
                let rel = self.rel(&path);
                Some(Arc::new(ParsedFile::load(path.clone(), rel, kind, bytes)))
            })
            .clone()
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

/// The directory holding `path` (`.` for a bare file name).
pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Lexical normalization: drop `.`, fold `..`, no file-system access.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

static CWD: std::sync::LazyLock<PathBuf> =
    std::sync::LazyLock::new(|| std::env::current_dir().unwrap_or_default());

/// `path` relative to `root` with `/` separators: GitHub needs every uri relative to the
/// repository root, whatever directory was scanned. Paths outside the root stay as given.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let abs = if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&CWD.join(path))
    };
    let root_abs = if root.is_absolute() {
        normalize(root)
    } else {
        normalize(&CWD.join(root))
    };
    let shown = match abs.strip_prefix(&root_abs) {
        Ok(r) => r.to_path_buf(),
        Err(_) => {
            // the same places under other names (a symlinked temp dir, say)
            let canon_root = std::fs::canonicalize(&root_abs).unwrap_or(root_abs);
            let canon = std::fs::canonicalize(&abs).unwrap_or_else(|_| abs.clone());
            match canon.strip_prefix(&canon_root) {
                Ok(r) => r.to_path_buf(),
                Err(_) => normalize(path),
            }
        }
    };
    let s = shown.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

/// Read a regular file of at most `max` bytes.
pub fn read_limited(path: &Path, max: u64) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > max {
        return None;
    }
    std::fs::read(path).ok()
}

/// What a rule sees: its file, the project, its options.
pub struct Ctx<'a> {
    pub file: &'a ParsedFile,
    pub project: &'a Project,
    pub rule: &'static Rule,
    pub options: Option<&'a BTreeMap<String, OptValue>>,
    pub config: &'a Config,
    /// Terraform modules by directory, built once per check.
    pub tf_dirs: &'a TfDirs<'a>,
}

impl<'a> Ctx<'a> {
    pub fn text(&self) -> &'a str {
        &self.file.src.text
    }
    pub fn path(&self) -> &'a Path {
        &self.file.src.path
    }
    pub fn yaml(&self) -> Option<&'a YamlFile> {
        self.file.yaml()
    }
    /// Roots of the file's complete YAML documents.
    pub fn documents(&self) -> Vec<Yaml<'a>> {
        self.file
            .yaml()
            .map(|y| y.documents().collect())
            .unwrap_or_default()
    }
    pub fn dockerfile(&self) -> Option<&'a Dockerfile> {
        self.file.dockerfile()
    }
    pub fn terraform(&self) -> Option<&'a TfFile> {
        self.file.terraform()
    }

    /// The Terraform module (the `*.tf` files of this file's directory) with variable
    /// defaults and locals resolvable across its files.
    pub fn tf_module(&self) -> Option<TfModule<'a>> {
        self.file.terraform()?;
        let dir = self.tf_dirs.get(&normalize(parent(&self.file.src.path)))?;
        let this = *dir.index.get(self.file.src.rel.as_str())?;
        Some(TfModule {
            module: Cow::Borrowed(&dir.module),
            files: Cow::Borrowed(&dir.files),
            this,
        })
    }

    /// A finding of this rule at its default severity.
    pub fn finding(&self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.rule, span, message)
    }

    fn opt(&self, name: &str) -> OptValue {
        if let Some(v) = self.options.and_then(|o| o.get(name)) {
            return v.clone();
        }
        self.rule
            .option(name)
            .map(|o| OptValue::parse_default(o.default))
            .unwrap_or(OptValue::Str(String::new()))
    }
    pub fn opt_bool(&self, name: &str) -> bool {
        matches!(self.opt(name), OptValue::Bool(true))
    }
    pub fn opt_int(&self, name: &str) -> i64 {
        match self.opt(name) {
            OptValue::Int(i) => i,
            _ => 0,
        }
    }
    pub fn opt_str(&self, name: &str) -> String {
        match self.opt(name) {
            OptValue::Str(s) => s,
            _ => String::new(),
        }
    }
    pub fn opt_list(&self, name: &str) -> Vec<String> {
        match self.opt(name) {
            OptValue::List(l) => l,
            OptValue::Str(s) if !s.is_empty() => vec![s],
            _ => Vec::new(),
        }
    }
}

/// A Terraform module as rules see it: `files[id]` for the ids `module` hands out.
pub struct TfModule<'a> {
    pub module: Cow<'a, terraform::Module<'a>>,
    pub files: Cow<'a, [&'a ParsedFile]>,
    /// The id of the file being checked.
    pub this: usize,
}

/// One directory's Terraform files and the module over them.
pub struct TfDir<'a> {
    pub module: terraform::Module<'a>,
    pub files: Vec<&'a ParsedFile>,
    index: HashMap<&'a str, usize>,
}

/// Terraform directories of a check, by normalized path.
pub type TfDirs<'a> = HashMap<PathBuf, TfDir<'a>>;

/// Group the checked Terraform files by directory and index each module once: rules of
/// every file share it (a directory of 100,000 files stays linear).
pub fn tf_dirs(project: &Project) -> TfDirs<'_> {
    let mut groups: HashMap<PathBuf, Vec<&ParsedFile>> = HashMap::new();
    for f in &project.files {
        if f.src.kind == Kind::Terraform {
            groups
                .entry(normalize(parent(&f.src.path)))
                .or_default()
                .push(f.as_ref());
        }
    }
    groups
        .into_iter()
        .map(|(dir, files)| {
            let parsed: Vec<(usize, &TfFile)> = files
                .iter()
                .enumerate()
                .filter(|(_, f)| !f.src.rel.ends_with(".tfvars"))
                .filter_map(|(i, f)| f.terraform().map(|t| (i, t)))
                .collect();
            let index = files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.src.rel.as_str(), i))
                .collect();
            let module = terraform::Module::new(&parsed);
            (
                dir,
                TfDir {
                    module,
                    files,
                    index,
                },
            )
        })
        .collect()
}

/// What to check and how.
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    /// The buffer of `-`, with the file name it stands for.
    pub stdin: Option<(PathBuf, String)>,
    pub config: Config,
    /// Repository root: output paths are relative to it.
    pub root: PathBuf,
    pub no_ignore: bool,
    pub exclude: Vec<String>,
    pub max_file_size: u64,
}

/// Discover, parse and check. Errors are per file and land in the report.
pub fn check(opts: &CheckOptions) -> Report {
    let Discovery {
        candidates,
        notices,
        errors: walk_errors,
    } = discover::discover(
        &opts.paths,
        &opts.root,
        &opts.config,
        &opts.exclude,
        opts.no_ignore,
        opts.max_file_size,
    );
    let mut report = Report {
        notices,
        errors: walk_errors,
        ..Report::default()
    };

    // parse once, in parallel
    let mut loaded: Vec<Loaded> = candidates.par_iter().map(load_candidate).collect();
    if let Some((name, text)) = &opts.stdin {
        let rel = rel_path(&opts.root, name);
        let kind = match discover::kind_of(&rel, &opts.config) {
            Some(k) => Ok(Some(k)),
            None => discover::classify(&rel, text),
        };
        match kind {
            Err(notice) => report.notices.push(notice),
            Ok(Some(kind)) => loaded.push(Loaded::File(Box::new(ParsedFile::load(
                name.clone(),
                rel,
                kind,
                text.clone().into_bytes(),
            )))),
            Ok(None) => report.notices.push(crate::report::Notice {
                file: rel,
                message: "not a file kind plumb checks: skipped".into(),
            }),
        }
    }
    let mut files = Vec::with_capacity(loaded.len());
    for l in loaded {
        match l {
            Loaded::File(f) => files.push(Arc::<ParsedFile>::from(f)),
            Loaded::Skipped(None) => {}
            Loaded::Skipped(Some(n)) => report.notices.push(n),
            Loaded::Failed(e) => report.errors.push(e),
        }
    }
    files.sort_by(|a, b| a.src.rel.cmp(&b.src.rel));
    files.dedup_by(|a, b| a.src.rel == b.src.rel);
    report.files_scanned = files.len();
    let project = Project::new(opts.root.clone(), files, opts.max_file_size);

    // rules, one pass per file, in parallel
    let tf = tf_dirs(&project);
    let per_file: Vec<(usize, Result<Vec<Finding>, String>)> = (0..project.files.len())
        .into_par_iter()
        .map(|i| {
            (
                i,
                check_file(&project.files[i], &project, &tf, &opts.config),
            )
        })
        .collect();

    let mut out = Vec::new();
    for (i, res) in per_file {
        let file = &project.files[i];
        match res {
            Ok(findings) => resolve(file, &project, findings, &mut out, &mut report),
            Err(msg) => report.errors.push(ToolError {
                file: Some(file.src.rel.clone()),
                position: None,
                message: format!("internal error, file not fully checked: {msg}"),
            }),
        }
    }
    out.sort_by(|a, b| {
        (&a.location.file, a.location.start, a.rule, &a.message).cmp(&(
            &b.location.file,
            b.location.start,
            b.rule,
            &b.message,
        ))
    });
    report.findings = out;
    report.errors.sort_by(|a, b| a.file.cmp(&b.file));
    report.notices.sort_by(|a, b| a.file.cmp(&b.file));
    report
}

enum Loaded {
    File(Box<ParsedFile>),
    Skipped(Option<crate::report::Notice>),
    Failed(ToolError),
}

fn load_candidate(c: &Candidate) -> Loaded {
    let bytes = match std::fs::read(&c.path) {
        Ok(b) => b,
        Err(e) => {
            return Loaded::Failed(ToolError {
                file: Some(c.rel.clone()),
                position: None,
                message: format!("cannot read: {e}"),
            });
        }
    };
    let kind = match c.kind {
        Some(k) => k,
        None => {
            // a YAML file of no known name: Kubernetes if a document has apiVersion and kind
            let text = String::from_utf8_lossy(&bytes);
            match discover::classify(&c.rel, &text) {
                Ok(Some(k)) => k,
                Ok(None) => return Loaded::Skipped(None),
                Err(notice) => return Loaded::Skipped(Some(notice)),
            }
        }
    };
    Loaded::File(Box::new(ParsedFile::load(
        c.path.clone(),
        c.rel.clone(),
        kind,
        bytes,
    )))
}

/// Run every enabled rule of the file's kind; a panic in a rule is caught and reported.
fn check_file<'p>(
    file: &'p ParsedFile,
    project: &'p Project,
    tf_dirs: &'p TfDirs<'p>,
    config: &'p Config,
) -> Result<Vec<Finding>, String> {
    let mut findings: Vec<Finding> = file
        .load_errors
        .iter()
        .map(|(span, msg, sev)| Finding::engine("plumb/parse-error", *sev, *span, msg.clone()))
        .collect();
    let selection = config.rules_for(&file.src.rel, file.src.kind);
    let parsed_ok = !matches!(file.model, Model::Unreadable | Model::Terraform(None));
    if parsed_ok {
        for (rule, severity) in &selection {
            if rule.prefix() == "plumb" {
                continue;
            }
            let cx = Ctx {
                file,
                project,
                rule,
                options: config.rule_options(rule.id),
                config,
                tf_dirs,
            };
            let mut found = Vec::new();
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                (rule.check)(&cx, &mut found)
            }));
            if run.is_err() {
                return Err(format!("rule {} panicked", rule.id));
            }
            if let Some(sev) = severity {
                for f in &mut found {
                    f.severity = *sev;
                }
            }
            findings.extend(found);
        }
    }
    // a token a kind's structured secret rule already reports is reported once, by it
    let structured: Vec<Span> = findings
        .iter()
        .filter(|f| f.rule.ends_with("/plaintext-secret"))
        .flat_map(|f| f.secrets.iter().copied().chain([f.span]))
        .collect();
    if !structured.is_empty() {
        findings.retain(|f| {
            f.rule != "secrets/hardcoded-token"
                || !structured
                    .iter()
                    .any(|s| s.start < f.span.end && f.span.start < s.end)
        });
    }
    let enabled = |id: &str| selection.iter().any(|(r, _)| r.id == id);
    suppress::apply(&file.src.text, &file.src.lines, &mut findings, &enabled);
    // engine findings honour selection and severity overrides too
    findings.retain(|f| {
        !f.rule.starts_with("plumb/") || enabled(f.rule) || f.rule == "plumb/parse-error"
    });
    for f in &mut findings {
        if f.rule.starts_with("plumb/") {
            if let Some((_, Some(sev))) = selection.iter().find(|(r, _)| r.id == f.rule) {
                f.severity = *sev;
            }
        }
    }
    Ok(findings)
}

/// Turn a file's findings into reported ones: positions, related places, fingerprints, and
/// the masked text for snippets.
fn resolve(
    file: &ParsedFile,
    project: &Project,
    findings: Vec<Finding>,
    out: &mut Vec<Reported>,
    report: &mut Report,
) {
    if findings.is_empty() {
        return;
    }
    let secrets: Vec<Span> = findings.iter().flat_map(|f| f.secrets.clone()).collect();
    let masked: Arc<str> = Arc::from(mask_secrets(&file.src.text, &secrets));
    let mut occurrences: HashMap<(&'static str, String), usize> = HashMap::new();
    let mut sorted = findings;
    sorted.sort_by_key(|f| (f.span.start, f.span.end, f.rule));
    for f in sorted {
        let location = report::locate(&file.src.rel, &file.src.text, &file.src.lines, f.span);
        let offending = normalize_ws(f.span.text(&masked));
        let n = occurrences.entry((f.rule, offending.clone())).or_insert(0);
        let fingerprint = fingerprint(f.rule, &file.src.rel, &offending, *n);
        *n += 1;
        let related = f
            .related
            .iter()
            .filter_map(|r| match &r.file {
                None => Some(RelatedLocation {
                    location: report::locate(
                        &file.src.rel,
                        &file.src.text,
                        &file.src.lines,
                        r.span,
                    ),
                    label: r.label.clone(),
                }),
                Some(path) => {
                    // a file checked or already loaded by a rule, else its text read once:
                    // a related place is never parsed again (nor as a kind it is not)
                    let location = match project.parsed(path) {
                        Some(o) if r.span.end <= o.src.text.len() => {
                            report::locate(&o.src.rel, &o.src.text, &o.src.lines, r.span)
                        }
                        Some(_) => return None,
                        None => {
                            let text = project.read_text(path)?;
                            if r.span.end > text.len() {
                                return None;
                            }
                            let lines = LineIndex::new(&text);
                            report::locate(&project.rel(path), &text, &lines, r.span)
                        }
                    };
                    Some(RelatedLocation {
                        location,
                        label: r.label.clone(),
                    })
                }
            })
            .collect();
        out.push(Reported {
            rule: f.rule,
            meta: rules::find(f.rule),
            severity: f.severity,
            message: f.message,
            help: f.help,
            kind: file.src.kind,
            location,
            related,
            fingerprint,
        });
    }
    report.sources.insert(file.src.rel.clone(), masked);
}

fn normalize_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// FNV-1a, 64 bits: stable across runs, platforms and versions of Rust.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in *p {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The stable identity of a finding: no line numbers, so moving code does not change it.
pub fn fingerprint(rule: &str, file: &str, offending: &str, occurrence: usize) -> String {
    let occ = occurrence.to_string();
    let a = fnv1a(&[
        rule.as_bytes(),
        file.as_bytes(),
        offending.as_bytes(),
        occ.as_bytes(),
    ]);
    let b = fnv1a(&[
        occ.as_bytes(),
        offending.as_bytes(),
        file.as_bytes(),
        rule.as_bytes(),
    ]);
    format!("{a:016x}{b:016x}")
}
