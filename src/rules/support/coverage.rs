//! Where coverage thresholds live outside the workflow: Python (`pyproject.toml`,
//! `.coveragerc`, `setup.cfg`, `tox.ini`, `pytest.ini`), JavaScript (`package.json` scripts
//! and jest/vitest/nyc configs), JVM (JaCoCo XML), Ruby (SimpleCov) and codecov. Read through
//! the project's file cache, each file at most once per check.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use crate::api::Cx;
use crate::rules::gha::common::prog_args;
use crate::source::Span;
use crate::source::shell::{Command, parse_script};

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
        if !self.looked.iter().any(|l| l == rel) {
            self.looked.push(rel.to_string());
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
    if !s.looked.iter().any(|l| l == "package.json") {
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
