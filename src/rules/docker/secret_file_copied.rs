//! docker/secret-file-copied: COPY/ADD of private keys, credential files, `.env` files and
//! cloud configuration directories into the image, when the source is named literally and no
//! `.dockerignore` beside the Dockerfile keeps it out of the build context.

use globset::{GlobBuilder, GlobMatcher};

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/secret-file-copied")
    .summary(
        "COPY/ADD of a private key, credential file, .env or cloud config directory into the image",
    )
    .packs(&["secrets"])
    .severity(Severity::Error)
    .security(8.0)
    .on_dockerfile(check);

/// What a source path is, when it is a secret: (description, an error (else a warning)).
fn classify(path: &str) -> Option<(&'static str, bool)> {
    let p = path.trim_start_matches("./").trim_end_matches('/');
    let lower = p.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let parts: Vec<&str> = lower.split('/').collect();
    let has_dir = |d: &str| parts.contains(&d);
    // SSH private keys and directories
    if matches!(
        name,
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk"
    ) {
        return Some(("an SSH private key", true));
    }
    if has_dir(".ssh") && !name.ends_with(".pub") && name != "known_hosts" && name != "config" {
        return Some(("an SSH directory (private keys)", true));
    }
    if has_dir(".gnupg") {
        return Some(("a GnuPG home (private keys)", true));
    }
    // cloud and tool credentials
    if has_dir(".aws") && (name == ".aws" || name == "credentials") {
        return Some(("AWS credentials", true));
    }
    if lower.ends_with(".docker/config.json") {
        return Some(("Docker registry credentials", true));
    }
    if has_dir(".kube") && (name == ".kube" || name == "config") {
        return Some(("a kubeconfig", true));
    }
    if lower.ends_with(".config/gcloud") || name == "application_default_credentials.json" {
        return Some(("Google Cloud credentials", true));
    }
    if has_dir(".azure") {
        return Some(("Azure CLI credentials", true));
    }
    match name {
        ".git-credentials" => return Some(("git credentials", true)),
        ".netrc" | "_netrc" => return Some(("a .netrc (passwords)", true)),
        ".pgpass" => return Some(("a PostgreSQL password file", true)),
        ".npmrc" | ".yarnrc.yml" => return Some(("an npm config (often a registry token)", false)),
        ".pypirc" => return Some(("a PyPI config (often an upload token)", false)),
        "credentials.json" | "service-account.json" | "serviceaccount.json" => {
            return Some(("a credentials file", false));
        }
        _ => {}
    }
    // .env files, not their templates
    if name == ".env" || name.starts_with(".env.") {
        let template = [
            "example", "sample", "template", "dist", "defaults", "default", "tmpl", "tpl", "test",
            "ci",
        ]
        .iter()
        .any(|t| name.ends_with(&format!(".{t}")));
        return (!template).then_some(("a .env file (secrets of the environment)", false));
    }
    // private key files
    if matches!(
        name,
        "privkey.pem" | "private.pem" | "private_key.pem" | "key.pem"
    ) || name.ends_with("-key.pem")
        || name.ends_with("_key.pem")
        || name.ends_with(".ppk")
    {
        return Some(("a private key", true));
    }
    if name.ends_with(".key")
        && !["pub", "gpg", "apt", "repo", "sign", "release", "archive"]
            .iter()
            .any(|w| name.contains(w))
    {
        return Some(("a private key file", false));
    }
    if name.ends_with(".p12") || name.ends_with(".pfx") {
        return Some(("a PKCS#12 key store", false));
    }
    None
}

/// `.dockerignore` patterns, in order: (exception, matcher).
type Ignore = Vec<(bool, GlobMatcher)>;

fn read_ignore(cx: &Cx<'_>) -> Ignore {
    let df = cx.path();
    let dir = crate::paths::parent(df);
    let own = df
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| dir.join(format!("{n}.dockerignore")));
    let text = own
        .and_then(|p| cx.project().read_text(&p))
        .or_else(|| cx.project().read_text(&dir.join(".dockerignore")));
    let Some(text) = text else {
        return Vec::new();
    };
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(10_000)
        .filter_map(|l| {
            let (neg, pat) = match l.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, l),
            };
            let pat = pat
                .trim_start_matches("./")
                .trim_start_matches('/')
                .trim_end_matches('/');
            let g = GlobBuilder::new(pat).literal_separator(true).build().ok()?;
            Some((neg, g.compile_matcher()))
        })
        .collect()
}

/// Whether the build context leaves `path` out: the last pattern matching it or a directory
/// above it decides.
fn ignored(ignore: &Ignore, path: &str) -> bool {
    let p = path
        .trim_start_matches("./")
        .trim_start_matches('/')
        .trim_end_matches('/');
    let mut prefixes = Vec::new();
    for (i, ch) in p.char_indices() {
        if ch == '/' {
            prefixes.push(&p[..i]);
        }
    }
    prefixes.push(p);
    let mut out = false;
    for (neg, m) in ignore {
        if prefixes.iter().any(|x| m.is_match(x)) {
            out = !neg;
        }
    }
    out
}

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    let mut ignore: Option<Ignore> = None;
    for inst in df
        .instructions
        .iter()
        .filter(|i| matches!(i.keyword, Keyword::Copy | Keyword::Add))
    {
        // from another stage or image: not the build context
        if inst.flag("from").is_some() {
            continue;
        }
        let words = inst.words();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        for (src, span) in sources {
            if src.starts_with("<<") || src.contains('$') || src.contains("://") {
                continue;
            }
            let Some((what, serious)) = classify(src) else {
                continue;
            };
            let ig = ignore.get_or_insert_with(|| read_ignore(cx));
            if ignored(ig, src) {
                continue;
            }
            let shipped = df.is_shipped(inst);
            let mut f = cx.finding(
                *span,
                format!(
                    "{} {src} copies {what} into {}; pass it at build time with RUN --mount=type=secret (or mount it at run time), and list it in .dockerignore",
                    inst.keyword.as_str(),
                    if shipped {
                        "the image: anyone who can pull the image can read it"
                    } else {
                        "a build stage's layers: it stays in the build cache and in any image built from that stage"
                    }
                ),
            )
            .help("RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci (docker build --secret id=npmrc,src=.npmrc) uses the file without storing it in a layer");
            if !serious || !shipped {
                f = f.severity(Severity::Warning);
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(classify("id_rsa").is_some_and(|c| c.1));
        assert!(classify("./keys/id_ed25519").is_some());
        assert!(classify("id_rsa.pub").is_none());
        assert!(classify(".env").is_some_and(|c| !c.1));
        assert!(classify(".env.example").is_none());
        assert!(classify(".ssh/").is_some());
        assert!(classify(".ssh/known_hosts").is_none());
        assert!(classify("nodesource-repo.gpg.key").is_none());
        assert!(classify("server.key").is_some());
        assert!(classify("src/").is_none());
        assert!(classify("package.json").is_none());
    }

    #[test]
    fn dockerignore_last_match_wins() {
        let g = |p: &str| {
            GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .unwrap()
                .compile_matcher()
        };
        let ig = vec![
            (false, g(".env*")),
            (true, g(".env.production")),
            (false, g("**/*.key")),
        ];
        assert!(ignored(&ig, ".env"));
        assert!(!ignored(&ig, ".env.production"));
        assert!(ignored(&ig, "certs/server.key"));
        let dir = vec![(false, g(".ssh"))];
        assert!(ignored(&dir, ".ssh/id_rsa"));
    }
}
