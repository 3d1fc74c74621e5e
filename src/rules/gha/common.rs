//! What several workflow rules share: the `run:` scripts of a file with their offset maps,
//! which commands run tests, which deploy, and where the repository root is.
//!
//! Deploy and test recognition for the gating rules is in [`gate`]: it reads across files
//! (local composite actions, local reusable workflows, scripts, Makefiles).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::api::Cx;
use crate::project::ParsedFile;
use crate::rules::support::gha::has_expr;
use crate::source::Span;
use crate::source::shell::{Command, Script, Word, basename};
use crate::source::workflow::{Job, Step, Workflow};

/// One `run:` script: its step, node, and commands (lexed once when the file was loaded,
/// with file spans).
#[derive(Clone, Copy)]
pub struct RunScript<'a> {
    pub job: Option<Job<'a>>,
    pub step: Step<'a>,
    pub script: &'a Script,
}

/// Every `run:` script of the file (workflow jobs and composite-action steps).
pub fn run_scripts<'a>(cx: &Cx<'a>, wf: &Workflow<'a>) -> Vec<RunScript<'a>> {
    run_scripts_of(cx.file(), wf)
}

/// Every `run:` script of another parsed file (a called workflow, a local action).
pub fn run_scripts_of<'a>(file: &'a ParsedFile, wf: &Workflow<'a>) -> Vec<RunScript<'a>> {
    let Some(scripts) = file.scripts() else {
        return Vec::new();
    };
    wf.all_steps()
        .into_iter()
        .filter_map(|(job, step)| {
            let node = step.run()?;
            Some(RunScript {
                job,
                step,
                script: scripts.get(node.id)?,
            })
        })
        .collect()
}

/// The `run:` scripts of one job of a parsed file, in step order (taken from the job's own
/// steps: filtering every script of the workflow per job made thousands of jobs quadratic).
pub fn run_scripts_of_job<'a>(file: &'a ParsedFile, job: &Job<'a>) -> Vec<RunScript<'a>> {
    let Some(scripts) = file.scripts() else {
        return Vec::new();
    };
    job.steps()
        .into_iter()
        .filter_map(|step| {
            let node = step.run()?;
            Some(RunScript {
                job: Some(*job),
                step,
                script: scripts.get(node.id)?,
            })
        })
        .collect()
}

/// The scripts of each job, by job id, in order: rules that look at one job's scripts take
/// them from here (filtering the whole list per job made a workflow of thousands of jobs
/// quadratic). Composite-action steps have no job and are not here.
pub fn by_job<'a>(scripts: &[RunScript<'a>]) -> HashMap<&'a str, Vec<RunScript<'a>>> {
    let mut out: HashMap<&'a str, Vec<RunScript<'a>>> = HashMap::new();
    for r in scripts {
        if let Some(j) = r.job {
            out.entry(j.id).or_default().push(*r);
        }
    }
    out
}

/// The scripts of one job (see [`by_job`]).
pub fn of_job<'m, 'a>(
    by_job: &'m HashMap<&'a str, Vec<RunScript<'a>>>,
    job: &str,
) -> &'m [RunScript<'a>] {
    by_job.get(job).map_or(&[], Vec::as_slice)
}

/// The repository root for a workflow: the directory holding `.github/workflows/x.yml`,
/// else the project root.
pub fn repo_root(cx: &Cx<'_>) -> PathBuf {
    root_of(cx.path(), &cx.project().root)
}

/// The repository root of a workflow or action file at `p`: the directory holding
/// `.github/workflows/x.yml`, else `fallback`.
pub fn root_of(p: &Path, fallback: &Path) -> PathBuf {
    let dir = p.parent();
    if let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == "workflows")
            && d.parent()
                .and_then(|g| g.file_name())
                .is_some_and(|n| n == ".github")
        {
            if let Some(root) = d.parent().and_then(Path::parent) {
                return if root.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    root.to_path_buf()
                };
            }
        }
    }
    fallback.to_path_buf()
}

/// `s` is `prefix`, or starts with `prefix` and then `sep` (`actions/cache` and
/// `actions/cache/save` under `actions/cache` with `/`), without building `prefix + sep`.
pub fn is_or_under(s: &str, prefix: &str, sep: char) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|r| r.is_empty() || r.starts_with(sep))
}

/// The program of a command, without its arguments (nothing to allocate: rules that care
/// about a few programs ask this before [`prog_args`]).
pub fn prog_of(cmd: &Command) -> Option<&str> {
    cmd.program().map(|(w, _)| basename(&w.value))
}

/// The program of a command and its argument words, nothing collected: for the callers that
/// need the arguments of a few programs only ([`test_tool`], the command follower).
#[inline]
pub fn prog_words(cmd: &Command) -> Option<(&str, &[Word])> {
    let (w, i) = cmd.program()?;
    Some((basename(&w.value), cmd.args_after(i)))
}

/// The values of words.
#[inline]
pub fn values(words: &[Word]) -> Vec<&str> {
    words.iter().map(|a| a.value.as_str()).collect()
}

/// The program of a command and its argument values.
pub fn prog_args(cmd: &Command) -> Option<(&str, Vec<&str>)> {
    prog_words(cmd).map(|(prog, words)| (prog, values(words)))
}

/// What runs the tests, when a command runs tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestTool {
    Pytest,
    /// `npm test`, `npm run <script>`, `yarn <script>`, `pnpm <script>`: the script name.
    NodeScript(String),
    Jest,
    Vitest,
    Go,
    Cargo,
    Maven,
    Gradle,
    Dotnet,
    Rspec,
    /// Any other test runner (tox, nox, phpunit, mix test, ...), by name.
    Other(String),
}

impl TestTool {
    pub fn name(&self) -> String {
        match self {
            TestTool::Pytest => "pytest".into(),
            TestTool::NodeScript(s) => format!("npm script \"{s}\""),
            TestTool::Jest => "jest".into(),
            TestTool::Vitest => "vitest".into(),
            TestTool::Go => "go test".into(),
            TestTool::Cargo => "cargo test".into(),
            TestTool::Maven => "mvn".into(),
            TestTool::Gradle => "gradle".into(),
            TestTool::Dotnet => "dotnet test".into(),
            TestTool::Rspec => "rspec".into(),
            TestTool::Other(s) => s.clone(),
        }
    }
}

/// The test runner a command starts, if it runs tests.
pub fn test_tool(cmd: &Command) -> Option<TestTool> {
    let (prog, words) = prog_words(cmd)?;
    // collected only for a program named below: most commands run no test runner, and the
    // rules ask this of every command they reach (70,000 times in a check of 1,080
    // real-world workflows)
    let args = std::cell::LazyCell::new(|| values(words));
    let first = words.first().map_or("", |a| a.value.as_str());
    let after_module = |m: &str| -> bool { args.windows(2).any(|w| w[0] == "-m" && w[1] == m) };
    Some(match prog {
        "pytest" | "py.test" => TestTool::Pytest,
        "python" | "python3" | "py" if after_module("pytest") => TestTool::Pytest,
        "coverage" if first == "run" && args.contains(&"pytest") => TestTool::Pytest,
        "coverage" if first == "run" && args.windows(2).any(|w| w == ["-m", "pytest"]) => {
            TestTool::Pytest
        }
        "uv" | "poetry" | "pipenv" | "hatch" | "pdm" if first == "run" => {
            let rest = &args[1..];
            let rest: Vec<&str> = rest
                .iter()
                .copied()
                .skip_while(|a| a.starts_with('-'))
                .collect();
            match rest.first().copied() {
                Some("pytest") => TestTool::Pytest,
                Some("python" | "python3") if rest.windows(2).any(|w| w == ["-m", "pytest"]) => {
                    TestTool::Pytest
                }
                Some("coverage") if rest.contains(&"pytest") => TestTool::Pytest,
                _ => return None,
            }
        }
        "tox" | "nox" => TestTool::Other(prog.into()),
        "npm" | "pnpm" | "yarn" | "bun" => {
            let a: Vec<&str> = args
                .iter()
                .copied()
                .filter(|x| !x.starts_with('-'))
                .collect();
            match a.as_slice() {
                ["test" | "t" | "tst", ..] => TestTool::NodeScript("test".into()),
                ["run" | "run-script", s, ..] if is_test_script(s) => {
                    TestTool::NodeScript((*s).into())
                }
                [s, ..] if prog != "npm" && is_test_script(s) && !matches!(*s, "run") => {
                    TestTool::NodeScript((*s).into())
                }
                _ => return None,
            }
        }
        "npx" | "pnpx" | "bunx" => match args.iter().find(|a| !a.starts_with('-')).copied() {
            Some("jest") => TestTool::Jest,
            Some("vitest") => TestTool::Vitest,
            _ => return None,
        },
        "jest" => TestTool::Jest,
        "vitest" => TestTool::Vitest,
        "go" if first == "test" => TestTool::Go,
        "cargo" if matches!(first, "test" | "nextest" | "llvm-cov" | "tarpaulin") => {
            TestTool::Cargo
        }
        "mvn" | "mvnw"
            if args
                .iter()
                .any(|a| matches!(*a, "test" | "verify" | "install" | "package"))
                && !args
                    .iter()
                    .any(|a| *a == "-DskipTests" || a.starts_with("-Dmaven.test.skip")) =>
        {
            TestTool::Maven
        }
        "gradle" | "gradlew"
            if args
                .iter()
                .any(|a| matches!(*a, "test" | "check" | "build")) =>
        {
            TestTool::Gradle
        }
        "dotnet" if first == "test" => TestTool::Dotnet,
        "rspec" => TestTool::Rspec,
        "bundle" if first == "exec" && args.get(1) == Some(&"rspec") => TestTool::Rspec,
        "rake" | "rails" if first == "test" || first == "spec" => TestTool::Other(prog.into()),
        "phpunit" | "pest" => TestTool::Other(prog.into()),
        "mix" if first == "test" => TestTool::Other("mix test".into()),
        "make" if matches!(first, "test" | "tests" | "check") => {
            TestTool::Other(format!("make {first}"))
        }
        _ => return None,
    })
}

/// `test`, `test:unit`, `test-ci`, `coverage`, `test:coverage`.
pub fn is_test_script(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l == "test"
        || l.starts_with("test:")
        || l.starts_with("test-")
        || l.starts_with("test_")
        || l == "coverage"
        || l == "cov"
        || l.starts_with("coverage:")
}

/// Whether a job runs tests in some `run:` step.
pub fn job_tests(scripts: &[RunScript<'_>], job: &str) -> Option<Span> {
    scripts
        .iter()
        .filter(|r| r.job.is_some_and(|j| j.id == job))
        .find_map(|r| {
            r.script
                .commands
                .iter()
                .find(|c| test_tool(c).is_some())
                .map(|c| c.span)
        })
}

/// The `if:` conditions of a file: every job's and every step's, with what they guard and
/// the span of their `if` key.
pub fn conditions<'a>(wf: &Workflow<'a>) -> Vec<(String, Span, crate::source::yaml::Yaml<'a>)> {
    let mut out = Vec::new();
    for j in wf.jobs() {
        if let Some((k, v)) = j.node.entry("if") {
            out.push((format!("job \"{}\"", j.id), k.span(), v));
        }
    }
    for (_, s) in wf.all_steps() {
        if let Some((k, v)) = s.node.entry("if") {
            out.push((s.display(), k.span(), v));
        }
    }
    out
}

/// The parsed expressions of an `if:` value: its `${{ }}` fences, or the whole value as a bare
/// expression. Spans are relative to the value.
pub fn condition_trees(value: &str) -> Vec<crate::source::expr::Node> {
    if has_expr(value) {
        crate::source::expr::find(value)
            .iter()
            .filter_map(|e| e.tree.clone())
            .collect()
    } else {
        crate::source::expr::parse(value, 0).into_iter().collect()
    }
}
