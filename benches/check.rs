//! The engine end to end (discover, read, parse, rules, suppressions, sort) on generated
//! files written to a temporary directory: each kind's full check with every rule on, then
//! the mixed corpus with rules off (`--select plumb/parse-error`: discovery, reading and
//! parsing only) against rules on (`--select all`), which prices the rule passes against the
//! parse they follow; and the editor's re-check of one 500-line workflow held in a buffer.
//! `cargo bench --bench check`.

mod corpus;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use corpus::{GenFile, GenKind};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plumb::config::{Config, Selector};
use plumb::engine::{self, CheckOptions};

fn write(dir: &Path, files: &[&GenFile]) {
    for f in files {
        let path = dir.join(&f.rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&path, &f.text).expect("write");
    }
}

fn options(dir: &Path, select: &str) -> CheckOptions {
    let mut config = Config::default();
    config.selection.select = Some(vec![Selector::parse(select).expect("selector")]);
    CheckOptions {
        paths: vec![dir.to_path_buf()],
        stdin: None,
        config,
        root: dir.to_path_buf(),
        no_ignore: false,
        exclude: Vec::new(),
        max_file_size: 10 * 1024 * 1024,
        config_file: None,
        no_inline_ignores: false,
    }
}

fn per_kind(c: &mut Criterion) {
    let all = corpus::generate(3000, 1);
    let mut g = c.benchmark_group("check");
    for kind in GenKind::ALL {
        // terraform modules are 4 files: keep whole modules, about 200 files per kind
        let files: Vec<&GenFile> = all.iter().filter(|f| f.kind == kind).take(200).collect();
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), &files);
        let opts = options(dir.path(), "all");
        g.throughput(Throughput::Elements(files.len() as u64));
        g.bench_function(kind.name(), |b| b.iter(|| black_box(engine::check(&opts))));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("k8s-5000.yaml"),
        corpus::big_manifest(5000, 1),
    )
    .expect("write");
    let opts = options(dir.path(), "all");
    g.throughput(Throughput::Elements(5000));
    g.bench_function("k8s-5000-documents", |b| {
        b.iter(|| black_box(engine::check(&opts)))
    });
    g.finish();
}

fn rules_off_on(c: &mut Criterion) {
    let all = corpus::generate(1000, 2);
    let files: Vec<&GenFile> = all.iter().collect();
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &files);
    let mut g = c.benchmark_group("mixed-1000");
    g.throughput(Throughput::Elements(files.len() as u64));
    for (name, select) in [("rules-off", "plumb/parse-error"), ("rules-on", "all")] {
        let opts = options(dir.path(), select);
        g.bench_function(name, |b| b.iter(|| black_box(engine::check(&opts))));
    }
    g.finish();
}

/// RUN-heavy Dockerfiles and script-heavy workflows: every script is lexed once at load and
/// the rules read the cached commands, so rules-on should stay within 1.5x rules-off.
fn scripts(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..400 {
        std::fs::write(
            dir.path().join(format!("Dockerfile.{i}")),
            corpus::run_heavy_dockerfile(60, i as u64),
        )
        .expect("write");
    }
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("mkdir");
    for i in 0..400 {
        std::fs::write(
            wf.join(format!("ci-{i}.yml")),
            corpus::script_heavy_workflow(8, 6, i as u64),
        )
        .expect("write");
    }
    let mut g = c.benchmark_group("scripts");
    g.throughput(Throughput::Elements(800));
    for (name, select) in [("rules-off", "plumb/parse-error"), ("rules-on", "all")] {
        let opts = options(dir.path(), select);
        g.bench_function(name, |b| b.iter(|| black_box(engine::check(&opts))));
    }
    g.finish();
}

/// The editor's case (`plumb server` on each change): a 500-line workflow re-checked from
/// an unsaved buffer, every rule on, in a repository of its own.
fn editor_recheck(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("mkdir");
    let path = wf.join("ci.yml");
    let text = corpus::script_heavy_workflow(11, 6, 7);
    assert!(
        text.lines().count() >= 500,
        "{} lines",
        text.lines().count()
    );
    std::fs::write(&path, &text).expect("write");
    let mut buffers = engine::Buffers::new();
    buffers.set(&path, text.replace("building", "built"));
    let opts = options(dir.path(), "all");
    let mut g = c.benchmark_group("editor");
    g.bench_function("recheck-500-line-workflow", |b| {
        b.iter(|| {
            black_box(engine::check_buffers(
                &opts,
                std::slice::from_ref(&path),
                &buffers,
            ))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = per_kind, rules_off_on, scripts, editor_recheck
}
criterion_main!(benches);
