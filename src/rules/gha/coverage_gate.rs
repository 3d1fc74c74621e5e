//! gha/coverage-gate: tests run with no coverage threshold, or one below the minimum.
//!
//! The threshold is looked for in the job's commands (following `npm run X` into
//! package.json's script text), in threshold actions, and in the repository's own config
//! files the test runner reads. Config files are read with small line-based readers.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::rules::gha::common::{
    RunScript, TestTool, prog_args, repo_root, run_scripts, test_tool,
};
use crate::source::Span;
use crate::source::shell::{Command, parse_script};
use crate::source::workflow::Workflow;

const MIN_COVERAGE: Opt<i64> = Opt::int(
    "min-coverage",
    80,
    "the lowest acceptable line-coverage threshold, in percent",
);

pub static RULE: Rule = rule!("gha/coverage-gate")
    .summary("tests run with no coverage threshold enforced, or one below the required minimum")
    .packs(&["coverage-gates"])
    .options(&[MIN_COVERAGE.decl])
    .on_workflow(check)
    .on_action(check);

/// A threshold found somewhere.
#[derive(Debug)]
struct Gate {
    /// Percent; `None` when a gate exists but its value is not a literal we can read.
    value: Option<f64>,
    /// Where, for the message: `--cov-fail-under=85`, `pyproject.toml [tool.coverage.report] fail_under`.
    what: String,
    /// In this file (a command of the workflow) ...
    here: Option<Span>,
    /// ... or in a config file.
    file: Option<(PathBuf, Span)>,
}

struct Search<'a> {
    root: PathBuf,
    cx: &'a Cx<'a>,
    looked: Vec<String>,
    gates: Vec<Gate>,
    /// A script the command needed that could not be read.
    missing: Vec<String>,
}

impl Search<'_> {
    fn read(&mut self, rel: &str) -> Option<(PathBuf, std::sync::Arc<str>)> {
        let p = self.root.join(rel);
        let t = self.cx.project().read_text(&p);
        if !self.looked.iter().any(|l| l == rel) {
            self.looked.push(rel.to_string());
        }
        t.map(|t| (p, t))
    }
    fn gate_in_file(&mut self, path: PathBuf, value: Option<f64>, what: String, span: Span) {
        self.gates.push(Gate {
            value,
            what,
            here: None,
            file: Some((path, span)),
        });
    }
}

static NUM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^-?[0-9]+(?:\.[0-9]+)?").expect("num"));
static JSON_LINES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']?(lines|statements|branches|functions)["']?\s*:\s*(-?[0-9]+(?:\.[0-9]+)?)"#)
        .expect("thresholds")
});

fn num(s: &str) -> Option<f64> {
    NUM.find(s.trim().trim_matches(['"', '\'']))
        .and_then(|m| m.as_str().parse().ok())
}

/// The value of `--name=V` or `--name V` in a command's words.
fn flag_value(cmd: &Command, names: &[&str]) -> Option<(String, Span)> {
    let w = &cmd.words;
    for (i, word) in w.iter().enumerate() {
        for n in names {
            if let Some(v) = word.value.strip_prefix(n) {
                if let Some(v) = v.strip_prefix('=') {
                    return Some((v.to_string(), word.span));
                }
                if v.is_empty() {
                    if let Some(next) = w.get(i + 1) {
                        return Some((next.value.clone(), word.span.cover(next.span)));
                    }
                }
            }
        }
    }
    None
}

/// A threshold set on one command line: (value, what, span in the script text).
fn command_gate(cmd: &Command) -> Option<(Option<f64>, String, Span)> {
    let (prog, args) = prog_args(cmd)?;
    if let Some((v, s)) = flag_value(cmd, &["--cov-fail-under"]) {
        return Some((num(&v), format!("--cov-fail-under={v}"), s));
    }
    if prog == "coverage" || args.first() == Some(&"coverage") {
        if let Some((v, s)) = flag_value(cmd, &["--fail-under"]) {
            return Some((num(&v), format!("coverage report --fail-under {v}"), s));
        }
    }
    if let Some((v, s)) = flag_value(cmd, &["--coverageThreshold", "--coverage-threshold"]) {
        let min = JSON_LINES
            .captures_iter(&v)
            .filter_map(|c| c.get(2)?.as_str().parse::<f64>().ok())
            .filter(|x| *x >= 0.0)
            .reduce(f64::min);
        return Some((min, "jest --coverageThreshold".into(), s));
    }
    for w in &cmd.words {
        if let Some(rest) = w.value.strip_prefix("--coverage.thresholds.") {
            let (k, v) = rest.split_once('=').unwrap_or((rest, "true"));
            let value = if k == "100" { Some(100.0) } else { num(v) };
            return Some((value, format!("vitest {}", w.value), w.span));
        }
    }
    if matches!(prog, "nyc" | "c8") || args.first().is_some_and(|a| *a == "nyc" || *a == "c8") {
        if let Some(cc) = cmd
            .words
            .iter()
            .find(|w| w.value.starts_with("--check-coverage"))
        {
            if let Some((v, s)) = flag_value(cmd, &["--lines"]) {
                return Some((num(&v), format!("{prog} --check-coverage --lines {v}"), s));
            }
            if cc.value != "--check-coverage=false" {
                // both default to 90% lines when --check-coverage is given alone
                return Some((
                    Some(90.0),
                    format!("{prog} --check-coverage (90% lines by default)"),
                    cc.span,
                ));
            }
        }
    }
    if let Some((v, s)) = flag_value(
        cmd,
        &[
            "--fail-under-lines",
            "--fail-under-regions",
            "--fail-under-functions",
        ],
    ) {
        return Some((num(&v), format!("cargo llvm-cov --fail-under-lines {v}"), s));
    }
    if prog == "cargo" || prog == "cargo-tarpaulin" {
        if let Some((v, s)) = flag_value(cmd, &["--fail-under"]) {
            return Some((num(&v), format!("cargo tarpaulin --fail-under {v}"), s));
        }
    }
    for w in &cmd.words {
        for p in [
            "/p:Threshold=",
            "-p:Threshold=",
            "/p:threshold=",
            "-p:threshold=",
        ] {
            if let Some(v) = w.value.strip_prefix(p) {
                let min = v.split(',').filter_map(num).reduce(f64::min);
                return Some((min, format!("dotnet test {}", w.value), w.span));
            }
        }
        if w.value.contains("jacoco:check") {
            return Some((None, "jacoco:check".into(), w.span));
        }
    }
    None
}

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
            TestTool::Pytest | TestTool::Other(_) => python_configs(&mut s),
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
        TestTool::Other(_) => format!("fail_under = {m} in the coverage config"),
    }
}

/// `key = value` in `[section]` of an INI/TOML-like text (section `None`: top level).
/// Continuation lines (indented) are joined for INI values. Returns the value and its span.
fn ini_get(text: &str, section: Option<&str>, key: &str) -> Option<(String, Span)> {
    let mut cur: Option<String> = None;
    let mut offset = 0;
    let mut found: Option<(String, Span)> = None;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim_end_matches(['\n', '\r']);
        let trimmed = t.trim();
        if let Some((v, _)) = found.as_mut() {
            if !trimmed.is_empty() && t.starts_with([' ', '\t']) {
                v.push(' ');
                v.push_str(trimmed);
                continue;
            }
            return found;
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') && !trimmed.contains('=') {
            cur = Some(trimmed.trim_matches(['[', ']']).trim().to_string());
            continue;
        }
        if trimmed.starts_with(['#', ';']) {
            continue;
        }
        if cur.as_deref() != section {
            continue;
        }
        let Some(eq) = t.find(['=', ':']) else {
            continue;
        };
        if t[..eq].trim().trim_matches('"') != key {
            continue;
        }
        let raw = &t[eq + 1..];
        let lead = raw.len() - raw.trim_start().len();
        let v = raw.trim();
        let vs = start + eq + 1 + lead;
        found = Some((v.to_string(), Span::new(vs, vs + v.len())));
    }
    found
}

fn toml_key(s: &mut Search<'_>, file: &str, section: Option<&str>, key: &str) {
    let Some((p, text)) = s.read(file) else {
        return;
    };
    if let Some((v, span)) = ini_get(&text, section, key) {
        let sec = section.map(|x| format!(" [{x}]")).unwrap_or_default();
        s.gate_in_file(p, num(&v), format!("{file}{sec} {key} = {v}"), span);
    }
}

fn addopts(s: &mut Search<'_>, file: &str, section: &str) {
    let Some((p, text)) = s.read(file) else {
        return;
    };
    if let Some((v, span)) = ini_get(&text, Some(section), "addopts") {
        let script = parse_script(&format!(
            "pytest {}",
            v.trim_matches(['"', '\'', '[', ']'])
                .replace([',', '"', '\''], " ")
        ));
        for c in &script.commands {
            if let Some((value, what, _)) = command_gate(c) {
                s.gate_in_file(
                    p.clone(),
                    value,
                    format!("{file} [{section}] addopts {what}"),
                    span,
                );
            }
        }
    }
}

fn python_configs(s: &mut Search<'_>) {
    toml_key(
        s,
        "pyproject.toml",
        Some("tool.coverage.report"),
        "fail_under",
    );
    addopts(s, "pyproject.toml", "tool.pytest.ini_options");
    toml_key(s, ".coveragerc", Some("report"), "fail_under");
    toml_key(s, "setup.cfg", Some("coverage:report"), "fail_under");
    addopts(s, "setup.cfg", "tool:pytest");
    toml_key(s, "tox.ini", Some("coverage:report"), "fail_under");
    addopts(s, "tox.ini", "pytest");
    addopts(s, "pytest.ini", "pytest");
}

/// The span of the first occurrence of `needle` in `text` at or after `from`.
fn find_span(text: &str, needle: &str) -> Span {
    text.find(needle)
        .map_or(Span::empty(0), |i| Span::new(i, i + needle.len()))
}

fn node_script(s: &mut Search<'_>, name: &str) {
    let Some((p, text)) = s.read("package.json") else {
        s.missing.push(format!(
            "no package.json at the repository root to read script \"{name}\" from"
        ));
        return;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        s.missing.push("package.json is not valid JSON".into());
        return;
    };
    package_json_thresholds(s, &p, &text, &json);
    // follow the script (and the scripts it runs), a few levels deep
    let mut queue = vec![name.to_string()];
    let mut seen: Vec<String> = Vec::new();
    let mut uses_jest = false;
    let mut uses_vitest = false;
    while let Some(n) = queue.pop() {
        if seen.contains(&n) || seen.len() > 8 {
            continue;
        }
        seen.push(n.clone());
        let Some(body) = json
            .pointer(&format!(
                "/scripts/{}",
                n.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(|v| v.as_str())
        else {
            if n == name {
                s.missing
                    .push(format!("package.json has no script \"{n}\""));
            }
            continue;
        };
        let script = parse_script(body);
        for c in &script.commands {
            if let Some((value, what, _)) = command_gate(c) {
                let span = find_span(&text, body);
                s.gate_in_file(
                    p.clone(),
                    value,
                    format!("package.json script \"{n}\": {what}"),
                    span,
                );
            }
            let Some((prog, args)) = prog_args(c) else {
                continue;
            };
            uses_jest |= prog == "jest" || args.first() == Some(&"jest");
            uses_vitest |= prog == "vitest" || args.first() == Some(&"vitest");
            if matches!(prog, "npm" | "yarn" | "pnpm" | "bun") {
                let a: Vec<&str> = args
                    .iter()
                    .copied()
                    .filter(|x| !x.starts_with('-'))
                    .collect();
                match a.as_slice() {
                    ["run" | "run-script", x, ..] => queue.push((*x).to_string()),
                    ["test" | "t", ..] => queue.push("test".into()),
                    [x, ..] if prog != "npm" => queue.push((*x).to_string()),
                    _ => {}
                }
            }
        }
    }
    if uses_jest || !uses_vitest {
        jest_configs(s);
    }
    if uses_vitest {
        vitest_configs(s);
    }
}

fn package_json_thresholds(s: &mut Search<'_>, p: &Path, text: &str, json: &serde_json::Value) {
    if let Some(g) = json.pointer("/jest/coverageThreshold") {
        let min = ["lines", "statements", "branches", "functions"]
            .iter()
            .filter_map(|k| g.pointer(&format!("/global/{k}")).and_then(|v| v.as_f64()))
            .filter(|v| *v >= 0.0)
            .reduce(f64::min);
        s.gate_in_file(
            p.to_path_buf(),
            min,
            "package.json jest.coverageThreshold".into(),
            find_span(text, "\"coverageThreshold\""),
        );
    }
    if let Some(n) = json.get("nyc") {
        if n.get("check-coverage").and_then(|v| v.as_bool()) == Some(true) {
            let v = n.get("lines").and_then(|v| v.as_f64()).unwrap_or(90.0);
            s.gate_in_file(
                p.to_path_buf(),
                Some(v),
                "package.json nyc check-coverage".into(),
                find_span(text, "\"nyc\""),
            );
        }
    }
    if let Some(n) = json.get("c8") {
        if n.get("check-coverage").and_then(|v| v.as_bool()) == Some(true) {
            let v = n.get("lines").and_then(|v| v.as_f64()).unwrap_or(90.0);
            s.gate_in_file(
                p.to_path_buf(),
                Some(v),
                "package.json c8 check-coverage".into(),
                find_span(text, "\"c8\""),
            );
        }
    }
    for f in [".nycrc", ".nycrc.json", ".c8rc", ".c8rc.json"] {
        let Some((p, t)) = s.read(f) else { continue };
        if let Ok(j) = serde_json::from_str::<serde_json::Value>(&t) {
            if j.get("check-coverage").and_then(|v| v.as_bool()) == Some(true) {
                let v = j.get("lines").and_then(|v| v.as_f64()).unwrap_or(90.0);
                s.gate_in_file(
                    p,
                    Some(v),
                    format!("{f} check-coverage"),
                    find_span(&t, "check-coverage"),
                );
            }
        }
    }
}

/// A threshold block written as a literal in a JS/TS config: the lowest of its numbers.
fn literal_block(s: &mut Search<'_>, file: &str, marker: &str) {
    let Some((p, t)) = s.read(file) else { return };
    let Some(i) = t.find(marker) else { return };
    let tail = &t[i..];
    let end = tail.find('}').map_or(tail.len(), |e| e + 1);
    let block = &tail[..end];
    let min = JSON_LINES
        .captures_iter(block)
        .filter_map(|c| c.get(2)?.as_str().parse::<f64>().ok())
        .filter(|v| *v >= 0.0)
        .reduce(f64::min);
    s.gate_in_file(
        p,
        min,
        format!("{file} {marker}"),
        Span::new(i, i + marker.len()),
    );
}

fn jest_configs(s: &mut Search<'_>) {
    for f in [
        "jest.config.js",
        "jest.config.ts",
        "jest.config.mjs",
        "jest.config.cjs",
        "jest.config.json",
    ] {
        literal_block(s, f, "coverageThreshold");
    }
    if !s.looked.iter().any(|l| l == "package.json") {
        if let Some((p, t)) = s.read("package.json") {
            if let Ok(j) = serde_json::from_str::<serde_json::Value>(&t) {
                package_json_thresholds(s, &p, &t, &j);
            }
        }
    }
}

fn vitest_configs(s: &mut Search<'_>) {
    for f in [
        "vitest.config.ts",
        "vitest.config.js",
        "vitest.config.mts",
        "vite.config.ts",
        "vite.config.js",
    ] {
        literal_block(s, f, "thresholds");
    }
}

fn xml_minimum(s: &mut Search<'_>, file: &str) {
    static MIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:<minimum>|minimum\s*=\s*(?:BigDecimal\(|)?['\x22]?)\s*([0-9.]+)")
            .expect("min")
    });
    let Some((p, t)) = s.read(file) else { return };
    if !(t.contains("jacoco")
        && (t.contains("<goal>check</goal>") || t.contains("CoverageVerification")))
    {
        return;
    }
    let m = MIN.captures(&t).and_then(|c| c.get(1));
    let (value, span) = match m {
        Some(m) => {
            let v = m
                .as_str()
                .parse::<f64>()
                .ok()
                .map(|v| if v <= 1.0 { v * 100.0 } else { v });
            (v, Span::new(m.start(), m.end()))
        }
        None => (None, find_span(&t, "jacoco")),
    };
    s.gate_in_file(p, value, format!("{file} jacoco minimum"), span);
}

fn simplecov(s: &mut Search<'_>, file: &str) {
    static MIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"minimum_coverage\s*\(?\s*(?:line:\s*)?([0-9.]+)").expect("simplecov")
    });
    let Some((p, t)) = s.read(file) else { return };
    if let Some(m) = MIN.captures(&t).and_then(|c| c.get(1)) {
        s.gate_in_file(
            p,
            m.as_str().parse().ok(),
            format!("{file} minimum_coverage"),
            Span::new(m.start(), m.end()),
        );
    }
}

fn codecov_target(s: &mut Search<'_>, file: &str) {
    static TARGET: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^\s*target:\s*([0-9.]+)%?").expect("target"));
    let Some((p, t)) = s.read(file) else { return };
    if let Some(m) = TARGET.captures(&t).and_then(|c| c.get(1)) {
        s.gate_in_file(
            p,
            m.as_str().parse().ok(),
            format!("{file} status target"),
            Span::new(m.start(), m.end()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_reader() {
        let t = "[tool.coverage.run]\nfail_under = 1\n[tool.coverage.report]\nshow_missing = true\nfail_under = 60\n";
        let (v, s) = ini_get(t, Some("tool.coverage.report"), "fail_under").unwrap();
        assert_eq!(v, "60");
        assert_eq!(s.text(t), "60");
        let t = "[pytest]\naddopts =\n    --cov=app\n    --cov-fail-under=90\n[other]\n";
        let (v, _) = ini_get(t, Some("pytest"), "addopts").unwrap();
        assert_eq!(v.trim(), "--cov=app --cov-fail-under=90");
    }

    #[test]
    fn command_gates() {
        let sc = parse_script(
            "pytest --cov --cov-fail-under=85 && coverage report --fail-under 70 && npx nyc --check-coverage --lines 95 mocha",
        );
        let got: Vec<Option<f64>> = sc
            .commands
            .iter()
            .filter_map(command_gate)
            .map(|g| g.0)
            .collect();
        assert_eq!(got, vec![Some(85.0), Some(70.0), Some(95.0)]);
    }
}
