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

/// Where the project lives; rule pages link here.
pub const REPOSITORY: &str = "https://github.com/plumb-dev/plumb";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
