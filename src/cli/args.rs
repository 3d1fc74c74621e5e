//! Command-line definitions (clap). No logic lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;

#[derive(Parser, Debug)]
#[command(
    name = "plumb",
    version,
    about = "Policy linter and CI gatekeeper for GitHub Actions, Dockerfiles, docker-compose, Kubernetes and Terraform",
    propagate_version = true,
    args_override_self = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check files and directories (default: the current directory)
    Check(Box<CheckArgs>),
    /// List the rules
    Rules(RulesArgs),
    /// Show a rule's documentation
    Explain {
        /// Rule id, e.g. docker/non-root-user
        rule: String,
    },
    /// Run the language server (LSP 3.17 over standard input and output), for editors
    Server,
    /// Write a commented starter .plumb.yml
    Init {
        /// Where to write it
        #[arg(default_value = ".plumb.yml")]
        path: PathBuf,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files and directories to check; `-` reads standard input (name it with --stdin-filename)
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file instead of standard output
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Config file (default: .plumb.yml found walking up to the repository root)
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore any .plumb.yml
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Rules to run: ids, globs (`k8s/*`, `*/plaintext-secret`), packs, or `all` (comma-separated, repeatable); replaces the config's selection
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Rules to leave out: ids, globs or packs (comma-separated, repeatable)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Exit 1 when a finding at or above this severity remains
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Paths to leave out (globs relative to the repository root; repeatable)
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core)
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// The file name the standard input buffer stands for (with `-` as the path)
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Print each file that would be checked, with its kind, and exit
    #[arg(long)]
    pub list_files: bool,
    /// Do not honour .gitignore and .ignore files
    #[arg(long)]
    pub no_ignore: bool,
    /// Colors in human output (NO_COLOR is honoured with auto)
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    /// Skip files larger than this many bytes
    #[arg(long, default_value_t = 10 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Report only findings not recorded in this baseline file
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and exit 0)
    #[arg(long)]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings on lines added or changed since the merge-base with this git ref
    #[arg(long)]
    pub new_only_since: Option<String>,
    /// Apply safe fixes to the files, check them again, and report what is left
    #[arg(long)]
    pub fix: bool,
    /// Apply unsafe fixes too (they change behaviour on purpose); implies --fix
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them (exit 1 when there is one)
    #[arg(long)]
    pub diff: bool,
    /// Report as if no inline `plumb: ignore` comment existed (an audit of what they hide)
    #[arg(long)]
    pub no_ignores: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Only rules in this pack
    #[arg(long)]
    pub pack: Option<String>,
    /// Only rules for this file kind (workflow, action, dockerfile, compose, k8s, terraform)
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}
