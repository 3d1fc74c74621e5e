//! k8s/ingress-without-tls: Ingresses that serve hosts over plain HTTP.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::k8s;

pub const RULE: Rule = Rule {
    id: "k8s/ingress-without-tls",
    kinds: &[Kind::K8s],
    packs: &["tls"],
    severity: Severity::Warning,
    security_severity: Some(5.5),
    summary: "an Ingress without spec.tls, or with hosts no tls entry covers",
    doc: include_str!("../../../rules/k8s/ingress-without-tls.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

/// Whether a TLS host (possibly `*.example.com`) covers a rule host.
fn covers(tls: &str, host: &str) -> bool {
    if tls.eq_ignore_ascii_case(host) {
        return true;
    }
    match (tls.strip_prefix("*."), host.split_once('.')) {
        (Some(suffix), Some((label, rest))) => {
            !label.is_empty() && !label.contains('*') && rest.eq_ignore_ascii_case(suffix)
        }
        _ => false,
    }
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    for obj in k8s::objects(yaml) {
        if obj.kind() != "Ingress" {
            continue;
        }
        let Some((spec_key, spec)) = obj.node.entry("spec") else {
            continue;
        };
        let tls = spec.get("tls").filter(|t| !t.is_empty());
        let Some(tls) = tls else {
            out.push(
                cx.finding(
                    spec_key.span(),
                    format!(
                        "{} has no spec.tls, so it serves plain HTTP: add spec.tls with its hosts and a certificate secretName",
                        obj.display()
                    ),
                )
                .help("e.g. `tls: [{hosts: [app.example.com], secretName: app-tls}]`; cert-manager can issue the certificate"),
            );
            continue;
        };
        let tls_hosts: Vec<&str> = tls
            .items()
            .filter_map(|t| t.get("hosts"))
            .flat_map(|h| h.items().filter_map(|i| i.as_str()).collect::<Vec<_>>())
            .collect();
        // a tls entry without hosts takes the controller's default host: it covers them all
        if tls
            .items()
            .any(|t| t.get("hosts").is_none_or(|h| h.is_empty()))
        {
            continue;
        }
        let Some(rules) = spec.get("rules") else {
            continue;
        };
        for rule in rules.items() {
            let Some(host_node) = rule.get("host") else {
                continue;
            };
            let Some(host) = host_node.as_str() else {
                continue;
            };
            if tls_hosts.iter().any(|t| covers(t, host)) {
                continue;
            }
            out.push(cx.finding(
                host_node.span(),
                format!(
                    "{} serves {host} without TLS: no spec.tls entry lists it; add it to a tls entry's hosts",
                    obj.display()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("*.example.com", "api.example.com"));
        assert!(!covers("*.example.com", "a.b.example.com"));
        assert!(!covers("*.example.com", "example.com"));
        assert!(covers("App.example.com", "app.example.com"));
    }
}
