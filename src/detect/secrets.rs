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
/// valid: every byte after the first two characters of each span becomes `*`.
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
            *b = b'*';
        }
    }
    // Each masked span covered whole characters and became ASCII, so this is UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
