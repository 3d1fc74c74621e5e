//! Link the `plumb` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable is relocated by the dynamic loader at every start:
//! plumb's tables of rules, options and vtables made 27,000 relocations and ~140 pages
//! written before `main`, about 1.4 ms of a 5 ms one-file check (the pre-commit and
//! editor case). Linked with `-no-pie`, the linker resolves them once, at build time.
//! The code stays position-independent (libraries, tests and benches are untouched); only
//! the binary loses address-space randomisation of its own image, which a linter that
//! reads files and starts only `git` can spare.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
