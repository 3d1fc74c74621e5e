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
pub fn rel_path(root: &Path, path: &Path) -> String {
    let abs = absolute(path);
    let root_abs = absolute(root);
    let shown = match abs.strip_prefix(&root_abs) {
        Ok(r) => r.to_path_buf(),
        Err(_) => {
            // the same places under other names (a symlinked temp dir, say)
            let canon_root = std::fs::canonicalize(&root_abs).unwrap_or(root_abs);
            let canon = std::fs::canonicalize(&abs).unwrap_or_else(|_| abs.clone());
            match canon.strip_prefix(&canon_root) {
                Ok(r) => r.to_path_buf(),
                Err(_) => normalize(path),
            }
        }
    };
    let s = shown.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
