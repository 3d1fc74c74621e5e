//! Unified diffs of fixed files (`plumb check --diff`), as `diff -u` and `git apply` read
//! them: `--- a/<file>` / `+++ b/<file>` headers, hunks with three lines of context.

use similar::TextDiff;

/// The unified diff from `before` to `after` of the file shown as `rel`; empty when they are
/// equal. A file not ending in a newline gets git's `\ No newline at end of file` marker.
pub fn unified(rel: &str, before: &str, after: &str) -> String {
    if before == after {
        return String::new();
    }
    // control characters in a file name must not reach a terminal
    let rel = rel.replace(char::is_control, "?");
    let diff = TextDiff::from_lines(before, after);
    diff.unified_diff()
        .context_radius(3)
        .missing_newline_hint(true)
        .header(&format!("a/{rel}"), &format!("b/{rel}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_headers() {
        let d = unified(
            "Dockerfile",
            "FROM a\nRUN pip install x\nUSER app\n",
            "FROM a\nRUN pip install --no-cache-dir x\nUSER app\n",
        );
        assert_eq!(
            d,
            "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n FROM a\n-RUN pip install x\n+RUN pip install --no-cache-dir x\n USER app\n"
        );
        assert_eq!(unified("x", "same\n", "same\n"), "");
    }

    #[test]
    fn no_newline_at_end() {
        let d = unified("f", "a\nb", "a\nc");
        assert!(d.contains("\\ No newline at end of file"), "{d}");
    }
}
