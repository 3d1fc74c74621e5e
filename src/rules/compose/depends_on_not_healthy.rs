//! compose/depends-on-not-healthy: `depends_on` that does not wait for health when it could,
//! or waits for a health that is never reported.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::rules::support::anchors::{at_use, place};
use crate::rules::support::edit::{add_entry, is_flow, line_start, newline, plain_region};
use crate::source::compose::{Compose, Dependency, Service};
use crate::source::{Kind, Span};

pub static RULE: Rule = rule!("compose/depends-on-not-healthy")
    .summary("depends_on that waits only for start on a service with a healthcheck, or for service_healthy on one without")
    .packs(&["reliability", "healthchecks"])
    .on_compose(check);

/// Whether a service reports health: `Some(true)` in the compose file or the Dockerfile it
/// builds, `Some(false)` known not to, `None` unknown (an image-only service).
fn has_healthcheck(cx: &Cx<'_>, svc: &Service<'_>) -> Option<bool> {
    if let Some(on) = Compose::healthcheck_enabled(svc) {
        return Some(on);
    }
    let path = svc.dockerfile_path(cx.path())?;
    let file = cx.project().file(&path, Kind::Dockerfile)?;
    let df = file.dockerfile()?;
    let stage = df.final_stage()?;
    Some(
        df.healthcheck(stage)
            .is_some_and(|h| !h.is_healthcheck_none()),
    )
}

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    for svc in compose.services() {
        for dep in svc.depends_on() {
            let Some(target) = compose.service(dep.name) else {
                continue; // compose/undefined-reference
            };
            let health = has_healthcheck(cx, &target);
            match dep.condition {
                None | Some(("service_started", _)) if health == Some(true) => {
                    let span = dep.condition.map_or(dep.span, |(_, n)| n.span());
                    let owner = svc.node.span();
                    let fallback = if place(dep.span, owner, svc.key.span()).1.is_none() {
                        dep.span
                    } else {
                        svc.key.span()
                    };
                    let f = at_use(
                        |at| cx.finding(
                            at,
                            format!("service \"{}\" waits only for \"{}\" to start, though it has a healthcheck: use condition: service_healthy", svc.name, dep.name),
                        ),
                        span,
                        owner,
                        fallback,
                    )
                    .help(format!("depends_on: {{{}: {{condition: service_healthy}}}}", dep.name));
                    out.push(match healthy_fix(cx.text(), &svc, &dep) {
                        Some(fix) => f.fix(fix),
                        None => f,
                    });
                }
                Some(("service_healthy", node)) if health != Some(true) => {
                    let (sev, why) = match health {
                        Some(false) => (
                            Severity::Error,
                            "it has no healthcheck, so compose fails to start",
                        ),
                        _ => (
                            Severity::Warning,
                            "it has no healthcheck here; unless its image defines a HEALTHCHECK, compose fails to start",
                        ),
                    };
                    let owner = svc.node.span();
                    let fallback = if place(dep.span, owner, svc.key.span()).1.is_none() {
                        dep.span
                    } else {
                        svc.key.span()
                    };
                    out.push(
                        at_use(
                            |at| cx.finding(
                                at,
                                format!("service \"{}\" waits for \"{}\" to be healthy, but {why}: add a healthcheck to \"{}\"", svc.name, dep.name, dep.name),
                            ),
                            node.span(),
                            owner,
                            fallback,
                        )
                        .severity(sev)
                        .related(target.key.span(), "the service with no healthcheck"),
                    );
                }
                _ => {}
            }
        }
    }
}

/// Make `dep` wait for `service_healthy`: the condition's value replaced, the condition
/// added to its entry, or a list `depends_on` rewritten in the long form (the others keep
/// `service_started`, what the list form means). Unsafe: the service now waits for its
/// dependency's health, and does not start when that never comes.
fn healthy_fix(text: &str, svc: &Service<'_>, dep: &Dependency<'_>) -> Option<Fix> {
    let fix = Fix::unsafe_(format!("wait for \"{}\" to be healthy", dep.name));
    let (key, list) = svc.node.entry("depends_on")?;
    // only text that is this service's own: an anchored condition shared by other services
    // (or one reached through an alias) would change them too
    let own = Span::new(key.span().start, list.span().end);
    if !plain_region(text, own) {
        return None;
    }
    if let Some((_, node)) = dep.condition {
        if !own.contains(node.span()) {
            return None;
        }
        return Some(fix.replace(node.span(), "service_healthy"));
    }
    if list.is_map() {
        let value = list
            .entries()
            .into_iter()
            .find(|(k, _)| k.span() == dep.span)
            .map(|(_, v)| v)?;
        if value.is_null() {
            // `db:` with nothing after it
            if !value.span().is_empty() {
                return None;
            }
            let colon = text[dep.span.end..].find(':')? + dep.span.end;
            return Some(fix.insert(colon + 1, " {condition: service_healthy}"));
        }
        let (at, ins) = add_entry(
            text,
            value,
            &["condition: service_healthy".to_string()],
            "condition: service_healthy",
        )?;
        return Some(fix.insert(at, ins));
    }
    if !list.is_seq() {
        return None;
    }
    // the list form, as a block mapping under the key
    let names: Vec<&str> = list.items().filter_map(|i| i.as_str()).collect();
    if names.len() != list.len() {
        return None;
    }
    let indent = key.span().start - line_start(text, key.span().start);
    let pad = " ".repeat(indent + 2);
    let nl = newline(text);
    let mut block = String::new();
    for name in names {
        let condition = if name == dep.name {
            "service_healthy"
        } else {
            "service_started"
        };
        block.push_str(&format!(
            "{nl}{pad}{name}:{nl}{pad}  condition: {condition}"
        ));
    }
    let colon = text[key.span().end..].find(':')? + key.span().end;
    let end = if is_flow(text, list) {
        list.span().end
    } else {
        // the last item's end (a block sequence's span may run into the next line)
        list.items().last()?.span().end
    };
    Some(fix.replace(Span::new(colon + 1, end), block))
}
