//! Path helpers shared by every layer: lexical normalisation, the directory of a path, and the
//! `/`-separated display path relative to the repository root. The bottom of the stack: it
//! imports nothing from the crate.

use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

/// The directory holding `path` (`.` for a bare file name).
pub fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Lexical normalisation: drop `.`, fold `..`, no file-system access.
pub fn normalize(path: &Path) -> PathBuf {
    // the usual path is normal already: copied as it is (the component walk and pushes were
    // most of Project::file's cost on real-world workflows)
    if already_normal(path) {
        return path.to_path_buf();
    }
    fold(path)
}

/// [`normalize`]'s component walk.
fn fold(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Whether [`normalize`] would give `path` back as it is: `/`-separated (Unix), no `.` or
/// `..` part, no empty part (a doubled or trailing separator) but the root's.
fn already_normal(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let rest = bytes.strip_prefix(b"/").unwrap_or(bytes);
    !rest.is_empty()
        && rest
            .split(|&b| b == b'/')
            .all(|part| !matches!(part, b"" | b"." | b".."))
}

static CWD: LazyLock<PathBuf> = LazyLock::new(|| std::env::current_dir().unwrap_or_default());

/// `path` made absolute against the working directory, then normalised.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        normalize(&CWD.join(path))
    }
}

/// `path` relative to `root` with `/` separators: GitHub needs every uri relative to the
/// repository root, whatever directory was scanned. Paths outside the root stay as given.
/// The result is a display name ([`display`]): distinct files get distinct names.
pub fn rel_path(root: &Path, path: &Path) -> String {
    rel_path_abs(&absolute(root), path, &absolute(path))
}

/// [`rel_path`] with the root and the path already made [`absolute`] (`root_abs`, `abs`):
/// a walk names every file from one root, and making the root absolute per file was a
/// third of naming it.
pub fn rel_path_abs(root_abs: &Path, path: &Path, abs: &Path) -> String {
    let shown = match abs.strip_prefix(root_abs) {
        Ok(r) => r.to_path_buf(),
        Err(_) => {
            // the same places under other names (a symlinked temp dir, say)
            let canon_root =
                std::fs::canonicalize(root_abs).unwrap_or_else(|_| root_abs.to_path_buf());
            let canon = std::fs::canonicalize(abs).unwrap_or_else(|_| abs.to_path_buf());
            match canon.strip_prefix(&canon_root) {
                Ok(r) => r.to_path_buf(),
                Err(_) => normalize(path),
            }
        }
    };
    let s = display(&shown);
    if s.is_empty() { ".".into() } else { s }
}

/// A path as plumb shows it: components joined with `/`, and every byte or character that
/// could mislead a reader or a log parser escaped: `\` for a backslash (a file name on Unix
/// may hold one; shown raw, `deploy\app.yaml` would pass for `deploy/app.yaml`), `\xNN`
/// for bytes that are not UTF-8 and for control characters, `\u{NNNN}` for C1 controls
/// and for the characters that reorder text (bidi overrides and isolates). Since the
/// backslash itself is escaped, two different paths never get one display name.
pub fn display(path: &Path) -> String {
    let mut out = String::new();
    for (i, c) in path.components().enumerate() {
        if i > 0 && !out.ends_with('/') {
            out.push('/');
        }
        match c {
            Component::RootDir => out.push('/'),
            other => escape_component(other.as_os_str(), &mut out),
        }
    }
    out
}

/// The display name of a path given as raw bytes with `/` separators (as git lists them).
pub fn display_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    escape_bytes(bytes, &mut out);
    out
}

#[cfg(unix)]
fn escape_component(name: &std::ffi::OsStr, out: &mut String) {
    use std::os::unix::ffi::OsStrExt;
    escape_bytes(name.as_bytes(), out);
}

#[cfg(not(unix))]
fn escape_component(name: &std::ffi::OsStr, out: &mut String) {
    escape_str(&name.to_string_lossy(), out);
}

fn escape_bytes(mut bytes: &[u8], out: &mut String) {
    while !bytes.is_empty() {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                escape_str(s, out);
                return;
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                escape_str(std::str::from_utf8(good).unwrap_or_default(), out);
                let bad = e.error_len().unwrap_or(rest.len()).max(1);
                for b in &rest[..bad] {
                    out.push_str(&format!("\\x{b:02x}"));
                }
                bytes = &rest[bad..];
            }
        }
    }
}

fn escape_str(s: &str, out: &mut String) {
    // the usual name, printable ASCII without a backslash: as it is, at once (a character
    // at a time was a third of naming each of 1,080 workflows given on the command line)
    if s.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'\\') {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_misleading(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
}

/// C1 controls and the characters that reorder or hide text in a terminal or a web page:
/// bidi embeddings, overrides and isolates, the directional marks, zero-width joiners and
/// the byte-order mark inside a name.
pub fn is_misleading(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{9f}'
        | '\u{061c}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}'
        | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortcut_gives_what_the_component_walk_gives() {
        // normalize without its shortcut is the oracle
        let paths = [
            "",
            "/",
            "//",
            "a",
            "/a",
            "a/b",
            "/a/b/c.yml",
            "a/",
            "/a/",
            "a//b",
            "./a",
            "a/.",
            "a/..",
            "../a",
            "/..",
            "a/./b",
            ".",
            "..",
            ".a",
            "a..",
            "...",
            "a/.b/c",
            "/x/y..z/",
            "a/b/../../..",
            "é/ü",
        ];
        let mut shortcut = 0;
        for p in paths {
            let p = Path::new(p);
            assert_eq!(normalize(p), fold(p), "{}", p.display());
            shortcut += usize::from(already_normal(p));
        }
        assert!(shortcut > 5, "{shortcut}");
    }

    #[test]
    fn normalize_folds_dots() {
        assert_eq!(normalize(Path::new("./a/../b/./c")), PathBuf::from("b/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(normalize(Path::new("")), PathBuf::from("."));
    }

    #[test]
    fn parent_of_bare_name_is_dot() {
        assert_eq!(parent(Path::new("Dockerfile")), Path::new("."));
        assert_eq!(parent(Path::new("a/Dockerfile")), Path::new("a"));
    }

    #[test]
    fn rel_path_is_slash_separated_and_relative() {
        let root = std::env::temp_dir();
        assert_eq!(rel_path(&root, &root.join("a").join("b.yml")), "a/b.yml");
        assert_eq!(rel_path(&root, &root), ".");
    }

    #[test]
    fn display_names_are_escaped_and_distinct() {
        assert_eq!(display(Path::new("a/b.yml")), "a/b.yml");
        assert_eq!(display(Path::new("deploy\\app.yaml")), "deploy\\\\app.yaml");
        assert_eq!(display(Path::new("a\nb\u{1b}[2J")), "a\\x0ab\\x1b[2J");
        assert_eq!(display(Path::new("x\u{202e}lmy.yml")), "x\\u{202e}lmy.yml");
        assert_eq!(
            display_bytes(b"caf\xc3\xa9/\xff.yml"),
            "caf\u{e9}/\\xff.yml"
        );
        // an invalid byte and its U+FFFD spelling stay apart
        assert_ne!(
            display_bytes(b"a\xff.yml"),
            display_bytes("a\u{fffd}.yml".as_bytes())
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let p = Path::new(std::ffi::OsStr::from_bytes(b"d/\xff.yml"));
            assert_eq!(display(p), "d/\\xff.yml");
        }
    }
}
