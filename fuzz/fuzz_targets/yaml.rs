#![no_main]
//! The YAML layer: load any bytes, then walk every document through the accessors rules use.
use libfuzzer_sys::fuzz_target;
use plumb::source::yaml::{Yaml, YamlFile};

fn walk(y: Yaml<'_>, text: &str, depth: usize) {
    if depth > 64 {
        return;
    }
    let _ = (y.as_str(), y.as_bool(), y.as_i64(), y.span().text(text));
    let _ = y.value_map(text).to_source(y.scalar().map_or(0, str::len));
    for (k, v) in y.entries() {
        let _ = k.scalar();
        walk(v, text, depth + 1);
    }
    for i in y.items() {
        walk(i, text, depth + 1);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let f = YamlFile::parse(text);
        for doc in f.documents() {
            walk(doc, text, 0);
        }
    }
});
