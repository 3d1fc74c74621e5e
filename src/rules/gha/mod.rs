pub mod common;
pub mod coverage_gate;
pub mod deploy_without_tests;
pub mod excessive_permissions;
pub mod template_injection;
pub mod unpinned_action;
