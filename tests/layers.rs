//! The layer rule: a module imports only from layers below its own (docs/architecture.md).
//! Every `crate::<module>` path in non-test code is checked against the table below; a path
//! that points up the stack, or at a module the table does not know, fails the test.

use std::path::{Path, PathBuf};

/// Top-level modules, bottom first. Modules on one line share a layer and may not import
/// each other.
const LAYERS: &[&[&str]] = &[
    &["paths", "git", "hash"],
    &["source"],
    &["project"],
    &["detect"],
    &["api", "rule"],
    &["rules"],
    &["config"],
    &["report"],
    &["discover", "suppress"],
    &["engine"],
    &["gate"],
    &["output"],
    &["server"],
    &["cli"],
];

/// Items of the crate root that any layer may use.
const ROOT_ITEMS: &[&str] = &["REPOSITORY", "VERSION"];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read src").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its test module(s) and comments.
fn non_test_code(text: &str) -> String {
    let code = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    code.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn no_module_imports_up_the_stack() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src");
        let first = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let module = first.trim_end_matches(".rs");
        if matches!(module, "lib" | "main") {
            continue;
        }
        let Some(own) = layer_of(module) else {
            problems.push(format!(
                "{}: module `{module}` has no layer in tests/layers.rs",
                rel.display()
            ));
            continue;
        };
        // test modules live in their own files too (`mod tests;`)
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(f).expect("read");
        let code = non_test_code(&text);
        checked += 1;
        let mut rest = code.as_str();
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            rest = &after[name.len()..];
            // `$crate::` inside macros, and the crate root's own items
            if i > 0 && code_before(&code, &rest_offset(&code, rest, name.len())) {
                continue;
            }
            if ROOT_ITEMS.contains(&name.as_str()) || name == module {
                continue;
            }
            match layer_of(&name) {
                None => problems.push(format!(
                    "{}: imports crate::{name}, which has no layer",
                    rel.display()
                )),
                Some(l) if l >= own => problems.push(format!(
                    "{}: `{module}` (layer {own}) imports crate::{name} (layer {l}): up the stack",
                    rel.display()
                )),
                Some(_) => {}
            }
        }
    }
    assert!(checked > 50, "only {checked} files checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Byte offset in `code` where the path whose remainder is `rest` started.
fn rest_offset(code: &str, rest: &str, name_len: usize) -> usize {
    code.len() - rest.len() - name_len - "crate::".len()
}

/// Whether the `crate::` at `at` is `$crate::` (a macro's own path).
fn code_before(code: &str, at: &usize) -> bool {
    *at > 0 && code.as_bytes()[at - 1] == b'$'
}

/// The layer table must match the crate's modules.
#[test]
fn every_top_level_module_has_a_layer() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("lib.rs");
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("pub(crate) mod "))
        })
        .map(|l| l.trim_end_matches(';'))
        .collect();
    assert!(declared.len() >= 10, "{declared:?}");
    for m in &declared {
        assert!(layer_of(m).is_some(), "module {m} is missing from LAYERS");
    }
}
