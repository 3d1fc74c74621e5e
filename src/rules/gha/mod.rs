pub mod common;
pub mod template_injection;
pub mod unpinned_action;
