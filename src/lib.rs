//! plumb: a policy linter and CI gatekeeper for DevOps files.
//!
//! The modules form one-way layers; a module imports only from layers below it (a test,
//! `tests/layers.rs`, enforces it; `docs/architecture.md` is the map):
//!
//! | layer | modules | what |
//! |---|---|---|
//! | 0 | [`paths`], [`git`], [`hash`] | path helpers; the hardened `git` command; the maps' hasher and the per-thread text memory |
//! | 1 | [`source`] | one parser per file kind, typed views, embedded scripts, comments |
//! | 2 | [`project`] | a check's files: text, model, comments, scripts; cross-file reads |
//! | 3 | [`detect`] | detectors rules share: secrets, TLS |
//! | 4 | [`api`] | the rule API: metadata, hooks, context, findings, options |
//! | 5 | [`rules`] | the rules, one file each, and the registry |
//! | 6 | [`config`] | `.plumb.yml` and rule selection |
//! | 7 | [`report`] | resolved findings for output |
//! | 8 | [`discover`], [`suppress`] | paths -> files; inline suppressions |
//! | 9 | [`engine`] | parse once, walk once, suppress, resolve |
//! | 10 | [`gate`] | baselines, `--new-only-since`, `--fail-on` |
//! | 11 | [`output`] | one writer per format |
//! | 12 | `server` | the language server (`plumb server`) |
//! | 13 | [`cli`] | the command line |

pub mod api;
pub mod cli;
pub mod config;
pub(crate) mod detect;
pub(crate) mod discover;
pub mod engine;
pub(crate) mod gate;
pub(crate) mod git;
pub(crate) mod hash;
pub mod output;
pub(crate) mod paths;
pub mod project;
pub mod report;
pub mod rules;
pub(crate) mod server;
pub mod source;
pub(crate) mod suppress;

/// Where the project lives; rule pages, SARIF and `plumb init` link here. The one place it is
/// written is `repository` in Cargo.toml.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
