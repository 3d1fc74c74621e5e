//! compose/duplicate-container-name: a `container_name` used by two services, and one host
//! port published twice (in the file, or in the file merged with its override).

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::Span;
use crate::source::compose::{Compose, Port, Service};

pub static RULE: Rule = rule!("compose/duplicate-container-name")
    .summary("a container_name reused by two services, or one host port published twice")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .on_compose(check);

/// The profiles of a service (empty: always started).
fn profiles<'a>(svc: &Service<'a>) -> Vec<&'a str> {
    svc.get("profiles")
        .map(|p| p.str_or_list().into_iter().map(|(s, _)| s).collect())
        .unwrap_or_default()
}

/// Whether two services can run at once: a service without profiles always runs; two with
/// profiles only when they share one.
fn together(a: &Service<'_>, b: &Service<'_>) -> bool {
    let (pa, pb) = (profiles(a), profiles(b));
    pa.is_empty() || pb.is_empty() || pa.iter().any(|p| pb.contains(p))
}

/// A published host port: (host ip, port, protocol).
fn host_ports(p: &Port) -> Vec<(String, u16, String)> {
    let Some(published) = &p.published else {
        return Vec::new();
    };
    let proto = p
        .target
        .split_once('/')
        .map(|(_, pr)| pr.to_ascii_lowercase())
        .unwrap_or_else(|| "tcp".into());
    let ip = match p.host_ip.as_deref().map(str::trim) {
        None | Some("") | Some("0.0.0.0") | Some("::") | Some("[::]") => "*".to_string(),
        Some(ip) => ip.to_string(),
    };
    Port::expand(published)
        .into_iter()
        .map(|n| (ip.clone(), n, proto.clone()))
        .collect()
}

fn clash(a: &(String, u16, String), b: &(String, u16, String)) -> bool {
    a.1 == b.1 && a.2 == b.2 && (a.0 == b.0 || a.0 == "*" || b.0 == "*")
}

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    let services = compose.services();
    // container names
    let mut names: Vec<(String, Span, usize)> = Vec::new();
    for (i, svc) in services.iter().enumerate() {
        let Some(node) = svc.get("container_name") else {
            continue;
        };
        let Some(name) = node.as_str().and_then(|n| svc.resolve(n)) else {
            continue;
        };
        if let Some((_, first, j)) = names
            .iter()
            .find(|(n, _, j)| *n == name && together(&services[*j], svc))
        {
            out.push(
                cx.finding(
                    node.span(),
                    format!("service \"{}\" uses container_name {name}, which service \"{}\" already uses: the second container cannot be created (the name is in use); give each its own name or drop container_name", svc.name, services[*j].name),
                )
                .related(*first, "the first service with this name"),
            );
            continue;
        }
        names.push((name, node.span(), i));
    }
    // host ports
    let mut seen: Vec<((String, u16, String), Span, usize)> = Vec::new();
    for (i, svc) in services.iter().enumerate() {
        let mut reported = false;
        for p in svc.ports() {
            for hp in host_ports(&p) {
                let other = seen
                    .iter()
                    .find(|(h, _, j)| clash(h, &hp) && (*j == i || together(&services[*j], svc)));
                match other {
                    Some((_, first, j)) if !reported => {
                        let whose = if *j == i {
                            "this service already publishes it".to_string()
                        } else {
                            format!("service \"{}\" already publishes it", services[*j].name)
                        };
                        out.push(
                            cx.finding(
                                p.span,
                                format!("service \"{}\" publishes host port {} ({}), and {whose}: the second bind fails (port is already allocated); use another host port", svc.name, hp.1, hp.2),
                            )
                            .related(*first, "the first publication of this port"),
                        );
                        reported = true;
                    }
                    Some(_) => {}
                    None => seen.push((hp, p.span, i)),
                }
            }
        }
    }
}
