//! plumb: a policy linter and CI gatekeeper for DevOps files.
//!
//! Data flows one way: [`discover`] -> parse once ([`source`]) -> the enabled [`rules`] of
//! each file's kind in one pass ([`engine`]) -> [`suppress`]ions -> a sorted [`report`] ->
//! one [`output`] writer.

pub mod baseline;
pub mod config;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod output;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod tls;

pub mod source;
pub mod suppress;

/// Where the project lives; rule pages, SARIF and `plumb init` link here. The one place it is
/// written is `repository` in Cargo.toml.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
