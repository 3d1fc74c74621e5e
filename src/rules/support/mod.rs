//! Knowledge rules share, with its data tables: which base images run as a non-root user,
//! where coverage thresholds live in a repository's config files, and the GitHub Actions
//! schema, contexts and data tables of the workflow correctness rules.

pub mod anchors;
pub mod coverage;
pub mod edit;
pub mod fetch_pipe;
pub mod follow;
pub mod gha;
pub mod images;
pub mod node_agent;
pub mod providers;
