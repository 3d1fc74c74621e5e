//! docker/package-signature-disabled: package managers told to install packages whose
//! signature they could not check: `apk --allow-untrusted`, `apt-get --allow-unauthenticated`
//! / `--force-yes` / `AllowUnauthenticated=true` / `[trusted=yes]` sources, `yum`/`dnf`
//! `--nogpgcheck` / `gpgcheck=0`, `zypper --no-gpg-checks`, `rpm --nosignature`/`--nodigest`,
//! and `pip --trusted-host`.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::Span;
use crate::source::dockerfile::{Dockerfile, Keyword};
use crate::source::shell::{Command, basename};

pub static RULE: Rule = rule!("docker/package-signature-disabled")
    .summary("a package manager told to skip signature or certificate checks (apk --allow-untrusted, apt --allow-unauthenticated, --nogpgcheck, rpm --nosignature, pip --trusted-host)")
    .packs(&["supply-chain"])
    .severity(Severity::Error)
    .security(7.0)
    .supersedes(&["docker/tls-verification-disabled"])
    .on_dockerfile(check);

/// One switch found: where, what it is, and whether it only weakens transport (a warning).
struct Hit {
    span: Span,
    what: String,
    weaker: bool,
}

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Run) {
        for c in inst.commands() {
            for hit in hits(c) {
                let f = if hit.weaker {
                    cx.finding(
                        hit.span,
                        format!("{} installs packages from a host whose certificate is not checked: anyone on the network path can swap them; remove it and trust the index's CA instead", hit.what),
                    )
                    .severity(Severity::Warning)
                } else {
                    cx.finding(
                        hit.span,
                        format!("{} installs packages without checking their signatures: a tampered mirror or a man in the middle puts its code in the image; remove it and import the repository's signing key instead", hit.what),
                    )
                };
                out.push(f.help("add the repository's key (apt: signed-by= with a keyring; apk: the key in /etc/apk/keys; rpm: rpm --import) so its packages verify"));
            }
        }
    }
}

fn hits(c: &Command) -> Vec<Hit> {
    let mut out = Vec::new();
    let Some((prog, idx)) = c.program() else {
        return out;
    };
    let name = basename(&prog.value);
    let args = c.args_after(idx);
    let mut push = |span: Span, what: String, weaker: bool| out.push(Hit { span, what, weaker });
    match name {
        "apk" => {
            for a in args.iter().filter(|a| a.value == "--allow-untrusted") {
                push(a.span, "apk --allow-untrusted".into(), false);
            }
        }
        "apt-get" | "apt" | "aptitude" => {
            for (i, a) in args.iter().enumerate() {
                let v = a.value.as_str();
                match v {
                    "--allow-unauthenticated" | "--allow-insecure-repositories" | "--force-yes" => {
                        push(a.span, format!("{name} {v}"), false)
                    }
                    _ => {
                        // -o APT::Get::AllowUnauthenticated=true (also glued: -oAPT::...)
                        let opt = if v == "-o" {
                            args.get(i + 1).map(|n| n.value.as_str())
                        } else {
                            v.strip_prefix("-o").filter(|s| !s.is_empty())
                        };
                        if let Some(o) = opt.filter(|o| apt_option_disables(o)) {
                            push(a.span, format!("{name} -o {o}"), false);
                        }
                    }
                }
            }
        }
        "yum" | "dnf" | "tdnf" | "microdnf" | "yum-config-manager" => {
            for a in args {
                let l = a.value.to_ascii_lowercase();
                if l == "--nogpgcheck" || l.starts_with("--setopt=") && gpgcheck_off(&l) {
                    push(a.span, format!("{name} {}", a.value), false);
                }
            }
        }
        "zypper" => {
            for a in args
                .iter()
                .filter(|a| a.value == "--no-gpg-checks" || a.value == "--gpg-auto-import-keys")
            {
                // auto-importing keys trusts whatever key a repository offers
                push(a.span, format!("zypper {}", a.value), false);
            }
        }
        "rpm" => {
            let checking = args
                .iter()
                .any(|a| a.value == "-K" || a.value == "--checksig");
            if !checking {
                for a in args
                    .iter()
                    .filter(|a| matches!(a.value.as_str(), "--nosignature" | "--nodigest"))
                {
                    push(a.span, format!("rpm {}", a.value), false);
                }
            }
        }
        "pip" | "pip3" | "python" | "python3" | "uv" => {
            for a in args
                .iter()
                .filter(|a| a.value == "--trusted-host" || a.value.starts_with("--trusted-host="))
            {
                push(a.span, format!("{name} --trusted-host"), true);
            }
        }
        _ => {
            // a repository line or option written to apt's or yum's configuration:
            // echo "deb [trusted=yes] ..." > /etc/apt/sources.list.d/x.list
            for a in args {
                let l = a.value.to_ascii_lowercase();
                if l.contains("[trusted=yes]")
                    || l.contains(" trusted=yes")
                    || l.contains("allowunauthenticated") && l.contains("true")
                {
                    push(
                        a.span,
                        "an apt source or option that trusts unsigned packages".into(),
                        false,
                    );
                } else if gpgcheck_off(&l) && !l.contains("repo_gpgcheck=0") {
                    push(a.span, "a yum/dnf repository with gpgcheck=0".into(), false);
                }
            }
        }
    }
    out
}

/// `APT::Get::AllowUnauthenticated=true` and friends.
fn apt_option_disables(o: &str) -> bool {
    let l = o.to_ascii_lowercase();
    (l.contains("allowunauthenticated") || l.contains("allowinsecurerepositories"))
        && (l.ends_with("=true") || l.ends_with("=1") || l.ends_with("=yes"))
}

/// `gpgcheck=0` / `gpgcheck=false` anywhere in a word (a `--setopt`, a repo file line, a
/// sed expression that writes it).
fn gpgcheck_off(l: &str) -> bool {
    let Some(at) = l.find("gpgcheck=") else {
        return false;
    };
    let rest = &l[at + "gpgcheck=".len()..];
    rest.starts_with('0') || rest.starts_with("false") || rest.starts_with("no")
}
