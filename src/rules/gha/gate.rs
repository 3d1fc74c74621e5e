//! What the gating rules (`gha/deploy-without-tests`, `gha/deploy-without-environment`)
//! count as a deploy and as a test run. Both read across files, through the project: a local
//! composite action a step uses, a local reusable workflow a job calls, a script a step runs,
//! the Makefile target a step makes.
//!
//! A deploy is something a job does, never its name or its environment's name: a deploy
//! command taken by its subcommand's position (`helm install`, not `helm plugin install`), a
//! deploy action, or a local action or reusable workflow that does one of those. A job that
//! creates a throwaway cluster on the runner (kind, k3d, minikube) and applies manifests to
//! it is a test, not a deploy.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use regex::Regex;

use super::common::{RunScript, prog_args, root_of, run_scripts_of, run_scripts_of_job, test_tool};
use crate::api::Cx;
use crate::paths::absolute;
use crate::project::{ParsedFile, Project};
use crate::rules::gha::common::is_or_under;
use crate::rules::support::follow::{Follow, path_key, script_file};
use crate::rules::support::gha::has_expr;
use crate::source::shell::{Command, basename, parse_script};
use crate::source::workflow::{Job, Step, Workflow, action_is_or_under, local_uses};
use crate::source::{Kind, Span};

/// How deep local actions and reusable workflows are followed (each may use another).
const MAX_DEPTH: usize = 3;

/// Actions that deploy to running infrastructure. Taken 2025-06 from each action's README
/// on the GitHub Marketplace. Pages publishing (`actions/deploy-pages`,
/// `peaceiris/actions-gh-pages`) is documentation, not an application deploy, and is not here.
pub const DEPLOY_ACTIONS: &[&str] = &[
    "azure/webapps-deploy",
    "azure/k8s-deploy",
    "azure/functions-action",
    "aws-actions/amazon-ecs-deploy-task-definition",
    "google-github-actions/deploy-cloudrun",
    "google-github-actions/deploy-appengine",
    "amondnet/vercel-action",
    "nwtgck/actions-netlify",
    "superfly/flyctl-actions",
    "cloudflare/wrangler-action",
    "akhileshns/heroku-deploy",
    "appleboy/ssh-action",
    "hashicorp/terraform-github-actions",
];

/// Actions that create a throwaway Kubernetes cluster on the runner. Taken 2025-06 from each
/// action's README on the GitHub Marketplace.
pub const CLUSTER_ACTIONS: &[&str] = &[
    "helm/kind-action",
    "container-tools/kind-action",
    "engineerd/setup-kind",
    "absaoss/k3d-action",
    "nolar/setup-k3d-k3s",
    "debianmaster/actions-k3s",
    "jupyterhub/action-k3s-helm",
    "medyagh/setup-minikube",
    "manusa/actions-setup-minikube",
];

/// `kind create cluster`, `k3d cluster create`, `minikube start`, `ctlptl create cluster`
/// in a script file's text.
static CLUSTER_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        // ASCII word boundaries: a Unicode `\b` leaves the fast engine on non-ASCII text
        r"(?-u)\bkind\s+create\s+cluster\b|\bk3d\s+cluster\s+create\b|\bminikube\s+start\b|\bctlptl\s+create\s+cluster\b",
    )
    .expect("cluster regex")
});

/// A deploy a job does: what, and where in the file being checked.
#[derive(Debug, Clone)]
pub struct Deploy {
    pub what: String,
    pub span: Span,
}

/// Reads the files a workflow refers to, through the project (each read once per check).
struct Reader<'p> {
    project: &'p Project,
    root: PathBuf,
}

impl<'p> Reader<'p> {
    fn of(cx: &Cx<'p>) -> Reader<'p> {
        Reader {
            project: cx.project(),
            root: root_of(cx.path(), &cx.project().root),
        }
    }

    /// The `action.yml` of a local action path.
    fn action(&self, path: &str) -> Option<Arc<ParsedFile>> {
        let dir = self.root.join(path.trim_end_matches('/'));
        ["action.yml", "action.yaml"]
            .iter()
            .find_map(|n| self.project.file(&dir.join(n), Kind::Action))
    }

    /// A local reusable workflow.
    fn workflow(&self, path: &str) -> Option<Arc<ParsedFile>> {
        self.project.file(&self.root.join(path), Kind::Workflow)
    }

    fn text(&self, dir: &Path, rel: &str) -> Option<Arc<str>> {
        let rel = rel.trim_start_matches("./");
        if rel.is_empty() || rel.contains('$') || rel.starts_with('/') {
            return None;
        }
        // only files of this repository
        let path = absolute(&self.root.join(dir).join(rel));
        if !path.starts_with(absolute(&self.root)) {
            return None;
        }
        self.project.read_text(&path)
    }
}

/// A file's workflow view and its run scripts, for a job's steps.
struct Steps<'f> {
    steps: Vec<Step<'f>>,
    scripts: Vec<RunScript<'f>>,
    /// The working directory the steps' scripts start in, relative to the repository root.
    dir: PathBuf,
}

impl<'f> Steps<'f> {
    fn of_job(file: &'f ParsedFile, wf: &Workflow<'f>, job: &Job<'f>) -> Steps<'f> {
        let scripts = run_scripts_of_job(file, job);
        let dir = job
            .node
            .path(&["defaults", "run", "working-directory"])
            .or_else(|| wf.root.path(&["defaults", "run", "working-directory"]))
            .and_then(|n| n.as_str())
            .filter(|d| !has_expr(d))
            .map(PathBuf::from)
            .unwrap_or_default();
        Steps {
            steps: job.steps(),
            scripts,
            dir,
        }
    }

    fn of_action(file: &'f ParsedFile, wf: &Workflow<'f>) -> Steps<'f> {
        Steps {
            steps: wf.action_steps(),
            scripts: run_scripts_of(file, wf),
            dir: PathBuf::new(),
        }
    }

    fn script(&self, step: &Step<'f>) -> Option<&RunScript<'f>> {
        self.scripts.iter().find(|r| r.step.node.id == step.node.id)
    }

    /// The directory a step's script runs in.
    fn dir_of(&self, step: &Step<'_>) -> PathBuf {
        match step
            .node
            .get("working-directory")
            .and_then(|n| n.as_str())
            .filter(|d| !has_expr(d))
        {
            Some(d) => self.dir.join(d),
            None => self.dir.clone(),
        }
    }
}

/// Why a job deploys, if it does: a deploy command or action in its steps (a local action's
/// steps included), or the local reusable workflow it calls deploying. `None` for a job that
/// creates a throwaway cluster: what it applies, it applies to a test.
pub fn job_deploys(cx: &Cx<'_>, wf: &Workflow<'_>, job: &Job<'_>) -> Option<Deploy> {
    // five rules ask this of every job: the answer is kept per check
    let found = cx.project().derived::<JobDeploys>(&job_key(cx, job), || {
        JobDeploys(find_job_deploys(cx, wf, job))
    });
    found.0.clone()
}

/// A job of the checked file, for answers kept per check: its file and where it starts.
fn job_key(cx: &Cx<'_>, job: &Job<'_>) -> String {
    // built by hand: `format!` was 5.8M instructions over 1,080 real-world workflows (five
    // rules ask for every job)
    let path = path_key(cx.path());
    let mut key = String::with_capacity(path.len() + 12);
    key.push_str(&path);
    key.push('\0');
    crate::hash::push_decimal(&mut key, job.node.span().start);
    key
}

struct JobDeploys(Option<Deploy>);
struct MakesCluster(bool);
struct ScriptMakesCluster(bool);

fn find_job_deploys(cx: &Cx<'_>, wf: &Workflow<'_>, job: &Job<'_>) -> Option<Deploy> {
    let reader = Reader::of(cx);
    if let Some(u) = job.uses() {
        let value = u.as_str()?;
        let what = called_workflow_deploys(&reader, local_uses(value)?, 0)?;
        return Some(Deploy {
            what: format!("calls {}, whose {what}", value.trim()),
            span: u.span(),
        });
    }
    // most jobs deploy nothing: whether one makes a throwaway cluster is asked only of those
    // that do
    let deploy = steps_deploy(&reader, &Steps::of_job(cx.file(), wf, job), 0)?;
    (!job_makes_cluster(cx, wf, job)).then_some(deploy)
}

/// Whether a job creates a throwaway cluster on the runner (a kind, k3d or minikube action or
/// command, directly, in a script or in a local action): what it tests, it tests against a
/// deployment.
pub fn job_makes_cluster(cx: &Cx<'_>, wf: &Workflow<'_>, job: &Job<'_>) -> bool {
    cx.project()
        .derived::<MakesCluster>(&job_key(cx, job), || {
            let reader = Reader::of(cx);
            MakesCluster(makes_cluster(
                &reader,
                &Steps::of_job(cx.file(), wf, job),
                0,
            ))
        })
        .0
}

/// Whether a job runs tests, and where (in the file being checked): a test command, a step
/// named for its tests, a script under a tests directory, a Makefile target that runs tests,
/// a local action or reusable workflow that does.
pub fn job_tests(cx: &Cx<'_>, wf: &Workflow<'_>, job: &Job<'_>) -> Option<Span> {
    let reader = Reader::of(cx);
    if let Some(u) = job.uses() {
        let value = u.as_str()?;
        return match local_uses(value) {
            Some(path) => match reader.workflow(path) {
                Some(_) => called_workflow_tests(&reader, path, 0).then(|| u.span()),
                // not here to read: judge it by its file name
                None => remote_workflow_tests(path).then(|| u.span()),
            },
            None => remote_workflow_tests(value).then(|| u.span()),
        };
    }
    steps_test(&reader, &Steps::of_job(cx.file(), wf, job), 0)
}

/// A remote reusable workflow whose file name reads like a test suite (`ci.yml`,
/// `tests.yml`, `check.yml`): its content is not here to read.
fn remote_workflow_tests(uses: &str) -> bool {
    let file = uses
        .split('@')
        .next()
        .unwrap_or(uses)
        .rsplit('/')
        .next()
        .unwrap_or(uses)
        .to_ascii_lowercase();
    file.contains("test") || file.starts_with("ci.") || file.contains("check")
}

/// The first deploy among the steps, with its span in the file the steps are from.
fn steps_deploy(reader: &Reader<'_>, steps: &Steps<'_>, depth: usize) -> Option<Deploy> {
    for step in &steps.steps {
        if let Some(r) = steps.script(step) {
            for c in &r.script.commands {
                if let Some(what) = deploy_command(c) {
                    return Some(Deploy { what, span: c.span });
                }
            }
        }
        let Some(u) = step.uses() else { continue };
        let Some(action) = step.action() else {
            continue;
        };
        if DEPLOY_ACTIONS.iter().any(|d| is_or_under(&action, d, '/')) {
            return Some(Deploy {
                what: action,
                span: u.span(),
            });
        }
        if depth < MAX_DEPTH {
            if let Some(path) = u.as_str().and_then(local_uses) {
                if let Some(file) = reader.action(path) {
                    if let Some(wf) = file.yaml().and_then(Workflow::of) {
                        let inner = Steps::of_action(&file, &wf);
                        if let Some(d) = steps_deploy(reader, &inner, depth + 1) {
                            return Some(Deploy {
                                what: format!("{path}, which runs {}", d.what),
                                span: u.span(),
                            });
                        }
                    }
                }
            }
        }
    }
    None
}

/// Whether the steps create a throwaway cluster: a cluster action, a cluster command, a
/// script or local action that does.
fn makes_cluster(reader: &Reader<'_>, steps: &Steps<'_>, depth: usize) -> bool {
    for step in &steps.steps {
        if let Some(action) = step.action() {
            if CLUSTER_ACTIONS.iter().any(|d| is_or_under(&action, d, '/')) {
                return true;
            }
            if depth < MAX_DEPTH {
                if let Some(path) = step.uses().and_then(|u| u.as_str()).and_then(local_uses) {
                    if let Some(file) = reader.action(path) {
                        if let Some(wf) = file.yaml().and_then(Workflow::of) {
                            if makes_cluster(reader, &Steps::of_action(&file, &wf), depth + 1) {
                                return true;
                            }
                        }
                    }
                }
            }
        }
        let Some(r) = steps.script(step) else {
            continue;
        };
        let dir = steps.dir_of(step);
        for c in &r.script.commands {
            if cluster_command(c) {
                return true;
            }
            if let Some(path) = script_file(c) {
                let key = format!("{}\0{}\0{path}", path_key(&reader.root), path_key(&dir));
                let script = reader.project.derived::<ScriptMakesCluster>(&key, || {
                    ScriptMakesCluster(
                        reader
                            .text(&dir, path)
                            .is_some_and(|t| CLUSTER_TEXT.is_match(&t)),
                    )
                });
                if script.0 {
                    return true;
                }
            }
        }
    }
    false
}

fn cluster_command(c: &Command) -> bool {
    let Some((prog, args)) = prog_args(c) else {
        return false;
    };
    let pos = positionals(&args, &[]);
    matches!(
        (prog, pos.as_slice()),
        ("kind", ["create", "cluster", ..])
            | ("k3d", ["cluster", "create", ..])
            | ("minikube", ["start", ..])
            | ("ctlptl", ["create", "cluster", ..])
    )
}

/// Where the steps run tests, if they do.
fn steps_test(reader: &Reader<'_>, steps: &Steps<'_>, depth: usize) -> Option<Span> {
    for step in &steps.steps {
        if test_step_name(step) {
            return Some(step.node.span());
        }
        if let Some(r) = steps.script(step) {
            let dir = steps.dir_of(step);
            for c in &r.script.commands {
                if test_tool(c).is_some() || test_command(c) || make_tests(reader, &dir, c) {
                    return Some(c.span);
                }
            }
        }
        if depth < MAX_DEPTH {
            if let Some(u) = step.uses() {
                if let Some(path) = u.as_str().and_then(local_uses) {
                    if let Some(file) = reader.action(path) {
                        if let Some(wf) = file.yaml().and_then(Workflow::of) {
                            if steps_test(reader, &Steps::of_action(&file, &wf), depth + 1)
                                .is_some()
                            {
                                return Some(u.span());
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

/// A step whose name says it runs tests: "Run tests", "Unit tests", "Test the images",
/// "Run all tests, linting and baselines"; not "Upload test results" or "Install test
/// dependencies".
fn test_step_name(step: &Step<'_>) -> bool {
    let Some(name) = step.node.get("name").and_then(|n| n.as_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    const AROUND: &[&str] = &[
        "upload",
        "uploads",
        "install",
        "installs",
        "installing",
        "setup",
        "set",
        "download",
        "cache",
        "publish",
        "report",
        "reports",
        "results",
        "result",
        "artifact",
        "artifacts",
        "collect",
        "prepare",
        "dependencies",
        "deps",
        "summary",
        "logs",
        "log",
        "generate",
        "cleanup",
        "clean",
        "skip",
        "list",
        "matrix",
        "data",
        "fixtures",
        "env",
        "environment",
    ];
    words
        .iter()
        .any(|w| matches!(*w, "test" | "tests" | "e2e" | "testing"))
        && !words.iter().any(|w| AROUND.contains(w))
}

/// Test runs [`test_tool`] does not name: `python test_x.py`, `python -m unittest`, a script
/// under a tests directory or named for tests (`./tests/bootstrap.sh`, `run_tests.sh`).
fn test_command(c: &Command) -> bool {
    let Some((prog, args)) = prog_args(c) else {
        return false;
    };
    if matches!(prog, "python" | "python3" | "py") {
        if args.windows(2).any(|w| w == ["-m", "unittest"]) {
            return true;
        }
        if let Some(file) = args.iter().find(|a| !a.starts_with('-')) {
            let base = basename(file);
            return base.ends_with(".py")
                && (base.starts_with("test_") || base.ends_with("_test.py"));
        }
        return false;
    }
    let Some(path) = script_file(c) else {
        return false;
    };
    let parts: Vec<String> = path
        .split('/')
        .map(str::to_ascii_lowercase)
        .filter(|p| !p.is_empty() && p != ".")
        .collect();
    let Some((base, dirs)) = parts.split_last() else {
        return false;
    };
    dirs.iter()
        .any(|d| matches!(d.as_str(), "test" | "tests" | "e2e" | "testing"))
        || base.contains("test")
}

/// `make <target>` whose target runs tests: named for them (`make test`, `make e2e-check`)
/// or, read from the Makefile, running a test command or a test target (`make pr` whose
/// prerequisites include `test`).
fn make_tests(reader: &Reader<'_>, dir: &Path, c: &Command) -> bool {
    let Some((prog, args)) = prog_args(c) else {
        return false;
    };
    if !matches!(prog, "make" | "gmake") {
        return false;
    }
    let mut dir = dir.to_path_buf();
    let mut makefile: Option<String> = None;
    let mut targets = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "-C" || a == "--directory" {
            if let Some(d) = args.get(i + 1) {
                dir = dir.join(d);
            }
            i += 2;
            continue;
        }
        if a == "-f" || a == "--file" || a == "--makefile" {
            makefile = args.get(i + 1).map(|s| (*s).to_string());
            i += 2;
            continue;
        }
        if let Some(d) = a.strip_prefix("--directory=") {
            dir = dir.join(d);
        } else if !a.starts_with('-') && !a.contains('=') {
            targets.push(a);
        }
        i += 1;
    }
    if targets.is_empty() {
        targets.push("all");
    }
    if targets.iter().any(|t| test_target(t)) {
        return true;
    }
    let text = match &makefile {
        Some(f) => reader.text(&dir, f),
        None => ["Makefile", "makefile", "GNUmakefile"]
            .iter()
            .find_map(|n| reader.text(&dir, n)),
    };
    let Some(text) = text else { return false };
    let rules = make_rules(&text);
    let mut seen = BTreeSet::new();
    targets
        .iter()
        .any(|t| target_tests(&rules, t, &mut seen, 0))
}

fn test_target(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.contains("test") || l.contains("check") || l == "e2e" || l.starts_with("e2e-")
}

/// A Makefile's rules: target -> (prerequisites, recipe lines). Good enough for reading
/// which targets a target runs; variables are not expanded.
fn make_rules(text: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut rules: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for line in text.lines() {
        if let Some(recipe) = line.strip_prefix('\t') {
            for &i in &current {
                rules[i].2.push(recipe.to_string());
            }
            continue;
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        current.clear();
        let Some((lhs, rhs)) = trimmed.split_once(':') else {
            continue;
        };
        if rhs.starts_with('=') || lhs.contains('=') || lhs.trim_start().starts_with('.') {
            continue;
        }
        let rhs = rhs.split(';').next().unwrap_or("");
        let prereqs: Vec<String> = rhs
            .split_whitespace()
            .filter(|p| *p != "|")
            .map(str::to_string)
            .collect();
        for target in lhs.split_whitespace() {
            current.push(rules.len());
            rules.push((target.to_string(), prereqs.clone(), Vec::new()));
        }
    }
    rules
}

fn target_tests(
    rules: &[(String, Vec<String>, Vec<String>)],
    target: &str,
    seen: &mut BTreeSet<String>,
    depth: usize,
) -> bool {
    if depth > 8 || !seen.insert(target.to_string()) {
        return false;
    }
    for (t, prereqs, recipe) in rules.iter().filter(|r| r.0 == target) {
        let _ = t;
        if prereqs.iter().any(|p| test_target(p)) {
            return true;
        }
        for line in recipe {
            let line = line.trim_start_matches(['@', '-', '+', ' ']);
            let script = parse_script(line);
            for c in &script.commands {
                if test_tool(c).is_some() || test_command(c) {
                    return true;
                }
                if let Some((prog, args)) = prog_args(c) {
                    if matches!(prog, "make" | "gmake" | "$(MAKE)" | "${MAKE}") {
                        for a in args
                            .iter()
                            .filter(|a| !a.starts_with('-') && !a.contains('='))
                        {
                            if test_target(a) || target_tests(rules, a, seen, depth + 1) {
                                return true;
                            }
                        }
                    }
                }
            }
        }
        if prereqs
            .iter()
            .any(|p| target_tests(rules, p, seen, depth + 1))
        {
            return true;
        }
    }
    false
}

/// Whether a local reusable workflow runs tests in any job.
fn called_workflow_tests(reader: &Reader<'_>, path: &str, depth: usize) -> bool {
    if depth >= MAX_DEPTH {
        return false;
    }
    let Some(file) = reader.workflow(path) else {
        return false;
    };
    let Some(wf) = file.yaml().and_then(Workflow::of) else {
        return false;
    };
    wf.jobs()
        .iter()
        .any(|j| match j.uses().and_then(|u| u.as_str()) {
            Some(u) => match local_uses(u) {
                Some(p) => called_workflow_tests(reader, p, depth + 1),
                None => remote_workflow_tests(u),
            },
            None => steps_test(reader, &Steps::of_job(&file, &wf, j), depth + 1).is_some(),
        })
}

/// What a local reusable workflow deploys, if a job of it deploys: `job "x" runs ...`.
fn called_workflow_deploys(reader: &Reader<'_>, path: &str, depth: usize) -> Option<String> {
    if depth >= MAX_DEPTH {
        return None;
    }
    // every job calling a reusable workflow asks this of it: answered once per check
    let key = format!("{}\0{path}\0{depth}", path_key(&reader.root));
    reader
        .project
        .derived::<CalledDeploys>(&key, || {
            CalledDeploys(find_called_workflow_deploys(reader, path, depth))
        })
        .0
        .clone()
}

struct CalledDeploys(Option<String>);

fn find_called_workflow_deploys(reader: &Reader<'_>, path: &str, depth: usize) -> Option<String> {
    let file = reader.workflow(path)?;
    let wf = file.yaml().and_then(Workflow::of)?;
    for j in wf.jobs() {
        if let Some(p) = j.uses().and_then(|u| u.as_str()).and_then(local_uses) {
            if let Some(what) = called_workflow_deploys(reader, p, depth + 1) {
                return Some(format!("job \"{}\" calls {p}, whose {what}", j.id));
            }
            continue;
        }
        let steps = Steps::of_job(&file, &wf, &j);
        // a job that makes a throwaway cluster deploys to it: asked only of jobs that deploy
        if let Some(d) = steps_deploy(reader, &steps, depth + 1) {
            if !makes_cluster(reader, &steps, depth + 1) {
                return Some(format!("job \"{}\" runs {}", j.id, d.what));
            }
        }
    }
    None
}

/// The positional arguments of a command (flags and the values of `value_flags` skipped).
pub fn positionals<'a>(args: &[&'a str], value_flags: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if a == "--" {
            out.extend(&args[i..]);
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            if !a.contains('=') && value_flags.contains(&a) {
                i += 1;
            }
            continue;
        }
        out.push(a);
    }
    out
}

/// What a command deploys with, when it deploys: by its subcommand's position, so
/// `helm plugin install` and `kubectl get` are not deploys, and `aws s3 cp s3://x .` (a
/// download) is not either.
pub fn deploy_command(cmd: &Command) -> Option<String> {
    let (prog, args) = prog_args(cmd)?;
    const KUBE_FLAGS: &[&str] = &[
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "-s",
        "--server",
        "--cluster",
        "--user",
        "--token",
        "--as",
    ];
    const HELM_FLAGS: &[&str] = &[
        "-n",
        "--namespace",
        "--kube-context",
        "--kubeconfig",
        "--registry-config",
        "--repository-config",
        "--repository-cache",
    ];
    let d = match prog {
        "kubectl" | "oc" => {
            let p = positionals(&args, KUBE_FLAGS);
            match p.as_slice() {
                [sub @ ("apply" | "create" | "replace" | "patch"), ..] => format!("{prog} {sub}"),
                ["rollout", op @ ("restart" | "undo" | "resume"), ..] => {
                    format!("{prog} rollout {op}")
                }
                ["set", what @ ("image" | "env"), ..] => format!("{prog} set {what}"),
                _ => return None,
            }
        }
        "helm" => match positionals(&args, HELM_FLAGS).as_slice() {
            [sub @ ("install" | "upgrade"), ..] => format!("helm {sub}"),
            _ => return None,
        },
        "helmfile" => match positionals(
            &args,
            &[
                "-f",
                "--file",
                "-e",
                "--environment",
                "-n",
                "--namespace",
                "-l",
                "--selector",
            ],
        )
        .as_slice()
        {
            [sub @ ("apply" | "sync" | "deploy"), ..] => format!("helmfile {sub}"),
            _ => return None,
        },
        "terraform" | "tofu" => match positionals(&args, &[]).as_slice() {
            [sub @ ("apply" | "destroy"), ..] => format!("{prog} {sub}"),
            _ => return None,
        },
        "terragrunt" => match positionals(&args, &[]).as_slice() {
            [sub @ ("apply" | "destroy"), ..] | ["run-all", sub @ ("apply" | "destroy"), ..] => {
                format!("terragrunt {sub}")
            }
            _ => return None,
        },
        "pulumi" => match positionals(&args, &["-s", "--stack", "-C", "--cwd"]).as_slice() {
            [sub @ ("up" | "update" | "destroy"), ..] => format!("pulumi {sub}"),
            _ => return None,
        },
        "vercel"
            if args.contains(&"--prod") || positionals(&args, &[]).first() == Some(&"deploy") =>
        {
            "vercel deploy".into()
        }
        "netlify" | "fly" | "flyctl" | "firebase" | "serverless" | "sls" | "cdk" | "sam"
            if positionals(&args, &[]).first() == Some(&"deploy") =>
        {
            format!("{prog} deploy")
        }
        "gcloud" if positionals(&args, &[]).contains(&"deploy") => "gcloud deploy".into(),
        "az" => {
            let p = positionals(&args, &[]);
            if p.contains(&"deploy") || (p.first() == Some(&"webapp") && p.get(1) == Some(&"up")) {
                "az deploy".into()
            } else {
                return None;
            }
        }
        "aws" => {
            let p = positionals(
                &args,
                &[
                    "--region",
                    "--profile",
                    "--output",
                    "--endpoint-url",
                    "--query",
                ],
            );
            match p.as_slice() {
                ["ecs", "update-service", ..] => "aws ecs update-service".into(),
                [
                    "lambda",
                    op @ ("update-function-code" | "publish-layer-version"),
                    ..,
                ] => {
                    format!("aws lambda {op}")
                }
                [
                    "cloudformation",
                    op @ ("deploy" | "create-stack" | "update-stack"),
                    ..,
                ] => {
                    format!("aws cloudformation {op}")
                }
                ["s3", op @ ("sync" | "cp"), from, rest @ ..]
                    if !from.starts_with("s3://")
                        && rest.iter().any(|a| a.starts_with("s3://")) =>
                {
                    format!("aws s3 {op} to S3")
                }
                ["deploy", "create-deployment", ..] => "aws deploy".into(),
                ["elasticbeanstalk", "update-environment", ..] => "aws elasticbeanstalk".into(),
                _ => return None,
            }
        }
        "heroku" if args.contains(&"deploy") || args.contains(&"release") => "heroku".into(),
        "wrangler"
            if matches!(
                positionals(&args, &[]).first(),
                Some(&"deploy" | &"publish")
            ) =>
        {
            "wrangler deploy".into()
        }
        "ansible-playbook" => "ansible-playbook".into(),
        "docker" | "podman" => {
            match positionals(&args, &["-f", "--file", "-p", "--project-name"]).as_slice() {
                ["push", ..] => format!("{prog} push"),
                ["compose", "push", ..] => format!("{prog} compose push"),
                _ => return None,
            }
        }
        "docker-compose"
            if positionals(&args, &["-f", "--file", "-p", "--project-name"]).first()
                == Some(&"push") =>
        {
            "docker-compose push".into()
        }
        "skaffold" if matches!(positionals(&args, &[]).first(), Some(&"run" | &"deploy")) => {
            "skaffold".into()
        }
        "argocd" if matches!(positionals(&args, &[]).as_slice(), ["app", "sync", ..]) => {
            "argocd app sync".into()
        }
        "make" | "gmake" => {
            let t = positionals(&args, &["-C", "-f", "--directory", "--file"])
                .into_iter()
                // a target named for deploying, not a file it builds (`deployment.zip`)
                .find(|a| {
                    !a.contains('=')
                        && !a.contains('.')
                        && a.to_ascii_lowercase().contains("deploy")
                })?;
            format!("make {t}")
        }
        "npm" | "yarn" | "pnpm" | "bun" => {
            let p = positionals(&args, &[]);
            let script = match p.as_slice() {
                ["run" | "run-script", s, ..] => *s,
                [s, ..] if prog != "npm" => *s,
                _ => return None,
            };
            if !script.to_ascii_lowercase().starts_with("deploy") {
                return None;
            }
            format!("{prog} run {script}")
        }
        _ => {
            // a deploy script: `./deploy.sh`, `scripts/deploy-prod.sh`
            let file = script_file(cmd)?;
            let base = basename(file).to_ascii_lowercase();
            if !base.starts_with("deploy") {
                return None;
            }
            format!("runs {file}")
        }
    };
    Some(d)
}

/// What a deploy may be required to wait for (`gha/deploy-without-tests`' `require`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Category {
    Tests,
    Lint,
    SecurityScan,
    Build,
}

impl Category {
    /// The names `require` accepts, one spelling each (config refuses any other).
    pub const NAMES: &'static [&'static str] = &["tests", "lint", "security-scan", "build"];

    pub fn parse(s: &str) -> Option<Category> {
        Some(match s {
            "tests" => Category::Tests,
            "lint" => Category::Lint,
            "security-scan" => Category::SecurityScan,
            "build" => Category::Build,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::Tests => "tests",
            Category::Lint => "lint",
            Category::SecurityScan => "a security scan",
            Category::Build => "a build",
        }
    }
}

/// Lint actions, taken 2026-12 from each action's README on the GitHub Marketplace.
const LINT_ACTIONS: &[&str] = &[
    "golangci/golangci-lint-action",
    "github/super-linter",
    "super-linter/super-linter",
    "wearerequired/lint-action",
    "pre-commit/action",
    "astral-sh/ruff-action",
    "chartboost/ruff-action",
    "rhysd/actionlint",
    "raven-actions/actionlint",
    "hadolint/hadolint-action",
    "ludeeus/action-shellcheck",
    "reviewdog/action-eslint",
    "reviewdog/action-golangci-lint",
    "dtolnay/rust-toolchain/clippy",
    "actions-rs/clippy-check",
    "psf/black",
    "oxsecurity/megalinter",
];

/// Security-scan actions, taken 2026-12 from each action's README on the GitHub Marketplace.
const SCAN_ACTIONS: &[&str] = &[
    "github/codeql-action/analyze",
    "aquasecurity/trivy-action",
    "anchore/scan-action",
    "snyk/actions",
    "returntocorp/semgrep-action",
    "semgrep/semgrep-action",
    "securego/gosec",
    "gitleaks/gitleaks-action",
    "zricethezav/gitleaks-action",
    "trufflesecurity/trufflehog",
    "bridgecrewio/checkov-action",
    "google/osv-scanner-action",
    "zizmorcore/zizmor-action",
    "actions/dependency-review-action",
    "pypa/gh-action-pip-audit",
    "rustsec/audit-check",
    "EmbarkStudios/cargo-deny-action",
    "golang/govulncheck-action",
    "aquasecurity/tfsec-action",
    "docker/scout-action",
];

/// Build actions.
const BUILD_ACTIONS: &[&str] = &["docker/build-push-action", "gradle/gradle-build-action"];

fn action_in(action: &str, list: &[&str]) -> bool {
    list.iter().any(|d| action_is_or_under(action, d))
}

/// Whether a command does the work of `cat`.
pub fn command_is(c: &Command, cat: Category) -> bool {
    let Some((prog, args)) = prog_args(c) else {
        return false;
    };
    let first = args.first().copied().unwrap_or("");
    let script_named = |words: &[&str]| {
        // npm run lint, yarn lint, make lint, just lint, tox -e lint, nox -s lint
        let pos: Vec<&str> = args
            .iter()
            .copied()
            .filter(|a| !a.starts_with('-'))
            .collect();
        let target = match (prog, pos.as_slice()) {
            ("npm" | "yarn" | "pnpm" | "bun", ["run" | "run-script", s, ..]) => Some(*s),
            ("yarn" | "pnpm" | "bun", [s, ..]) => Some(*s),
            ("make" | "gmake" | "just" | "task" | "mage", [s, ..]) => Some(*s),
            _ => None,
        };
        target.is_some_and(|t| {
            let t = t.to_ascii_lowercase();
            words.iter().any(|w| {
                t.strip_prefix(*w)
                    .is_some_and(|r| r.is_empty() || r.starts_with([':', '-']))
            })
        })
    };
    match cat {
        Category::Tests => test_tool(c).is_some() || test_command(c),
        Category::Lint => {
            matches!(
                prog,
                "eslint"
                    | "flake8"
                    | "pylint"
                    | "golangci-lint"
                    | "rubocop"
                    | "shellcheck"
                    | "hadolint"
                    | "actionlint"
                    | "stylelint"
                    | "ktlint"
                    | "detekt"
                    | "phpcs"
                    | "phpstan"
                    | "psalm"
                    | "mypy"
                    | "yamllint"
                    | "markdownlint"
                    | "tflint"
                    | "biome"
                    | "oxlint"
                    | "staticcheck"
                    | "revive"
                    | "credo"
            ) || (prog == "ruff" && matches!(first, "check" | "format" | ""))
                || (prog == "black" && args.contains(&"--check"))
                || (prog == "prettier" && args.iter().any(|a| *a == "--check" || *a == "-c"))
                || (prog == "cargo"
                    && (first == "clippy" || (first == "fmt" && args.contains(&"--check"))))
                || (prog == "go" && first == "vet")
                || (prog == "gofmt" && args.contains(&"-l"))
                || (prog == "pre-commit" && first == "run")
                || (prog == "mix" && matches!(first, "credo" | "format"))
                || ((prog == "npx" || prog == "pnpx" || prog == "bunx")
                    && matches!(
                        first,
                        "eslint" | "prettier" | "biome" | "oxlint" | "stylelint"
                    ))
                || script_named(&["lint", "check-format", "fmt-check", "format-check", "style"])
        }
        Category::SecurityScan => {
            matches!(
                prog,
                "trivy"
                    | "grype"
                    | "semgrep"
                    | "bandit"
                    | "gosec"
                    | "govulncheck"
                    | "pip-audit"
                    | "checkov"
                    | "tfsec"
                    | "zizmor"
                    | "gitleaks"
                    | "trufflehog"
                    | "osv-scanner"
                    | "dependency-check"
                    | "kics"
                    | "terrascan"
                    | "brakeman"
                    | "bundler-audit"
            ) || (prog == "snyk" && matches!(first, "test" | "code" | "container" | "iac"))
                || (prog == "npm" && first == "audit")
                || (prog == "yarn" && first == "audit")
                || (prog == "pnpm" && first == "audit")
                || (prog == "safety" && first == "check")
                || (prog == "cargo" && matches!(first, "audit" | "deny"))
                || (prog == "docker" && first == "scout")
                || script_named(&["audit", "security", "scan", "vuln", "sast"])
        }
        Category::Build => {
            (matches!(prog, "cargo" | "go") && first == "build")
                || (matches!(prog, "mvn" | "mvnw")
                    && args
                        .iter()
                        .any(|a| matches!(*a, "package" | "install" | "verify")))
                || (matches!(prog, "gradle" | "gradlew")
                    && args.iter().any(|a| matches!(*a, "build" | "assemble")))
                || (prog == "dotnet" && matches!(first, "build" | "publish"))
                || (matches!(prog, "docker" | "podman")
                    && (first == "build" || (first == "buildx" && args.get(1) == Some(&"build"))))
                || prog == "tsc"
                || script_named(&["build", "compile", "dist", "package"])
        }
    }
}

/// Where a job does the work of `cat`, if it does: a command (followed into the scripts,
/// Makefiles and package.json scripts it runs), an action known for it, a local action or
/// reusable workflow that does.
pub fn job_does(cx: &Cx<'_>, wf: &Workflow<'_>, job: &Job<'_>, cat: Category) -> Option<Span> {
    if cat == Category::Tests {
        return job_tests(cx, wf, job);
    }
    let reader = Reader::of(cx);
    if let Some(u) = job.uses() {
        let value = u.as_str()?;
        return match local_uses(value) {
            Some(path) => called_workflow_does(&reader, path, cat, 0).then(|| u.span()),
            None => remote_workflow_named(value, cat).then(|| u.span()),
        };
    }
    steps_do(&reader, &Steps::of_job(cx.file(), wf, job), cat, 0)
}

fn remote_workflow_named(uses: &str, cat: Category) -> bool {
    let file = uses
        .split('@')
        .next()
        .unwrap_or(uses)
        .rsplit('/')
        .next()
        .unwrap_or(uses)
        .to_ascii_lowercase();
    match cat {
        Category::Tests => remote_workflow_tests(uses),
        Category::Lint => file.contains("lint"),
        Category::SecurityScan => [
            "codeql", "scan", "security", "trivy", "semgrep", "audit", "sast",
        ]
        .iter()
        .any(|w| file.contains(w)),
        Category::Build => file.contains("build"),
    }
}

fn called_workflow_does(reader: &Reader<'_>, path: &str, cat: Category, depth: usize) -> bool {
    if depth >= MAX_DEPTH {
        return false;
    }
    let Some(file) = reader.workflow(path) else {
        return false;
    };
    let Some(wf) = file.yaml().and_then(Workflow::of) else {
        return false;
    };
    wf.jobs()
        .iter()
        .any(|j| match j.uses().and_then(|u| u.as_str()) {
            Some(u) => match local_uses(u) {
                Some(p) => called_workflow_does(reader, p, cat, depth + 1),
                None => remote_workflow_named(u, cat),
            },
            None => steps_do(reader, &Steps::of_job(&file, &wf, j), cat, depth + 1).is_some(),
        })
}

fn steps_do(reader: &Reader<'_>, steps: &Steps<'_>, cat: Category, depth: usize) -> Option<Span> {
    let list = match cat {
        Category::Tests => &[][..],
        Category::Lint => LINT_ACTIONS,
        Category::SecurityScan => SCAN_ACTIONS,
        Category::Build => BUILD_ACTIONS,
    };
    for step in &steps.steps {
        if let Some(r) = steps.script(step) {
            let dir = steps.dir_of(step);
            let mut follow = Follow::new(reader.project, &reader.root);
            for c in &r.script.commands {
                follow.command(c, &dir);
            }
            if let Some(hit) = follow.ran.iter().find(|x| command_is(&x.cmd, cat)) {
                return Some(hit.via);
            }
        }
        if let Some(action) = step.action() {
            if action_in(&action, list) {
                return step.uses().map(|u| u.span());
            }
        }
        if depth < MAX_DEPTH {
            if let Some(u) = step.uses() {
                if let Some(path) = u.as_str().and_then(local_uses) {
                    if let Some(file) = reader.action(path) {
                        if let Some(wf) = file.yaml().and_then(Workflow::of) {
                            if steps_do(reader, &Steps::of_action(&file, &wf), cat, depth + 1)
                                .is_some()
                            {
                                return Some(u.span());
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_in_matches_a_listed_action_or_its_paths_in_any_case() {
        assert!(action_in("embarkstudios/cargo-deny-action", SCAN_ACTIONS));
        assert!(action_in(
            "EmbarkStudios/Cargo-Deny-Action/sub",
            SCAN_ACTIONS
        ));
        assert!(!action_in("embarkstudios/cargo-deny-action", LINT_ACTIONS));
        assert!(action_in("docker/build-push-action", BUILD_ACTIONS));
        assert!(!action_in("docker/build-push-action-x", BUILD_ACTIONS));
        assert!(!action_in("docker/build", BUILD_ACTIONS));
        assert!(!action_in("actions/checkout", BUILD_ACTIONS));
    }
}
