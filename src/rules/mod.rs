//! The rule registry. A rule is one file holding its metadata next to its check; registering
//! it is one line in [`REGISTRY`]. Its user documentation is `rules/<kind>/<slug>.md`,
//! compiled in through the rule's `doc` field.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::source::Kind;

/// The type of a rule option, for config validation and documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionType {
    Bool,
    Int,
    Str,
    StrList,
}

impl OptionType {
    pub fn name(self) -> &'static str {
        match self {
            OptionType::Bool => "boolean",
            OptionType::Int => "integer",
            OptionType::Str => "string",
            OptionType::StrList => "list of strings",
        }
    }
}

/// One option a rule reads from `rules: {<id>: {<name>: value}}`.
#[derive(Debug)]
pub struct RuleOption {
    pub name: &'static str,
    pub ty: OptionType,
    /// The default, written as it would be in YAML (`false`, `80`, `[]`).
    pub default: &'static str,
    pub help: &'static str,
}

/// A rule: metadata and its check.
pub struct Rule {
    /// `<kind>/<slug>`, naming the bad pattern. Never changes meaning.
    pub id: &'static str,
    /// The file kinds the check runs on.
    pub kinds: &'static [Kind],
    /// Concerns the rule belongs to (`non-root`, `secrets`, ...).
    pub packs: &'static [&'static str],
    pub severity: Severity,
    /// GitHub's security-severity (0.0-10.0) for security rules; `None` for hygiene.
    pub security_severity: Option<f32>,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The rule book page (Markdown).
    pub doc: &'static str,
    /// Off unless selected (by id, glob or pack).
    pub default_enabled: bool,
    pub options: &'static [RuleOption],
    /// Old ids that still select this rule.
    pub aliases: &'static [&'static str],
    pub check: fn(&Ctx<'_>, &mut Vec<Finding>),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

impl Rule {
    /// The rule's slug directory (`docker` for `docker/non-root-user`).
    pub fn prefix(&self) -> &'static str {
        self.id.split('/').next().unwrap_or(self.id)
    }
    pub fn option(&self, name: &str) -> Option<&'static RuleOption> {
        self.options.iter().find(|o| o.name == name)
    }
    pub fn applies_to(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }
    /// The `help` URI of the rule's page.
    pub fn help_uri(&self) -> String {
        format!("{}/blob/main/rules/{}.md", crate::REPOSITORY, self.id)
    }
}

/// Every pack name, with what it is about.
pub const PACKS: &[(&str, &str)] = &[
    ("non-root", "containers do not run as root"),
    ("healthchecks", "services say when they are healthy"),
    ("resource-limits", "workloads declare memory and CPU"),
    ("tls", "traffic is encrypted and verified"),
    ("encryption", "data is encrypted at rest"),
    ("secrets", "no secret sits in plain text"),
    (
        "coverage-gates",
        "CI enforces tests and coverage before it ships",
    ),
    ("supply-chain", "actions, images and providers are pinned"),
    ("least-privilege", "no more access than needed"),
    ("injection", "untrusted input never becomes code"),
    ("reliability", "configurations that fail at run time"),
    ("hygiene", "tidiness that keeps images and files lean"),
];

pub mod compose;
pub mod docker;
pub mod gha;
pub mod k8s;
pub mod plumb;
pub mod secrets;
pub mod tf;

/// All registered rules, one line each, grouped by kind.
pub static REGISTRY: &[&Rule] = &[
    &plumb::PARSE_ERROR,
    &plumb::SUPPRESSION_WITHOUT_REASON,
    &plumb::UNUSED_SUPPRESSION,
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
    &gha::unpinned_action::RULE,
    &gha::template_injection::RULE,
    &gha::excessive_permissions::RULE,
    &gha::deploy_without_tests::RULE,
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
    &tf::plaintext_secret::RULE,
    &tf::tls::RULE,
    &tf::encryption_at_rest::RULE,
    &tf::public_access::RULE,
    &tf::backups::RULE,
    &tf::provider_unpinned::RULE,
    &secrets::hardcoded_token::RULE,
];

/// The rule with this id (or alias).
pub fn find(id: &str) -> Option<&'static Rule> {
    REGISTRY
        .iter()
        .copied()
        .find(|r| r.id == id || r.aliases.contains(&id))
}
