//! Parser throughput, one group per parser: the YAML layer (on workflows, compose files and
//! multi-document manifests), the Dockerfile parser and the Terraform parser, each on the
//! generated files of its kind. `cargo bench --bench parse`.

mod corpus;

use std::hint::black_box;
use std::time::Duration;

use corpus::GenKind;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plumb::source::yaml::YamlFile;
use plumb::source::{dockerfile, terraform};

/// The first `n` generated files of `kind`.
fn texts(all: &[corpus::GenFile], kind: GenKind, n: usize) -> Vec<&str> {
    all.iter()
        .filter(|f| f.kind == kind)
        .take(n)
        .map(|f| f.text.as_str())
        .collect()
}

fn bytes(texts: &[&str]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn parsers(c: &mut Criterion) {
    let all = corpus::generate(3000, 1);
    let mut g = c.benchmark_group("parse");
    for kind in [GenKind::Workflow, GenKind::Compose, GenKind::K8s] {
        let files = texts(&all, kind, 200);
        g.throughput(Throughput::Bytes(bytes(&files)));
        g.bench_function(format!("yaml/{}", kind.name()), |b| {
            b.iter(|| {
                for t in &files {
                    black_box(YamlFile::parse(black_box(t)));
                }
            })
        });
    }
    let manifest = corpus::big_manifest(5000, 1);
    g.throughput(Throughput::Bytes(manifest.len() as u64));
    g.bench_function("yaml/k8s-5000-documents", |b| {
        b.iter(|| black_box(YamlFile::parse(black_box(&manifest))))
    });

    let files = texts(&all, GenKind::Dockerfile, 200);
    g.throughput(Throughput::Bytes(bytes(&files)));
    g.bench_function("dockerfile", |b| {
        b.iter(|| {
            for t in &files {
                black_box(dockerfile::parse(black_box(t)));
            }
        })
    });

    let files = texts(&all, GenKind::Terraform, 200);
    g.throughput(Throughput::Bytes(bytes(&files)));
    g.bench_function("terraform", |b| {
        b.iter(|| {
            for t in &files {
                let _ = black_box(terraform::parse(black_box(t)));
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    // short samples: the whole `cargo bench` stays within a few minutes
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = parsers
}
criterion_main!(benches);
