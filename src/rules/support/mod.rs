//! Knowledge several rules share, with its data tables: which base images run as a
//! non-root user.

pub mod images;
