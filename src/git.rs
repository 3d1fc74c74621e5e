//! The one program plumb starts: `git`, with everything a repository's or a user's config
//! could make it run switched off. plumb asks git only to read: objects (`--new-only-since`)
//! and the index (which files are tracked). It imports nothing from the crate.

use std::path::Path;
use std::process::{Command, Stdio};

/// `git -C <root>` with no fsmonitor hook, no hooks, no external diff, no pager, no replace
/// objects, no lazy fetch from a promisor remote and no credential prompt. None of the
/// commands plumb runs reads the work tree through git, so no clean, smudge or process
/// filter and no textconv driver can run either.
pub fn command(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "diff.external=",
            "-c",
            "core.pager=cat",
            "--no-pager",
            "--no-replace-objects",
        ])
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF");
    c
}

/// Run git and return its standard output, or a message with its standard error.
pub fn run(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = command(root)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}
