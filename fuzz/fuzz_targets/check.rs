#![no_main]
//! The whole check of one file of each kind, every rule on, every output format written:
//! the first byte picks the kind, the rest is the file.
use libfuzzer_sys::fuzz_target;
use plumb::config::{Config, Selector};
use plumb::engine::{CheckOptions, check};
use plumb::output::{self, Format, HumanOptions};

const NAMES: &[&str] = &[
    ".github/workflows/ci.yml",
    "action.yml",
    "Dockerfile",
    "docker-compose.yml",
    "manifest.yaml",
    "main.tf",
    "prod.tfvars",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let name = NAMES[pick as usize % NAMES.len()];
    let mut config = Config::default();
    config.selection.select = Some(vec![Selector::All]);
    let report = check(&CheckOptions {
        paths: Vec::new(),
        stdin: Some((name.into(), text.to_string())),
        config,
        root: std::path::PathBuf::from("."),
        no_ignore: true,
        exclude: Vec::new(),
        max_file_size: 10 << 20,
        config_file: None,
        no_inline_ignores: false,
    });
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    for format in Format::ALL {
        let mut out = Vec::new();
        output::write(&report, format, &HumanOptions::default(), &mut out).unwrap();
    }
});
