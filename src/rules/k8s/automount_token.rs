//! k8s/automount-token: pods that mount a service account token they do not need: the
//! namespace's default account, or an account the manifests define but bind to no role.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::k8s::{Object, same_namespace};

pub static RULE: Rule = rule!("k8s/automount-token")
    .summary("a pod that mounts a service account token without needing the API (default account, or an account bound to no role in the manifests)")
    .packs(&["least-privilege"])
    .severity(Severity::Note)
    .security(4.0)
    .on_object(check);

const HELP: &str = "automountServiceAccountToken: false on the pod (or on its ServiceAccount) keeps the token out of the filesystem; a pod that calls the API gets an account of its own with a role bound";

fn check(cx: &Cx<'_>, obj: &Object<'_>, out: &mut Vec<Finding>) {
    let Some(pod) = obj.pod_spec() else { return };
    // said either way on the pod: a decision, not an oversight
    if pod.node.get("automountServiceAccountToken").is_some() {
        return;
    }
    let sa_node = pod
        .node
        .get("serviceAccountName")
        .or_else(|| pod.node.get("serviceAccount"));
    let sa = sa_node.and_then(|n| n.as_str()).unwrap_or("default");
    if sa.contains("{{") || sa.contains('$') {
        return;
    }
    let ns = obj.namespace().and_then(|n| n.as_str()).unwrap_or_default();
    let set = cx.project().k8s_set();
    let account = set
        .of_kind("ServiceAccount")
        .find(|o| o.name == sa && same_namespace(&o.namespace, ns));
    if account.is_some_and(|a| a.automount == Some(false)) {
        return;
    }
    let who = obj.display();
    if sa == "default" {
        let anchor = sa_node.unwrap_or(pod.key);
        out.push(
            cx.finding(
                anchor.span(),
                format!("{who} runs as the namespace's default service account and mounts its token: set automountServiceAccountToken: false, or give it an account of its own if it calls the API"),
            )
            .help(HELP),
        );
        return;
    }
    // a named account: only judged when the manifests define it (its bindings may be here)
    if account.is_none() {
        return;
    }
    let bound = set.binders().any(|o| {
        o.subjects.iter().any(|(kind, name, sns)| {
            kind == "ServiceAccount" && name == sa && same_namespace(sns, ns)
        })
    });
    if bound {
        return;
    }
    let Some(anchor) = sa_node else { return };
    out.push(
        cx.finding(
            anchor.span(),
            format!("{who} mounts the token of service account \"{sa}\", which no RoleBinding or ClusterRoleBinding in these manifests names: set automountServiceAccountToken: false on the pod or the account"),
        )
        .help(HELP),
    );
}
