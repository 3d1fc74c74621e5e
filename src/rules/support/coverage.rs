//! Where coverage thresholds live, ecosystem by ecosystem ([`ECOSYSTEMS`], the table the
//! rule's page shows): on the command line (`--cov-fail-under`, `--fail-under-lines`, ...)
//! and in the repository's config files: Python (`pyproject.toml`, `.coveragerc`,
//! `setup.cfg`, `tox.ini`, `pytest.ini`), JavaScript (`package.json` scripts and
//! jest/vitest/nyc/c8 configs), Go (`.testcoverage.yml`), Rust (`tarpaulin.toml`), JVM (JaCoCo
//! in Maven/Gradle, Kover), .NET (`Directory.Build.props`), Ruby (SimpleCov), Elixir
//! (`mix.exs`, `coveralls.json`), C/C++ (`gcovr.cfg`) and codecov. Read through the project's
//! file cache, each file at most once per check.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::api::Cx;
use crate::rules::gha::common::prog_args;
use crate::source::Span;
use crate::source::shell::{Command, Word, basename, parse_script};

/// One ecosystem's own threshold mechanism: a row of the table on the rule's page.
pub struct Ecosystem {
    pub key: &'static str,
    /// The test runners and coverage tools of the row.
    pub tools: &'static str,
    /// Where the threshold lives.
    pub threshold: &'static str,
    /// The advice, `{m}` standing for the minimum.
    pub advice: &'static str,
    /// The documentation the row was taken from.
    pub source: &'static str,
    /// When it was taken.
    pub taken: &'static str,
}

/// Each ecosystem's threshold mechanism, taken from its tool's documentation (the row's
/// `source`) on the row's date. The rule's page shows the same table; a unit test keeps the
/// two in step.
pub const ECOSYSTEMS: &[Ecosystem] = &[
    Ecosystem {
        key: "python",
        tools: "pytest (pytest-cov), coverage.py, tox, nox",
        threshold: "`--cov-fail-under=N`; `fail_under` in `[tool.coverage.report]` / `.coveragerc` / `setup.cfg` / `tox.ini`; pytest `addopts`",
        advice: "pytest --cov --cov-fail-under={m}, or fail_under = {m} in [tool.coverage.report]",
        source: "https://coverage.readthedocs.io/en/latest/config.html#report-fail-under",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "jest",
        tools: "jest, npm/yarn/pnpm scripts running it",
        threshold: "`coverageThreshold` in `package.json` `jest` or `jest.config.*`; `--coverageThreshold`",
        advice: "jest.coverageThreshold.global.lines: {m} in package.json",
        source: "https://jestjs.io/docs/configuration#coveragethreshold-object",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "vitest",
        tools: "vitest",
        threshold: "`coverage.thresholds` in `vitest.config.*`/`vite.config.*`; `--coverage.thresholds.lines=N`",
        advice: "coverage.thresholds.lines: {m} in vitest.config",
        source: "https://vitest.dev/config/#coverage-thresholds",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "istanbul",
        tools: "nyc, c8 (mocha, ava, node --test)",
        threshold: "`--check-coverage --lines N`; `check-coverage` in `.nycrc*`/`.c8rc*` or `package.json` `nyc`/`c8` (90% lines when no figure)",
        advice: "nyc --check-coverage --lines {m} (or c8 --check-coverage --lines {m})",
        source: "https://github.com/istanbuljs/nyc#coverage-thresholds",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "go",
        tools: "go test (no threshold of its own)",
        threshold: "go-test-coverage: `threshold.total` in `.testcoverage.yml`, or the action's `threshold-total`; a script comparing `go tool cover -func` output",
        advice: "go test -coverprofile=cover.out, then vladopajic/go-test-coverage with threshold-total: {m} (or threshold.total: {m} in .testcoverage.yml)",
        source: "https://github.com/vladopajic/go-test-coverage#readme",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "rust",
        tools: "cargo test, cargo nextest, cargo llvm-cov, cargo tarpaulin",
        threshold: "`cargo llvm-cov --fail-under-lines/-regions/-functions N`; `cargo tarpaulin --fail-under N` or `fail-under` in `tarpaulin.toml`",
        advice: "cargo llvm-cov --fail-under-lines {m}, or cargo tarpaulin --fail-under {m}",
        source: "https://github.com/taiki-e/cargo-llvm-cov#readme; https://github.com/xd009642/tarpaulin#readme",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "maven",
        tools: "mvn (JaCoCo)",
        threshold: "jacoco-maven-plugin `check` goal with a `<minimum>` in `pom.xml`",
        advice: "the jacoco-maven-plugin check goal with a LINE COVEREDRATIO minimum of {r}",
        source: "https://www.jacoco.org/jacoco/trunk/doc/check-mojo.html",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "gradle",
        tools: "gradle (JaCoCo, Kover)",
        threshold: "`jacocoTestCoverageVerification` `violationRules` `minimum`; Kover `verify { rule { minBound(N) } }` in `build.gradle(.kts)`",
        advice: "jacocoTestCoverageVerification with a limit minimum of {r} (or Kover verify rule minBound({m}))",
        source: "https://docs.gradle.org/current/userguide/jacoco_plugin.html; https://kotlin.github.io/kotlinx-kover/gradle-plugin/",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "dotnet",
        tools: "dotnet test (coverlet)",
        threshold: "coverlet.msbuild `/p:Threshold=N` on the command line or `<Threshold>` in `Directory.Build.props`",
        advice: "dotnet test /p:CollectCoverage=true /p:Threshold={m}",
        source: "https://github.com/coverlet-coverage/coverlet/blob/master/Documentation/MSBuildIntegration.md",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "ruby",
        tools: "rspec, rake test, rails test (SimpleCov)",
        threshold: "`minimum_coverage N` in `.simplecov`, `spec/spec_helper.rb`, `test/test_helper.rb`",
        advice: "SimpleCov.minimum_coverage {m}",
        source: "https://github.com/simplecov-ruby/simplecov#minimum-coverage",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "php",
        tools: "phpunit (no threshold of its own), pest",
        threshold: "`pest --coverage --min=N`; a Clover check after PHPUnit: `coverage-check clover.xml N`",
        advice: "phpunit --coverage-clover clover.xml, then coverage-check clover.xml {m} (phpunit-coverage-check), or pest --coverage --min={m}",
        source: "https://pestphp.com/docs/test-coverage; https://github.com/richardregeer/phpunit-coverage-check",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "elixir",
        tools: "mix test, mix coveralls (excoveralls)",
        threshold: "`mix test --cover` fails under `test_coverage: [summary: [threshold: N]]` in `mix.exs` (90 when unset); excoveralls `minimum_coverage` in `coveralls.json`",
        advice: "mix test --cover with test_coverage: [summary: [threshold: {m}]] in mix.exs",
        source: "https://hexdocs.pm/mix/Mix.Tasks.Test.html#module-coverage; https://github.com/parroty/excoveralls#coverage-options",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "c",
        tools: "ctest, make check/test (gcov)",
        threshold: "gcovr `--fail-under-line N` or `fail-under-line = N` in `gcovr.cfg`",
        advice: "gcovr --fail-under-line {m} after the tests",
        source: "https://gcovr.com/en/stable/manpage.html",
        taken: "2026-12-01",
    },
    Ecosystem {
        key: "codecov",
        tools: "codecov/codecov-action (service side)",
        threshold: "`coverage.status.project` `target` in `codecov.yml`: a commit status, which blocks a merge only when branch protection requires it",
        advice: "coverage.status.project.default.target: {m}% in codecov.yml, required in branch protection",
        source: "https://docs.codecov.com/docs/commit-status",
        taken: "2026-12-01",
    },
];

/// The advice of the ecosystem `key`, with the minimum filled in (`{m}` percent, `{r}` as a
/// ratio).
pub fn advice(key: &str, min: f64) -> Option<String> {
    ECOSYSTEMS.iter().find(|e| e.key == key).map(|e| {
        e.advice
            .replace("{m}", &fmt_num(min))
            .replace("{r}", &fmt_num(min / 100.0))
    })
}

/// `80` for 80.0, `0.8` for 0.8.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A threshold found somewhere.
#[derive(Debug)]
pub struct Gate {
    /// Percent; `None` when a gate exists but its value is not a literal we can read.
    pub value: Option<f64>,
    /// Where, for the message: `--cov-fail-under=85`, `pyproject.toml [tool.coverage.report] fail_under`.
    pub what: String,
    /// In this file (a command of the workflow) ...
    pub here: Option<Span>,
    /// ... or in a config file.
    pub file: Option<(PathBuf, Span)>,
}

pub struct Search<'a> {
    pub root: PathBuf,
    /// How files under `root` are named in the message (`ui/` for a subdirectory).
    pub shown: String,
    pub cx: &'a Cx<'a>,
    pub looked: Vec<String>,
    pub gates: Vec<Gate>,
    /// A script the command needed that could not be read.
    pub missing: Vec<String>,
}

impl Search<'_> {
    pub fn read(&mut self, rel: &str) -> Option<(PathBuf, std::sync::Arc<str>)> {
        let p = self.root.join(rel);
        let t = self.cx.project().read_text(&p);
        let name = format!("{}{rel}", self.shown);
        if !self.looked.contains(&name) {
            self.looked.push(name);
        }
        t.map(|t| (p, t))
    }
    pub fn gate_in_file(&mut self, path: PathBuf, value: Option<f64>, what: String, span: Span) {
        self.gates.push(Gate {
            value,
            what,
            here: None,
            file: Some((path, span)),
        });
    }
}

pub static NUM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^-?[0-9]+(?:\.[0-9]+)?").expect("num"));
pub static JSON_LINES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']?(lines|statements|branches|functions)["']?\s*:\s*(-?[0-9]+(?:\.[0-9]+)?)"#)
        .expect("thresholds")
});

pub fn num(s: &str) -> Option<f64> {
    NUM.find(s.trim().trim_matches(['"', '\'']))
        .and_then(|m| m.as_str().parse().ok())
}

/// `key = value` in `[section]` of an INI/TOML-like text (section `None`: top level).
/// Continuation lines (indented) are joined for INI values. Returns the value and its span.
pub fn ini_get(text: &str, section: Option<&str>, key: &str) -> Option<(String, Span)> {
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

pub fn toml_key(s: &mut Search<'_>, file: &str, section: Option<&str>, key: &str) {
    let Some((p, text)) = s.read(file) else {
        return;
    };
    if let Some((v, span)) = ini_get(&text, section, key) {
        let sec = section.map(|x| format!(" [{x}]")).unwrap_or_default();
        s.gate_in_file(p, num(&v), format!("{file}{sec} {key} = {v}"), span);
    }
}

pub fn addopts(s: &mut Search<'_>, file: &str, section: &str) {
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

pub fn python_configs(s: &mut Search<'_>) {
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
pub fn find_span(text: &str, needle: &str) -> Span {
    text.find(needle)
        .map_or(Span::empty(0), |i| Span::new(i, i + needle.len()))
}

pub fn node_script(s: &mut Search<'_>, name: &str) {
    let Some((p, text)) = s.read("package.json") else {
        s.missing.push(format!(
            "no {}package.json to read script \"{name}\" from",
            s.shown
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

pub fn package_json_thresholds(s: &mut Search<'_>, p: &Path, text: &str, json: &serde_json::Value) {
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
pub fn literal_block(s: &mut Search<'_>, file: &str, marker: &str) {
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

pub fn jest_configs(s: &mut Search<'_>) {
    for f in [
        "jest.config.js",
        "jest.config.ts",
        "jest.config.mjs",
        "jest.config.cjs",
        "jest.config.json",
    ] {
        literal_block(s, f, "coverageThreshold");
    }
    if !s.looked.contains(&format!("{}package.json", s.shown)) {
        if let Some((p, t)) = s.read("package.json") {
            if let Ok(j) = serde_json::from_str::<serde_json::Value>(&t) {
                package_json_thresholds(s, &p, &t, &j);
            }
        }
    }
}

pub fn vitest_configs(s: &mut Search<'_>) {
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

pub fn xml_minimum(s: &mut Search<'_>, file: &str) {
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

pub fn simplecov(s: &mut Search<'_>, file: &str) {
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

pub fn codecov_target(s: &mut Search<'_>, file: &str) {
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

/// `fail-under` in any section of a tarpaulin config (`[default]`, `[report]`, ...) or at
/// its top level.
pub fn tarpaulin_config(s: &mut Search<'_>, file: &str) {
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?m)^\s*fail[-_]under\s*=\s*"?([0-9.]+)"#).expect("tarpaulin")
    });
    regex_gate(s, file, &KEY, 1.0, "fail-under");
}

/// The first capture of `re` in `file` as a gate, scaled by `scale`.
fn regex_gate(s: &mut Search<'_>, file: &str, re: &Regex, scale: f64, what: &str) -> bool {
    let Some((p, t)) = s.read(file) else {
        return false;
    };
    let Some(m) = re.captures(&t).and_then(|c| c.get(1)) else {
        return false;
    };
    let v = m.as_str().parse::<f64>().ok().map(|v| v * scale);
    s.gate_in_file(
        p,
        v,
        format!("{file} {what} {}", m.as_str()),
        Span::new(m.start(), m.end()),
    );
    true
}

/// go-test-coverage's config: `threshold:` `total:` (0 when unset, as the tool does).
pub fn testcoverage_yml(s: &mut Search<'_>, file: &str) {
    static TOTAL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?m)^threshold:\s*\n(?:[ \t]+.*\n|[ \t]*#.*\n|\s*\n)*?[ \t]+total:\s*([0-9.]+)",
        )
        .expect("testcoverage")
    });
    if !regex_gate(s, file, &TOTAL, 1.0, "threshold.total") {
        if let Some((p, _)) = s.read(file) {
            s.gate_in_file(
                p,
                Some(0.0),
                format!("{file} without threshold.total (0 by default)"),
                Span::new(0, 0),
            );
        }
    }
}

/// Kover's `minBound(N)` in a Gradle build file.
pub fn kover(s: &mut Search<'_>, file: &str) {
    static MIN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"minBound\(\s*([0-9.]+)").expect("kover"));
    regex_gate(s, file, &MIN, 1.0, "kover minBound");
}

/// coverlet's `<Threshold>` in an MSBuild props file.
pub fn coverlet_props(s: &mut Search<'_>, file: &str) {
    static MIN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<Threshold>\s*([0-9.]+)").expect("coverlet"));
    regex_gate(s, file, &MIN, 1.0, "coverlet Threshold");
}

/// `mix test --cover`: the `test_coverage` summary threshold in `mix.exs`, 90 when unset,
/// none when the summary is switched off.
pub fn mix_cover(s: &mut Search<'_>, here: Span) {
    static MIN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"threshold:\s*([0-9.]+)").expect("mix"));
    if regex_gate(s, "mix.exs", &MIN, 1.0, "test_coverage summary threshold") {
        return;
    }
    let off = s
        .read("mix.exs")
        .is_some_and(|(_, t)| t.contains("summary: false"));
    if !off {
        s.gates.push(Gate {
            value: Some(90.0),
            what: "mix test --cover (90 by default)".into(),
            here: Some(here),
            file: None,
        });
    }
}

/// excoveralls' `minimum_coverage` in `coveralls.json`.
pub fn coveralls_json(s: &mut Search<'_>) {
    static MIN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""minimum_coverage"\s*:\s*([0-9.]+)"#).expect("excoveralls"));
    regex_gate(s, "coveralls.json", &MIN, 1.0, "minimum_coverage");
}

/// gcovr's `fail-under-line` in `gcovr.cfg`.
pub fn gcovr_cfg(s: &mut Search<'_>) {
    static MIN: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^\s*fail-under-line\s*=\s*([0-9.]+)").expect("gcovr"));
    regex_gate(s, "gcovr.cfg", &MIN, 1.0, "fail-under-line");
}

/// The value of `--name=V` or `--name V` in a command's words.
pub fn flag_value(cmd: &Command, names: &[&str]) -> Option<(String, Span)> {
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
pub fn command_gate(cmd: &Command) -> Option<(Option<f64>, String, Span)> {
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
    for w in cmd.words.iter() {
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
        let who = if prog == "cargo" || prog == "cargo-llvm-cov" {
            "cargo llvm-cov"
        } else {
            prog
        };
        return Some((num(&v), format!("{who} --fail-under-lines {v}"), s));
    }
    if prog == "gcovr" || args.first() == Some(&"gcovr") {
        if let Some((v, s)) = flag_value(cmd, &["--fail-under-line", "--fail-under-branch"]) {
            return Some((num(&v), format!("gcovr --fail-under-line {v}"), s));
        }
    }
    // phpunit-coverage-check: `coverage-check clover.xml 80`
    if matches!(prog, "coverage-check" | "phpunit-coverage-check") {
        let pos: Vec<&Word> = cmd
            .words
            .iter()
            .skip_while(|w| basename(&w.value) != prog)
            .skip(1)
            .filter(|w| !w.value.starts_with('-'))
            .collect();
        if let Some(w) = pos.get(1) {
            return Some((num(&w.value), format!("{prog} {}", w.value), w.span));
        }
    }
    if prog == "pest" {
        if let Some((v, s)) = flag_value(cmd, &["--min"]) {
            return Some((num(&v), format!("pest --coverage --min={v}"), s));
        }
    }
    if prog == "go-test-coverage" || args.iter().any(|a| a.contains("go-test-coverage")) {
        if let Some((v, s)) = flag_value(cmd, &["--threshold-total"]) {
            return Some((
                num(&v),
                format!("go-test-coverage --threshold-total={v}"),
                s,
            ));
        }
    }
    if prog == "cargo" || prog == "cargo-tarpaulin" {
        if let Some((v, s)) = flag_value(cmd, &["--fail-under"]) {
            return Some((num(&v), format!("cargo tarpaulin --fail-under {v}"), s));
        }
    }
    for w in cmd.words.iter() {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule's page shows [`ECOSYSTEMS`]: each row's key, tools and sources, with its date.
    #[test]
    fn page_table_matches_the_data() {
        let page = include_str!("../../../rules/gha/coverage-gate.md");
        for e in ECOSYSTEMS {
            let row = format!("| {} | {} |", e.key, e.tools);
            assert!(page.contains(&row), "page lacks the row of {}", e.key);
            let cite = format!("{} ({}) |", e.source, e.taken);
            assert!(page.contains(&cite), "page lacks the source of {}", e.key);
            assert!(
                e.advice.contains("{m}") || e.advice.contains("{r}"),
                "{}",
                e.key
            );
        }
        assert!(advice("maven", 80.0).unwrap().contains("0.8"));
    }

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
