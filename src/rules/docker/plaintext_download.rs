//! docker/plaintext-download: curl, wget or ADD fetching over plain `http://`.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};
use crate::source::shell::basename;

pub static RULE: Rule = rule!("docker/plaintext-download")
    .summary("curl, wget or ADD fetching http:// from a non-local host")
    .packs(&["tls", "supply-chain"])
    .security(5.5)
    .on_dockerfile(check);

/// The host of an `http://` URL, when it is not local (loopback, a single-label name on the
/// build network, `.local`/`.internal`).
pub fn remote_http_host(url: &str) -> Option<&str> {
    let rest = url
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .map(|_| &url[7..])?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let hostport = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        hostport.split(':').next().unwrap_or(hostport)
    };
    let h = host.to_ascii_lowercase();
    let local = h.is_empty()
        || h.contains('$')
        || h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
        || !h.contains('.')
        || h.ends_with(".local")
        || h.ends_with(".internal")
        || h.ends_with(".lan")
        || h.starts_with("10.")
        || h.starts_with("192.168.")
        || h.starts_with("169.254.");
    (!local).then_some(host)
}

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    let mut flag = |span, tool: &str, host: &str| {
        out.push(
            cx.finding(
                span,
                format!("{tool} downloads from {host} over plain http://, which anyone on the path can tamper with: use https:// (and check a checksum)"),
            )
            .help("switch the URL to https://; for files without TLS, verify a published sha256 (ADD --checksum=sha256:...)"),
        );
    };
    for inst in &df.instructions {
        if inst.keyword == Keyword::Add {
            let words = inst.words();
            if let Some((_, sources)) = words.split_last() {
                for (s, span) in sources {
                    if let Some(host) = remote_http_host(s) {
                        flag(*span, "ADD", host);
                    }
                }
            }
            continue;
        }
        if inst.keyword != Keyword::Run {
            continue;
        }
        for c in inst.commands() {
            let Some((prog, p)) = c.program() else {
                continue;
            };
            let tool = basename(&prog.value);
            if !matches!(tool, "curl" | "wget") {
                continue;
            }
            for w in c.args_after(p) {
                if let Some(host) = remote_http_host(&w.value) {
                    flag(w.span, tool, host);
                }
            }
        }
    }
}
