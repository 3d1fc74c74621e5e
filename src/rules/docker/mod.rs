pub mod non_root_user;
