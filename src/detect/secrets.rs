//! One secrets engine for every file kind: which names look secret, whether a value is a
//! reference, a template placeholder or a literal, and known token formats in raw text.
//! Every `*/plaintext-secret` rule and `secrets/hardcoded-token` decide through here.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use crate::source::Span;

/// Words that make a name look secret, matched on the name's lowercase words (split on `_`,
/// `-`, `.` and camelCase) or as a suffix of a glued word (`dbpassword`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "secretkey",
    "clientsecret",
    "credential",
    "credentials",
    "auth",
    "authtoken",
    "passphrase",
    "connectionstring",
    "dsn",
    "signingkey",
    "encryptionkey",
    "masterkey",
    "requirepass",
];

/// Pairs of words that together look secret (`api_key`, `private_key`, `access_key`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("client", "secret"),
    ("connection", "string"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("account", "key"),
    ("shared", "key"),
    ("auth", "key"),
];

/// Words that, present in a name, say it is about a secret rather than one: a length, a
/// path, a file, a flag, a time.
const BENIGN_WORDS: &[&str] = &[
    "file",
    "path",
    "dir",
    "length",
    "len",
    "min",
    "max",
    "expiry",
    "expires",
    "expiration",
    "ttl",
    "timeout",
    "url",
    "uri",
    "endpoint",
    "enabled",
    "enable",
    "disabled",
    "disable",
    "required",
    "require",
    "policy",
    "type",
    "name",
    "id",
    "arn",
    "ref",
    "version",
    "rotation",
    "count",
    "size",
    "format",
    "mode",
    "method",
    "header",
    "prefix",
    "hint",
    "user",
    "username",
    "lifetime",
    "duration",
    "age",
    "reset",
    "provider",
    "store",
    "manager",
    "location",
    "kind",
    "algorithm",
    "scope",
    "scopes",
    "audience",
    "issuer",
    "hash",
    "sha",
    "checksum",
    "public",
];

/// Split a name into lowercase words: `DB_PASSWORD` -> [db, password], `clientSecret` ->
/// [client, secret].
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' || c == ' ' || c == '/' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a key name looks like it holds a secret (`POSTGRES_PASSWORD`, `apiKey`,
/// `client_secret`), and not like something about one (`password_min_length`,
/// `TOKEN_EXPIRY`, `DB_PASSWORD_FILE`). `extra` are the config's `secret-names`.
pub fn is_secret_name(name: &str, extra: &[String]) -> bool {
    let w = words(name);
    if w.is_empty() {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    if extra
        .iter()
        .any(|e| e.eq_ignore_ascii_case(name) || words(e) == w)
    {
        return true;
    }
    if w.iter().any(|x| BENIGN_WORDS.contains(&x.as_str())) {
        return false;
    }
    if lower.ends_with("_file") || lower.ends_with("_path") {
        return false;
    }
    let secret_word = w.iter().any(|x| {
        SECRET_WORDS.contains(&x.as_str())
            || ["password", "passwd", "secret", "token", "apikey"]
                .iter()
                .any(|s| x.len() > s.len() && x.ends_with(s))
    });
    let pair = w
        .windows(2)
        .any(|p| SECRET_PAIRS.contains(&(p[0].as_str(), p[1].as_str())));
    // `pass` alone is too broad (`pass_through`); only as the last word
    if !pair && w.iter().all(|x| x != "pass" || Some(x) != w.last()) && !secret_word {
        return false;
    }
    if w.last().is_some_and(|l| l == "pass") || pair || secret_word {
        // `auth` alone is a secret only as the final word (`basic_auth`, not `auth_mode`)
        if w.iter().any(|x| x == "auth")
            && !pair
            && !w
                .iter()
                .any(|x| SECRET_WORDS.contains(&x.as_str()) && x != "auth")
        {
            return w.last().is_some_and(|l| l == "auth" || l == "authtoken");
        }
        if w.iter().any(|x| x == "pass")
            && !pair
            && !w
                .iter()
                .any(|x| SECRET_WORDS.contains(&x.as_str()) && x != "pass")
        {
            return w.last().is_some_and(|l| l == "pass");
        }
        return true;
    }
    false
}

/// What a value written next to a secret-like name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Empty, or a reference resolved elsewhere: `${VAR}`, `${{ secrets.X }}`, `var.x`,
    /// `$(cat /run/secrets/x)`, `$VAR`, `{{ .Values.x }}`.
    Reference,
    /// An obvious template marker: `<your-token>`, `xxx`, `REPLACE_ME`, `changeme`-style
    /// markers are NOT placeholders (a shipped default is a secret).
    Placeholder,
    /// Not a secret at all: a boolean, a number.
    NotSecret,
    /// A literal: a plaintext secret.
    Literal,
}

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*(?:
            \$\{\{.*\}\}            # GitHub expression
          | \$\{[A-Za-z_][A-Za-z0-9_]*\}   # ${VAR}
          | \$[A-Za-z_][A-Za-z0-9_]*      # $VAR
          | \$\(.*\)                      # $(command)
          | \{\{.*\}\}                    # templating
          | (?:var|local|data|module)\.[A-Za-z0-9_.\[\]]+   # terraform
          | arn:aws:(?:secretsmanager|ssm):.*
          | (?:vault|sm|ssm|akv|gcpsm|op)://.*
          | @Microsoft\.KeyVault\(.*\)
        )\s*$",
    )
    .expect("reference regex")
});

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^\s*(?:
            <[^>]*>                      # <your-token>
          | \[[^\]]*\]                   # [token]
          | x{3,} | \*{3,} | \.{3} | …
          | (?:replace|insert|fill)[-_ ]?(?:me|this|here|your.*|in)
          | your[-_ ]?\w*
          | todo | tbd | fixme | placeholder | example | dummy | redacted | none | null | nil | n/a
        )\s*$",
    )
    .expect("placeholder regex")
});

/// Judge a value written for a secret-like name.
pub fn judge(value: &str) -> ValueKind {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() {
        return ValueKind::Reference;
    }
    if REFERENCE.is_match(v) {
        return ValueKind::Reference;
    }
    if PLACEHOLDER.is_match(v) {
        return ValueKind::Placeholder;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off"
    ) || v.parse::<f64>().is_ok_and(|_| v.len() < 6)
    {
        return ValueKind::NotSecret;
    }
    ValueKind::Literal
}

/// A `${VAR:-default}` / `${VAR-default}` interpolation whose default is a literal:
/// (the default, its byte range in `value`).
pub fn literal_default(value: &str) -> Option<(&str, (usize, usize))> {
    static DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}").expect("default regex")
    });
    let c = DEFAULT.captures(value)?;
    let m = c.get(1)?;
    (!m.as_str().contains('$') && judge(m.as_str()) == ValueKind::Literal)
        .then_some((m.as_str(), (m.start(), m.end())))
}

/// A URL with a password in its userinfo: `postgres://user:pass@db:5432/app`. Returns the
/// password's byte range. A password that is a reference (`${DB_PASS}`) does not count.
pub fn url_password(value: &str) -> Option<(usize, usize)> {
    static URL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[A-Za-z][A-Za-z0-9+.\-]*://([^\s:/@]+):([^\s/@]+)@[^\s/@]").expect("url regex")
    });
    for c in URL.captures_iter(value) {
        let m = c.get(2)?;
        if judge(m.as_str()) == ValueKind::Literal {
            return Some((m.start(), m.end()));
        }
    }
    None
}

/// A known token format.
#[derive(Debug)]
pub struct TokenRule {
    pub provider: &'static str,
    pub pattern: &'static str,
    /// High: the format alone is proof. Medium: JWTs and the like.
    pub high: bool,
}

/// Known token formats, in the order they are reported.
pub const TOKENS: &[TokenRule] = &[
    TokenRule {
        provider: "AWS access key id",
        pattern: r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
        high: true,
    },
    TokenRule {
        provider: "GitHub token",
        pattern: r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b",
        high: true,
    },
    TokenRule {
        provider: "GitHub fine-grained token",
        pattern: r"\bgithub_pat_[A-Za-z0-9_]{82}\b",
        high: true,
    },
    TokenRule {
        provider: "GitLab token",
        pattern: r"\bglpat-[A-Za-z0-9_\-]{20,}\b",
        high: true,
    },
    TokenRule {
        provider: "Slack token",
        pattern: r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b",
        high: true,
    },
    TokenRule {
        provider: "Slack webhook",
        pattern: r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+",
        high: true,
    },
    TokenRule {
        provider: "Stripe live key",
        pattern: r"\b(?:sk|rk)_live_[A-Za-z0-9]{20,}\b",
        high: true,
    },
    TokenRule {
        provider: "Google API key",
        pattern: r"\bAIza[0-9A-Za-z_\-]{35}\b",
        high: true,
    },
    TokenRule {
        provider: "private key",
        pattern: r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----",
        high: true,
    },
    TokenRule {
        provider: "npm token",
        pattern: r"\bnpm_[A-Za-z0-9]{36}\b",
        high: true,
    },
    TokenRule {
        provider: "PyPI token",
        pattern: r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
        high: true,
    },
    TokenRule {
        provider: "SendGrid key",
        pattern: r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b",
        high: true,
    },
    TokenRule {
        provider: "Twilio key",
        pattern: r"\bSK[0-9a-f]{32}\b",
        high: true,
    },
    TokenRule {
        provider: "OpenAI key",
        pattern: r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}\b",
        high: true,
    },
    TokenRule {
        provider: "Anthropic key",
        pattern: r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,}\b",
        high: true,
    },
    TokenRule {
        provider: "Azure storage key",
        pattern: r"AccountKey=[A-Za-z0-9+/=]{60,}",
        high: true,
    },
    TokenRule {
        provider: "JSON Web Token",
        pattern: r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",
        high: false,
    },
];

static TOKEN_SET: LazyLock<RegexSet> =
    LazyLock::new(|| RegexSet::new(TOKENS.iter().map(|t| t.pattern)).expect("token set"));
static TOKEN_RES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    TOKENS
        .iter()
        .map(|t| Regex::new(t.pattern).expect("token regex"))
        .collect()
});

/// A token found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHit {
    pub provider: &'static str,
    pub high: bool,
    pub range: (usize, usize),
}

/// Every known-format token in `text`, in order of position.
pub fn find_tokens(text: &str) -> Vec<TokenHit> {
    let matched = TOKEN_SET.matches(text);
    if !matched.matched_any() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for i in matched.iter() {
        for m in TOKEN_RES[i].find_iter(text) {
            out.push(TokenHit {
                provider: TOKENS[i].provider,
                high: TOKENS[i].high,
                range: (m.start(), m.end()),
            });
        }
    }
    out.sort_by_key(|h| h.range);
    out
}

/// The redacted form of a secret value: its first two characters and its length.
/// `hunter22` -> `hu…(8 chars)`. Values of four characters or fewer show nothing.
pub fn redact(value: &str) -> String {
    let n = value.chars().count();
    if n <= 4 {
        return format!("…({n} chars)");
    }
    let head: String = value.chars().take(2).collect();
    format!("{head}…({n} chars)")
}

/// Mask the secret spans of a text in place of their characters, keeping byte offsets
/// valid: every byte after the first two characters of each span becomes `*`, line breaks
/// excepted.
pub fn mask_secrets(text: &str, secrets: &[Span]) -> String {
    if secrets.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    for s in secrets {
        let Some(value) = text.get(s.start..s.end) else {
            continue;
        };
        let keep: usize = if value.chars().count() <= 4 {
            0
        } else {
            value.chars().take(2).map(char::len_utf8).sum()
        };
        for b in &mut bytes[s.start + keep..s.end] {
            // line breaks stay, so every line after a masked multi-line value keeps its number
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Each masked span covered whole characters and became ASCII, so this is UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

// ---------------------------------------------------------------------------------------------
// Credentials by their shape, and what the engine masks whatever the rules found
// ---------------------------------------------------------------------------------------------

/// A credential found in raw text by its shape: a password in a URL, on a command line, in a
/// config line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialHit {
    /// What it is, for messages: `password in a URL`.
    pub what: &'static str,
    /// The password's byte range.
    pub range: (usize, usize),
}

/// Words that stand for a password in examples (`https://user:password@host`).
fn example_password(p: &str) -> bool {
    let l = p.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "password" | "passwd" | "pass" | "pw" | "pwd" | "secret" | "token" | "pat" | "x" | "xxx"
    ) || p.starts_with('$')
        || p.starts_with('%')
        || p.starts_with('{')
        || p.starts_with('<')
        || p.contains("${")
        || p.contains("{{")
        || p.chars()
            .all(|c| c == '*' || c == 'x' || c == 'X' || c == '.')
}

/// Passwords in URLs anywhere in `text`: `postgres://app:pw@db/app`,
/// `curl http://user:pw@host/x`. References (`${PW}`, `$PW`) and example words
/// (`user:password@`) do not count.
pub fn url_passwords(text: &str) -> Vec<(usize, usize)> {
    static URL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[A-Za-z][A-Za-z0-9+.\-]*://([^\s:/@'\x22`]+):([^\s/@'\x22`]+)@[^\s/@]")
            .expect("url regex")
    });
    if !text.contains("://") {
        return Vec::new();
    }
    URL.captures_iter(text)
        .filter_map(|c| c.get(2))
        .filter(|m| judge(m.as_str()) == ValueKind::Literal && !example_password(m.as_str()))
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// Passwords on a MySQL/MariaDB client command line: `mysql -pS3cret`, `mysqldump
/// --password=S3cret` (line continuations followed). `-p` alone (a prompt) and `-P 3306`
/// (a port) do not count.
pub fn cli_passwords(text: &str) -> Vec<(usize, usize)> {
    static CLI: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport|mysqlshow)\b(?:[^\n;&|]|\\\r?\n)*?[\s'"](?:-p|--password=)(?:'([^'\s]+)'|"([^"\s]+)"|([^\s'"`;&|)]+))"#,
        )
        .expect("cli regex")
    });
    if !text.contains("mysql") && !text.contains("mariadb") {
        return Vec::new();
    }
    CLI.captures_iter(text)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
        .filter(|m| judge(m.as_str()) == ValueKind::Literal && !example_password(m.as_str()))
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// `password = value` / `db.password: value` lines of a config file embedded in a value
/// (a compose `configs:` content, a script's heredoc): the value's byte range, for keys
/// that look secret (`extra`: the config's `secret-names`).
pub fn config_passwords<'t>(text: &'t str, extra: &[String]) -> Vec<(&'t str, (usize, usize))> {
    static LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(?m)^[ \t]*(?:export[ \t]+)?["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*(?:=|:)[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#;'"][^\n#;]*?))[ \t]*(?:[#;].*)?\r?$"#,
        )
        .expect("config line regex")
    });
    LINE.captures_iter(text)
        .filter(|c| is_secret_name(&c[1], extra))
        .filter_map(|c| {
            let key = c.get(1)?.as_str();
            let m = c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4))?;
            (judge(m.as_str()) == ValueKind::Literal && !example_password(m.as_str()))
                .then_some((key, (m.start(), m.end())))
        })
        .collect()
}

/// Every credential of those shapes in `text`, in order of position.
pub fn find_credentials(text: &str) -> Vec<CredentialHit> {
    let mut out: Vec<CredentialHit> = url_passwords(text)
        .into_iter()
        .map(|range| CredentialHit {
            what: "password in a URL",
            range,
        })
        .chain(cli_passwords(text).into_iter().map(|range| CredentialHit {
            what: "password on a database client's command line",
            range,
        }))
        .collect();
    out.sort_by_key(|h| h.range);
    out.dedup_by_key(|h| h.range);
    out
}

/// The whole of each PEM private key block: from `-----BEGIN ... PRIVATE KEY-----` to its
/// `-----END ... -----` line, or, with no end line, through the base64 lines that follow.
pub fn pem_blocks(text: &str) -> Vec<(usize, usize)> {
    static BEGIN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----").expect("pem regex")
    });
    let mut out = Vec::new();
    for m in BEGIN.find_iter(text) {
        let rest = &text[m.end()..];
        let end = match rest.find("-----END ") {
            Some(i) => {
                let after = &rest[i + 9..];
                let close = after.find("-----").map_or(after.len(), |j| j + 5);
                m.end() + i + 9 + close
            }
            None => {
                // the base64 body: lines of base64 characters (an indentation allowed)
                let mut end = m.end();
                for line in rest.split_inclusive('\n').skip(1) {
                    let body = line.trim();
                    if body.is_empty()
                        || !body.bytes().all(|b| {
                            b.is_ascii_alphanumeric()
                                || matches!(b, b'+' | b'/' | b'=' | b'\\' | b'"' | b'\'' | b',')
                        })
                    {
                        break;
                    }
                    end += line.len();
                }
                let first_line = rest.find('\n').map_or(rest.len(), |i| i);
                (m.end() + first_line).max(end)
            }
        };
        out.push((m.start(), end.min(text.len())));
    }
    out
}

/// What the engine masks in every file it shows, whatever rules ran or were suppressed:
/// every known-format token (a private key's whole block), password in a URL and password
/// on a command line.
pub fn mask_spans(text: &str) -> Vec<Span> {
    let mut out: Vec<Span> = find_tokens(text)
        .into_iter()
        .map(|h| Span::new(h.range.0, h.range.1))
        .collect();
    out.extend(pem_blocks(text).into_iter().map(|(a, b)| Span::new(a, b)));
    out.extend(
        find_credentials(text)
            .into_iter()
            .map(|h| Span::new(h.range.0, h.range.1)),
    );
    out
}

/// `text` (a message, a label) with every known-format token and password in a URL or on
/// a command line replaced by its redacted form.
pub fn scrub(text: &str) -> std::borrow::Cow<'_, str> {
    let mut spans = mask_spans(text);
    if spans.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in spans {
        if s.start < at || !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            continue;
        }
        out.push_str(&text[at..s.start]);
        out.push_str(&redact(&text[s.start..s.end]));
        at = s.end;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn redaction_keeps_two_chars_and_length() {
        assert_eq!(redact("hunter22"), "hu…(8 chars)");
        assert_eq!(redact("abc"), "…(3 chars)");
        assert!(!redact("s3cr3t-value").contains("cr3t"));
    }

    #[test]
    fn masking_keeps_offsets() {
        let text = "PASSWORD=hunter22 # ok\nnext";
        let masked = mask_secrets(text, &[Span::new(9, 17)]);
        assert_eq!(masked, "PASSWORD=hu****** # ok\nnext");
        assert_eq!(masked.len(), text.len());
        let text = "p: pässwörd!";
        let masked = mask_secrets(text, &[Span::new(3, text.len())]);
        assert!(!masked.contains("sswörd"));
        assert_eq!(masked.len(), text.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for n in [
            "POSTGRES_PASSWORD",
            "password",
            "DB_PASS",
            "apiKey",
            "API_KEY",
            "client_secret",
            "GF_SECURITY_ADMIN_PASSWORD",
            "REDIS_PASSWORD",
            "master_password",
            "access_key",
            "secret_key",
            "private_key",
            "GITHUB_TOKEN",
            "connection_string",
            "basic_auth",
            "dbpassword",
            "SLACK_WEBHOOK_SECRET",
        ] {
            assert!(is_secret_name(n, &[]), "{n} should look secret");
        }
        for n in [
            "password_min_length",
            "TOKEN_EXPIRY",
            "POSTGRES_PASSWORD_FILE",
            "secret_path",
            "auth_mode",
            "passthrough",
            "bypass",
            "compass",
            "username",
            "token_url",
            "PASSWORD_POLICY",
            "kms_key_id",
            "image",
            "NODE_ENV",
            "public_key",
        ] {
            assert!(!is_secret_name(n, &[]), "{n} should not look secret");
        }
        assert!(is_secret_name("my_custom", &["my_custom".into()]));
    }

    #[test]
    fn values() {
        assert_eq!(judge("${DB_PASSWORD}"), ValueKind::Reference);
        assert_eq!(judge("${{ secrets.TOKEN }}"), ValueKind::Reference);
        assert_eq!(judge("var.db_password"), ValueKind::Reference);
        assert_eq!(judge("$(cat /run/secrets/db)"), ValueKind::Reference);
        assert_eq!(judge(""), ValueKind::Reference);
        assert_eq!(judge("<your-token>"), ValueKind::Placeholder);
        assert_eq!(judge("REPLACE_ME"), ValueKind::Placeholder);
        assert_eq!(judge("xxxx"), ValueKind::Placeholder);
        assert_eq!(judge("changeme"), ValueKind::Literal);
        assert_eq!(judge("admin"), ValueKind::Literal);
        assert_eq!(judge("pass"), ValueKind::Literal);
        assert_eq!(judge("true"), ValueKind::NotSecret);
        assert_eq!(judge("8"), ValueKind::NotSecret);
    }

    #[test]
    fn defaults_and_urls() {
        let v = "${GRAFANA_PASSWORD:-admin}";
        assert_eq!(literal_default(v).map(|d| d.0), Some("admin"));
        assert_eq!(literal_default("${X:-${Y}}"), None);
        assert_eq!(literal_default("${X}"), None);
        let u = "postgres://user:pass@db:5432/app";
        let (a, b) = url_password(u).unwrap();
        assert_eq!(&u[a..b], "pass");
        assert_eq!(url_password("postgres://user:${PW}@db/app"), None);
        assert_eq!(url_password("https://example.com/a:b@c"), None);
    }

    #[test]
    fn credentials_by_shape() {
        let run = "RUN curl -fsS http://deploy:Tr0ub4dor@repo.example.com/x.tgz | tar x";
        let hits = find_credentials(run);
        assert_eq!(hits.len(), 1);
        assert_eq!(&run[hits[0].range.0..hits[0].range.1], "Tr0ub4dor");
        let env = "ENV DATABASE_URL=postgres://app:s3cr3t-pw@db/app";
        assert_eq!(find_credentials(env)[0].what, "password in a URL");
        for not in [
            "curl https://user:password@example.com",
            "postgres://app:${DB_PASSWORD}@db/app",
            "git clone https://x-access-token:$TOKEN@github.com/o/r",
            "https://example.com/a:b@c",
        ] {
            assert!(find_credentials(not).is_empty(), "{not}");
        }
        for (cmd, pw) in [
            ("mysql -u root -pS3cretPw db", "S3cretPw"),
            ("mysqldump --password=hunter22 -h db app", "hunter22"),
            ("mysql -u root \\\n  -p'x!y@z' db", "x!y@z"),
        ] {
            let hits = cli_passwords(cmd);
            assert_eq!(hits.len(), 1, "{cmd}");
            assert_eq!(&cmd[hits[0].0..hits[0].1], pw);
        }
        for not in [
            "mysql -u root -p db",
            "mysql -P 3306 -h db",
            "mysql -p\"$MYSQL_PASSWORD\"",
            "mysql -p$PW",
        ] {
            assert!(cli_passwords(not).is_empty(), "{not}");
        }
        let ini =
            "[db]\nhost = db\npassword = hunter22 ; old\napi_key: 'abcd1234efgh'\nuser = app\n";
        let got: Vec<&str> = config_passwords(ini, &[])
            .into_iter()
            .map(|(_, (a, b))| &ini[a..b])
            .collect();
        assert_eq!(got, ["hunter22", "abcd1234efgh"]);
    }

    #[test]
    fn pem_blocks_are_masked_whole_and_lines_stay() {
        let text = "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEow1\n  MIIEow2\n  -----END RSA PRIVATE KEY-----\nnext: 1\n";
        let blocks = pem_blocks(text);
        assert_eq!(blocks.len(), 1);
        let masked = mask_secrets(
            text,
            &blocks
                .iter()
                .map(|&(a, b)| Span::new(a, b))
                .collect::<Vec<_>>(),
        );
        assert!(!masked.contains("MIIEow"), "{masked}");
        assert_eq!(masked.lines().count(), text.lines().count());
        assert!(masked.ends_with("next: 1\n"));
        // no END line: the base64 lines that follow
        let cut = "k: |\n  -----BEGIN PRIVATE KEY-----\n  QUJD\n  REVG\nother: x\n";
        let (a, b) = pem_blocks(cut)[0];
        assert!(cut[a..b].contains("REVG") && !cut[a..b].contains("other"));
    }

    #[test]
    fn messages_are_scrubbed() {
        let gh = format!("ghp_{}", "a1B2".repeat(9));
        let msg = format!("unknown instruction \"{gh}\" at postgres://u:pw12345@db");
        let clean = scrub(&msg);
        assert!(!clean.contains(&gh[4..]), "{clean}");
        assert!(!clean.contains("pw12345"), "{clean}");
        assert!(clean.contains("gh…(40 chars)"), "{clean}");
    }

    #[test]
    fn tokens_built_at_test_time() {
        let aws = format!("AKIA{}", "Q".repeat(16));
        let gh = format!("ghp_{}", "a1B2".repeat(9));
        let text = format!("key = \"{aws}\"\n# {gh}\n");
        let hits = find_tokens(&text);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(&text[hits[0].range.0..hits[0].range.1], aws);
        assert_eq!(hits[1].provider, "GitHub token");
        assert!(find_tokens("nothing here AKIA123").is_empty());
    }
}
