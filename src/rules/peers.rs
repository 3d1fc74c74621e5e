//! Peers' rule ids: the id another linter gives a concept a plumb rule covers, so a user
//! coming from hadolint, zizmor, actionlint, checkov or kube-linter can type the id they
//! know. `rules::find` falls back to this table, so `plumb explain DL3002`, `--select`,
//! config selectors and inline suppressions accept these ids as aliases of the plumb rule.
//!
//! One row per peer id, each with the date it was taken and its source. "run" rows were
//! observed on sample files with the peer installed here (hadolint 2.15.1, checkov 3.3.30,
//! zizmor 1.32.0, actionlint 1.17.0); "docs" rows come from the peer's documentation.
//! A peer id maps to one plumb rule; a concept plumb does not cover has no row. A rule with
//! no row is fine (new rules need none); `tests/registry.rs`-style checks below keep every
//! row pointing at a registered rule.

/// One peer id and the plumb rule that covers its concept.
#[derive(Debug)]
pub struct Peer {
    pub tool: &'static str,
    pub id: &'static str,
    pub rule: &'static str,
    /// When the row was taken, and where from.
    pub taken: &'static str,
    pub source: &'static str,
}

const HADOLINT: &str =
    "run: hadolint 2.15.1 on a sample Dockerfile; https://github.com/hadolint/hadolint#rules";
const CHECKOV: &str = "run: checkov 3.3.30 on a sample pod and Dockerfile; https://www.checkov.io/5.Policy%20Index/kubernetes.html";
const ZIZMOR: &str = "run: zizmor 1.32.0 on the real-world corpus (/work/realworld-out); https://docs.zizmor.sh/audits/";
const ZIZMOR_DOCS: &str = "docs: https://docs.zizmor.sh/audits/ (zizmor 1.32.0; no finding on the real-world corpus to observe)";
const ACTIONLINT: &str = "run: actionlint 1.17.0 on the real-world corpus; https://github.com/rhysd/actionlint/blob/main/docs/checks.md";
const KUBE_LINTER: &str = "docs: https://docs.kubelinter.io/#/generated/checks (not run here)";

const fn row(
    tool: &'static str,
    id: &'static str,
    rule: &'static str,
    source: &'static str,
) -> Peer {
    Peer {
        tool,
        id,
        rule,
        taken: "2026-12-01",
        source,
    }
}

/// The table, by tool then id.
pub static PEERS: &[Peer] = &[
    row("hadolint", "DL3000", "docker/relative-workdir", HADOLINT),
    row("hadolint", "DL3002", "docker/non-root-user", HADOLINT),
    row("hadolint", "DL3003", "docker/cd-in-run", HADOLINT),
    row("hadolint", "DL3004", "docker/sudo", HADOLINT),
    row("hadolint", "DL3006", "docker/unpinned-base-image", HADOLINT),
    row("hadolint", "DL3007", "docker/unpinned-base-image", HADOLINT),
    row(
        "hadolint",
        "DL3009",
        "docker/apt-lists-not-cleaned",
        HADOLINT,
    ),
    row(
        "hadolint",
        "DL3015",
        "docker/apt-no-install-recommends",
        HADOLINT,
    ),
    row("hadolint", "DL3020", "docker/add-instead-of-copy", HADOLINT),
    row(
        "hadolint",
        "DL3022",
        "docker/copy-from-unknown-stage",
        HADOLINT,
    ),
    row(
        "hadolint",
        "DL3025",
        "docker/shell-form-entrypoint",
        HADOLINT,
    ),
    row("hadolint", "DL3042", "docker/pip-no-cache", HADOLINT),
    row("hadolint", "DL4003", "docker/multiple-cmd", HADOLINT),
    row(
        "checkov",
        "CKV_DOCKER_2",
        "docker/missing-healthcheck",
        CHECKOV,
    ),
    row(
        "checkov",
        "CKV_DOCKER_4",
        "docker/add-instead-of-copy",
        CHECKOV,
    ),
    row(
        "checkov",
        "CKV_DOCKER_7",
        "docker/unpinned-base-image",
        CHECKOV,
    ),
    row("checkov", "CKV_DOCKER_8", "docker/non-root-user", CHECKOV),
    row(
        "checkov",
        "CKV_DOCKER_10",
        "docker/relative-workdir",
        CHECKOV,
    ),
    row("checkov", "CKV2_DOCKER_1", "docker/sudo", CHECKOV),
    row("checkov", "CKV_K8S_8", "k8s/missing-probes", CHECKOV),
    row("checkov", "CKV_K8S_9", "k8s/missing-probes", CHECKOV),
    row(
        "checkov",
        "CKV_K8S_10",
        "k8s/missing-resource-limits",
        CHECKOV,
    ),
    row(
        "checkov",
        "CKV_K8S_11",
        "k8s/missing-resource-limits",
        CHECKOV,
    ),
    row(
        "checkov",
        "CKV_K8S_12",
        "k8s/missing-resource-limits",
        CHECKOV,
    ),
    row(
        "checkov",
        "CKV_K8S_13",
        "k8s/missing-resource-limits",
        CHECKOV,
    ),
    row("checkov", "CKV_K8S_14", "k8s/unpinned-image", CHECKOV),
    row("checkov", "CKV_K8S_16", "k8s/privileged-container", CHECKOV),
    row("checkov", "CKV_K8S_17", "k8s/host-namespaces", CHECKOV),
    row("checkov", "CKV_K8S_18", "k8s/host-namespaces", CHECKOV),
    row("checkov", "CKV_K8S_19", "k8s/host-namespaces", CHECKOV),
    row("checkov", "CKV_K8S_20", "k8s/privilege-escalation", CHECKOV),
    row("checkov", "CKV_K8S_21", "k8s/default-namespace", CHECKOV),
    row("checkov", "CKV_K8S_22", "k8s/read-only-root-fs", CHECKOV),
    row("checkov", "CKV_K8S_23", "k8s/non-root-user", CHECKOV),
    row(
        "checkov",
        "CKV_K8S_37",
        "k8s/dangerous-capabilities",
        CHECKOV,
    ),
    row("zizmor", "archived-uses", "gha/archived-action", ZIZMOR),
    row("zizmor", "artipacked", "gha/persisted-credentials", ZIZMOR),
    row(
        "zizmor",
        "bot-conditions",
        "gha/spoofable-bot-check",
        ZIZMOR,
    ),
    row("zizmor", "cache-poisoning", "gha/cache-poisoning", ZIZMOR),
    row(
        "zizmor",
        "dangerous-triggers",
        "gha/dangerous-trigger",
        ZIZMOR,
    ),
    row(
        "zizmor",
        "excessive-permissions",
        "gha/excessive-permissions",
        ZIZMOR,
    ),
    row("zizmor", "github-app", "gha/unscoped-app-token", ZIZMOR),
    row("zizmor", "github-env", "gha/github-env-injection", ZIZMOR),
    row(
        "zizmor",
        "insecure-commands",
        "gha/insecure-commands",
        ZIZMOR_DOCS,
    ),
    row(
        "zizmor",
        "known-vulnerable-actions",
        "gha/known-vulnerable-action",
        ZIZMOR_DOCS,
    ),
    row("zizmor", "obfuscation", "gha/obfuscation", ZIZMOR),
    row(
        "zizmor",
        "overprovisioned-secrets",
        "gha/overprovisioned-secrets",
        ZIZMOR,
    ),
    row("zizmor", "secrets-inherit", "gha/secrets-inherit", ZIZMOR),
    row(
        "zizmor",
        "self-hosted-runner",
        "gha/self-hosted-runner",
        ZIZMOR_DOCS,
    ),
    row(
        "zizmor",
        "template-injection",
        "gha/template-injection",
        ZIZMOR,
    ),
    row(
        "zizmor",
        "unpinned-images",
        "gha/unpinned-container-image",
        ZIZMOR,
    ),
    row("zizmor", "unpinned-uses", "gha/unpinned-action", ZIZMOR),
    row(
        "zizmor",
        "unsound-condition",
        "gha/unsound-condition",
        ZIZMOR_DOCS,
    ),
    row(
        "zizmor",
        "unsound-contains",
        "gha/unsound-condition",
        ZIZMOR_DOCS,
    ),
    row(
        "zizmor",
        "unsound-ternary",
        "gha/unsound-condition",
        ZIZMOR_DOCS,
    ),
    row(
        "zizmor",
        "use-trusted-publishing",
        "gha/publish-with-token",
        ZIZMOR,
    ),
    row("actionlint", "job-needs", "gha/unknown-needs", ACTIONLINT),
    row(
        "kube-linter",
        "host-ipc",
        "k8s/host-namespaces",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "host-network",
        "k8s/host-namespaces",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "host-pid",
        "k8s/host-namespaces",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "latest-tag",
        "k8s/unpinned-image",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "no-liveness-probe",
        "k8s/missing-probes",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "no-read-only-root-fs",
        "k8s/read-only-root-fs",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "no-readiness-probe",
        "k8s/missing-probes",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "privilege-escalation-container",
        "k8s/privilege-escalation",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "privileged-container",
        "k8s/privileged-container",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "run-as-non-root",
        "k8s/non-root-user",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "unset-cpu-requirements",
        "k8s/missing-resource-limits",
        KUBE_LINTER,
    ),
    row(
        "kube-linter",
        "unset-memory-requirements",
        "k8s/missing-resource-limits",
        KUBE_LINTER,
    ),
];

/// The peer row for `id` (exact, or case-insensitive for hadolint's and checkov's upper-case
/// codes).
pub fn find(id: &str) -> Option<&'static Peer> {
    PEERS.iter().find(|p| p.id == id).or_else(|| {
        PEERS
            .iter()
            .find(|p| p.id.starts_with(['D', 'C']) && p.id.eq_ignore_ascii_case(id))
    })
}

/// The peers' ids a plumb rule covers, in table order.
pub fn of(rule: &str) -> impl Iterator<Item = &'static Peer> + '_ {
    PEERS.iter().filter(move |p| p.rule == rule)
}

/// The "## Peers" section of a rule's page, generated from this table (`tests/registry.rs`
/// fails when a page's section differs; `PLUMB_UPDATE_PEERS=1` rewrites them). None for a
/// rule no peer covers.
pub fn page_section(rule: &str) -> Option<String> {
    let mut lines: Vec<String> = of(rule)
        .map(|p| format!("- {} `{}`\n", p.tool, p.id))
        .collect();
    if lines.is_empty() {
        return None;
    }
    lines.insert(
        0,
        "## Peers\n\nThe same concept in other linters (these ids work as aliases in `--select`, \
         config and\nsuppressions):\n\n"
            .to_string(),
    );
    Some(lines.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_names_a_registered_rule_and_ids_are_unique() {
        for p in PEERS {
            assert!(
                super::super::REGISTRY.iter().any(|r| r.id == p.rule),
                "{} {} -> {}: no such plumb rule",
                p.tool,
                p.id,
                p.rule
            );
            assert!(!p.source.is_empty() && !p.taken.is_empty());
            assert_eq!(PEERS.iter().filter(|q| q.id == p.id).count(), 1, "{}", p.id);
            assert!(!p.id.contains('/'), "a peer id never looks like a plumb id");
        }
    }

    #[test]
    fn peer_ids_find_their_rule() {
        assert_eq!(find("DL3002").map(|p| p.rule), Some("docker/non-root-user"));
        assert_eq!(find("dl3002").map(|p| p.rule), Some("docker/non-root-user"));
        assert_eq!(
            find("artipacked").map(|p| p.rule),
            Some("gha/persisted-credentials")
        );
        assert!(find("DL9999").is_none());
        assert!(of("k8s/host-namespaces").count() >= 6);
    }
}
