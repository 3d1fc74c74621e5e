//! k8s/rbac-wildcard: Role and ClusterRole rules granting `*` verbs, resources or API groups.

use super::rbac::policy_rules;
use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::k8s::Object;

pub static RULE: Rule = rule!("k8s/rbac-wildcard")
    .summary("a Role or ClusterRole rule with `*` in verbs, resources or apiGroups")
    .packs(&["least-privilege"])
    .security(7.0)
    .on_object(check);

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    for rule in policy_rules(obj) {
        let star =
            |l: &[(&str, crate::source::Span)]| l.iter().find(|(v, _)| *v == "*").map(|(_, s)| *s);
        let verbs = star(&rule.verbs);
        let resources = star(&rule.resources);
        let groups = star(&rule.api_groups);
        let wild: Vec<&str> = [
            (verbs, "verbs"),
            (resources, "resources"),
            (groups, "apiGroups"),
        ]
        .iter()
        .filter(|(s, _)| s.is_some())
        .map(|(_, n)| *n)
        .collect();
        let Some(span) = [verbs, resources, groups]
            .into_iter()
            .flatten()
            .min_by_key(|s| s.start)
        else {
            continue;
        };
        // every verb on every resource of every group: the whole API
        let all = verbs.is_some() && resources.is_some() && groups.is_some() && !rule.named;
        let msg = if all {
            format!(
                "{} rule {} grants every verb on every resource of every API group (`*` in verbs, resources and apiGroups): that is {}; list the resources and verbs it needs",
                obj.display(),
                rule.index,
                if obj.kind() == "ClusterRole" {
                    "cluster-admin"
                } else {
                    "admin of its namespace"
                }
            )
        } else {
            format!(
                "{} rule {} uses `*` in {}: it grants whatever exists now and every resource or verb added later; list the ones it needs",
                obj.display(),
                rule.index,
                wild.join(" and ")
            )
        };
        let f = cx.finding(span, msg).help(
            "write the API groups, resources and verbs out (`kubectl auth can-i --list --as system:serviceaccount:<ns>:<sa>` shows what is used)",
        );
        out.push(if all && obj.kind() == "ClusterRole" {
            f.severity(Severity::Error)
        } else {
            f
        });
    }
}
