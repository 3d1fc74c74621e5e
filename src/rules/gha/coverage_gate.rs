//! gha/coverage-gate: tests run with no coverage threshold, or one below the minimum.
//!
//! The job's commands are followed into what they run (scripts, Makefile and justfile
//! targets, package.json scripts, tox and nox sessions, local composite actions:
//! `support::follow`), so `make test` is judged by the `go test` its target runs. The
//! threshold is looked for on those command lines, in threshold actions, and in the config
//! files the test runner reads (`support::coverage`, whose table of ecosystems the rule's
//! page shows). Config files are read with small line-based readers.

use std::path::PathBuf;
use std::sync::LazyLock;

use regex::Regex;

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::rules::gha::common::{
    RunScript, TestTool, prog_args, prog_of, repo_root, run_scripts, test_tool,
};
use crate::rules::gha::gate::job_makes_cluster;
use crate::rules::support::coverage::{
    Gate, Search, advice, codecov_target, command_gate, coveralls_json, coverlet_props, flag_value,
    fmt_num, gcovr_cfg, jest_configs, kover, mix_cover, node_script, num, python_configs,
    simplecov, tarpaulin_config, testcoverage_yml, vitest_configs, xml_minimum,
};
use crate::rules::support::follow::{Follow, Ran};
use crate::rules::support::gha::has_expr;
use crate::source::Span;
use crate::source::shell::Command;
use crate::source::workflow::{Job, Step, Workflow, local_uses};

const MIN_COVERAGE: Opt<i64> = Opt::int(
    "min-coverage",
    80,
    "the lowest acceptable line-coverage threshold, in percent",
);

pub static RULE: Rule = rule!("gha/coverage-gate")
    .summary("tests run with no coverage threshold enforced, or one below the required minimum")
    .packs(&["coverage-gates"])
    // an organisation's policy, not a defect: selected with the coverage-gates pack
    .off_by_default()
    .options(&[MIN_COVERAGE.decl])
    .on_workflow(check)
    .on_action(check);

/// Threshold-enforcing actions and the `with:` input holding their minimum.
const ACTIONS: &[(&str, &str)] = &[
    ("vladopajic/go-test-coverage", "threshold-total"),
    ("5monkeys/cobertura-action", "minimum_coverage"),
    ("irongut/codecoveragesummary", "thresholds"),
    ("insightsengineering/coverage-action", "threshold"),
    ("orgoro/coverage", "thresholds"),
    ("gwatts/go-coverage-action", "coverage-threshold"),
    (
        "johanvanhelden/gha-clover-test-coverage-check",
        "percentage",
    ),
    ("jetbrains/qodana-action", "coverage-threshold"),
];

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let min = cx.opt(&MIN_COVERAGE) as f64;
    let scripts = run_scripts(cx, wf);
    match wf.root.get("jobs") {
        Some(_) => {
            for job in wf.jobs() {
                if job.uses().is_some() {
                    // a local reusable workflow is checked as a file of its own
                    continue;
                }
                let steps = job.steps();
                check_group(cx, wf, Some(&job), &steps, &scripts, min, out);
            }
        }
        None => {
            let steps = wf.action_steps();
            check_group(cx, wf, None, &steps, &scripts, min, out);
        }
    }
}

/// The directory a step's script runs in, relative to the repository root.
fn step_dir(wf: &Workflow<'_>, job: Option<&Job<'_>>, step: &Step<'_>) -> PathBuf {
    let lit = |n: Option<crate::source::yaml::Yaml<'_>>| {
        n.and_then(|n| n.as_str())
            .filter(|d| !has_expr(d))
            .map(|d| d.trim_start_matches("./").trim_end_matches('/').to_string())
    };
    let base = lit(job.and_then(|j| j.node.path(&["defaults", "run", "working-directory"])))
        .or_else(|| lit(wf.root.path(&["defaults", "run", "working-directory"])))
        .map(PathBuf::from)
        .unwrap_or_default();
    match lit(step.node.get("working-directory")) {
        Some(d) => base.join(d),
        None => base,
    }
}

/// Test runners [`test_tool`] does not name, that only this rule needs: `ctest` (C/C++),
/// `mix coveralls` (Elixir), `go-test-coverage` is a gate, not a runner.
fn extra_tool(c: &Command) -> Option<TestTool> {
    // asked of every command a job reaches: the program first, the arguments only for these
    if !matches!(prog_of(c)?, "ctest" | "python" | "python3" | "py" | "mix") {
        return None;
    }
    let (prog, args) = prog_args(c)?;
    match (prog, args.first()) {
        ("ctest", _) => Some(TestTool::Other("ctest".into())),
        ("python" | "python3" | "py", _) if args.windows(2).any(|w| w == ["-m", "unittest"]) => {
            Some(TestTool::Other("unittest".into()))
        }
        ("mix", Some(t)) if t.starts_with("coveralls") => {
            Some(TestTool::Other("mix coveralls".into()))
        }
        _ => None,
    }
}

/// A tool that only names what runs the tests: what it runs, when it can be read, is the
/// tool to judge.
fn is_wrapper(t: &TestTool) -> bool {
    matches!(t, TestTool::Other(n) if n.starts_with("make ") || n == "tox" || n == "nox")
}

/// The repository root of the checked file: the directory holding `.github/workflows/x.yml`,
/// or the one holding the `.github` a local action is under, else the project root.
fn root_for(cx: &Cx<'_>) -> PathBuf {
    let p = cx.path();
    if p.parent()
        .and_then(|d| d.file_name())
        .is_some_and(|n| n == "workflows")
    {
        return repo_root(cx);
    }
    let mut dir = p.parent();
    while let Some(d) = dir {
        if d.file_name().is_some_and(|n| n == ".github") {
            return match d.parent() {
                Some(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
                _ => PathBuf::from("."),
            };
        }
        dir = d.parent();
    }
    repo_root(cx)
}

fn check_group(
    cx: &Cx<'_>,
    wf: &Workflow<'_>,
    job: Option<&Job<'_>>,
    steps: &[Step<'_>],
    scripts: &[RunScript<'_>],
    min: f64,
    out: &mut Vec<Finding>,
) {
    let root = root_for(cx);
    // every command the job runs, followed into scripts, Makefiles, package.json, ...
    let mut follow = Follow::new(cx.project(), &root);
    let mut run_texts: Vec<(&str, Span)> = Vec::new();
    for st in steps {
        if let Some(r) = scripts.iter().find(|r| r.step.node.id == st.node.id) {
            let dir = step_dir(wf, job, st);
            follow.commands(&r.script.commands, &dir);
            if let Some(n) = st.run() {
                if let Some(t) = n.as_str() {
                    run_texts.push((t, n.span()));
                }
            }
        } else if let Some(u) = st.uses() {
            if let Some(path) = u.as_str().and_then(local_uses) {
                follow.action(path, u.span());
            }
        }
    }
    let (ran, actions) = (follow.ran, follow.actions);
    // the test runners among them; those of a local action are reported in its own file
    let found: Vec<(TestTool, &Ran)> = ran
        .iter()
        .filter(|r| !actions.contains(&r.via))
        .filter_map(|r| {
            test_tool(&r.cmd)
                .or_else(|| extra_tool(&r.cmd))
                .filter(measures_coverage)
                .map(|t| (t, r))
        })
        .filter(|(_, r)| !against_a_deployment(cx.text(), r) && !runs_no_test(&r.cmd))
        .collect();
    let judged: Vec<&(TestTool, &Ran)> = found
        .iter()
        .filter(|(t, r)| {
            !(is_wrapper(t)
                && found
                    .iter()
                    .any(|(u, q)| q.via == r.via && q.depth > r.depth && !is_wrapper(u)))
        })
        .collect();
    let mut first: Option<&(TestTool, &Ran)> = None;
    let mut tools: Vec<TestTool> = Vec::new();
    for f in &judged {
        let covers = matches!(&f.0, TestTool::NodeScript(n) if n.contains("cov"));
        if first.is_none() || covers {
            first = Some(f);
        }
        if !tools.contains(&f.0) {
            tools.push(f.0.clone());
        }
    }
    let Some((tool, tool_ran)) = first else {
        return;
    };
    // a job that makes a throwaway cluster tests against a deployment: coverage is not its
    // (asked only of jobs that run a test runner: most do not)
    if job.is_some_and(|j| job_makes_cluster(cx, wf, j)) {
        return;
    }
    let at = tool_ran.via;
    // the reported runner's config first, so a missing file is named for it
    tools.retain(|t| t != tool);
    tools.insert(0, tool.clone());
    let mut s = Search {
        root: root.clone(),
        shown: String::new(),
        cx,
        looked: vec!["the job's commands".into()],
        gates: Vec::new(),
        missing: Vec::new(),
    };
    if ran.iter().any(|r| r.depth > 0) {
        s.looked[0] = "the job's commands and the files they run".into();
    }
    // thresholds on the command lines
    let mut go_coverage_tool: Option<String> = None;
    for r in &ran {
        if let Some((value, what, span)) = command_gate(&r.cmd) {
            let (here, file) = match &r.file {
                None => (Some(span), None),
                Some(p) => (None, Some((p.to_path_buf(), span))),
            };
            s.gates.push(Gate {
                value,
                what,
                here,
                file,
            });
        }
        if let Some((prog, args)) = prog_args(&r.cmd) {
            if prog == "go-test-coverage" || args.iter().any(|a| a.contains("go-test-coverage")) {
                let cfg = flag_value(&r.cmd, &["--config"])
                    .map_or(".testcoverage.yml".to_string(), |(v, _)| v);
                go_coverage_tool = Some(cfg);
            }
        }
    }
    // a script comparing `go tool cover` output with a figure
    for (text, span) in &run_texts {
        if let Some(v) = go_cover_comparison(text) {
            s.gates.push(Gate {
                value: Some(v),
                what: format!("a `go tool cover` comparison with {}", fmt(v)),
                here: Some(*span),
                file: None,
            });
        }
    }
    // threshold actions
    let mut codecov = false;
    for st in steps {
        for (name, input) in ACTIONS {
            if st.uses_action(name) {
                let v = st.with(input);
                if v.is_none() && *name == "vladopajic/go-test-coverage" {
                    let cfg = st
                        .with("config")
                        .and_then(|c| c.as_str().map(str::to_string))
                        .unwrap_or_else(|| ".testcoverage.yml".into());
                    go_coverage_tool = Some(cfg);
                    continue;
                }
                s.gates.push(Gate {
                    value: v
                        .and_then(|v| v.scalar())
                        .and_then(|x| x.split_whitespace().filter_map(num).reduce(f64::min)),
                    what: format!("{name} {input}"),
                    here: Some(v.or(st.uses()).map_or(at, |n| n.span())),
                    file: None,
                });
            }
        }
        codecov |= st.uses_action("codecov/codecov-action");
    }
    if let Some(cfg) = go_coverage_tool {
        testcoverage_yml(&mut s, cfg.trim_start_matches("./"));
    }
    // config files of the tools: where the runner runs (a `working-directory`, `make -C`,
    // a package.json in a subdirectory) first, then the repository root
    let dir = tool_ran.dir.clone();
    if !dir.as_os_str().is_empty() {
        s.root = root.join(&dir);
        s.shown = format!("{}/", dir.display().to_string().trim_end_matches('/'));
        tool_configs(&mut s, &tools, &found, &ran);
        s.root = root.clone();
        s.shown = String::new();
    }
    if dir.as_os_str().is_empty() {
        tool_configs(&mut s, &tools, &found, &ran);
    } else if !s.gates.iter().any(|g| g.file.is_some()) {
        // what the subdirectory's search missed is what the message names
        let missing = std::mem::take(&mut s.missing);
        tool_configs(&mut s, &tools, &found, &ran);
        s.missing = missing;
    }
    if codecov {
        for f in ["codecov.yml", ".codecov.yml", ".github/codecov.yml"] {
            codecov_target(&mut s, f);
        }
    }
    let tool_name = match &tool_ran.file {
        Some(_) => format!(
            "{} (run by `{}`)",
            tool.name(),
            at.text(cx.text()).lines().next().unwrap_or("").trim()
        ),
        None => tool.name(),
    };
    let runs_there = |f: Finding| match tool_ran.place() {
        Some((p, span)) => f.related_in(p, span, "the test command it runs"),
        None => f,
    };
    if s.gates.iter().any(|g| g.value.is_none_or(|v| v >= min)) {
        return;
    }
    if let Some(g) = s.gates.iter().min_by(|a, b| {
        a.value
            .partial_cmp(&b.value)
            .unwrap_or(std::cmp::Ordering::Equal)
    }) {
        let v = g.value.unwrap_or(0.0);
        let msg = format!(
            "{tool_name} enforces coverage of {} ({}), below the required {}: raise the threshold to at least {}",
            fmt(v),
            g.what,
            fmt(min),
            fmt(min)
        );
        let mut f = cx.finding(g.here.unwrap_or(at), msg);
        if let Some((p, span)) = &g.file {
            f = f.related_in(p.clone(), *span, "the threshold");
        }
        out.push(f);
        return;
    }
    let looked = s.looked.join(", ");
    let msg = if let Some(m) = s.missing.first() {
        format!(
            "{tool_name} runs tests but the coverage threshold could not be found: {m}; looked in {looked}: enforce at least {}%",
            fmt(min)
        )
    } else {
        format!(
            "{tool_name} runs tests with no coverage threshold: looked in {looked} and found none: enforce at least {}% ({})",
            fmt(min),
            hint(tool, min)
        )
    };
    out.push(runs_there(cx.finding(at, msg)));
}

/// Reads the config files the test runners read, under `s.root`.
fn tool_configs(s: &mut Search<'_>, tools: &[TestTool], found: &[(TestTool, &Ran)], ran: &[Ran]) {
    for t in tools {
        match t {
            TestTool::Pytest => python_configs(s),
            // tox and nox run pytest under coverage.py; rake/rails read SimpleCov
            TestTool::Other(n) if n == "tox" || n == "nox" || n == "unittest" => python_configs(s),
            TestTool::Other(n) if n == "rake" || n == "rails" => {
                simplecov(s, ".simplecov");
                simplecov(s, "test/test_helper.rb");
            }
            TestTool::Other(n) if n == "mix test" => {
                if let Some(r) = found.iter().find(|(u, _)| u == t).map(|f| f.1) {
                    if r.cmd.words.iter().any(|w| w.value == "--cover") {
                        mix_cover(s, r.via);
                    }
                }
            }
            TestTool::Other(n) if n == "mix coveralls" => coveralls_json(s),
            TestTool::Other(n) if n == "ctest" || n.starts_with("make ") => {
                // gcovr reads gcovr.cfg when it runs
                if ran
                    .iter()
                    .any(|r| prog_args(&r.cmd).is_some_and(|(p, _)| p == "gcovr"))
                {
                    gcovr_cfg(s);
                }
            }
            TestTool::Other(_) => {}
            TestTool::NodeScript(name) => node_script(s, name),
            TestTool::Jest => jest_configs(s),
            TestTool::Vitest => vitest_configs(s),
            TestTool::Cargo => {
                for f in ["tarpaulin.toml", ".tarpaulin.toml"] {
                    tarpaulin_config(s, f);
                }
            }
            TestTool::Maven => xml_minimum(s, "pom.xml"),
            TestTool::Gradle => {
                for f in ["build.gradle", "build.gradle.kts"] {
                    xml_minimum(s, f);
                    kover(s, f);
                }
            }
            TestTool::Rspec => {
                simplecov(s, ".simplecov");
                simplecov(s, "spec/spec_helper.rb");
            }
            TestTool::Dotnet => coverlet_props(s, "Directory.Build.props"),
            TestTool::Go => {}
        }
    }
}

/// `go tool cover -func ... ` followed by a comparison with a literal figure, in one run
/// script: `[ "$total" -lt 80 ]`, `if (( $(echo "$c < 80" | bc) ))`.
fn go_cover_comparison(text: &str) -> Option<f64> {
    static CMP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:-lt|-ge|<=?|>=?)\s*["']?([0-9]+(?:\.[0-9]+)?)\b"#).expect("cmp")
    });
    let i = text.find("go tool cover")?;
    CMP.captures_iter(&text[i..])
        .filter_map(|c| c.get(1)?.as_str().parse::<f64>().ok())
        .find(|v| (1.0..=100.0).contains(v))
}

/// `go test -run '^$'` (or a pattern of underscores) compiles the tests and runs none: the
/// idiom that primes a build cache or checks that tests build.
fn runs_no_test(c: &Command) -> bool {
    let Some((prog, args)) = prog_args(c) else {
        return false;
    };
    if prog != "go" || args.first() != Some(&"test") {
        return false;
    }
    let pattern = flag_value(c, &["-run", "--run"]).map(|(v, _)| v);
    pattern.is_some_and(|p| {
        let p = p.trim_matches(['\'', '"']);
        p == "^$" || p == "$^" || (!p.is_empty() && p.chars().all(|ch| ch == '_'))
    })
}

/// A test run named for a suite run against a deployed system: its command, the command of
/// the workflow that led to it, or the file it is in says e2e, integration, smoke,
/// acceptance, conformance or benchmark.
fn against_a_deployment(text: &str, r: &Ran) -> bool {
    let named = |s: &str| {
        s.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| {
                matches!(
                    w,
                    "e2e"
                        | "integration"
                        | "smoke"
                        | "acceptance"
                        | "conformance"
                        | "benchmark"
                        | "benchmarks"
                )
            })
    };
    r.cmd.words.iter().any(|w| named(&w.value))
        || named(r.via.text(text))
        || r.file.as_ref().is_some_and(|p| named(&p.to_string_lossy()))
}

/// Smoke, end-to-end, integration and load suites run against deployed systems: coverage is
/// not theirs to gate.
fn measures_coverage(t: &TestTool) -> bool {
    match t {
        TestTool::NodeScript(n) => ![
            "smoke",
            "e2e",
            "integration",
            "lint",
            "perf",
            "load",
            "a11y",
        ]
        .iter()
        .any(|w| n.to_ascii_lowercase().contains(w)),
        _ => true,
    }
}

fn fmt(v: f64) -> String {
    fmt_num(v)
}

fn hint(tool: &TestTool, min: f64) -> String {
    let key = match tool {
        TestTool::Pytest => "python",
        TestTool::NodeScript(_) | TestTool::Jest => "jest",
        TestTool::Vitest => "vitest",
        TestTool::Go => "go",
        TestTool::Cargo => "rust",
        TestTool::Maven => "maven",
        TestTool::Gradle => "gradle",
        TestTool::Dotnet => "dotnet",
        TestTool::Rspec => "ruby",
        TestTool::Other(name) => match name.as_str() {
            "tox" | "nox" | "unittest" => "python",
            "pest" | "phpunit" => "php",
            "mix test" | "mix coveralls" => "elixir",
            "rake" | "rails" => "ruby",
            "ctest" => "c",
            _ => "",
        },
    };
    advice(key, min).unwrap_or_else(|| {
        format!(
            "the minimum-coverage option of the coverage tool {} runs ({}%)",
            tool.name(),
            fmt(min)
        )
    })
}
