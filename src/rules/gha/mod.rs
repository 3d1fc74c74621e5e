pub mod common;
pub mod deploy_without_tests;
pub mod excessive_permissions;
pub mod template_injection;
pub mod unpinned_action;
