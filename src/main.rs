//! The `plumb` binary: everything is in the library's `cli` module.

/// mimalloc, not the system allocator: a check allocates many small, short-lived values
/// (YAML views, words, messages) and spent 15-18% of its time in glibc's malloc and free.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    plumb::cli::main()
}
