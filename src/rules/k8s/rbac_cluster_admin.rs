//! k8s/rbac-cluster-admin: bindings that hand out `cluster-admin`, and bindings whose
//! subjects are the superuser, anonymous or unauthenticated groups.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::k8s::Object;
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("k8s/rbac-cluster-admin")
    .summary("a binding to cluster-admin, or one whose subjects are system:masters, system:anonymous or system:unauthenticated")
    .packs(&["least-privilege"])
    .security(8.0)
    .on_object(check);

/// Subjects that stand for everyone (or no one in particular).
const EVERYONE: &[&str] = &[
    "system:anonymous",
    "system:unauthenticated",
    "system:authenticated",
    "system:serviceaccounts",
];

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    if !matches!(obj.kind(), "RoleBinding" | "ClusterRoleBinding")
        || !obj.group().starts_with("rbac.authorization.k8s.io")
    {
        return;
    }
    let subjects: Vec<_> = obj
        .node
        .get("subjects")
        .map(|l| l.items().filter(|x| x.is_map()).collect())
        .unwrap_or_default();
    let role = obj.node.path(&["roleRef", "name"]);
    let admin = s(role) == "cluster-admin" && s(obj.node.path(&["roleRef", "kind"])) != "Role";
    let mut reported_subject = false;
    for sub in &subjects {
        let kind = s(sub.get("kind"));
        let name = s(sub.get("name"));
        let Some(name_node) = sub.get("name") else {
            continue;
        };
        if kind == "Group" && (EVERYONE.contains(&name) || name == "system:masters") {
            let severity = if name == "system:masters" {
                Severity::Warning
            } else {
                everyone_severity(cx, obj, s(role), s(obj.node.path(&["roleRef", "kind"])))
            };
            let everyone = match name {
                "system:authenticated" | "system:serviceaccounts" => "every account of the cluster",
                _ => "anyone who can reach the API server",
            };
            let msg = if name == "system:masters" {
                format!(
                    "{} names the group system:masters, which is superuser whatever it is bound to: bind a group of your own with the role it needs",
                    obj.display()
                )
            } else if severity == Severity::Note {
                format!(
                    "{} grants {} to {name}, {everyone}: the role only reads, and nothing secret; make sure all of them are meant to",
                    obj.display(),
                    role_name(s(role)),
                )
            } else {
                format!(
                    "{} grants {} to {name}, {everyone}: bind named users, groups or service accounts instead",
                    obj.display(),
                    role_name(s(role)),
                )
            };
            out.push(
                cx.finding(name_node.span(), msg).severity(severity).help(
                    "a binding to a group that everyone is in hands the role to every caller",
                ),
            );
            reported_subject = true;
        }
    }
    if !admin || reported_subject {
        return;
    }
    let Some(role) = role else { return };
    let default_sa = subjects
        .iter()
        .any(|sub| s(sub.get("kind")) == "ServiceAccount" && s(sub.get("name")) == "default");
    let who: Vec<String> = subjects
        .iter()
        .map(|sub| {
            let kind = s(sub.get("kind"));
            let name = s(sub.get("name"));
            match s(sub.get("namespace")) {
                "" => format!("{kind} {name}"),
                ns => format!("{kind} {ns}/{name}"),
            }
        })
        .collect();
    let msg = if default_sa {
        format!(
            "{} binds cluster-admin to a namespace's default service account, so every pod there that names no account is cluster admin: bind a dedicated account to a role with the rules it needs",
            obj.display()
        )
    } else {
        format!(
            "{} binds cluster-admin ({}): whoever holds these credentials controls the whole cluster; bind a role with only the rules it needs",
            obj.display(),
            if who.is_empty() {
                "to no subject yet".to_string()
            } else {
                who.join(", ")
            }
        )
    };
    out.push(
        cx.finding(role.span(), msg)
            .severity(if default_sa {
                Severity::Error
            } else {
                Severity::Warning
            })
            .help("write a ClusterRole with the resources and verbs the subject uses (`kubectl auth can-i --list` shows them) and bind that"),
    );
}

fn s(n: Option<Yaml<'_>>) -> &str {
    n.and_then(|v| v.as_str()).unwrap_or("")
}

/// Roles Kubernetes bootstraps for every caller, which only read discovery and public
/// information (the API server binds most of them to everyone itself).
const PUBLIC_READ: &[&str] = &[
    "system:service-account-issuer-discovery",
    "system:public-info-viewer",
    "system:discovery",
    "system:basic-user",
];

/// How serious a binding of `role` to a group everyone is in is: an error unless the role
/// is known to only read what is not secret (a bootstrap discovery role, or a role of the set
/// whose rules only get/list/watch and leave secrets alone), which is a note: someone chose
/// to publish it, and the finding asks them to be sure.
fn everyone_severity(cx: &Cx<'_>, obj: &Object<'_>, role: &str, role_kind: &str) -> Severity {
    if PUBLIC_READ.contains(&role) {
        return Severity::Note;
    }
    let ns = obj.namespace().and_then(|n| n.as_str()).unwrap_or_default();
    let defined = cx.project().k8s_set().of_kind(role_kind).find(|o| {
        o.name == role
            && (role_kind == "ClusterRole"
                || o.namespace.is_empty()
                || ns.is_empty()
                || o.namespace == ns)
    });
    match defined.and_then(|o| o.read_only) {
        Some(true) => Severity::Note,
        _ => Severity::Error,
    }
}

fn role_name(role: &str) -> String {
    if role.is_empty() {
        "its role".to_string()
    } else {
        format!("role {role}")
    }
}
