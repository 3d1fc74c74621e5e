//! What the RBAC rules share: the policy rules of a Role or ClusterRole, each with its verbs,
//! resources and API groups as written.

use crate::source::Span;
use crate::source::k8s::Object;
use crate::source::yaml::Yaml;

/// One entry of a Role's or ClusterRole's `rules:`.
pub struct PolicyRule<'a> {
    /// 1-based position in `rules:`, for messages.
    pub index: usize,
    pub verbs: Vec<(&'a str, Span)>,
    pub resources: Vec<(&'a str, Span)>,
    pub api_groups: Vec<(&'a str, Span)>,
    /// Whether `resourceNames` narrows the rule to named objects.
    pub named: bool,
}

impl PolicyRule<'_> {
    /// Whether the rule grants `verb` (a `*` grants every verb).
    pub fn grants(&self, verb: &str) -> bool {
        self.verbs
            .iter()
            .any(|(v, _)| *v == "*" || v.eq_ignore_ascii_case(verb))
    }

    /// The resource item naming `resource` exactly (`pods/exec`), if any.
    pub fn resource(&self, resource: &str) -> Option<Span> {
        self.resources
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(resource))
            .map(|(_, s)| *s)
    }

    /// Whether the rule covers the API group `group` ("" is the core group).
    pub fn in_group(&self, group: &str) -> bool {
        self.api_groups.is_empty() && group.is_empty()
            || self
                .api_groups
                .iter()
                .any(|(g, _)| *g == "*" || *g == group)
    }
}

/// The kinds that hold policy rules.
pub fn is_role(obj: &Object<'_>) -> bool {
    matches!(obj.kind(), "Role" | "ClusterRole")
        && obj.group().starts_with("rbac.authorization.k8s.io")
}

/// The policy rules of a Role or ClusterRole. An aggregated ClusterRole's rules are written
/// by the controller from its `aggregationRule`, so none are read from it.
pub fn policy_rules<'a>(obj: &Object<'a>) -> Vec<PolicyRule<'a>> {
    if !is_role(obj) || obj.node.get("aggregationRule").is_some() {
        return Vec::new();
    }
    let Some(rules) = obj.node.get("rules") else {
        return Vec::new();
    };
    let list = |r: Yaml<'a>, key: &str| r.get(key).map(|v| v.str_or_list()).unwrap_or_default();
    rules
        .items()
        .enumerate()
        .filter(|(_, r)| r.is_map())
        .map(|(i, r)| PolicyRule {
            index: i + 1,
            verbs: list(r, "verbs"),
            resources: list(r, "resources"),
            api_groups: list(r, "apiGroups"),
            named: r.get("resourceNames").is_some_and(|n| !n.is_empty()),
        })
        .collect()
}
