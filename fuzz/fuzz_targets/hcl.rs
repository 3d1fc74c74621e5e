#![no_main]
//! The Terraform layer: parse, then resolve every attribute through a module.
use libfuzzer_sys::fuzz_target;
use plumb::source::terraform::{self, Body, Module};

fn exprs<'a>(body: &'a Body, out: &mut Vec<&'a terraform::Expr>, depth: usize) {
    if depth > 32 {
        return;
    }
    for a in &body.attributes {
        out.push(&a.value);
    }
    for b in &body.blocks {
        let _ = b.address();
        exprs(&b.body, out, depth + 1);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(tf) = terraform::parse(text) {
            let m = Module::new(&[(0, &tf)]);
            let mut all = Vec::new();
            exprs(&tf.body, &mut all, 0);
            for e in all {
                let _ = (m.resolve(0, e), e.as_str(), e.as_bool(), e.var_ref());
            }
        }
    }
});
