#![no_main]
//! The Dockerfile parser and the shell lexer behind RUN, with every accessor rules use.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let d = plumb::source::dockerfile::parse(text);
        for i in &d.instructions {
            let _ = (i.words(), i.key_values(), i.commands());
            for f in &i.flags {
                let _ = f.mount_kv();
            }
        }
        if let Some(s) = d.final_stage() {
            let _ = (d.effective_user(s), d.healthcheck(s), d.root_image(s));
        }
        let _ = plumb::source::shell::parse_script(text);
    }
});
