//! A rule's metadata and the typed hooks it checks through.
//!
//! A rule declares what it looks at — a Dockerfile, an instruction, a compose file or
//! service, a Kubernetes file, object or container, a workflow, job, step or action, a
//! Terraform file or top-level block, or the raw text — with one function of that type. The
//! engine walks each file's model once and hands every node to the rules that asked for it;
//! a rule's file kinds follow from its hooks. Metadata is built with [`rule!`] and the
//! `const` builder methods below, so a rule is a few lines of metadata and its checks.

use super::context::Cx;
use super::finding::{Finding, Severity};
use super::options::OptionDecl;
use crate::source::Kind;
use crate::source::compose::{Compose, Service};
use crate::source::dockerfile::{Dockerfile, Instruction};
use crate::source::k8s::{Container, Object};
use crate::source::terraform::{Block, TfFile};
use crate::source::workflow::{Job, Step, Workflow};

/// Where a rule reports what it finds.
pub type Out = Vec<Finding>;

pub type TextHook = for<'a> fn(&Cx<'a>, &mut Out);
pub type DockerfileHook = for<'a> fn(&Cx<'a>, &'a Dockerfile, &mut Out);
pub type InstructionHook = for<'a> fn(&Cx<'a>, &'a Dockerfile, &'a Instruction, &mut Out);
pub type ComposeHook = for<'a> fn(&Cx<'a>, &Compose<'a>, &mut Out);
pub type ServiceHook = for<'a> fn(&Cx<'a>, &Compose<'a>, &Service<'a>, &mut Out);
pub type ManifestHook = for<'a> fn(&Cx<'a>, &[Object<'a>], &mut Out);
pub type ObjectHook = for<'a> fn(&Cx<'a>, &Object<'a>, &mut Out);
pub type ContainerHook = for<'a> fn(&Cx<'a>, &Container<'a>, &mut Out);
pub type WorkflowHook = for<'a> fn(&Cx<'a>, &Workflow<'a>, &mut Out);
pub type JobHook = for<'a> fn(&Cx<'a>, &Workflow<'a>, &Job<'a>, &mut Out);
pub type StepHook = for<'a> fn(&Cx<'a>, &Workflow<'a>, Option<&Job<'a>>, &Step<'a>, &mut Out);
pub type TerraformHook = for<'a> fn(&Cx<'a>, &'a TfFile, &mut Out);
pub type BlockHook = for<'a> fn(&Cx<'a>, &'a Block, &mut Out);

/// The node types a rule checks, one optional function each.
#[derive(Clone, Copy, Default)]
pub struct Hooks {
    /// The file's text, for any kind.
    pub text: Option<TextHook>,
    pub dockerfile: Option<DockerfileHook>,
    /// Every instruction of a Dockerfile.
    pub instruction: Option<InstructionHook>,
    pub compose: Option<ComposeHook>,
    /// Every service of a compose file (`x-` extension keys excluded).
    pub service: Option<ServiceHook>,
    /// The objects of a manifest file (`List` items flattened), together.
    pub manifest: Option<ManifestHook>,
    /// Every object of a manifest file.
    pub object: Option<ObjectHook>,
    /// Every container (init and ephemeral included) of every pod spec.
    pub container: Option<ContainerHook>,
    pub workflow: Option<WorkflowHook>,
    /// Every job of a workflow.
    pub job: Option<JobHook>,
    /// Every step of a workflow's jobs, and of a composite action (with no job).
    pub step: Option<StepHook>,
    /// An action metadata file (`action.yml`), through the same view as workflows.
    pub action: Option<WorkflowHook>,
    pub terraform: Option<TerraformHook>,
    /// Every top-level block of a Terraform file.
    pub block: Option<BlockHook>,
}

impl Hooks {
    /// Whether any hook runs on files of `kind`.
    pub fn cover(&self, kind: Kind) -> bool {
        self.text.is_some()
            || match kind {
                Kind::Dockerfile => self.dockerfile.is_some() || self.instruction.is_some(),
                Kind::Compose => self.compose.is_some() || self.service.is_some(),
                Kind::K8s => {
                    self.manifest.is_some() || self.object.is_some() || self.container.is_some()
                }
                Kind::Workflow => {
                    self.workflow.is_some() || self.job.is_some() || self.step.is_some()
                }
                Kind::Action => self.action.is_some() || self.step.is_some(),
                Kind::Terraform => self.terraform.is_some() || self.block.is_some(),
            }
    }
}

/// A rule: metadata and its hooks.
pub struct Rule {
    /// `<kind>/<slug>`, naming the bad pattern. Never changes meaning.
    pub id: &'static str,
    /// Concerns the rule belongs to (`non-root`, `secrets`, ...).
    pub packs: &'static [&'static str],
    pub severity: Severity,
    /// GitHub's security-severity (0.0-10.0) for security rules; `None` for hygiene.
    pub security_severity: Option<f32>,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The rule book page (Markdown), `rules/<id>.md`.
    pub doc: &'static str,
    /// Off unless selected (by id, glob or pack).
    pub default_enabled: bool,
    pub options: &'static [OptionDecl],
    /// Old ids that still select this rule.
    pub aliases: &'static [&'static str],
    /// Rules whose findings on the same value this rule's findings replace (a token a
    /// structured secret rule reports is not reported again by the raw-text scan). Applied
    /// after suppressions, so suppressing this rule never hides the other's finding.
    pub supersedes: &'static [&'static str],
    /// An engine rule (`plumb/*`): findings about files and suppressions, on every kind.
    pub engine: bool,
    /// Its findings mark secrets in other files than their own ([`Finding::secret_in`]):
    /// a check holding files of its kinds resolves findings only once every file is checked.
    ///
    /// [`Finding::secret_in`]: crate::api::Finding::secret_in
    pub marks_other_files: bool,
    /// The date of the bundled data table the rule judges by (an advisory snapshot, a list
    /// of archived repositories), when it has one: shown by `plumb explain` and in the SARIF
    /// rule's `properties.data-date`.
    pub data_date: Option<&'static str>,
    pub(crate) hooks: Hooks,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("id", &self.id).finish()
    }
}

/// A rule's metadata, with the rule book page read from `rules/<id>.md`:
/// `rule!("docker/non-root-user").summary("...").packs(&[...]).on_dockerfile(check)`.
#[macro_export]
macro_rules! rule {
    ($id:literal) => {
        $crate::api::Rule::new(
            $id,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md")),
        )
    };
}

impl Rule {
    /// A rule with the given id and page: on by default, a warning, no packs or hooks yet.
    pub const fn new(id: &'static str, doc: &'static str) -> Rule {
        Rule {
            id,
            packs: &[],
            severity: Severity::Warning,
            security_severity: None,
            summary: "",
            doc,
            default_enabled: true,
            options: &[],
            aliases: &[],
            supersedes: &[],
            engine: false,
            marks_other_files: false,
            data_date: None,
            hooks: Hooks {
                text: None,
                dockerfile: None,
                instruction: None,
                compose: None,
                service: None,
                manifest: None,
                object: None,
                container: None,
                workflow: None,
                job: None,
                step: None,
                action: None,
                terraform: None,
                block: None,
            },
        }
    }

    pub const fn summary(mut self, summary: &'static str) -> Rule {
        self.summary = summary;
        self
    }
    pub const fn packs(mut self, packs: &'static [&'static str]) -> Rule {
        self.packs = packs;
        self
    }
    pub const fn severity(mut self, severity: Severity) -> Rule {
        self.severity = severity;
        self
    }
    /// GitHub's security-severity score, for security rules.
    pub const fn security(mut self, score: f32) -> Rule {
        self.security_severity = Some(score);
        self
    }
    /// Off unless selected by id, pack or `all`.
    pub const fn off_by_default(mut self) -> Rule {
        self.default_enabled = false;
        self
    }
    pub const fn options(mut self, options: &'static [OptionDecl]) -> Rule {
        self.options = options;
        self
    }
    pub const fn aliases(mut self, aliases: &'static [&'static str]) -> Rule {
        self.aliases = aliases;
        self
    }
    pub const fn supersedes(mut self, ids: &'static [&'static str]) -> Rule {
        self.supersedes = ids;
        self
    }
    /// Its findings may mark secrets in other files (see [`Rule::marks_other_files`]).
    pub const fn marks_other_files(mut self) -> Rule {
        self.marks_other_files = true;
        self
    }
    /// The date of the bundled data table the rule judges by (`YYYY-MM-DD`).
    pub const fn data_date(mut self, date: &'static str) -> Rule {
        self.data_date = Some(date);
        self
    }
    pub const fn engine(mut self) -> Rule {
        self.engine = true;
        self
    }

    pub const fn on_text(mut self, f: TextHook) -> Rule {
        self.hooks.text = Some(f);
        self
    }
    pub const fn on_dockerfile(mut self, f: DockerfileHook) -> Rule {
        self.hooks.dockerfile = Some(f);
        self
    }
    pub const fn on_instruction(mut self, f: InstructionHook) -> Rule {
        self.hooks.instruction = Some(f);
        self
    }
    pub const fn on_compose(mut self, f: ComposeHook) -> Rule {
        self.hooks.compose = Some(f);
        self
    }
    pub const fn on_service(mut self, f: ServiceHook) -> Rule {
        self.hooks.service = Some(f);
        self
    }
    pub const fn on_manifest(mut self, f: ManifestHook) -> Rule {
        self.hooks.manifest = Some(f);
        self
    }
    pub const fn on_object(mut self, f: ObjectHook) -> Rule {
        self.hooks.object = Some(f);
        self
    }
    pub const fn on_container(mut self, f: ContainerHook) -> Rule {
        self.hooks.container = Some(f);
        self
    }
    pub const fn on_workflow(mut self, f: WorkflowHook) -> Rule {
        self.hooks.workflow = Some(f);
        self
    }
    pub const fn on_job(mut self, f: JobHook) -> Rule {
        self.hooks.job = Some(f);
        self
    }
    pub const fn on_step(mut self, f: StepHook) -> Rule {
        self.hooks.step = Some(f);
        self
    }
    pub const fn on_action(mut self, f: WorkflowHook) -> Rule {
        self.hooks.action = Some(f);
        self
    }
    pub const fn on_terraform(mut self, f: TerraformHook) -> Rule {
        self.hooks.terraform = Some(f);
        self
    }
    pub const fn on_block(mut self, f: BlockHook) -> Rule {
        self.hooks.block = Some(f);
        self
    }

    /// The rule's slug directory (`docker` for `docker/non-root-user`).
    pub fn prefix(&self) -> &'static str {
        self.id.split('/').next().unwrap_or(self.id)
    }
    pub fn option(&self, name: &str) -> Option<&'static OptionDecl> {
        self.options.iter().find(|o| o.name == name)
    }
    /// Whether the rule runs on files of `kind` (engine rules: every kind).
    pub fn applies_to(&self, kind: Kind) -> bool {
        self.engine || self.hooks.cover(kind)
    }
    /// The file kinds the rule runs on.
    pub fn kinds(&self) -> Vec<Kind> {
        Kind::ALL
            .into_iter()
            .filter(|k| self.applies_to(*k))
            .collect()
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
