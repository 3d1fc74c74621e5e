#![no_main]
//! The `${{ }}` expression finder and parser.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for e in plumb::source::expr::find(text) {
            let _ = (e.contexts(), e.expanded());
        }
        let _ = plumb::source::expr::parse(text, 0);
    }
});
