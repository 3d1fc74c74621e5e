pub mod common;
pub mod coverage_gate;
pub mod deploy_without_tests;
pub mod excessive_permissions;
pub mod secrets_inherit;
pub mod template_injection;
pub mod test_gate_bypass;
pub mod unpinned_action;
