//! One detector for "TLS verification switched off", shared by the Dockerfile, compose,
//! Kubernetes and workflow packs: in shell commands (`curl -k`, `wget
//! --no-check-certificate`, `pip --trusted-host`, `git -c http.sslVerify=false`, ...) and in
//! environment variables (`NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY=1`, ...).

use crate::source::Span;
use crate::source::shell::{Command, Script, basename};

/// One place where verification is switched off. The span is relative to the text the
/// script (or value) was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsHit {
    pub span: Span,
    /// What does it, for the message: `curl -k`, `NODE_TLS_REJECT_UNAUTHORIZED=0`.
    pub what: String,
}

fn falsy(v: &str) -> bool {
    matches!(
        v.trim()
            .trim_matches(['"', '\''])
            .to_ascii_lowercase()
            .as_str(),
        "0" | "false" | "no" | "off" | "n"
    )
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim()
            .trim_matches(['"', '\''])
            .to_ascii_lowercase()
            .as_str(),
        "1" | "true" | "yes" | "on" | "y"
    )
}

/// Variables whose meaning the tools that read them document (Node, Python, git, pip, npm,
/// yarn); any other name is judged by its words, which can be wrong about a project's own
/// variable.
pub fn is_standard_env(name: &str) -> bool {
    matches!(
        name.to_ascii_uppercase().as_str(),
        "NODE_TLS_REJECT_UNAUTHORIZED"
            | "PYTHONHTTPSVERIFY"
            | "GIT_SSL_NO_VERIFY"
            | "PIP_TRUSTED_HOST"
            | "NPM_CONFIG_STRICT_SSL"
            | "YARN_STRICT_SSL"
            | "STRICT_SSL"
            | "CURL_INSECURE"
            | "MLFLOW_TRACKING_INSECURE_TLS"
            | "AWS_CA_BUNDLE"
            | "REQUESTS_CA_BUNDLE"
            | "CURL_CA_BUNDLE"
            | "SSL_CERT_FILE"
    )
}

/// Whether an environment variable switches verification off.
pub fn env_disables(name: &str, value: &str) -> bool {
    let unquoted = || value.trim().trim_matches(['"', '\'']);
    // the variables known by name, in any case
    let named = |n: &str| name.eq_ignore_ascii_case(n);
    if named("NODE_TLS_REJECT_UNAUTHORIZED") || named("PYTHONHTTPSVERIFY") {
        return unquoted() == "0";
    }
    if named("GIT_SSL_NO_VERIFY") {
        let v = unquoted();
        return !v.is_empty() && !falsy(v);
    }
    if named("PIP_TRUSTED_HOST") {
        return !value.trim().is_empty();
    }
    if named("NPM_CONFIG_STRICT_SSL") || named("YARN_STRICT_SSL") || named("STRICT_SSL") {
        return falsy(value);
    }
    // any other name by its words, when one is about TLS: most names are passed over
    // before the upper-case copy (asked of every assignment of every script)
    let holds = |w: &[u8]| {
        name.as_bytes()
            .windows(w.len())
            .any(|s| s.eq_ignore_ascii_case(w))
    };
    if !(holds(b"TLS") || holds(b"SSL") || holds(b"CERT") || holds(b"HTTPS")) {
        return false;
    }
    let n = name.to_ascii_uppercase();
    let has = |w: &str| n.contains(w);
    if has("VERIFY") && !(has("SKIP") || has("NO_") || has("DISABLE") || has("INSECURE")) {
        return falsy(value);
    }
    if (has("SKIP") || has("NO_VERIFY") || has("DISABLE") || has("INSECURE"))
        && (has("VERIFY") || has("TLS") || has("SSL") || has("CERT"))
    {
        return truthy(value);
    }
    false
}

/// Hits in one command.
pub fn in_command(cmd: &Command) -> Vec<TlsHit> {
    let mut out = Vec::new();
    // leading assignments: NODE_TLS_REJECT_UNAUTHORIZED=0 node app.js; export X=0
    for w in cmd.words.iter() {
        if let Some((n, v)) = w.value.split_once('=') {
            if !n.is_empty()
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && env_disables(n, v)
            {
                out.push(TlsHit {
                    span: w.span,
                    what: w.value.clone(),
                });
            }
        }
    }
    let Some((prog, idx)) = cmd.program() else {
        return out;
    };
    let name = basename(&prog.value);
    let args = cmd.args_after(idx);
    let find = |pred: &dyn Fn(&str) -> bool| args.iter().find(|a| pred(&a.value));
    let hit = |w: &crate::source::shell::Word, what: String| TlsHit { span: w.span, what };
    match name {
        "curl" => {
            if let Some(w) = cmd.has_flag("insecure", Some('k')) {
                out.push(hit(w, format!("curl {}", w.value)));
            }
        }
        "wget" => {
            if let Some(w) = find(&|a| a == "--no-check-certificate") {
                out.push(hit(w, "wget --no-check-certificate".into()));
            }
        }
        "pip" | "pip3" | "python" | "python3" | "uv" | "pipx" | "poetry" => {
            if let Some(w) = find(&|a| a == "--trusted-host" || a.starts_with("--trusted-host=")) {
                out.push(hit(w, format!("{name} --trusted-host")));
            }
        }
        "npm" | "yarn" | "pnpm" => {
            // npm config set strict-ssl false / npm set strict-ssl false / --strict-ssl=false
            let values: Vec<&str> = args.iter().map(|a| a.value.as_str()).collect();
            if let Some(i) = values
                .iter()
                .position(|v| *v == "strict-ssl" || *v == "strictSSL")
            {
                if values.get(i + 1).is_some_and(|v| falsy(v)) {
                    out.push(hit(&args[i], format!("{name} config set strict-ssl false")));
                }
            }
            if let Some(w) =
                find(&|a| a == "--strict-ssl=false" || a.eq_ignore_ascii_case("strict-ssl=false"))
            {
                out.push(hit(w, format!("{name} {}", w.value)));
            }
        }
        "git" => {
            let values: Vec<&str> = args.iter().map(|a| a.value.as_str()).collect();
            for (i, v) in values.iter().enumerate() {
                let lower = v.to_ascii_lowercase();
                if lower.starts_with("http.sslverify=") && falsy(&lower["http.sslverify=".len()..])
                {
                    out.push(hit(&args[i], format!("git -c {v}")));
                } else if lower == "http.sslverify" && values.get(i + 1).is_some_and(|n| falsy(n)) {
                    out.push(hit(&args[i], "git config http.sslVerify false".into()));
                }
            }
        }
        "kubectl" | "helm" | "oc" => {
            if let Some(w) = find(&|a| {
                a == "--insecure-skip-tls-verify" || a == "--insecure-skip-tls-verify=true"
            }) {
                out.push(hit(w, format!("{name} {}", w.value)));
            }
        }
        "aws" => {
            if let Some(w) = find(&|a| a == "--no-verify-ssl") {
                out.push(hit(w, "aws --no-verify-ssl".into()));
            }
        }
        "skopeo" | "podman" | "buildah" | "crane" | "docker" => {
            if let Some(w) = find(&|a| {
                let l = a.to_ascii_lowercase();
                (l.starts_with("--tls-verify=")
                    || l.starts_with("--src-tls-verify=")
                    || l.starts_with("--dest-tls-verify="))
                    && l.ends_with("=false")
                    || l == "--insecure"
            }) {
                out.push(hit(w, format!("{name} {}", w.value)));
            }
        }
        "export" | "env" | "set" => {} // assignments handled above
        _ => {}
    }
    out
}

/// Hits in a whole script.
pub fn in_script(script: &Script) -> Vec<TlsHit> {
    script.commands.iter().flat_map(in_command).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::shell::parse_script;

    fn hits(s: &str) -> Vec<String> {
        in_script(&parse_script(s))
            .into_iter()
            .map(|h| h.span.text(s).to_string())
            .collect()
    }

    #[test]
    fn commands() {
        assert_eq!(hits("curl -fsSLk https://x | sh"), vec!["-fsSLk"]);
        assert_eq!(hits("curl --insecure https://x"), vec!["--insecure"]);
        assert_eq!(
            hits("wget --no-check-certificate https://x"),
            vec!["--no-check-certificate"]
        );
        assert_eq!(
            hits("pip install --trusted-host pypi.org x"),
            vec!["--trusted-host"]
        );
        assert_eq!(hits("npm config set strict-ssl false"), vec!["strict-ssl"]);
        assert_eq!(
            hits("git -c http.sslVerify=false clone x"),
            vec!["http.sslVerify=false"]
        );
        assert_eq!(
            hits("git config --global http.sslVerify false"),
            vec!["http.sslVerify"]
        );
        assert_eq!(
            hits("NODE_TLS_REJECT_UNAUTHORIZED=0 node a.js"),
            vec!["NODE_TLS_REJECT_UNAUTHORIZED=0"]
        );
        assert_eq!(
            hits("export GIT_SSL_NO_VERIFY=true"),
            vec!["GIT_SSL_NO_VERIFY=true"]
        );
        assert_eq!(
            hits("kubectl --insecure-skip-tls-verify apply -f x"),
            vec!["--insecure-skip-tls-verify"]
        );
        assert!(
            hits("curl -fsSL https://x -o y && wget https://y && npm config set strict-ssl true")
                .is_empty()
        );
        assert!(hits("echo curl -k").is_empty());
    }

    #[test]
    fn env() {
        assert!(env_disables("NODE_TLS_REJECT_UNAUTHORIZED", "0"));
        assert!(!env_disables("NODE_TLS_REJECT_UNAUTHORIZED", "1"));
        assert!(env_disables("PYTHONHTTPSVERIFY", "0"));
        assert!(env_disables("GIT_SSL_NO_VERIFY", "1"));
        assert!(env_disables("SSL_VERIFY", "false"));
        assert!(env_disables("INSECURE_SKIP_TLS_VERIFY", "true"));
        assert!(env_disables("DB_SSL_VERIFY", "0"));
        assert!(!env_disables("SSL_VERIFY", "true"));
        assert!(!env_disables("TLS_CERT_PATH", "/etc/x"));
        assert!(!env_disables("NODE_ENV", "0"));
        // names in any case; a name without a TLS word is known by name or not at all
        assert!(env_disables("node_tls_reject_unauthorized", "0"));
        assert!(env_disables("Git_Ssl_No_Verify", "true"));
        assert!(env_disables("pip_trusted_host", "pypi.internal"));
        assert!(env_disables("npm_config_strict_ssl", "false"));
        assert!(!env_disables("PIP_INDEX_URL", "https://x"));
        assert!(!env_disables("SKIP_VERIFY", "true"));
    }
}
