//! gha/coverage-gate: tests run with no coverage threshold, or one below the minimum.
//!
//! The threshold is looked for in the job's commands (following `npm run X` into
//! package.json's script text), in threshold actions, and in the repository's own config
//! files the test runner reads. Config files are read with small line-based readers.

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::rules::gha::common::{RunScript, TestTool, repo_root, run_scripts, test_tool};
use crate::rules::support::coverage::{
    Gate, Search, codecov_target, command_gate, jest_configs, node_script, num, python_configs,
    simplecov, toml_key, vitest_configs, xml_minimum,
};
use crate::source::Span;
use crate::source::workflow::Workflow;

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
    // group by job (composite actions are one group)
    let mut groups: Vec<Option<&str>> = Vec::new();
    for r in &scripts {
        let id = r.job.map(|j| j.id);
        if !groups.contains(&id) {
            groups.push(id);
        }
    }
    for g in groups {
        let in_group: Vec<&RunScript<'_>> = scripts
            .iter()
            .filter(|r| r.job.map(|j| j.id) == g)
            .collect();
        check_group(cx, wf, g, &in_group, min, out);
    }
}

fn check_group(
    cx: &Cx<'_>,
    wf: &Workflow<'_>,
    job: Option<&str>,
    scripts: &[&RunScript<'_>],
    min: f64,
    out: &mut Vec<Finding>,
) {
    let mut first: Option<(TestTool, Span)> = None;
    let mut tools: Vec<TestTool> = Vec::new();
    for r in scripts {
        for c in &r.script.commands {
            if let Some(t) = test_tool(c).filter(measures_coverage) {
                let covers = matches!(&t, TestTool::NodeScript(n) if n.contains("cov"));
                if first.is_none() || covers {
                    first = Some((t.clone(), c.span));
                }
                if !tools.contains(&t) {
                    tools.push(t);
                }
            }
        }
    }
    let Some((tool, at)) = first else { return };
    // the reported runner's config first, so a missing file is named for it
    tools.retain(|t| *t != tool);
    tools.insert(0, tool.clone());
    let mut s = Search {
        root: repo_root(cx),
        cx,
        looked: vec!["the job's commands".into()],
        gates: Vec::new(),
        missing: Vec::new(),
    };
    // commands of the job
    for r in scripts {
        for c in &r.script.commands {
            if let Some((value, what, span)) = command_gate(c) {
                s.gates.push(Gate {
                    value,
                    what,
                    here: Some(span),
                    file: None,
                });
            }
        }
    }
    // threshold actions
    let steps: Vec<_> = match job.and_then(|id| wf.job(id)) {
        Some(j) => j.steps(),
        None => wf.action_steps(),
    };
    let mut codecov = false;
    for st in &steps {
        for (name, input) in ACTIONS {
            if st.uses_action(name) {
                let v = st.with(input);
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
    // config files of the tools
    for t in &tools {
        match t {
            TestTool::Pytest => python_configs(&mut s),
            // tox and nox run pytest under coverage.py; rake/rails read SimpleCov
            TestTool::Other(n) if n == "tox" || n == "nox" => python_configs(&mut s),
            TestTool::Other(n) if n == "rake" || n == "rails" => {
                simplecov(&mut s, ".simplecov");
                simplecov(&mut s, "test/test_helper.rb");
            }
            TestTool::Other(_) => {}
            TestTool::NodeScript(name) => node_script(&mut s, name),
            TestTool::Jest => jest_configs(&mut s),
            TestTool::Vitest => vitest_configs(&mut s),
            TestTool::Cargo => {
                for f in ["tarpaulin.toml", ".tarpaulin.toml"] {
                    toml_key(&mut s, f, None, "fail-under");
                }
            }
            TestTool::Maven => xml_minimum(&mut s, "pom.xml"),
            TestTool::Gradle => {
                xml_minimum(&mut s, "build.gradle");
                xml_minimum(&mut s, "build.gradle.kts");
            }
            TestTool::Rspec => {
                simplecov(&mut s, ".simplecov");
                simplecov(&mut s, "spec/spec_helper.rb");
            }
            TestTool::Go | TestTool::Dotnet => {}
        }
    }
    if codecov {
        for f in ["codecov.yml", ".codecov.yml", ".github/codecov.yml"] {
            codecov_target(&mut s, f);
        }
    }
    let tool_name = tool.name();
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
            hint(&tool, min)
        )
    };
    out.push(cx.finding(at, msg));
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
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn hint(tool: &TestTool, min: f64) -> String {
    let m = fmt(min);
    match tool {
        TestTool::Pytest => format!(
            "pytest --cov --cov-fail-under={m}, or fail_under = {m} in [tool.coverage.report]"
        ),
        TestTool::NodeScript(_) | TestTool::Jest => {
            format!("jest.coverageThreshold.global.lines: {m} in package.json")
        }
        TestTool::Vitest => format!("coverage.thresholds.lines: {m} in vitest.config"),
        TestTool::Go => format!(
            "a threshold action such as vladopajic/go-test-coverage with threshold-total: {m}"
        ),
        TestTool::Cargo => format!("cargo llvm-cov --fail-under-lines {m}"),
        TestTool::Maven | TestTool::Gradle => "a jacoco check rule with a minimum".into(),
        TestTool::Dotnet => format!("dotnet test /p:CollectCoverage=true /p:Threshold={m}"),
        TestTool::Rspec => format!("SimpleCov.minimum_coverage {m}"),
        TestTool::Other(name) => match name.as_str() {
            // Python runners: coverage.py reads the threshold
            "tox" | "nox" => format!("fail_under = {m} in [tool.coverage.report] (coverage.py)"),
            "pest" => format!("pest --coverage --min={m}"),
            "phpunit" => format!(
                "PHPUnit has no threshold of its own: check the Clover report, e.g. a coverage-check step with {m}%"
            ),
            "mix test" => format!("test_coverage: [summary: [threshold: {m}]] in mix.exs"),
            "rake" | "rails" => format!("SimpleCov.minimum_coverage {m}"),
            // a Makefile target or another runner: its coverage tool's own option
            _ => format!("the minimum-coverage option of the coverage tool {name} runs ({m}%)"),
        },
    }
}
