pub mod unpinned_action;
