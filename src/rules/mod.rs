//! The rules, one file each, grouped in a folder per file kind, and the registry: one line
//! per rule. A rule's user documentation is `rules/<kind>/<slug>.md`, compiled in by
//! [`rule!`](crate::rule). Rules import the rule API (`crate::api`), the parsed models
//! (`crate::source`), the shared detectors (`crate::detect`) and [`support`]; nothing above.

use crate::api::Rule;

pub mod compose;
pub mod docker;
pub mod gha;
pub mod k8s;
pub mod peers;
pub mod plumb;
pub mod secrets;
pub mod suggest;
pub mod support;
pub mod tf;

/// All registered rules, one line each, grouped by kind.
pub static REGISTRY: &[&Rule] = &[
    &plumb::PARSE_ERROR,
    &plumb::DUPLICATE_KEY,
    &plumb::SUPPRESSION_WITHOUT_REASON,
    &plumb::UNUSED_SUPPRESSION,
    &plumb::EXPIRED_SUPPRESSION,
    &plumb::BLANKET_SUPPRESSION,
    &docker::non_root_user::RULE,
    &docker::missing_healthcheck::RULE,
    &docker::unpinned_base_image::RULE,
    &docker::secret_in_env::RULE,
    &docker::curl_pipe_shell::RULE,
    &docker::apt_no_install_recommends::RULE,
    &docker::apt_lists_not_cleaned::RULE,
    &docker::pip_no_cache::RULE,
    &docker::add_instead_of_copy::RULE,
    &docker::sudo::RULE,
    &docker::shell_form_entrypoint::RULE,
    &docker::copy_from_unknown_stage::RULE,
    &docker::relative_workdir::RULE,
    &docker::cd_in_run::RULE,
    &docker::multiple_cmd::RULE,
    &docker::tls_verification_disabled::RULE,
    &docker::plaintext_download::RULE,
    &docker::package_signature_disabled::RULE,
    &docker::missing_pipefail::RULE,
    &docker::secret_file_copied::RULE,
    &docker::exposed_ssh_port::RULE,
    &docker::duplicate_stage_name::RULE,
    &docker::relative_copy_without_workdir::RULE,
    &compose::missing_healthcheck::RULE,
    &compose::non_root_user::RULE,
    &compose::missing_resource_limits::RULE,
    &compose::plaintext_secret::RULE,
    &compose::unpinned_image::RULE,
    &compose::privileged::RULE,
    &compose::exposed_datastore_port::RULE,
    &compose::depends_on_not_healthy::RULE,
    &compose::undefined_reference::RULE,
    &compose::missing_restart_policy::RULE,
    &compose::obsolete_version::RULE,
    &compose::tls_verification_disabled::RULE,
    &compose::sensitive_host_mount::RULE,
    &compose::dangerous_device::RULE,
    &compose::no_new_privileges::RULE,
    &compose::duplicate_container_name::RULE,
    &k8s::non_root_user::RULE,
    &k8s::missing_resource_limits::RULE,
    &k8s::missing_probes::RULE,
    &k8s::privileged_container::RULE,
    &k8s::privilege_escalation::RULE,
    &k8s::dangerous_capabilities::RULE,
    &k8s::host_namespaces::RULE,
    &k8s::read_only_root_fs::RULE,
    &k8s::unpinned_image::RULE,
    &k8s::plaintext_secret::RULE,
    &k8s::ingress_without_tls::RULE,
    &k8s::tls_verification_disabled::RULE,
    &k8s::default_namespace::RULE,
    &k8s::rbac_wildcard::RULE,
    &k8s::rbac_cluster_admin::RULE,
    &k8s::rbac_dangerous_access::RULE,
    &k8s::seccomp_profile::RULE,
    &k8s::automount_token::RULE,
    &k8s::host_port::RULE,
    &k8s::unsafe_proc_mount::RULE,
    &k8s::unsafe_sysctls::RULE,
    &k8s::root_group::RULE,
    &k8s::deprecated_api::RULE,
    &k8s::selector_mismatch::RULE,
    &k8s::single_replica::RULE,
    &k8s::network_policy_missing::RULE,
    &gha::unpinned_action::RULE,
    &gha::template_injection::RULE,
    &gha::excessive_permissions::RULE,
    &gha::deploy_without_tests::RULE,
    &gha::deploy_without_verification::RULE,
    &gha::production_approval::RULE,
    &gha::coverage_gate::RULE,
    &gha::test_gate_bypass::RULE,
    &gha::dangerous_trigger::RULE,
    &gha::secrets_inherit::RULE,
    &gha::plaintext_secret::RULE,
    &gha::persisted_credentials::RULE,
    &gha::missing_timeout::RULE,
    &gha::deprecated_action::RULE,
    &gha::deprecated_command::RULE,
    &gha::tls_verification_disabled::RULE,
    &gha::unknown_needs::RULE,
    &gha::service_without_healthcheck::RULE,
    &gha::deploy_without_environment::RULE,
    &gha::invalid_workflow::RULE,
    &gha::invalid_expression::RULE,
    &gha::constant_condition::RULE,
    &gha::invalid_action_input::RULE,
    &gha::invalid_runner_label::RULE,
    &gha::github_env_injection::RULE,
    &gha::insecure_commands::RULE,
    &gha::unpinned_container_image::RULE,
    &gha::overprovisioned_secrets::RULE,
    &gha::self_hosted_runner::RULE,
    &gha::unscoped_app_token::RULE,
    &gha::spoofable_bot_check::RULE,
    &gha::unsound_condition::RULE,
    &gha::curl_pipe_shell::RULE,
    &gha::cache_poisoning::RULE,
    &gha::untrusted_checkout_exec::RULE,
    &gha::archived_action::RULE,
    &gha::known_vulnerable_action::RULE,
    &gha::publish_with_token::RULE,
    &gha::obfuscation::RULE,
    &tf::plaintext_secret::RULE,
    &tf::tls::RULE,
    &tf::encryption_at_rest::RULE,
    &tf::public_access::RULE,
    &tf::backups::RULE,
    &tf::provider_unpinned::RULE,
    &tf::iam_wildcard::RULE,
    &tf::imdsv1::RULE,
    &tf::public_endpoint::RULE,
    &tf::kms_key_rotation::RULE,
    &tf::audit_logging::RULE,
    &secrets::hardcoded_token::RULE,
];

/// The rule with this id (or alias).
pub fn find(id: &str) -> Option<&'static Rule> {
    REGISTRY
        .iter()
        .copied()
        .find(|r| r.id == id || r.aliases.contains(&id))
        .or_else(|| {
            // a peer's id (DL3002, artipacked, CKV_K8S_16...) names the rule covering it
            let peer = peers::find(id)?;
            REGISTRY.iter().copied().find(|r| r.id == peer.rule)
        })
}
