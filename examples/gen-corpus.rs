//! Writes a deterministic, realistic mixed repository for benchmarking plumb and its peers:
//!
//! ```sh
//! cargo run --release --example gen-corpus -- --files 10000 --out /tmp/corpus [--seed 1]
//! cargo run --release --example gen-corpus -- --manifest 5000 --out /tmp/k8s-5000.yaml
//! cargo run --release --example gen-corpus -- --scripts 400 --out /tmp/scripts
//! ```
//!
//! `--scripts N` writes N RUN-heavy Dockerfiles (60 RUN instructions each) and N
//! script-heavy workflows (8 jobs of 6 multi-line `run:` steps), the files of the `scripts`
//! criterion bench.
//!
//! What it writes is described in `benches/corpus/mod.rs`, which the criterion benches share.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::path::{Path, PathBuf};

fn die(path: &Path, e: std::io::Error) -> ! {
    eprintln!("gen-corpus: cannot write {}: {e}", path.display());
    std::process::exit(2);
}

fn usage() -> ! {
    eprintln!(
        "usage: gen-corpus --files N --out DIR [--seed S]\n       gen-corpus --manifest DOCS --out FILE [--seed S]\n       gen-corpus --scripts N --out DIR"
    );
    std::process::exit(2);
}

fn main() {
    let mut files = 10_000usize;
    let mut manifest = None;
    let mut scripts = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--files" => files = val().parse().unwrap_or_else(|_| usage()),
            "--manifest" => manifest = Some(val().parse().unwrap_or_else(|_| usage())),
            "--scripts" => scripts = Some(val().parse().unwrap_or_else(|_| usage())),
            "--out" => out = Some(PathBuf::from(val())),
            "--seed" => seed = val().parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    let Some(out) = out else { usage() };
    if let Some(docs) = manifest {
        let text = corpus::big_manifest(docs, seed);
        std::fs::write(&out, &text).unwrap_or_else(|e| die(&out, e));
        println!(
            "wrote {docs} documents ({} KiB) to {}",
            text.len() / 1024,
            out.display()
        );
        return;
    }
    if let Some(n) = scripts {
        let wf = out.join(".github/workflows");
        std::fs::create_dir_all(&wf).unwrap_or_else(|e| die(&wf, e));
        for i in 0..n {
            let p = out.join(format!("Dockerfile.{i}"));
            std::fs::write(&p, corpus::run_heavy_dockerfile(60, i as u64))
                .unwrap_or_else(|e| die(&p, e));
            let p = wf.join(format!("ci-{i}.yml"));
            std::fs::write(&p, corpus::script_heavy_workflow(8, 6, i as u64))
                .unwrap_or_else(|e| die(&p, e));
        }
        println!(
            "wrote {n} Dockerfiles and {n} workflows to {}",
            out.display()
        );
        return;
    }
    let generated = corpus::generate(files, seed);
    let mut bytes = 0;
    for f in &generated {
        let path = out.join(&f.rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap_or_else(|e| die(dir, e));
        }
        std::fs::write(&path, &f.text).unwrap_or_else(|e| die(&path, e));
        bytes += f.text.len();
    }
    let counts: Vec<String> = corpus::GenKind::ALL
        .iter()
        .map(|k| {
            format!(
                "{} {}",
                generated.iter().filter(|f| f.kind == *k).count(),
                k.name()
            )
        })
        .collect();
    println!(
        "wrote {} files ({} KiB) to {}: {}",
        generated.len(),
        bytes / 1024,
        out.display(),
        counts.join(", ")
    );
}
