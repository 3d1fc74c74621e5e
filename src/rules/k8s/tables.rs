//! The data tables of the Kubernetes rules, each row with its source and date. Regenerate
//! with `scripts/k8s-tables.py` (from checkouts of kubernetes/website and
//! kubernetes/pod-security-admission); review the diff.

/// The Kubernetes version rules judge against unless configured (`kubernetes-version`): a
/// conservative choice, a minor many clusters still ran when the tables were taken (1.33
/// left upstream support in mid-2026); no removal in the guide is later than 1.32, so it
/// decides only which safe sysctls count.
pub const DEFAULT_VERSION: &str = "1.33";

/// When the tables were taken (the guide from kubernetes/website, the sysctl sets from
/// kubernetes/pod-security-admission at 8f84a87, 2026-07-01).
pub const TAKEN: &str = "2026-12-01";

/// One API version that stopped being served.
pub struct Removed {
    /// `group/version` as written in `apiVersion`.
    pub api_version: &'static str,
    /// The kinds it served that moved.
    pub kinds: &'static [&'static str],
    /// The first minor (`1.25`) that no longer serves it.
    pub removed_in: (u32, u32),
    /// The `apiVersion` to use instead, or what to do.
    pub replacement: &'static str,
    /// The release date of `removed_in`.
    pub date: &'static str,
    pub source: &'static str,
}

const GUIDE: &str = "kubernetes/website content/en/docs/reference/using-api/deprecation-guide.md";

/// Removed API versions, by the release that removed them, from the Deprecated API
/// Migration Guide.
#[rustfmt::skip]
pub const REMOVED: &[Removed] = &[
    // v1.32 (2024-12-11)
    Removed { api_version: "flowcontrol.apiserver.k8s.io/v1beta3", kinds: &["FlowSchema", "PriorityLevelConfiguration"], removed_in: (1, 32), replacement: "flowcontrol.apiserver.k8s.io/v1", date: "2024-12-11", source: GUIDE },
    // v1.29 (2023-12-13)
    Removed { api_version: "flowcontrol.apiserver.k8s.io/v1beta2", kinds: &["FlowSchema", "PriorityLevelConfiguration"], removed_in: (1, 29), replacement: "flowcontrol.apiserver.k8s.io/v1", date: "2023-12-13", source: GUIDE },
    // v1.27 (2023-04-11)
    Removed { api_version: "storage.k8s.io/v1beta1", kinds: &["CSIStorageCapacity"], removed_in: (1, 27), replacement: "storage.k8s.io/v1", date: "2023-04-11", source: GUIDE },
    // v1.26 (2022-12-08)
    Removed { api_version: "flowcontrol.apiserver.k8s.io/v1beta1", kinds: &["FlowSchema", "PriorityLevelConfiguration"], removed_in: (1, 26), replacement: "flowcontrol.apiserver.k8s.io/v1", date: "2022-12-08", source: GUIDE },
    Removed { api_version: "autoscaling/v2beta2", kinds: &["HorizontalPodAutoscaler"], removed_in: (1, 26), replacement: "autoscaling/v2", date: "2022-12-08", source: GUIDE },
    // v1.25 (2022-08-23)
    Removed { api_version: "batch/v1beta1", kinds: &["CronJob"], removed_in: (1, 25), replacement: "batch/v1", date: "2022-08-23", source: GUIDE },
    Removed { api_version: "discovery.k8s.io/v1beta1", kinds: &["EndpointSlice"], removed_in: (1, 25), replacement: "discovery.k8s.io/v1", date: "2022-08-23", source: GUIDE },
    Removed { api_version: "events.k8s.io/v1beta1", kinds: &["Event"], removed_in: (1, 25), replacement: "events.k8s.io/v1", date: "2022-08-23", source: GUIDE },
    Removed { api_version: "autoscaling/v2beta1", kinds: &["HorizontalPodAutoscaler"], removed_in: (1, 25), replacement: "autoscaling/v2", date: "2022-08-23", source: GUIDE },
    Removed { api_version: "policy/v1beta1", kinds: &["PodDisruptionBudget"], removed_in: (1, 25), replacement: "policy/v1", date: "2022-08-23", source: GUIDE },
    Removed { api_version: "policy/v1beta1", kinds: &["PodSecurityPolicy"], removed_in: (1, 25), replacement: "Pod Security Admission (namespace labels pod-security.kubernetes.io/*)", date: "2022-08-23", source: GUIDE },
    Removed { api_version: "node.k8s.io/v1beta1", kinds: &["RuntimeClass"], removed_in: (1, 25), replacement: "node.k8s.io/v1", date: "2022-08-23", source: GUIDE },
    // v1.22 (2021-08-04)
    Removed { api_version: "admissionregistration.k8s.io/v1beta1", kinds: &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], removed_in: (1, 22), replacement: "admissionregistration.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "apiextensions.k8s.io/v1beta1", kinds: &["CustomResourceDefinition"], removed_in: (1, 22), replacement: "apiextensions.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "apiregistration.k8s.io/v1beta1", kinds: &["APIService"], removed_in: (1, 22), replacement: "apiregistration.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "authentication.k8s.io/v1beta1", kinds: &["TokenReview"], removed_in: (1, 22), replacement: "authentication.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "authorization.k8s.io/v1beta1", kinds: &["LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview", "SelfSubjectRulesReview"], removed_in: (1, 22), replacement: "authorization.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "certificates.k8s.io/v1beta1", kinds: &["CertificateSigningRequest"], removed_in: (1, 22), replacement: "certificates.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "coordination.k8s.io/v1beta1", kinds: &["Lease"], removed_in: (1, 22), replacement: "coordination.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "extensions/v1beta1", kinds: &["Ingress"], removed_in: (1, 22), replacement: "networking.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "networking.k8s.io/v1beta1", kinds: &["Ingress", "IngressClass"], removed_in: (1, 22), replacement: "networking.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "rbac.authorization.k8s.io/v1beta1", kinds: &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"], removed_in: (1, 22), replacement: "rbac.authorization.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "scheduling.k8s.io/v1beta1", kinds: &["PriorityClass"], removed_in: (1, 22), replacement: "scheduling.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    Removed { api_version: "storage.k8s.io/v1beta1", kinds: &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], removed_in: (1, 22), replacement: "storage.k8s.io/v1", date: "2021-08-04", source: GUIDE },
    // v1.16 (2019-09-18)
    Removed { api_version: "extensions/v1beta1", kinds: &["NetworkPolicy"], removed_in: (1, 16), replacement: "networking.k8s.io/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "extensions/v1beta1", kinds: &["DaemonSet"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "apps/v1beta2", kinds: &["DaemonSet"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "extensions/v1beta1", kinds: &["Deployment"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "apps/v1beta1", kinds: &["Deployment"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "apps/v1beta2", kinds: &["Deployment"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "apps/v1beta1", kinds: &["StatefulSet"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "apps/v1beta2", kinds: &["StatefulSet"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "extensions/v1beta1", kinds: &["ReplicaSet"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "apps/v1beta1", kinds: &["ReplicaSet"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "apps/v1beta2", kinds: &["ReplicaSet"], removed_in: (1, 16), replacement: "apps/v1", date: "2019-09-18", source: GUIDE },
    Removed { api_version: "extensions/v1beta1", kinds: &["PodSecurityPolicy"], removed_in: (1, 16), replacement: "policy/v1beta1 (itself removed in 1.25: Pod Security Admission)", date: "2019-09-18", source: GUIDE },
];

/// One sysctl the kubelet allows by default (the "safe" set), from the release on.
pub struct SafeSysctl {
    pub name: &'static str,
    /// The Pod Security policy version that first allows it.
    pub since: (u32, u32),
    pub source: &'static str,
    pub date: &'static str,
}

const PSA: &str = "kubernetes/pod-security-admission policy/check_sysctls.go";

/// The safe sysctls, from the Pod Security baseline check (`sysctlsAllowedV1Dot*`).
#[rustfmt::skip]
pub const SAFE_SYSCTLS: &[SafeSysctl] = &[
    SafeSysctl { name: "kernel.shm_rmid_forced", since: (1, 0), source: PSA, date: "2021-08-04" },
    SafeSysctl { name: "net.ipv4.ip_local_port_range", since: (1, 0), source: PSA, date: "2021-08-04" },
    SafeSysctl { name: "net.ipv4.tcp_syncookies", since: (1, 0), source: PSA, date: "2021-08-04" },
    SafeSysctl { name: "net.ipv4.ping_group_range", since: (1, 0), source: PSA, date: "2021-08-04" },
    SafeSysctl { name: "net.ipv4.ip_unprivileged_port_start", since: (1, 0), source: PSA, date: "2021-08-04" },
    SafeSysctl { name: "net.ipv4.ip_local_reserved_ports", since: (1, 27), source: PSA, date: "2023-04-11" },
    SafeSysctl { name: "net.ipv4.tcp_keepalive_time", since: (1, 29), source: PSA, date: "2023-12-13" },
    SafeSysctl { name: "net.ipv4.tcp_fin_timeout", since: (1, 29), source: PSA, date: "2023-12-13" },
    SafeSysctl { name: "net.ipv4.tcp_keepalive_intvl", since: (1, 29), source: PSA, date: "2023-12-13" },
    SafeSysctl { name: "net.ipv4.tcp_keepalive_probes", since: (1, 29), source: PSA, date: "2023-12-13" },
    SafeSysctl { name: "net.ipv4.tcp_rmem", since: (1, 32), source: PSA, date: "2024-12-11" },
    SafeSysctl { name: "net.ipv4.tcp_wmem", since: (1, 32), source: PSA, date: "2024-12-11" },
    // not in a release on the date taken: dated by the upstream commit (23192ec)
    SafeSysctl { name: "net.ipv4.tcp_slow_start_after_idle", since: (1, 37), source: PSA, date: "2026-04-14" },
    SafeSysctl { name: "net.ipv4.tcp_notsent_lowat", since: (1, 37), source: PSA, date: "2026-04-14" },
];

/// `1.29`, `v1.29`, `1.29.3` -> (1, 29).
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let v = v.trim().trim_start_matches(['v', 'V']);
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// `(1, 25)` -> `1.25`.
pub fn show((major, minor): (u32, u32)) -> String {
    format!("{major}.{minor}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_dated_and_sourced() {
        for r in REMOVED {
            assert_eq!(r.date.len(), 10, "{}", r.api_version);
            assert!(!r.source.is_empty() && !r.kinds.is_empty());
        }
        for s in SAFE_SYSCTLS {
            assert_eq!(s.date.len(), 10, "{}", s.name);
        }
        assert_eq!(parse_version("v1.29.3"), Some((1, 29)));
        assert!(parse_version(DEFAULT_VERSION).is_some());
    }
}
