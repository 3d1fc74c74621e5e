pub mod hardcoded_token;
