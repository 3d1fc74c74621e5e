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
pub mod tf;

/// All registered rules, one line each, grouped by kind.
pub static REGISTRY: &[&Rule] = &[
    &plumb::PARSE_ERROR,
    &plumb::SUPPRESSION_WITHOUT_REASON,
    &plumb::UNUSED_SUPPRESSION,
    &docker::non_root_user::RULE,
    &compose::missing_healthcheck::RULE,
    &k8s::missing_resource_limits::RULE,
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
];

/// The rule with this id (or alias).
pub fn find(id: &str) -> Option<&'static Rule> {
    REGISTRY
        .iter()
        .copied()
        .find(|r| r.id == id || r.aliases.contains(&id))
}
