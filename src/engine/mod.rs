//! The pipeline: discovered files -> parse once (in parallel) -> one walk over each model,
//! handing every node to the enabled rules that asked for it (files in parallel) ->
//! suppressions -> superseded findings -> sort -> a [`Report`].
//!
//! [`check`] reads files from disk; [`check_buffers`] checks texts held in memory (an
//! editor's unsaved buffers), with reads of other files taking those buffers before the
//! disk; [`fix`] applies findings' fixes in rounds and re-checks.

mod family;
pub mod fix;
mod identity;
mod resolve;
mod walk;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::api::{Cx, Finding, Severity};
use crate::config::Config;
use crate::discover::{self, Candidate, Discovery};
use crate::paths::{normalize, rel_path};
use crate::project::{Overlay, ParsedFile, Project, TfDirs};
use crate::report::{Notice, Report, Reported, ToolError};
use crate::rules::plumb;
use crate::source::Kind;
use crate::suppress::{self, Day, Suppressed};

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
    /// The config file `config` was read from (`None`: defaults). Any other `.plumb.yml`
    /// the walk meets is reported as not read.
    pub config_file: Option<PathBuf>,
    /// Report as if no inline suppression existed (`--no-ignores`, an audit mode).
    pub no_inline_ignores: bool,
}

/// Discover, parse and check. Errors are per file and land in the report.
pub fn check(opts: &CheckOptions) -> Report {
    let (report, project) = check_files(opts);
    // freeing every file's model is serial work (~3% of a 10,000-file check): let it
    // overlap with writing the report (a process that exits first skips it); a few files
    // are freed here, cheaper than starting a thread
    if project.files.len() > FEW_FILES {
        std::thread::spawn(move || drop(project));
    }
    report
}

/// [`check`] for a process that ends once the report is written (the command line): the
/// files' models are left for the operating system to reclaim with the process. Freeing
/// them, even on a thread of its own, was 3.6% of the instructions of a check of 1,080
/// real-world workflows, spent after every finding was known; leaving them cut CPU by 4%
/// and wall time by 4.5% (paired runs, 20 pairs).
pub fn check_then_exit(opts: &CheckOptions) -> Report {
    let (report, project) = check_files(opts);
    std::mem::forget(project);
    report
}

/// Up to this many files are checked on the calling thread: starting the thread pool costs
/// more than it buys there (the pre-commit and editor case, one file: ~1 ms of a 4 ms run).
pub const FEW_FILES: usize = 4;

/// `paths` are a few files named one by one (no directory to walk).
fn few_files(paths: &[PathBuf]) -> bool {
    !paths.is_empty() && paths.len() <= FEW_FILES && paths.iter().all(|p| p.is_file())
}

/// Texts held in memory, by path: what an editor has open, saved or not.
#[derive(Debug, Default, Clone)]
pub struct Buffers {
    texts: HashMap<PathBuf, Arc<str>>,
}

impl Buffers {
    pub fn new() -> Buffers {
        Buffers::default()
    }
    /// Hold `text` for `path` (replacing what was held).
    pub fn set(&mut self, path: &Path, text: impl Into<Arc<str>>) {
        self.texts.insert(normalize(path), text.into());
    }
    pub fn remove(&mut self, path: &Path) {
        self.texts.remove(&normalize(path));
    }
    pub fn get(&self, path: &Path) -> Option<&Arc<str>> {
        self.texts.get(&normalize(path))
    }
}

/// What [`check_buffers`] gives: the report, and every other file its rules read (a
/// compose service's Dockerfile, the coverage config a workflow's tests read), so a caller
/// can check again when one of them changes.
pub struct BufferCheck {
    pub report: Report,
    pub reads: Vec<PathBuf>,
}

/// Check `targets` with their text from `buffers` (from disk for a target not held there),
/// whether or not they exist on disk. No discovery: each target is checked as named, its
/// kind from its name (config `kinds:` first) or, for YAML, its content. Rules reading other
/// files get `buffers`' texts before the disk's. Files are checked one after the other on
/// the calling thread (never on the shared thread pool), so a slow check holds up nobody
/// else. `opts.paths` and `opts.stdin` are not read.
pub fn check_buffers(opts: &CheckOptions, targets: &[PathBuf], buffers: &Buffers) -> BufferCheck {
    let mut report = Report::default();
    let mut files = Vec::new();
    for path in targets {
        let rel = rel_path(&opts.root, path);
        let bytes = match buffers.get(path) {
            Some(t) => t.as_bytes().to_vec(),
            None => match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => {
                    report.errors.push(ToolError {
                        file: Some(rel),
                        position: None,
                        message: format!("cannot read: {e}"),
                    });
                    continue;
                }
            },
        };
        let kind = match discover::kind_of(&rel, &opts.config) {
            Some(k) => Ok(Some(k)),
            None => discover::classify(
                &rel,
                &String::from_utf8_lossy(&bytes),
                discover::in_helm_chart(path),
            ),
        };
        match kind {
            Err(notice) => report.notices.push(notice),
            Ok(Some(kind)) => {
                files.push(Arc::new(ParsedFile::load(path.clone(), rel, kind, bytes)))
            }
            Ok(None) => report.notices.push(Notice {
                file: rel,
                message: "not a file kind plumb checks: skipped".into(),
            }),
        }
    }
    let overlay: Overlay = buffers.texts.clone();
    let (report, project) = finish(opts, files, report, overlay, false);
    let own: Vec<PathBuf> = project
        .files
        .iter()
        .map(|f| normalize(&f.src.path))
        .collect();
    let reads = project
        .reads()
        .into_iter()
        .filter(|p| !own.contains(p))
        .collect();
    BufferCheck { report, reads }
}

/// Discover, load and check; the report and the project it was checked over.
fn check_files(opts: &CheckOptions) -> (Report, Project) {
    // parse once, each file as soon as the walk meets it
    let (discovery, mut early) = if few_files(&opts.paths) {
        // nothing to overlap: each file is loaded below, in the walk's order
        (walk(opts, &mut |_| {}), HashMap::new())
    } else {
        parse_while_walking(opts)
    };
    let Discovery {
        candidates,
        notices,
        errors: walk_errors,
    } = discovery;
    let mut report = Report {
        notices,
        errors: walk_errors,
        config: opts.config_file.as_ref().map(|p| rel_path(&opts.root, p)),
        ..Report::default()
    };

    // in the walk's final order, one per real file (a file met under two names was parsed
    // twice; the second is dropped here)
    let mut loaded: Vec<Loaded> = candidates
        .iter()
        .map(|c| {
            early
                .remove(&(c.rel.clone(), c.canonical.clone()))
                .unwrap_or_else(|| load_candidate(c))
        })
        .collect();
    if let Some((name, text)) = &opts.stdin {
        let rel = rel_path(&opts.root, name);
        let mut excludes = opts.config.exclude.clone();
        excludes.extend(opts.exclude.iter().cloned());
        let kind = if discover::is_excluded(&rel, &excludes) {
            // as a walk would leave the file out (ruff's --force-exclude): an editor or a
            // hook piping an excluded file gets nothing, and a notice says why
            Err(Notice {
                file: rel.clone(),
                message: "excluded (`exclude:` in the config or --exclude): not checked".into(),
            })
        } else {
            match discover::kind_of(&rel, &opts.config) {
                Some(k) => Ok(Some(k)),
                None => discover::classify(&rel, text, discover::in_helm_chart(name)),
            }
        };
        match kind {
            Err(notice) => report.notices.push(notice),
            Ok(Some(kind)) => loaded.push(parsed(ParsedFile::load(
                name.clone(),
                rel,
                kind,
                text.clone().into_bytes(),
            ))),
            Ok(None) => report.notices.push(Notice {
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
    let parallel = files.len() > FEW_FILES;
    finish(opts, files, report, Overlay::new(), parallel)
}

/// The walk over `opts.paths`, telling `found` of each candidate as it meets it.
fn walk(opts: &CheckOptions, found: &mut dyn FnMut(&Candidate)) -> Discovery {
    discover::discover_with(
        &opts.paths,
        &opts.root,
        &opts.config,
        &opts.exclude,
        opts.no_ignore,
        opts.max_file_size,
        opts.config_file.as_deref(),
        found,
    )
}

type Early = HashMap<(String, PathBuf), Loaded>;

/// Walk `opts.paths` and parse each candidate on the thread pool as soon as the walk meets
/// it: the walk is serial (about a sixth of a 10,000-file check's time) and the parsing
/// overlaps it.
fn parse_while_walking(opts: &CheckOptions) -> (Discovery, Early) {
    let (tx, rx) = std::sync::mpsc::channel::<Candidate>();
    std::thread::scope(|s| {
        let parsing = s.spawn(move || {
            rx.into_iter()
                .par_bridge()
                .map(|c| {
                    let loaded = load_candidate(&c);
                    ((c.rel, c.canonical), loaded)
                })
                .collect::<Vec<_>>()
        });
        let mut send = |c: &Candidate| {
            // the receiver ends only when this function returns
            let _ = tx.send(c.clone());
        };
        let discovery = walk(opts, &mut send);
        drop(tx);
        let early = parsing
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (discovery, early.into_iter().collect::<HashMap<_, _>>())
    })
}

/// Check loaded files (in parallel or not) and resolve the report.
fn finish(
    opts: &CheckOptions,
    mut files: Vec<Arc<ParsedFile>>,
    mut report: Report,
    overlay: Overlay,
    parallel: bool,
) -> (Report, Project) {
    files.sort_by(|a, b| a.src.rel.cmp(&b.src.rel));
    files.dedup_by(|a, b| a.src.rel == b.src.rel);
    report.files_scanned = files.len();
    let project = Project::with_overlay(opts.root.clone(), files, opts.max_file_size, overlay)
        .with_templates(
            report
                .notices
                .iter()
                .filter(|n| {
                    n.message == discover::TEMPLATE_SKIPPED
                        || n.message == discover::TEMPLATE_UNPARSED
                })
                .map(|n| n.file.as_str()),
        );

    // rules: one walk per file, files in parallel
    let tf = TfDirs::new(&project);
    let today = Day::today();
    let run = |i: usize| {
        check_file(
            &project.files[i],
            &project,
            &tf,
            &opts.config,
            !opts.no_inline_ignores,
            today,
        )
    };
    // each file's findings resolved on its own (positions, fingerprints, masked text), then
    // merged in file order
    let resolve_one = |i: usize, checked: Checked, marked_in: &MarkedIn| {
        let file = &project.files[i];
        let mut marked: Vec<crate::source::Span> = checked
            .mask_findings
            .iter()
            .flat_map(|f| f.secrets.iter().copied())
            .collect();
        if let Some(m) = marked_in.get(&crate::paths::normalize(&file.src.path)) {
            marked.extend_from_slice(m);
        }
        let resolved = resolve::resolve(
            file,
            &project,
            checked.findings,
            checked.suppressed,
            &marked,
        );
        (i, checked.panics, resolved)
    };
    // No rule that marks secrets in other files applies here (no Terraform, say): each file
    // is resolved as soon as it is checked, in the same pass over the files. Resolving
    // after every file was checked held the threads at one more barrier.
    let marking = crate::rules::REGISTRY
        .iter()
        .filter(|r| r.marks_other_files)
        .any(|r| project.files.iter().any(|f| r.applies_to(f.src.kind)));
    let mut resolved: Vec<_> = Vec::new();
    if !marking {
        let none = MarkedIn::new();
        let one = |i: usize| {
            let checked = run(i);
            let marks_elsewhere = has_marks_in(&checked);
            (resolve_one(i, checked, &none), marks_elsewhere)
        };
        let done: Vec<_> = if parallel {
            (0..project.files.len()).into_par_iter().map(one).collect()
        } else {
            (0..project.files.len()).map(one).collect()
        };
        // a rule that marked another file without saying so: resolved again below, the
        // long way (never expected: a test holds every such rule to its flag)
        if !done.iter().any(|(_, m)| *m) {
            resolved = done.into_iter().map(|(r, _)| r).collect();
        }
    }
    if resolved.is_empty() && !project.files.is_empty() {
        let per_file: Vec<Checked> = if parallel {
            (0..project.files.len()).into_par_iter().map(run).collect()
        } else {
            (0..project.files.len()).map(run).collect()
        };
        // secrets marked in other files than the finding's (a variable default another
        // file uses): masked there
        let mut marked_in = MarkedIn::new();
        for checked in &per_file {
            for f in checked
                .findings
                .iter()
                .chain(checked.suppressed.iter().map(|s| &s.finding))
                .chain(checked.mask_findings.iter())
            {
                for (path, span) in &f.secrets_in {
                    marked_in
                        .entry(crate::paths::normalize(path))
                        .or_default()
                        .push(*span);
                }
            }
        }
        resolved = if parallel {
            per_file
                .into_par_iter()
                .enumerate()
                .map(|(i, c)| resolve_one(i, c, &marked_in))
                .collect()
        } else {
            per_file
                .into_iter()
                .enumerate()
                .map(|(i, c)| resolve_one(i, c, &marked_in))
                .collect()
        };
    }
    for dir in tf.limited() {
        report.notices.push(Notice {
            file: dir,
            message: format!(
                "Terraform values past the evaluation limits ({} steps, {} bytes built, {} bytes per value) were taken as unknown",
                crate::source::terraform::MAX_EVAL_STEPS,
                crate::source::terraform::MAX_EVAL_BYTES,
                crate::source::terraform::MAX_VALUE_BYTES,
            ),
        });
    }
    let mut out = Vec::new();
    for (i, panics, resolved) in resolved {
        for msg in panics {
            report.errors.push(ToolError {
                file: Some(project.files[i].src.rel.clone()),
                position: None,
                message: format!("internal error, file not fully checked: {msg}"),
            });
        }
        resolved.merge(&mut out, &mut report);
    }
    out.sort_by(|a, b| order(a).cmp(&order(b)));
    report.findings = out;
    report
        .suppressed
        .sort_by(|a, b| order(&a.finding).cmp(&order(&b.finding)));
    report.errors.sort_by(|a, b| a.file.cmp(&b.file));
    report.notices.sort_by(|a, b| a.file.cmp(&b.file));
    drop(tf);
    (report, project)
}

/// Secret spans findings marked in a file through [`Finding::secret_in`] (the findings of
/// any file, that one's included), by the file's normalized path.
type MarkedIn = HashMap<PathBuf, Vec<crate::source::Span>>;

/// Whether a checked file's findings mark secrets in any file ([`Finding::secret_in`]).
fn has_marks_in(checked: &Checked) -> bool {
    checked
        .findings
        .iter()
        .chain(checked.suppressed.iter().map(|s| &s.finding))
        .chain(checked.mask_findings.iter())
        .any(|f| !f.secrets_in.is_empty())
}

/// Report order: path, position, rule, message.
fn order(f: &Reported) -> (&str, usize, &str, &str) {
    (
        &f.location.file,
        f.location.start.offset,
        f.rule,
        &f.message,
    )
}

enum Loaded {
    File(Box<ParsedFile>),
    Skipped(Option<Notice>),
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
            match discover::classify(&c.rel, &text, discover::in_helm_chart(&c.path)) {
                Ok(Some(k)) => k,
                Ok(None) => return Loaded::Skipped(None),
                Err(notice) => return Loaded::Skipped(Some(notice)),
            }
        }
    };
    parsed(ParsedFile::load(c.path.clone(), c.rel.clone(), kind, bytes))
}

/// A loaded file, or the notice for a manifest outside a chart that holds `{{` and does not
/// parse: a template, left alone.
fn parsed(file: ParsedFile) -> Loaded {
    if file.src.kind == Kind::K8s
        && file.load_errors.iter().any(|e| e.fatal)
        && discover::is_helm_template(&file.src.text)
    {
        return Loaded::Skipped(Some(discover::template_notice(&file.src.rel)));
    }
    Loaded::File(Box::new(file))
}

/// What checking one file gave.
struct Checked {
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
    panics: Vec<String>,
    /// Findings of the secret rules the selection left out, run only for the secrets they
    /// mark: masked in snippets and fingerprints all the same.
    mask_findings: Vec<Finding>,
}

/// Run every enabled rule on the file in one walk, then apply suppressions and
/// supersession. A panic in a rule is caught and reported; the other rules go on.
fn check_file<'p>(
    file: &'p ParsedFile,
    project: &'p Project,
    tf_dirs: &'p TfDirs<'p>,
    config: &'p Config,
    inline_ignores: bool,
    today: Day,
) -> Checked {
    let mut findings: Vec<Finding> = file
        .load_errors
        .iter()
        .map(|e| {
            let f = match e.duplicate_of {
                // a duplicate key is a finding of its own: the file was read and checked
                Some(before) => Finding::new(&plumb::DUPLICATE_KEY, e.span, e.message.clone())
                    .related(before, "the value that is dropped"),
                None => Finding::new(&plumb::PARSE_ERROR, e.span, e.message.clone()).severity(
                    if e.fatal {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                ),
            };
            // a word the message would not quote is not shown in a snippet either (a
            // duplicated `NAME=value` key is masked at both places)
            e.hidden.iter().fold(f, |f, s| f.secret(*s))
        })
        .collect();
    let selection = config.rules_for(&file.src.rel, file.src.kind);
    let mut panics = Vec::new();
    if file.checkable() {
        let cxs = |file: &'p ParsedFile| -> Vec<(Cx<'p>, Option<Severity>)> {
            selection
                .iter()
                .filter(|(rule, _)| !rule.engine)
                .map(|(rule, sev)| {
                    (
                        Cx {
                            rule,
                            file,
                            project,
                            options: config.rule_options(rule),
                            secret_names: &config.secret_names,
                            tf_dirs,
                        },
                        *sev,
                    )
                })
                .collect()
        };
        // a compose file merged with its override or base: its rules judge the merge, and
        // keep what lands in this file
        let family = match file.src.kind {
            Kind::Compose => family::compose_family(file, project),
            _ => None,
        };
        match &family {
            Some(fam) => {
                let merged = merged_findings(fam, &selection, project, tf_dirs, config);
                findings.extend(fam.place(merged.0));
                panics = merged.1;
                let mut runner = walk::Runner::new(cxs(file));
                runner.text();
                findings.append(&mut runner.findings);
                panics.append(&mut runner.panics);
            }
            None => {
                let mut runner = walk::Runner::new(cxs(file));
                runner.walk(file);
                findings.append(&mut runner.findings);
                panics = runner.panics;
            }
        }
    }
    let enabled = |id: &str| selection.iter().any(|(r, _)| r.id == id);
    // comments are found only in files that could hold a directive
    let comments = if inline_ignores && file.src.text.contains("plumb:") {
        file.comments()
    } else {
        &[]
    };
    let applied = suppress::apply(
        &file.src.text,
        &file.src.lines,
        comments,
        findings,
        &enabled,
        today,
    );
    let mut findings = supersede(applied.kept);
    // engine findings honour selection and severity overrides too (parse errors always
    // stand: nothing in them was checked)
    findings.retain(|f| !f.rule.engine || f.rule.id == plumb::PARSE_ERROR.id || enabled(f.rule.id));
    for f in &mut findings {
        if f.rule.engine && f.rule.id != plumb::PARSE_ERROR.id {
            if let Some((_, Some(sev))) = selection.iter().find(|(r, _)| r.id == f.rule.id) {
                f.severity = *sev;
            }
        }
    }
    // a secret is masked whatever the selection: the secret rules left out run for the
    // spans they mark, when something of this file is reported
    let mut mask_findings = Vec::new();
    if file.checkable() && !(findings.is_empty() && applied.suppressed.is_empty()) {
        let cxs: Vec<(Cx<'p>, Option<Severity>)> = crate::rules::REGISTRY
            .iter()
            .copied()
            .filter(|r| {
                !r.engine
                    && r.packs.contains(&"secrets")
                    && r.applies_to(file.src.kind)
                    && !enabled(r.id)
            })
            .map(|rule| {
                (
                    Cx {
                        rule,
                        file,
                        project,
                        options: config.rule_options(rule),
                        secret_names: &config.secret_names,
                        tf_dirs,
                    },
                    None,
                )
            })
            .collect();
        if !cxs.is_empty() {
            let mut runner = walk::Runner::new(cxs);
            runner.walk(file);
            mask_findings = runner.findings;
        }
    }
    Checked {
        findings,
        suppressed: applied.suppressed,
        panics,
        mask_findings,
    }
}

/// The compose and service rules' findings on a family's merged text (text hooks excluded),
/// and the panics met.
fn merged_findings(
    fam: &family::Family,
    selection: &[(&'static crate::api::Rule, Option<Severity>)],
    project: &Project,
    tf_dirs: &TfDirs<'_>,
    config: &Config,
) -> (Vec<Finding>, Vec<String>) {
    let cxs = selection
        .iter()
        .filter(|(rule, _)| !rule.engine)
        .map(|(rule, sev)| {
            (
                Cx {
                    rule,
                    file: &fam.merged,
                    project,
                    options: config.rule_options(rule),
                    secret_names: &config.secret_names,
                    tf_dirs,
                },
                *sev,
            )
        })
        .collect();
    let mut runner = walk::Runner::new(cxs);
    runner.walk_model(&fam.merged);
    (runner.findings, runner.panics)
}

/// Drop findings that a finding of a rule declaring `supersedes` already reports on the same
/// value (its span or a secret it marks). Runs after suppressions: a suppressed finding
/// supersedes nothing.
fn supersede(mut findings: Vec<Finding>) -> Vec<Finding> {
    // per superseded rule: the covering spans sorted by start, with the largest end so far,
    // so each finding is one binary search (a scan per finding made thousands of secrets in
    // one manifest quadratic)
    let mut covers: HashMap<&'static str, Vec<(usize, usize)>> = HashMap::new();
    for f in findings.iter().filter(|f| !f.rule.supersedes.is_empty()) {
        for id in f.rule.supersedes {
            let spans = covers.entry(*id).or_default();
            spans.extend(f.secrets.iter().chain([&f.span]).map(|s| (s.start, s.end)));
        }
    }
    if covers.is_empty() {
        return findings;
    }
    let covers: HashMap<&'static str, (Vec<usize>, Vec<usize>)> = covers
        .into_iter()
        .map(|(id, mut spans)| {
            spans.sort_unstable();
            let starts = spans.iter().map(|s| s.0).collect();
            let max_ends = spans
                .iter()
                .scan(0, |m, s| {
                    *m = (*m).max(s.1);
                    Some(*m)
                })
                .collect();
            (id, (starts, max_ends))
        })
        .collect();
    findings.retain(|f| {
        let Some((starts, max_ends)) = covers.get(f.rule.id) else {
            return true;
        };
        // the covering spans that start before this one ends; one of them overlaps it when
        // the largest end among them is past its start
        let n = starts.partition_point(|&s| s < f.span.end);
        !(n > 0 && max_ends[n - 1] > f.span.start)
    });
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use crate::source::Span;

    /// The single pass over the files ([`finish`]) trusts `marks_other_files`: every rule
    /// file that marks a secret in another file declares it.
    #[test]
    fn every_rule_that_marks_other_files_says_so() {
        fn rule_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).expect("src/rules").flatten() {
                let p = e.path();
                if p.is_dir() {
                    rule_files(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut files = Vec::new();
        rule_files(&root, &mut files);
        let mut marking = 0;
        for p in files {
            let text = std::fs::read_to_string(&p).expect("readable");
            if !text.contains(".secret_in(") {
                continue;
            }
            marking += 1;
            let rel = p.strip_prefix(&root).expect("under src/rules");
            let id = rel.with_extension("").to_string_lossy().replace('_', "-");
            let rule = rules::find(&id).unwrap_or_else(|| {
                panic!("{} marks other files but is no rule's file", p.display())
            });
            assert!(
                rule.marks_other_files,
                "{id} marks secrets in other files: declare .marks_other_files()"
            );
        }
        assert!(
            marking > 0,
            "tf/plaintext-secret marks variable defaults in other files"
        );
    }

    #[test]
    fn a_superseding_finding_replaces_the_other_on_the_same_value() {
        let structured = rules::find("compose/plaintext-secret").expect("rule");
        let raw = rules::find("secrets/hardcoded-token").expect("rule");
        assert!(structured.supersedes.contains(&raw.id));
        let token = Span::new(10, 30);
        let kept = supersede(vec![
            Finding::new(structured, Span::new(5, 30), "x").secret(token),
            Finding::new(raw, token, "y"),
            Finding::new(raw, Span::new(40, 50), "elsewhere"),
        ]);
        let ids: Vec<_> = kept.iter().map(|f| (f.rule.id, f.span.start)).collect();
        assert_eq!(
            ids,
            vec![
                ("compose/plaintext-secret", 5),
                ("secrets/hardcoded-token", 40)
            ]
        );
    }
}
