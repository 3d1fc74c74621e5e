//! Knowledge rules share, with its data tables: which base images run as a non-root user,
//! and where coverage thresholds live in a repository's config files.

pub mod anchors;
pub mod coverage;
pub mod edit;
pub mod images;
pub mod node_agent;
pub mod providers;
