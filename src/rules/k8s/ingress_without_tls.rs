//! k8s/ingress-without-tls: Ingresses that serve hosts over plain HTTP.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::k8s::Object;

pub static RULE: Rule = rule!("k8s/ingress-without-tls")
    .summary("an Ingress without spec.tls, or with hosts no tls entry covers")
    .packs(&["tls"])
    .security(5.5)
    .on_object(check);

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

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    if obj.kind() != "Ingress" {
        return;
    }
    let Some((spec_key, spec)) = obj.node.entry("spec") else {
        return;
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
        return;
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
        return;
    }
    let Some(rules) = spec.get("rules") else {
        return;
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
