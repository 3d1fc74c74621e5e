//! `ARG`/`ENV` substitution in `FROM` images, as BuildKit does it.

/// Substitute `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:+x}`, `${VAR+x}` from
/// `env` (later entries win; `None` = declared without a value). Returns the text and
/// whether some variable had no value.
pub(super) fn expand(
    s: &str,
    env: &[(String, Option<String>)],
    escape: u8,
    depth: usize,
) -> (String, bool) {
    if depth > 4 {
        return (s.to_string(), true);
    }
    let lookup = |name: &str| -> Option<&str> {
        env.iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    };
    let b = s.as_bytes();
    let mut out = String::new();
    let mut unresolved = false;
    let mut i = 0;
    let mut lit = 0; // start of the pending literal run
    while i < b.len() {
        let c = b[i];
        if c == escape && b.get(i + 1) == Some(&b'$') {
            out.push_str(&s[lit..i]);
            out.push('$');
            i += 2;
            lit = i;
            continue;
        }
        if c != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'{') => {
                // the matching `}`, counting nested `${`
                let mut depth_b = 1;
                let mut j = i + 2;
                while j < b.len() {
                    if b[j] == b'$' && b.get(j + 1) == Some(&b'{') {
                        depth_b += 1;
                        j += 1;
                    } else if b[j] == b'}' {
                        depth_b -= 1;
                        if depth_b == 0 {
                            break;
                        }
                    }
                    j += 1;
                }
                out.push_str(&s[lit..i]);
                if j >= b.len() {
                    out.push_str(&s[i..]);
                    return (out, true);
                }
                let inner = &s[i + 2..j];
                let name_len = inner
                    .bytes()
                    .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
                    .unwrap_or(inner.len());
                let (name, op) = inner.split_at(name_len);
                let val = lookup(name);
                let set = val.is_some();
                let nonempty = val.is_some_and(|v| !v.is_empty());
                let sub = |w: &str, out: &mut String| {
                    let (x, u) = expand(w, env, escape, depth + 1);
                    out.push_str(&x);
                    u
                };
                if name.is_empty() {
                    out.push_str(&s[i..=j]);
                    unresolved = true;
                } else if op.is_empty() {
                    match val {
                        Some(v) => out.push_str(v),
                        None => unresolved = true,
                    }
                } else if let Some(w) = op.strip_prefix(":-") {
                    match val {
                        Some(v) if nonempty => out.push_str(v),
                        _ => unresolved |= sub(w, &mut out),
                    }
                } else if let Some(w) = op.strip_prefix(":+") {
                    if nonempty {
                        unresolved |= sub(w, &mut out);
                    }
                } else if let Some(w) = op.strip_prefix('-') {
                    match val {
                        Some(v) => out.push_str(v),
                        None => unresolved |= sub(w, &mut out),
                    }
                } else if let Some(w) = op.strip_prefix('+') {
                    if set {
                        unresolved |= sub(w, &mut out);
                    }
                } else {
                    // `${VAR:?msg}` and pattern modifiers: keep the value when there is one
                    match val {
                        Some(v) => out.push_str(v),
                        None => unresolved = true,
                    }
                    if !op.starts_with(":?") && !op.starts_with('?') {
                        unresolved = true;
                    }
                }
                i = j + 1;
                lit = i;
            }
            Some(&n) if n.is_ascii_alphabetic() || n == b'_' => {
                out.push_str(&s[lit..i]);
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                match lookup(&s[i + 1..j]) {
                    Some(v) => out.push_str(v),
                    None => unresolved = true,
                }
                i = j;
                lit = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&s[lit..]);
    (out, unresolved)
}
