//! Filter patterns of `branches`, `tags` and `paths` ("Workflow syntax", Filter pattern cheat
//! sheet): `*` (not `/`), `**`, `?` and `+` (zero-or-one and one-or-more of the preceding
//! character), `[...]` classes with `a-z`, `A-Z`, `0-9` ranges, a leading `!` negating, and
//! `\` escaping one special character. They are globs, not regular expressions.

/// What kind of names a pattern matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Branch and tag names (git ref names).
    Ref,
    /// File paths from the repository root.
    Path,
}

/// A problem in a pattern: byte range within it, message, and whether GitHub refuses the
/// workflow (`true`) or the pattern only never matches what it seems to (`false`).
#[derive(Debug, PartialEq, Eq)]
pub struct GlobProblem {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub fatal: bool,
}

const SPECIAL: &[u8] = b"*?+[]!\\";

fn problem(start: usize, end: usize, message: String, fatal: bool) -> Option<GlobProblem> {
    Some(GlobProblem {
        start,
        end,
        message,
        fatal,
    })
}

/// The first problem of `pat`, if any.
pub fn check(pat: &str, target: Target) -> Option<GlobProblem> {
    let b = pat.as_bytes();
    if pat.is_empty() {
        return problem(0, 0, "empty pattern".into(), true);
    }
    let body_start = usize::from(b[0] == b'!');
    let mut i = body_start;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                let Some(&n) = b.get(i + 1) else {
                    return problem(i, i + 1, "a trailing `\\` escapes nothing".into(), true);
                };
                if !SPECIAL.contains(&n) {
                    let ch = pat[i + 1..].chars().next().unwrap_or('?');
                    return problem(
                        i,
                        i + 1 + ch.len_utf8(),
                        format!(
                            "`\\{ch}` matches a literal `{ch}`: filters are globs, not regular expressions (`\\` only escapes * ? + [ ] ! \\)"
                        ),
                        false,
                    );
                }
                i += 2;
                continue;
            }
            b'[' => {
                let Some(close) = pat[i + 1..].find(']').map(|c| c + i + 1) else {
                    return problem(i, b.len(), "`[` is not closed by `]`".into(), true);
                };
                let class = &b[i + 1..close];
                if class.is_empty() {
                    return problem(i, close + 1, "empty character class `[]`".into(), true);
                }
                let mut j = 0;
                while j < class.len() {
                    if j + 2 < class.len() && class[j + 1] == b'-' {
                        let (a, z) = (class[j], class[j + 2]);
                        let same_kind = (a.is_ascii_lowercase() && z.is_ascii_lowercase())
                            || (a.is_ascii_uppercase() && z.is_ascii_uppercase())
                            || (a.is_ascii_digit() && z.is_ascii_digit());
                        if !same_kind || a > z {
                            return problem(
                                i + 1 + j,
                                i + 4 + j,
                                format!(
                                    "range `{}-{}` is not one of a-z, A-Z or 0-9 in order",
                                    a as char, z as char
                                ),
                                true,
                            );
                        }
                        j += 3;
                    } else {
                        j += 1;
                    }
                }
                i = close + 1;
                continue;
            }
            b'?' | b'+' if i == body_start => {
                return problem(
                    i,
                    i + 1,
                    format!(
                        "`{}` repeats the preceding character, and nothing precedes it",
                        b[i] as char
                    ),
                    false,
                );
            }
            _ => {}
        }
        i += 1;
    }
    match target {
        Target::Ref => {
            for (at, ch) in pat.char_indices() {
                if ch == ' ' || ch == '~' || ch == '^' || ch == ':' || ch.is_control() {
                    return problem(
                        at,
                        at + ch.len_utf8(),
                        format!(
                            "git branch and tag names cannot contain {ch:?}: the pattern never matches"
                        ),
                        false,
                    );
                }
            }
        }
        Target::Path => {
            let body = &pat[body_start..];
            if body.starts_with("./") {
                return problem(
                    body_start,
                    body_start + 2,
                    "paths are matched from the repository root without a leading `./`: the pattern never matches".into(),
                    false,
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_patterns() {
        for p in [
            "main",
            "releases/**",
            "*",
            "v[12].[0-9]+.[0-9]+",
            "!docs/**",
            "**.js",
            "*.jsx?",
            "feature/\\*",
            "v1.*",
        ] {
            assert_eq!(check(p, Target::Ref), None, "{p}");
        }
        assert_eq!(check("docs/**/*.md", Target::Path), None);
    }

    #[test]
    fn bad_patterns() {
        assert!(check("release/[0-9", Target::Ref).unwrap().fatal);
        assert!(check("a[]", Target::Ref).unwrap().fatal);
        assert!(check("v[9-0]", Target::Ref).unwrap().fatal);
        let p = check("prefect-\\w+-[0-9]+.*", Target::Ref).unwrap();
        assert!(!p.fatal);
        assert_eq!((p.start, p.end), (8, 10));
        assert!(!check("feature branch", Target::Ref).unwrap().fatal);
        assert!(!check("./src/**", Target::Path).unwrap().fatal);
        assert!(!check("+x", Target::Ref).unwrap().fatal);
    }
}
