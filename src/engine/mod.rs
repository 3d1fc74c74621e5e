//! The pipeline: discovered files -> parse once (in parallel) -> one walk over each model,
//! handing every node to the enabled rules that asked for it (files in parallel) ->
//! suppressions -> superseded findings -> sort -> a [`Report`].
//!
//! [`check`] reads files from disk; [`check_buffers`] checks texts held in memory (an
//! editor's unsaved buffers), with reads of other files taking those buffers before the
//! disk; [`fix`] applies findings' fixes in rounds and re-checks.

mod family;
pub mod fix;
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
    /// Report as if no inline suppression existed (`--no-ignores`, an audit mode).
    pub no_inline_ignores: bool,
}

/// Discover, parse and check. Errors are per file and land in the report.
pub fn check(opts: &CheckOptions) -> Report {
    check_files(opts).0
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
            None => discover::classify(&rel, &String::from_utf8_lossy(&bytes)),
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
    finish(opts, files, report, Overlay::new(), true)
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
                .filter(|n| n.message == discover::TEMPLATE_SKIPPED)
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
    let per_file: Vec<Checked> = if parallel {
        (0..project.files.len()).into_par_iter().map(run).collect()
    } else {
        (0..project.files.len()).map(run).collect()
    };

    let mut out = Vec::new();
    for (i, checked) in per_file.into_iter().enumerate() {
        let file = &project.files[i];
        for msg in checked.panics {
            report.errors.push(ToolError {
                file: Some(file.src.rel.clone()),
                position: None,
                message: format!("internal error, file not fully checked: {msg}"),
            });
        }
        resolve::resolve(
            file,
            &project,
            checked.findings,
            checked.suppressed,
            &mut out,
            &mut report,
        );
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

/// What checking one file gave.
struct Checked {
    findings: Vec<Finding>,
    suppressed: Vec<Suppressed>,
    panics: Vec<String>,
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
        .map(|e| match e.duplicate_of {
            // a duplicate key is a finding of its own: the file was read and checked
            Some(before) => Finding::new(&plumb::DUPLICATE_KEY, e.span, e.message.clone())
                .related(before, "the value that is dropped"),
            None => {
                Finding::new(&plumb::PARSE_ERROR, e.span, e.message.clone()).severity(if e.fatal {
                    Severity::Error
                } else {
                    Severity::Warning
                })
            }
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
    Checked {
        findings,
        suppressed: applied.suppressed,
        panics,
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
    let covers: Vec<(&'static str, crate::source::Span)> = findings
        .iter()
        .filter(|f| !f.rule.supersedes.is_empty())
        .flat_map(|f| {
            f.rule.supersedes.iter().flat_map(move |id| {
                f.secrets
                    .iter()
                    .copied()
                    .chain([f.span])
                    .map(move |s| (*id, s))
            })
        })
        .collect();
    if covers.is_empty() {
        return findings;
    }
    findings.retain(|f| {
        !covers
            .iter()
            .any(|(id, s)| *id == f.rule.id && s.start < f.span.end && f.span.start < s.end)
    });
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use crate::source::Span;

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
