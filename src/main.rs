//! The `plumb` binary: everything is in the library's `cli` module.

fn main() -> std::process::ExitCode {
    plumb::cli::main()
}
