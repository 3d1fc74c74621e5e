//! plumb: a policy linter and CI gatekeeper for DevOps files.

pub mod source;
