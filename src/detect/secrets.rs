//! One secrets engine for every file kind: which names look secret, whether a value is a
//! reference, a template placeholder or a literal, and known token formats in raw text.
//! Every `*/plaintext-secret` rule and `secrets/hardcoded-token` decide through here.

use std::sync::{Arc, LazyLock};

use regex::{Regex, RegexSet};

use crate::project::{ParsedFile, Project};
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

/// Every secret word, suffix and pair holds one of these (a test keeps it so): a name
/// holding none is not secret-like.
const SECRET_NEEDLES: [&str; 9] = [
    "pass", "pwd", "secret", "token", "key", "cred", "auth", "string", "dsn",
];

/// Whether `name` holds a [`SECRET_NEEDLES`] word, in any case: one pass, a needle tried
/// only where its first letter stands.
fn holds_secret_needle(name: &str) -> bool {
    let b = name.as_bytes();
    (0..b.len()).any(|i| {
        // the needles starting with this letter, from a table: most bytes start none
        let mut starts = NEEDLE_STARTS[b[i] as usize];
        while starts != 0 {
            let n = SECRET_NEEDLES[starts.trailing_zeros() as usize].as_bytes();
            if b[i..].len() >= n.len() && b[i..i + n.len()].eq_ignore_ascii_case(n) {
                return true;
            }
            starts &= starts - 1;
        }
        false
    })
}

/// For each byte, bit `k` set when `SECRET_NEEDLES[k]` starts with it, in either case.
static NEEDLE_STARTS: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut k = 0;
    while k < SECRET_NEEDLES.len() {
        let first = SECRET_NEEDLES[k].as_bytes()[0];
        table[first.to_ascii_lowercase() as usize] |= 1 << k;
        table[first.to_ascii_uppercase() as usize] |= 1 << k;
        k += 1;
    }
    table
};

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

/// Words that may follow a secret word and leave the name a secret: an environment, an
/// index, an encoding (`DB_PASS_PROD`, `DB_PASSWORD_2`, `SECRET_KEY_BASE`,
/// `TOKEN_B64`). Any other word after it says the name is about the secret, not the secret:
/// `_NAMES`, `_TITLE`, `_USAGE_SUMMARY`, `_LENGTH`, `_FILE`, `_ID`.
const QUALIFIERS: &[&str] = &[
    "prod",
    "production",
    "prd",
    "dev",
    "development",
    "staging",
    "stage",
    "stg",
    "test",
    "testing",
    "qa",
    "uat",
    "local",
    "ci",
    "live",
    "sandbox",
    "preprod",
    "primary",
    "secondary",
    "main",
    "backup",
    "old",
    "new",
    "next",
    "prev",
    "previous",
    "current",
    "base64",
    "b64",
    "encoded",
    "raw",
    "value",
    "val",
    "str",
    "string",
    "hex",
    "default",
    "override",
    "base",
    "global",
    "root",
    "admin",
    "ro",
    "rw",
    "readonly",
    "readwrite",
    // Terraform's write-only arguments (`password_wo`)
    "wo",
];

/// Words that, before the secret word, make the name a switch or a rule about it
/// (`ENABLE_AUTH_TOKEN`, `MIN_PASSWORD`, `HASHED_PASSWORD`).
const SWITCH_WORDS: &[&str] = &[
    "enable", "enabled", "disable", "disabled", "require", "required", "use", "allow", "skip",
    "no", "min", "max", "hash", "hashed", "is", "has", "public",
];

/// Whether one word of a name is a secret word (`password`, or glued: `dbpassword`).
fn secret_word(x: &str) -> bool {
    SECRET_WORDS.contains(&x)
        || ["password", "passwd", "secret", "token", "apikey"]
            .iter()
            .any(|s| x.len() > s.len() && x.ends_with(s))
}

fn qualifier(x: &str) -> bool {
    QUALIFIERS.contains(&x)
        || x.chars().all(|c| c.is_ascii_digit())
        || (x.starts_with('v') && x.len() > 1 && x[1..].chars().all(|c| c.is_ascii_digit()))
}

/// Whether a key name looks like it holds a secret (`POSTGRES_PASSWORD`, `apiKey`,
/// `client_secret`, `DB_PASS_PROD`), and not like something about one
/// (`password_min_length`, `TOKEN_EXPIRY`, `DB_PASSWORD_FILE`, `GH_AW_SECRET_NAMES`,
/// `TOKEN_USAGE_SUMMARY_TITLE`). A secret word counts when it ends the name or only
/// qualifiers follow it. `extra` are the config's `secret-names`.
pub fn is_secret_name(name: &str, extra: &[String]) -> bool {
    // a name holding no needle is no secret's, answered without splitting it into words
    // (most env and `with:` names)
    if extra.is_empty() && !holds_secret_needle(name) {
        return false;
    }
    let w = words(name);
    if w.is_empty() {
        return false;
    }
    if extra
        .iter()
        .any(|e| e.eq_ignore_ascii_case(name) || words(e) == w)
    {
        return true;
    }
    // where the last secret word (or pair) of the name ends
    let mut end: Option<usize> = None;
    for i in 0..w.len() {
        let x = w[i].as_str();
        let last = i + 1 == w.len() || w[i + 1..].iter().all(|q| qualifier(q));
        let hit = if i + 1 < w.len() && SECRET_PAIRS.contains(&(x, w[i + 1].as_str())) {
            end = Some(i + 1);
            continue;
        } else if x == "auth" {
            // `auth` alone is a secret only at the end (`basic_auth`, not `auth_mode`)
            last
        } else if x == "pass" {
            // `pass` alone is too broad (`pass_through`): only at the end
            last
        } else {
            secret_word(x)
        };
        if hit {
            end = Some(i);
        }
    }
    let Some(end) = end else { return false };
    if !w[end + 1..].iter().all(|q| qualifier(q)) {
        return false;
    }
    !w[..end].iter().any(|x| SWITCH_WORDS.contains(&x.as_str()))
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
            (?:var|local|data|module)\.[A-Za-z0-9_.\[\]]+   # terraform
          | arn:aws:(?:secretsmanager|ssm):.*
          | (?:vault|sm|ssm|akv|gcpsm|op)://.*
          | @Microsoft\.KeyVault\(.*\)
        )\s*$",
    )
    .expect("reference regex")
});

/// A reference anywhere in a value: `Bearer ${{ secrets.API_TOKEN }}`, `${DB_PASSWORD}@host`,
/// `"${var.x}"`, `$(cat /run/secrets/x)`, `{{ .Values.token }}`, `$TOKEN`.
static HAS_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
            \$\{\{.*?\}\}                          # GitHub expression
          | \$\{[A-Za-z_][A-Za-z0-9_.\[\]]*(?:[:?+=\-][^}]*)?\}   # ${VAR}, ${VAR:-x}, ${var.x}
          | (?:^|[^A-Za-z0-9$\\])\$[A-Za-z_][A-Za-z0-9_]*     # $VAR (not inside a word)
          | \$\(                                      # $(command)
          | \{\{.*?\}\}                              # templating
          | %\{[A-Za-z_][A-Za-z0-9_.]*\}                # %{hiera}
        ",
    )
    .expect("has-reference regex")
});

/// A file path: the value names where the secret is, not the secret (`/run/secrets/db`,
/// `~/.config/token`, `C:\\keys\\app.pem`, `secrets/db-password.txt`).
static FILE_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^(?:
            (?:/|~/|\./|\.\./)[^\s:]+                 # absolute or explicitly relative
          | [a-z]:\\[^\s]+                           # a Windows path
          | [^\s:]*/[^\s:/]+\.(?:txt|json|pem|key|crt|cer|p12|pfx|jks|keystore|ya?ml|env|conf|cfg|ini|toml|asc|gpg)
        )$",
    )
    .expect("file-path regex")
});

/// Whether a value is a file path (`/run/secrets/db`, `secrets/db.txt`): where a secret is
/// read from, not the secret.
pub fn is_file_path(value: &str) -> bool {
    FILE_PATH.is_match(value.trim().trim_matches(|c| c == '"' || c == '\''))
}

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)^\s*(?:
            <[^>]*>                      # <your-token>
          | \[[^\]]*\]                   # [token]
          | x{3,} | \*{3,}
          | (?:replace|insert|fill)[-_ ]?(?:me|this|here|your.*|in)
          | your[-_ ]?\w*
          | todo | tbd | fixme | placeholder | example | dummy | redacted | none | null | nil | n/a
          | secret | password | token | passwd
          | change[-_ ]?me | changeit
          | (?:insert|replace|your|change[-_ ]?me|changeme)[-_ ].*   # INSERT_..., YOUR_...
          | .*[-_ ](?:val|here)          # ..._VAL, ..._HERE
        )\s*$",
    )
    .expect("placeholder regex")
});

/// Words inside a value that say it is not a real secret: `ci-typing-not-a-real-secret`,
/// `SET_A_PASSWORD_HERE_123`, `fake-key`, `dummy_token`.
fn says_not_real(v: &str) -> bool {
    let w = words(v);
    let has = |x: &str| w.iter().any(|y| y == x);
    (has("not") && (has("real") || has("secret") || has("used")))
        || has("here")
        || has("fake")
        || has("dummy")
        || has("placeholder")
        || has("example")
        || has("sample")
        || has("redacted")
        || has("notasecret")
        || has("notsecret")
}

/// Judge a value written for a secret-like name.
pub fn judge(value: &str) -> ValueKind {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() {
        return ValueKind::Reference;
    }
    if REFERENCE.is_match(v) || HAS_REFERENCE.is_match(v) || FILE_PATH.is_match(v) {
        return ValueKind::Reference;
    }
    if PLACEHOLDER.is_match(v) || v.contains("...") || v.contains('…') || says_not_real(v) {
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
    if is_prose(v) || is_identifier_list(v) || is_public_material(v) || is_type_or_rule(v) {
        return ValueKind::NotSecret;
    }
    ValueKind::Literal
}

/// A Terraform type (`string`, `optional(string)`, `list(object({...}))`, in blueprint
/// metadata and docs that list a variable's type), or a line of punctuation only (a
/// `# ===== CREDENTIALS =====` banner read as `CREDENTIALS = =====`): not a value at all.
fn is_type_or_rule(v: &str) -> bool {
    const TYPES: &[&str] = &["optional(", "list(", "map(", "set(", "object(", "tuple("];
    matches!(v, "string" | "number" | "bool" | "any")
        || (TYPES.iter().any(|t| v.starts_with(t)) && v.ends_with(')'))
        || !v.bytes().any(|b| b.is_ascii_alphanumeric())
}

/// Whether the URL password ending at byte `end` of `text` is for a loopback host
/// (`postgres://app:pw@localhost/app`): a test database on the runner far more often than a
/// credential worth stealing.
pub fn loopback_url_password(text: &str, end: usize) -> bool {
    let after = text.get(end..).unwrap_or("");
    ["@localhost", "@127.", "@0.0.0.0", "@[::1]"]
        .iter()
        .any(|h| after.starts_with(h))
}

/// A certificate or public key, as PEM or base64-encoded PEM (a cluster's CA bundle, often
/// named `*_auth_base64`): public by design.
fn is_public_material(v: &str) -> bool {
    let public = |t: &str| {
        let t = t.trim_start();
        t.starts_with("-----BEGIN CERTIFICATE")
            || t.starts_with("-----BEGIN PUBLIC KEY")
            || t.starts_with("-----BEGIN RSA PUBLIC KEY")
            || t.starts_with("-----BEGIN X509 CRL")
            || t.starts_with("ssh-rsa ")
            || t.starts_with("ssh-ed25519 ")
            || t.starts_with("ecdsa-sha2-")
    };
    if public(v) {
        return true;
    }
    // base64 of "-----BEGIN ": only the head needs decoding
    v.starts_with("LS0tLS1CRUdJTi")
        && decode_base64(&v[..v.len().min(64)])
            .is_some_and(|b| public(&String::from_utf8_lossy(&b)))
}

/// Decode standard or URL-safe base64 (padding and whitespace ignored). `None` when the text
/// is not base64.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Judge a value written for the secret-like name `name`: [`judge`], and the judgements that
/// need the name. A value that repeats the name (`MYSQL_PASSWORD: mysql_password`) is a
/// placeholder; a value that is itself a variable's name (`server-password: MAVEN_PASSWORD`,
/// as `actions/setup-java` wants it; `secretEnv: OIDC_CLIENT_SECRET`) is not a secret.
pub fn judge_for(name: &str, value: &str) -> ValueKind {
    let kind = judge(value);
    if kind != ValueKind::Literal {
        return kind;
    }
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    if norm(v) == norm(name) {
        return ValueKind::Placeholder;
    }
    if is_variable_name(v) {
        return ValueKind::NotSecret;
    }
    ValueKind::Literal
}

/// `MAVEN_PASSWORD`, `GPG_KEY_PASS`, `OIDC_CLIENT_SECRET`: the name of a variable holding a
/// secret (upper case words joined by `_`, one of them a secret word), not a secret.
fn is_variable_name(v: &str) -> bool {
    static VAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$").expect("var regex"));
    VAR.is_match(v)
        && words(v)
            .iter()
            .any(|w| secret_word(w) || w == "key" || w == "pass")
}

/// Several words of text (`Threat Detection Token Usage`): a title or a sentence, not a
/// credential.
fn is_prose(v: &str) -> bool {
    let tokens: Vec<&str> = v.split_whitespace().collect();
    tokens.len() >= 3
        && tokens
            .iter()
            .filter(|t| {
                let t = t.trim_matches(|c: char| ",.:;!?()'\"".contains(c));
                t.len() >= 2
                    && t.chars()
                        .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
            })
            .count()
            * 4
            >= tokens.len() * 3
}

/// `NPM_TOKEN,PYPI_TOKEN,GITHUB_TOKEN`: a list of names.
fn is_identifier_list(v: &str) -> bool {
    static LIST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[A-Za-z_][A-Za-z0-9_.\-]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_.\-]*)+,?$")
            .expect("list regex")
    });
    LIST.is_match(v)
}

/// Well-known default credentials of database, broker and storage images, and the
/// stock words of demo setups. Sources: the images' Docker Hub pages (postgres
/// `mysecretpassword`, mysql, mariadb, mongo, rabbitmq `guest`, minio `minioadmin`), the JDK
/// keystore default `changeit`, taken 2025-06.
const DEMO_VALUES: &[&str] = &[
    "password",
    "passw0rd",
    "pass",
    "secret",
    "admin",
    "administrator",
    "root",
    "toor",
    "test",
    "testing",
    "demo",
    "default",
    "guest",
    "user",
    "changeit",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "rabbitmq",
    "minio",
    "minioadmin",
    "elastic",
    "kibana",
    "sonar",
    "grafana",
    "keycloak",
    "letmein",
    "qwerty",
    "1234",
    "12345",
    "123456",
    "12345678",
    "123456789",
    // the postgres image's documented example (`-e POSTGRES_PASSWORD=mysecretpassword`)
    "mysecretpassword",
];

/// A demo value: a stock default anyone would guess (`admin`, `postgres`, `minioadmin`), a
/// value made only of the name's own words (`POSTGRES_PASSWORD: postgres`), or a value
/// that is a neighbouring setting's value, digits added (`user: minio`, `password:
/// minio123`). Real, but a weak default of a demo or test setup, not a leaked credential:
/// the structured secret rules report it as a warning, not an error.
pub fn is_demo_value(name: &str, value: &str, neighbours: &[&str]) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit());
    // the same value as a neighbouring setting (`user: minio`, `password: minio123`)
    if neighbours.iter().any(|n| {
        let n = n.trim().to_ascii_lowercase();
        n.len() >= 3 && (n == lower || n == stem)
    }) {
        return true;
    }
    if v.len() > 24 {
        return false;
    }
    if DEMO_VALUES.contains(&lower.as_str()) || (!stem.is_empty() && DEMO_VALUES.contains(&stem)) {
        return true;
    }
    // made only of the name's words and stock words: `postgres`, `admin:secret`,
    // `mariadb-password`
    let name_words = words(name);
    let value_words: Vec<String> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    !value_words.is_empty()
        && value_words.iter().all(|w| {
            name_words.contains(w)
                || DEMO_VALUES.contains(&w.as_str())
                || w.chars().all(|c| c.is_ascii_digit())
        })
}

/// Whether the comment on the line where `span` ends says the value is not a real secret:
/// `# replace with your key`, `# not a secret`, `# arbitrary password, so not secret`,
/// `#REQUIRED - replace with your access key`.
pub fn comment_says_placeholder(text: &str, span: Span) -> bool {
    static SAYS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(?:replace|change)\s+(?:it|this|me|with|by)\b|\bnot\s+(?:a\s+)?(?:real\s+)?secret\b|\bnot\s+sensitive\b|\b(?:dummy|fake|placeholder|arbitrary|throwaway|example)\b",
        )
        .expect("comment regex")
    });
    let Some(rest) = text.get(span.end..) else {
        return false;
    };
    let line = rest.split('\n').next().unwrap_or("");
    match line
        .find(" #")
        .or_else(|| line.strip_prefix('#').map(|_| 0))
    {
        Some(at) => SAYS.is_match(&line[at..]),
        None => false,
    }
}

/// Whether a host is this machine: `localhost`, `127.0.0.1`, `::1`, `0.0.0.0`.
pub fn is_local_host(host: &str) -> bool {
    let h = host
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || h == "(local)"
        || h == "."
}

/// The host of a URL with credentials (`postgres://u:p@db:5432/x` -> `db`), or of a
/// connection string (`Host=localhost;Password=x` -> `localhost`).
pub fn credential_host(value: &str) -> Option<&str> {
    static URL_HOST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@]*@(\[[^\]]+\]|[^\s:/?#,]+)")
            .expect("url host regex")
    });
    if let Some(c) = URL_HOST.captures(value) {
        return c.get(1).map(|m| m.as_str());
    }
    connection_string_field(value, &["host", "server", "data source", "address", "addr"])
        .map(|(_, v)| v)
}

/// A field of an ADO/JDBC-style connection string (`k=v;k=v`): (range, value).
fn connection_string_field<'v>(value: &'v str, keys: &[&str]) -> Option<((usize, usize), &'v str)> {
    if !value.contains(';') || !value.contains('=') {
        return None;
    }
    let mut at = 0;
    for part in value.split(';') {
        let start = at;
        at += part.len() + 1;
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        if keys.iter().any(|x| k.trim().eq_ignore_ascii_case(x)) {
            let vs = start + k.len() + 1;
            let lead = v.len() - v.trim_start().len();
            let v = v.trim();
            return Some(((vs + lead, vs + lead + v.len()), v));
        }
    }
    None
}

/// The password of a connection string (`Server=db;User Id=sa;Password=x;`): its byte
/// range, when it is a literal.
pub fn connection_string_password(value: &str) -> Option<(usize, usize)> {
    let (range, v) = connection_string_field(value, &["password", "pwd"])?;
    (judge(v) == ValueKind::Literal).then_some(range)
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
    /// Literals one of which every match contains: a text holding none of them is not
    /// searched with the patterns (most YAML scalars and lines hold none).
    pub needles: &'static [&'static str],
    /// High: the format alone is proof. Medium: JWTs and the like.
    pub high: bool,
}

/// Known token formats, in the order they are reported.
pub const TOKENS: &[TokenRule] = &[
    TokenRule {
        provider: "AWS access key id",
        pattern: r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
        needles: &["AKIA", "ASIA", "ABIA", "ACCA"],
        high: true,
    },
    TokenRule {
        provider: "GitHub token",
        pattern: r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b",
        needles: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        high: true,
    },
    TokenRule {
        provider: "GitHub fine-grained token",
        pattern: r"\bgithub_pat_[A-Za-z0-9_]{82}\b",
        needles: &["github_pat_"],
        high: true,
    },
    TokenRule {
        provider: "GitLab token",
        pattern: r"\bglpat-[A-Za-z0-9_\-]{20,}\b",
        needles: &["glpat-"],
        high: true,
    },
    TokenRule {
        provider: "Slack token",
        pattern: r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b",
        needles: &["xox"],
        high: true,
    },
    TokenRule {
        provider: "Slack webhook",
        pattern: r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+",
        needles: &["hooks.slack.com/services/"],
        high: true,
    },
    TokenRule {
        provider: "Stripe live key",
        pattern: r"\b(?:sk|rk)_live_[A-Za-z0-9]{20,}\b",
        needles: &["_live_"],
        high: true,
    },
    TokenRule {
        provider: "Google API key",
        pattern: r"\bAIza[0-9A-Za-z_\-]{35}\b",
        needles: &["AIza"],
        high: true,
    },
    TokenRule {
        provider: "private key",
        pattern: r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----",
        needles: &["PRIVATE KEY"],
        high: true,
    },
    TokenRule {
        provider: "npm token",
        pattern: r"\bnpm_[A-Za-z0-9]{36}\b",
        needles: &["npm_"],
        high: true,
    },
    TokenRule {
        provider: "PyPI token",
        pattern: r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
        needles: &["pypi-AgEIcHlwaS5vcmc"],
        high: true,
    },
    TokenRule {
        provider: "SendGrid key",
        pattern: r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b",
        needles: &["SG."],
        high: true,
    },
    TokenRule {
        provider: "Twilio key",
        pattern: r"\bSK[0-9a-f]{32}\b",
        needles: &["SK"],
        high: true,
    },
    TokenRule {
        provider: "OpenAI key",
        pattern: r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}\b",
        needles: &["T3BlbkFJ"],
        high: true,
    },
    TokenRule {
        provider: "Anthropic key",
        pattern: r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{80,}\b",
        needles: &["sk-ant-"],
        high: true,
    },
    TokenRule {
        provider: "Azure storage key",
        pattern: r"AccountKey=[A-Za-z0-9+/=]{60,}",
        needles: &["AccountKey="],
        high: true,
    },
    // Formats added 2026-12-01, each with a prefix no ordinary word or identifier has; shapes
    // from each vendor's token documentation (and gitleaks' rules for the lengths).
    TokenRule {
        provider: "PuTTY private key",
        pattern: r"PuTTY-User-Key-File-[0-9]+: *[A-Za-z0-9\-@.]+",
        needles: &["PuTTY-User-Key-File-"],
        high: true,
    },
    TokenRule {
        provider: "age secret key",
        pattern: r"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b",
        needles: &["AGE-SECRET-KEY-1"],
        high: true,
    },
    TokenRule {
        provider: "Terraform Cloud token",
        pattern: r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70}",
        needles: &[".atlasv1."],
        high: true,
    },
    TokenRule {
        provider: "HashiCorp Vault token",
        pattern: r"\bhv[sb]\.[A-Za-z0-9_\-]{90,}",
        needles: &["hvs.", "hvb."],
        high: true,
    },
    TokenRule {
        provider: "DigitalOcean token",
        pattern: r"\bdo[por]_v1_[a-f0-9]{64}\b",
        needles: &["_v1_"],
        high: true,
    },
    TokenRule {
        provider: "Shopify token",
        pattern: r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b",
        needles: &["shpat_", "shpca_", "shppa_", "shpss_"],
        high: true,
    },
    TokenRule {
        provider: "Doppler token",
        pattern: r"\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b",
        needles: &["dp."],
        high: true,
    },
    TokenRule {
        provider: "Grafana service account token",
        pattern: r"\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b",
        needles: &["glsa_"],
        high: true,
    },
    TokenRule {
        provider: "GitLab runner or deploy token",
        pattern: r"\bgl(?:rt|dt|ptt|cbt|imt|agent|oas|ft)-[A-Za-z0-9_\-]{20,}\b",
        needles: &[
            "glrt-", "gldt-", "glptt-", "glcbt-", "glimt-", "glagent-", "gloas-", "glft-",
        ],
        high: true,
    },
    TokenRule {
        provider: "Linear API key",
        pattern: r"\blin_api_[A-Za-z0-9]{40}\b",
        needles: &["lin_api_"],
        high: true,
    },
    TokenRule {
        provider: "Postman API key",
        pattern: r"\bPMAK-[a-f0-9]{24}-[a-f0-9]{34}\b",
        needles: &["PMAK-"],
        high: true,
    },
    TokenRule {
        provider: "New Relic user key",
        pattern: r"\bNRAK-[A-Z0-9]{27}\b",
        needles: &["NRAK-"],
        high: true,
    },
    TokenRule {
        provider: "Pulumi token",
        pattern: r"\bpul-[a-f0-9]{40}\b",
        needles: &["pul-"],
        high: true,
    },
    TokenRule {
        provider: "Slack app token",
        pattern: r"\bxapp-[0-9]-[A-Z0-9]+-[0-9]+-[a-f0-9]{32,}\b",
        needles: &["xapp-"],
        high: true,
    },
    TokenRule {
        provider: "Square token",
        pattern: r"\bsq0(?:atp|csp)-[A-Za-z0-9_\-]{22,43}\b",
        needles: &["sq0atp-", "sq0csp-"],
        high: true,
    },
    TokenRule {
        provider: "JSON Web Token",
        pattern: r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",
        needles: &["eyJ"],
        high: false,
    },
];

/// A token pattern with ASCII word boundaries. Tokens are ASCII; a Unicode `\b` makes the
/// regex engine give up its DFA on any non-ASCII text and fall back to a slow NFA walk that
/// grows with the number of patterns (a 2.6 MB workflow line of `é`: 14 s with 32 formats,
/// 0.6 s with ASCII boundaries).
fn ascii_bounds(pattern: &str) -> String {
    pattern.replace(r"\b", r"(?-u:\b)")
}

static TOKEN_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(TOKENS.iter().map(|t| ascii_bounds(t.pattern))).expect("token set")
});
/// Every token's needles of three bytes or more as one literal alternation: the regex crate
/// answers it with a multi-literal search (no automaton to build or run), where the
/// overlapping search of the token set ran a lazy DFA over every scalar (3% of a check of
/// real-world workflows).
static TOKEN_NEEDLES: LazyLock<Regex> = LazyLock::new(|| {
    let alternation: Vec<String> = TOKENS
        .iter()
        .flat_map(|t| t.needles.iter())
        .filter(|n| n.len() >= SHORT_NEEDLE)
        .map(|n| regex::escape(n))
        .collect();
    Regex::new(&alternation.join("|")).expect("token needles")
});
/// Needles shorter than this (Twilio's `SK`) are searched one by one with `memmem`: in the
/// multi-literal search a two-byte needle makes the fingerprint of every bucket two bytes
/// wide, so most positions of a file were candidates to verify (the needle search was 3% of
/// a check of 1,080 real-world workflows, 58M instructions: 38M with `SK` on its own).
const SHORT_NEEDLE: usize = 3;
static SHORT_NEEDLES: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
    TOKENS
        .iter()
        .flat_map(|t| t.needles.iter())
        .filter(|n| n.len() < SHORT_NEEDLE)
        .map(|n| memchr::memmem::Finder::new(n.as_bytes()))
        .collect()
});

/// The next needle of any token at or after a position: the multi-literal search and each
/// short needle's, each answer kept until the search passes it (a far answer is not searched
/// again for every line before it).
struct Needles<'t> {
    text: &'t str,
    /// The last answer of each search (the literal alternation first), or `None` when it has
    /// no more; an answer before the search position is stale and searched again.
    next: Vec<Option<(usize, usize)>>,
}

impl<'t> Needles<'t> {
    fn new(text: &'t str) -> Needles<'t> {
        let mut n = Needles {
            text,
            next: vec![None; 1 + SHORT_NEEDLES.len()],
        };
        for i in 0..n.next.len() {
            n.next[i] = n.search(i, 0);
        }
        n
    }

    /// Search `i` (0: the literal alternation; then each short needle) from `from`.
    fn search(&self, i: usize, from: usize) -> Option<(usize, usize)> {
        if i == 0 {
            return TOKEN_NEEDLES
                .find_at(self.text, from)
                .map(|m| (m.start(), m.end()));
        }
        let finder = &SHORT_NEEDLES[i - 1];
        finder
            .find(&self.text.as_bytes()[from..])
            .map(|at| (from + at, from + at + finder.needle().len()))
    }

    /// Bytes `start..end` of the first needle starting at or after `from`.
    fn find_at(&mut self, from: usize) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for i in 0..self.next.len() {
            if self.next[i].is_some_and(|(start, _)| start < from) {
                self.next[i] = self.search(i, from);
            }
            if let Some(hit) = self.next[i] {
                if best.is_none_or(|b| hit.0 < b.0) {
                    best = Some(hit);
                }
            }
        }
        best
    }
}

static TOKEN_RES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    TOKENS
        .iter()
        .map(|t| Regex::new(&ascii_bounds(t.pattern)).expect("token regex"))
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
    // the shortest token is 15 bytes (`xoxb-` and ten more)
    if text.len() < 15 {
        return Vec::new();
    }
    // No format spans a line break and every match holds one of its format's needles, so
    // only the lines holding a needle are searched (a line's edges are word boundaries as
    // the line breaks around it are). Running the set over whole files cost 4% of a check
    // of real-world workflows: `SK` and `eyJ` are in most of them.
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    let mut needles = Needles::new(text);
    while let Some((n_start, n_end)) = needles.find_at(from) {
        let start = memchr::memrchr(b'\n', &bytes[..n_start]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[n_end..]).map_or(text.len(), |i| n_end + i);
        from = end;
        let line = &text[start..end];
        for i in TOKEN_SET.matches(line).iter() {
            for m in TOKEN_RES[i].find_iter(line) {
                out.push(TokenHit {
                    provider: TOKENS[i].provider,
                    high: TOKENS[i].high,
                    range: (start + m.start(), start + m.end()),
                });
            }
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
    // a vector search with a finder built once: `str::contains` set up its searcher on
    // every call, for every file and message masked (11.6M instructions with the test
    // below over 1,080 real-world workflows)
    static SCHEME: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("://"));
    if SCHEME.find(text.as_bytes()).is_none() {
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
    static MYSQL: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("mysql"));
    static MARIADB: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("mariadb"));
    if MYSQL.find(text.as_bytes()).is_none() && MARIADB.find(text.as_bytes()).is_none() {
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
    // a PuTTY key file: from its header through the `Private-MAC:` line (or, cut short, the
    // rest of the text)
    let mut from = 0;
    while let Some(i) = text[from..].find("PuTTY-User-Key-File-") {
        let start = from + i;
        let rest = &text[start..];
        let end = match rest.find("Private-MAC:") {
            Some(j) => start + j + rest[j..].find('\n').unwrap_or(rest.len() - j),
            None => text.len(),
        };
        out.push((start, end));
        from = end.max(start + 1);
    }
    out
}

/// What the engine masks in every file it shows, whatever rules ran or were suppressed:
/// every known-format token (a private key's whole block), password in a URL and password
/// on a command line.
pub fn mask_spans(text: &str) -> Vec<Span> {
    mask_spans_with(text, &find_tokens(text), &find_credentials(text))
}

/// The tokens of a checked file's text and its passwords in URLs and on command lines,
/// searched once per check: secrets/hardcoded-token reports them and the engine masks them
/// (each searched the whole text, the passwords' second search 0.7% of a check of 1,080
/// real-world workflows).
pub struct FileTokens {
    pub tokens: Vec<TokenHit>,
    pub credentials: Vec<CredentialHit>,
}

pub fn file_tokens(file: &ParsedFile, project: &Project) -> Arc<FileTokens> {
    let text = &file.src.text;
    // the path names the file; the text's address and length tell its texts apart
    // (built by hand: `format!` with `Path::display` was 4.5M instructions over 1,080
    // real-world workflows)
    let path = file.src.path.to_string_lossy();
    let mut key = String::with_capacity(path.len() + 32);
    key.push_str(&path);
    key.push('\0');
    crate::hash::push_decimal(&mut key, text.as_ptr() as usize);
    key.push('\0');
    crate::hash::push_decimal(&mut key, text.len());
    project.derived::<FileTokens>(&key, || FileTokens {
        tokens: find_tokens(text),
        credentials: find_credentials(text),
    })
}

/// [`mask_spans`] with the text's tokens and credentials already found.
pub fn mask_spans_with(
    text: &str,
    tokens: &[TokenHit],
    credentials: &[CredentialHit],
) -> Vec<Span> {
    let mut out: Vec<Span> = tokens
        .iter()
        .map(|h| Span::new(h.range.0, h.range.1))
        .collect();
    out.extend(pem_blocks(text).into_iter().map(|(a, b)| Span::new(a, b)));
    out.extend(credentials.iter().map(|h| Span::new(h.range.0, h.range.1)));
    out
}

/// `text` (a message, a label) with every known-format token and password in a URL or on
/// a command line replaced by its redacted form.
pub fn scrub(text: &str) -> std::borrow::Cow<'_, str> {
    // Texts found to hold nothing to mask, per thread: a rule's message and help come back
    // finding after finding (953 messages and 40 helps among 3,137 findings of real-world
    // workflows), and the search was 1.8% of a check. Only clean texts are kept.
    thread_local! {
        static CLEAN: std::cell::RefCell<crate::hash::TextMemo<()>> =
            std::cell::RefCell::new(crate::hash::TextMemo::new(4096));
    }
    if CLEAN.with(|c| c.borrow().get(text).is_some()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut spans = mask_spans(text);
    if spans.is_empty() {
        CLEAN.with(|c| c.borrow_mut().insert(text, ()));
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
    fn scrub_masks_the_same_after_clean_texts_are_remembered() {
        let token = format!("ghp_{}", "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8");
        let dirty = format!("token {token} here");
        for round in 0..2 {
            assert_eq!(scrub("nothing to hide"), "nothing to hide", "round {round}");
            let out = scrub(&dirty);
            assert!(!out.contains(&token), "round {round}: {out}");
            assert!(out.starts_with("token gh"), "round {round}: {out}");
            // past the memory's bound: it starts afresh and still answers the same
            for n in 0..5000 {
                assert_eq!(scrub(&format!("clean {n}")), format!("clean {n}"));
            }
        }
    }

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
            "DB_PASS_PROD",
            "DB_PASSWORD_2",
            "SECRET_KEY_BASE",
            "AWS_SECRET_ACCESS_KEY",
            "USER_PASSWORD",
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
            "GH_AW_SECRET_NAMES",
            "GH_AW_TOKEN_USAGE_SUMMARY_TITLE",
            "AWS_ACCESS_KEY_ID",
            "secretEnv",
            "ENABLE_AUTH_TOKEN",
            "prefix-key",
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
        assert_eq!(judge("admin"), ValueKind::Literal);
        assert_eq!(judge("pass"), ValueKind::Literal);
        assert_eq!(judge("true"), ValueKind::NotSecret);
        assert_eq!(judge("8"), ValueKind::NotSecret);
        // references inside a value
        assert_eq!(
            judge("Bearer ${{ secrets.API_TOKEN }}"),
            ValueKind::Reference
        );
        assert_eq!(judge("${DB_PASSWORD}@host"), ValueKind::Reference);
        assert_eq!(judge("${var.x}"), ValueKind::Reference);
        assert_eq!(judge("token $TOKEN"), ValueKind::Reference);
        assert_eq!(judge("pa$word"), ValueKind::Literal);
        // file paths
        assert_eq!(judge("/run/secrets/db-password"), ValueKind::Reference);
        assert_eq!(judge("/etc/app/token"), ValueKind::Reference);
        assert_eq!(judge("secrets/db.txt"), ValueKind::Reference);
        // placeholders
        for p in [
            "INSERT_ETCD_DISCOVERY_TOKEN",
            "REPLACE_WITH_KEY",
            "YOUR_API_KEY",
            "CHANGE_ME",
            "changeme",
            "GOOGLE_API_KEY_VAL",
            "PUT_TOKEN_HERE",
            "SET_A_PASSWORD_HERE_123",
            "abc...xyz",
            "SECRET",
            "password",
            "TOKEN",
            "ci-typing-not-a-real-secret",
        ] {
            assert_eq!(judge(p), ValueKind::Placeholder, "{p}");
        }
        // prose and lists of names
        assert_eq!(judge("Threat Detection Token Usage"), ValueKind::NotSecret);
        assert_eq!(
            judge("GH_TOKEN,NPM_TOKEN,PYPI_API_TOKEN"),
            ValueKind::NotSecret
        );
        // judged with the name
        assert_eq!(
            judge_for("MYSQL_PASSWORD", "mysql_password"),
            ValueKind::Placeholder
        );
        assert_eq!(
            judge_for("server-password", "MAVEN_PASSWORD"),
            ValueKind::NotSecret
        );
        assert_eq!(judge_for("DB_PASSWORD", "Xk9#mQ2v"), ValueKind::Literal);
    }

    #[test]
    fn demo_values_and_comments() {
        assert!(is_demo_value("POSTGRES_PASSWORD", "postgres", &[]));
        assert!(is_demo_value("MYSQL_ROOT_PASSWORD", "admin123", &[]));
        assert!(is_demo_value(
            "AWS_SECRET_ACCESS_KEY",
            "minio123",
            &["minio"]
        ));
        assert!(is_demo_value(
            "PAPERLESS_DBPASS",
            "paperless",
            &["paperless"]
        ));
        assert!(!is_demo_value("DB_PASSWORD", "Xk9#mQ2v", &["app"]));
        let text = "KEY: 8312341g # REQUIRED - replace with your access key\nB: x # fine\n";
        assert!(comment_says_placeholder(text, Span::new(5, 13)));
        let b = text.find("B: x").unwrap();
        assert!(!comment_says_placeholder(text, Span::new(b + 3, b + 4)));
    }

    #[test]
    fn hosts_and_connection_strings() {
        assert_eq!(
            credential_host("postgresql://prefect:prefect@localhost:5432/x"),
            Some("localhost")
        );
        let cs = "Server=localhost;Database=v;User Id=SA;Password=Xk9mQ2v;Encrypt=True";
        assert_eq!(credential_host(cs), Some("localhost"));
        let (a, b) = connection_string_password(cs).unwrap();
        assert_eq!(&cs[a..b], "Xk9mQ2v");
        assert!(is_local_host("127.0.0.1"));
        assert!(!is_local_host("db"));
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
    fn types_and_banners_are_not_values() {
        // terraform-google-kubernetes-engine's blueprint metadata lists variable types;
        // kserve's config has `# ===== CREDENTIALS =====` banners
        for v in [
            "optional(string)",
            "list(object({a = string}))",
            "string",
            "=====",
            "-- ::",
        ] {
            assert_eq!(judge(v), ValueKind::NotSecret, "{v}");
        }
        for v in ["S3cr3t-pw", "opt(ional)", "map-of-keys"] {
            assert_eq!(judge(v), ValueKind::Literal, "{v}");
        }
        let u = "postgresql://prefect:prefect@localhost:5432/prefect postgres://a:b1c2d3@db/x";
        let hits = find_credentials(u);
        assert_eq!(hits.len(), 2);
        assert!(loopback_url_password(u, hits[0].range.1));
        assert!(!loopback_url_password(u, hits[1].range.1));
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
    fn every_secret_word_holds_a_needle() {
        let holds = |w: &str| SECRET_NEEDLES.iter().any(|n| w.contains(n));
        for (name, want) in [
            ("DB_PassWord", true),
            ("x_KEY", true),
            ("Dsn", true),
            ("runs_on", false),
            ("pas", false),
            ("", false),
        ] {
            assert_eq!(holds_secret_needle(name), want, "{name}");
        }
        // the table's answer is the lowercase search's, for every needle in any case and place
        let lower = |name: &str| {
            let l = name.to_ascii_lowercase();
            SECRET_NEEDLES.iter().any(|n| l.contains(n))
        };
        for n in SECRET_NEEDLES {
            for name in [
                n.to_string(),
                n.to_ascii_uppercase(),
                format!("x_{}", n.to_ascii_uppercase()),
                format!("{n}_tail"),
                format!("Ab{}{}", n[..1].to_ascii_uppercase(), &n[1..]),
                n[..n.len() - 1].to_string(),
                format!("é{}", &n[1..]),
            ] {
                assert_eq!(holds_secret_needle(&name), lower(&name), "{name}");
            }
        }
        for w in SECRET_WORDS {
            assert!(holds(w), "{w}");
        }
        for w in [
            "password", "passwd", "secret", "token", "apikey", "auth", "pass",
        ] {
            assert!(holds(w), "{w}");
        }
        for (a, b) in SECRET_PAIRS {
            assert!(holds(a) || holds(b), "{a} {b}");
        }
        // and the prefilter answers as the word split does, either case
        for name in [
            "DB_PASSWORD",
            "apiKey",
            "client-secret",
            "GH_TOKEN",
            "NODE_VERSION",
            "runs_on",
        ] {
            let lower = name.to_ascii_lowercase();
            assert_eq!(
                is_secret_name(name, &[]),
                is_secret_name(&lower, &[]),
                "{name}"
            );
        }
        assert!(is_secret_name("DB_PASSWORD", &[]));
        assert!(!is_secret_name("NODE_VERSION", &[]));
        assert!(is_secret_name(
            "NODE_VERSION",
            &["node_version".to_string()]
        ));
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

    /// Only lines holding a needle are searched: every format is found wherever its line
    /// sits (first, last, without a line break, among other needles, at a CRLF's edge), as
    /// the search of the whole text found it.
    #[test]
    fn tokens_are_found_on_any_line() {
        let samples = token_samples();
        for (provider, token) in &samples {
            for text in [
                token.clone(),
                format!("{token}\nnext: SK and eyJ"),
                format!("a: TASK DISK eyJ\nb: x {token} y\n"),
                format!("a: 1\r\nb: {token}\r\nc: 2"),
                format!("SKIP then {token} on one line, SK after"),
            ] {
                let hits = find_tokens(&text);
                assert!(
                    hits.iter().any(|h| h.provider == *provider
                        && &text[h.range.0..h.range.1] == token.as_str()),
                    "{provider} in {text:?}: {hits:?}"
                );
            }
        }
        // two formats on one line, and the same on two lines, all found in order
        let aws = format!("AKIA{}", "Q".repeat(16));
        let gh = format!("ghp_{}", "a1B2".repeat(9));
        let text = format!("{aws} {gh}\n{gh} {aws}\n");
        let found: Vec<&str> = find_tokens(&text)
            .iter()
            .map(|h| &text[h.range.0..h.range.1])
            .collect();
        assert_eq!(
            found,
            [aws.as_str(), gh.as_str(), gh.as_str(), aws.as_str()]
        );
    }

    /// The short needles' searches and the literal alternation's take turns: lines holding
    /// either, in any order and far apart, give every token the whole-text search gives.
    #[test]
    fn needle_searches_taking_turns_find_what_the_whole_text_finds() {
        let samples = token_samples();
        let twilio = &samples
            .iter()
            .find(|(p, _)| *p == "Twilio key")
            .expect("a Twilio sample")
            .1;
        let mut lines: Vec<String> = Vec::new();
        for (i, (_, token)) in samples.iter().enumerate() {
            lines.push(format!("k{i}: {token}"));
            lines.push(format!("SKIP: {twilio} TASK"));
            lines.push("x: plain".repeat(i % 5));
            if i % 3 == 0 {
                lines.push(format!("y: {twilio} {token}"));
            }
        }
        let text = lines.join("\n");
        let mut whole: Vec<(usize, usize)> = TOKEN_RES
            .iter()
            .flat_map(|re| re.find_iter(&text).map(|m| (m.start(), m.end())))
            .collect();
        whole.sort();
        let found: Vec<(usize, usize)> = find_tokens(&text).iter().map(|h| h.range).collect();
        assert_eq!(found, whole);
        assert!(found.len() > samples.len() * 2);
    }

    /// A synthetic sample of every token format, in `TOKENS`' order.
    fn token_samples() -> Vec<(&'static str, String)> {
        let hex = |n: usize| "0123456789abcdef".repeat(n / 16 + 1)[..n].to_string();
        let alnum = |n: usize| "aB3dE5gH7jK9mN1pQ2".repeat(n / 18 + 1)[..n].to_string();
        vec![
            ("AWS access key id", format!("ASIA{}", "Q7".repeat(8))),
            ("GitHub token", format!("ghs_{}", alnum(36))),
            (
                "GitHub fine-grained token",
                format!("github_pat_{}", alnum(82)),
            ),
            ("GitLab token", format!("glpat-{}", alnum(20))),
            ("Slack token", format!("xoxb-{}", hex(10))),
            (
                "Slack webhook",
                format!("https://hooks.slack.com/services/T0ABC/B0DEF/{}", alnum(24)),
            ),
            ("Stripe live key", format!("rk_live_{}", alnum(24))),
            ("Google API key", format!("AIza{}", alnum(35))),
            (
                "private key",
                "-----BEGIN OPENSSH PRIVATE KEY-----".to_string(),
            ),
            ("npm token", format!("npm_{}", alnum(36))),
            ("PyPI token", format!("pypi-AgEIcHlwaS5vcmc{}", alnum(50))),
            ("SendGrid key", format!("SG.{}.{}", alnum(22), alnum(43))),
            ("Twilio key", format!("SK{}", hex(32))),
            (
                "OpenAI key",
                format!("sk-proj-{}T3BlbkFJ{}", alnum(20), alnum(20)),
            ),
            ("Anthropic key", format!("sk-ant-api03-{}", alnum(80))),
            ("Azure storage key", format!("AccountKey={}", alnum(64))),
            (
                "PuTTY private key",
                "PuTTY-User-Key-File-2: ssh-rsa".to_string(),
            ),
            (
                "age secret key",
                format!("AGE-SECRET-KEY-1{}", &"QPZRY9X8GF".repeat(6)[..58]),
            ),
            (
                "Terraform Cloud token",
                format!("{}.atlasv1.{}", alnum(14), alnum(64)),
            ),
            ("HashiCorp Vault token", format!("hvb.{}", alnum(95))),
            ("DigitalOcean token", format!("dor_v1_{}", hex(64))),
            ("Shopify token", format!("shpss_{}", hex(32))),
            ("Doppler token", format!("dp.scim.{}", alnum(40))),
            (
                "Grafana service account token",
                format!("glsa_{}_{}", alnum(32), hex(8)),
            ),
            (
                "GitLab runner or deploy token",
                format!("glagent-{}", alnum(20)),
            ),
            ("Linear API key", format!("lin_api_{}", alnum(40))),
            ("Postman API key", format!("PMAK-{}-{}", hex(24), hex(34))),
            (
                "New Relic user key",
                format!("NRAK-{}", "ABC123XYZ".repeat(3)),
            ),
            ("Pulumi token", format!("pul-{}", hex(40))),
            (
                "Slack app token",
                format!("xapp-1-A0123ABCDEF-1234567890-{}", hex(64)),
            ),
            ("Square token", format!("sq0csp-{}", alnum(43))),
            (
                "JSON Web Token",
                format!("eyJ{}.eyJ{}.{}", alnum(12), alnum(12), alnum(12)),
            ),
        ]
    }

    /// Every token format has a sample here, and each is found: find_tokens searches only
    /// texts holding one of the formats' needles, so a row whose needles miss its own
    /// matches fails here (a row added without a sample fails the count).
    #[test]
    fn every_token_format_is_found_past_the_needle_filter() {
        let samples = token_samples();
        assert_eq!(
            samples.len(),
            TOKENS.len(),
            "a token format without a sample"
        );
        for (rule, (provider, token)) in TOKENS.iter().zip(&samples) {
            assert_eq!(rule.provider, *provider, "samples follow TOKENS' order");
            let text = format!("value: {token} # x");
            let hits = find_tokens(&text);
            assert!(
                hits.iter()
                    .any(|h| h.provider == *provider
                        && &text[h.range.0..h.range.1] == token.as_str()),
                "{provider}: {hits:?}"
            );
        }
        assert!(find_tokens("actions/checkout@v4 with a long-ish tail").is_empty());
    }

    /// Every format: a synthetic sample is found alone under its provider and masked whole;
    /// look-alikes of the formats added 2026-12-01 are not found.
    #[test]
    fn more_token_formats() {
        let samples = token_samples();
        for (provider, token) in &samples {
            let text = format!("value = \"{token}\"\n");
            let hits = find_tokens(&text);
            assert_eq!(hits.len(), 1, "{provider}: {hits:?}");
            assert_eq!(hits[0].provider, *provider);
            assert_eq!(
                &text[hits[0].range.0..hits[0].range.1],
                token.as_str(),
                "{provider}"
            );
            let masked = mask_secrets(&text, &mask_spans(&text));
            assert!(!masked.contains(&token[4..]), "{provider}: {masked}");
        }
        for near in [
            "dop_v1_short",
            "shpat_notreallyhex",
            "hvs.short",
            "lin_api_tooshort",
            "NRAK-lowercase",
            "pul-xyz",
            "glrt-short",
            "dp.pt.short",
            "xapp-token",
            "sq0atp-x",
            "PuTTY-User-Key-File is the header PuTTY writes",
        ] {
            assert!(find_tokens(near).is_empty(), "{near}");
        }
        // a PuTTY key file is masked from its header through the MAC line
        let ppk = "key = <<EOT\nPuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIOw\nPrivate-Lines: 1\nAAAAIBq3c2VjcmV0c2VjcmV0\nPrivate-MAC: 4f1e2d3c\nEOT\n";
        let masked = mask_secrets(ppk, &mask_spans(ppk));
        assert!(!masked.contains("AAAAIBq3c2VjcmV0c2VjcmV0"), "{masked}");
        assert!(!masked.contains("4f1e2d3c"), "{masked}");
        assert!(masked.ends_with("\nEOT\n"), "{masked}");
    }
}
