//! What several workflow rules share: the `run:` scripts of a file with their offset maps,
//! which commands run tests, which deploy, and where the repository root is.
//!
//! Deploy and test recognition for the gating rules is in [`gate`]: it reads across files
//! (local composite actions, local reusable workflows, scripts, Makefiles).

use std::path::{Path, PathBuf};

use crate::api::Cx;
use crate::project::ParsedFile;
use crate::source::Span;
use crate::source::shell::{Command, Script, basename};
use crate::source::workflow::{Job, Step, Workflow};

/// One `run:` script: its step, node, and commands (lexed once when the file was loaded,
/// with file spans).
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

/// The program of a command and its argument values.
pub fn prog_args(cmd: &Command) -> Option<(&str, Vec<&str>)> {
    let (w, i) = cmd.program()?;
    Some((
        basename(&w.value),
        cmd.args_after(i).iter().map(|a| a.value.as_str()).collect(),
    ))
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
    let (prog, args) = prog_args(cmd)?;
    let first = args.first().copied().unwrap_or("");
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
