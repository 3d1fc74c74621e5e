//! The seed test: the fenced code blocks of ../shared/seeds/*.txt (documents of the kind our
//! users write) are extracted at test time into a temporary tree, under the names each kind
//! uses, and checked with every rule. No block may fail to parse, and the findings must match
//! the reviewed snapshot. The seeds are not copied into this repository.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The kind a block is, from its fence language and content: the file name to write it to.
fn classify(lang: &str, body: &str) -> Option<(&'static str, &'static str)> {
    let lang = lang.to_ascii_lowercase();
    let has_line = |prefix: &str| body.lines().any(|l| l.starts_with(prefix));
    match lang.as_str() {
        "dockerfile" | "docker" | "containerfile" => Some(("Dockerfile", "")),
        "hcl" | "terraform" | "tf" => Some(("main", ".tf")),
        "yaml" | "yml" | "" => {
            if has_line("services:") {
                Some(("docker-compose", ".yml"))
            } else if has_line("jobs:") && (has_line("on:") || has_line("\"on\":")) {
                Some((".github/workflows/workflow", ".yml"))
            } else if has_line("apiVersion:") && has_line("kind:") {
                Some(("manifest", ".yaml"))
            } else if lang.is_empty() && has_line("FROM ") {
                Some(("Dockerfile", ""))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Fenced blocks of a document: (language, body, line of the opening fence).
fn blocks(text: &str) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("```") {
            match open.take() {
                None => open = Some((rest.trim().to_string(), i + 1, String::new())),
                Some((lang, at, body)) => out.push((lang, body, at)),
            }
        } else if let Some((_, _, body)) = open.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// Extract every seed's blocks into `dir/<seed>/...`; returns (file -> origin) for messages.
fn extract(seeds: &Path, dir: &Path) -> BTreeMap<String, String> {
    let mut origins = BTreeMap::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(seeds)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    entries.sort();
    for seed in entries {
        let text = std::fs::read_to_string(&seed).unwrap();
        let stem = seed.file_stem().unwrap().to_string_lossy();
        let short = stem.split('_').next().unwrap_or(&stem).to_string();
        let mut used: BTreeMap<&str, usize> = BTreeMap::new();
        for (lang, body, line) in blocks(&text) {
            let Some((base, ext)) = classify(&lang, &body) else {
                continue;
            };
            let n = used.entry(base).or_insert(0);
            *n += 1;
            let name = if *n == 1 {
                format!("{base}{ext}")
            } else if base == "Dockerfile" {
                format!("Dockerfile.{n}")
            } else {
                format!("{base}-{n}{ext}")
            };
            let rel = format!("seed{short}/{name}");
            let path = dir.join(&rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &body).unwrap();
            origins.insert(
                rel,
                format!("{}:{line}", seed.file_name().unwrap().to_string_lossy()),
            );
        }
    }
    origins
}

#[test]
fn seeds_parse_and_match_the_reviewed_findings() {
    // PLUMB_SEEDS=/path/to/seeds for a checkout that is not next to them (a git worktree)
    let seeds = std::env::var_os("PLUMB_SEEDS")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::manifest_dir().join("../shared/seeds"));
    if !seeds.is_dir() {
        eprintln!("seed test skipped: {} is not present", seeds.display());
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // PLUMB_SEED_DIR=/some/dir keeps the extracted tree for a look with `plumb check`
    let keep = std::env::var_os("PLUMB_SEED_DIR").map(PathBuf::from);
    let dir = keep.as_deref().unwrap_or(tmp.path());
    std::fs::create_dir_all(dir).unwrap();
    let origins = extract(&seeds, dir);
    assert!(
        origins.len() >= 10,
        "expected the seeds' code blocks, got {origins:?}"
    );
    let report = common::check(dir, &[dir.to_path_buf()], &["all"]);
    let parse_errors: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "plumb/parse-error")
        .map(|f| {
            format!(
                "{}:{}:{} ({}) {}",
                f.location.file,
                f.location.start.line,
                f.location.start.column,
                origins.get(&f.location.file).map_or("?", String::as_str),
                f.message
            )
        })
        .collect();
    assert!(
        parse_errors.is_empty(),
        "seed blocks fail to parse:\n{}",
        parse_errors.join("\n")
    );
    assert_eq!(
        report.files_scanned,
        origins.len(),
        "every extracted block is checked: {origins:#?}"
    );
    let lines: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f.location.file, f.location.start.line, f.rule, f.message
            )
        })
        .collect();
    insta::assert_snapshot!("seed_findings", lines.join("\n"));
}
