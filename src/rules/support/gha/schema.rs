//! The workflow and action metadata schema as typed Rust data, written from GitHub's
//! documentation: "Workflow syntax for GitHub Actions" (docs.github.com/actions/reference/
//! workflows-and-actions/workflow-syntax, taken 2026-08) and "Metadata syntax reference"
//! (.../metadata-syntax); the events and their activity types are the generated table of
//! [`super::events`].
//! Where the pages are silent (keys GitHub accepts that the pages do not list yet:
//! `cancel-timeout-minutes`, `environment.deployment`, `concurrency.queue`, the
//! `copilot-requests` permission), the key is accepted and its row says where it was seen.
//!
//! Each mapping lists its keys with the shape of their values ([`Ty`]); the rule
//! `gha/invalid-workflow` walks a file against these tables and checks the shapes that need
//! more than a table (`on`, `runs-on`, `permissions`, steps, the matrix) with its own code.

/// The shape a value must have.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// Any scalar: YAML numbers and booleans read as text.
    Str,
    /// A scalar that is not empty.
    NonEmpty,
    Bool,
    Number,
    /// One string, or a list of strings.
    StrOrList,
    /// A list of strings.
    ListOfStr,
    /// One of these words.
    Word(&'static [&'static str]),
    /// A mapping with these keys.
    Map(&'static Mapping),
    /// A mapping of free names to scalars (`env`, `with`, `outputs`).
    Vars,
    /// Anything at all.
    Any,
    /// Checked by the rule's own code (`on`, `runs-on`, `permissions`, steps, ...).
    Own,
}

impl Ty {
    /// What the value must be, for messages.
    pub fn expected(&self) -> String {
        match self {
            Ty::Str => "a string".into(),
            Ty::NonEmpty => "a non-empty string".into(),
            Ty::Bool => "a boolean (true or false)".into(),
            Ty::Number => "a number".into(),
            Ty::StrOrList => "a string or a list of strings".into(),
            Ty::ListOfStr => "a list of strings".into(),
            Ty::Word(w) => format!("one of {}", super::list(w)),
            Ty::Map(m) => format!("a mapping ({})", m.what),
            Ty::Vars => "a mapping of names to values".into(),
            Ty::Any | Ty::Own => "a value".into(),
        }
    }
}

/// One key of a mapping.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    /// Whether a `${{ }}` expression may stand for the whole value (GitHub evaluates
    /// expressions only where its schema allows contexts).
    pub expr: bool,
}

/// A mapping: its keys and where they are documented.
#[derive(Debug)]
pub struct Mapping {
    /// What the mapping is, for messages ("job", "run step").
    pub what: &'static str,
    /// The documentation anchor its keys come from.
    pub source: &'static str,
    pub keys: &'static [Key],
}

impl Mapping {
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.keys.iter().map(|k| k.name)
    }
}

const fn k(name: &'static str, ty: Ty) -> Key {
    Key {
        name,
        ty,
        required: false,
        expr: true,
    }
}

const fn req(name: &'static str, ty: Ty) -> Key {
    Key {
        name,
        ty,
        required: true,
        expr: true,
    }
}

/// A key whose value GitHub reads literally: no expression.
const fn lit(name: &'static str, ty: Ty) -> Key {
    Key {
        name,
        ty,
        required: false,
        expr: false,
    }
}

const fn lit_req(name: &'static str, ty: Ty) -> Key {
    Key {
        name,
        ty,
        required: true,
        expr: false,
    }
}

const DOC: &str = "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax";
const META: &str =
    "https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax";

/// The top level of a workflow (workflow-syntax: `name`, `run-name`, `on`, `permissions`,
/// `env`, `defaults`, `concurrency`, `jobs`; `description` is accepted by GitHub's parser).
pub static WORKFLOW: Mapping = Mapping {
    what: "workflow",
    source: DOC,
    keys: &[
        lit("name", Ty::Str),
        lit("description", Ty::Str),
        k("run-name", Ty::Str),
        lit_req("on", Ty::Own),
        lit("permissions", Ty::Own),
        k("env", Ty::Vars),
        lit("defaults", Ty::Map(&DEFAULTS)),
        k("concurrency", Ty::Own),
        lit_req("jobs", Ty::Own),
    ],
};

/// `defaults` (workflow and job).
pub static DEFAULTS: Mapping = Mapping {
    what: "defaults",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#defaults",
    keys: &[k("run", Ty::Map(&DEFAULTS_RUN))],
};

/// `defaults.run`.
pub static DEFAULTS_RUN: Mapping = Mapping {
    what: "defaults.run",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#defaultsrun",
    keys: &[k("shell", Ty::Own), k("working-directory", Ty::NonEmpty)],
};

/// A job that runs steps (`jobs.<job_id>`). `cancel-timeout-minutes` is not in the page but
/// GitHub's parser accepts it; `snapshot` builds a custom runner image.
pub static JOB: Mapping = Mapping {
    what: "job",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_id",
    keys: &[
        k("name", Ty::Str),
        lit("needs", Ty::StrOrList),
        k("if", Ty::Own),
        lit("permissions", Ty::Own),
        k("runs-on", Ty::Own),
        k("snapshot", Ty::Own),
        k("environment", Ty::Own),
        k("concurrency", Ty::Own),
        lit("outputs", Ty::Vars),
        k("env", Ty::Vars),
        lit("defaults", Ty::Map(&DEFAULTS)),
        lit("steps", Ty::Own),
        k("timeout-minutes", Ty::Number),
        k("cancel-timeout-minutes", Ty::Number),
        k("strategy", Ty::Own),
        k("continue-on-error", Ty::Bool),
        k("container", Ty::Own),
        k("services", Ty::Own),
    ],
};

/// A job that calls a reusable workflow (`jobs.<job_id>.uses`): only these keys.
pub static CALL_JOB: Mapping = Mapping {
    what: "job that calls a reusable workflow",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_iduses",
    keys: &[
        k("name", Ty::Str),
        lit_req("uses", Ty::NonEmpty),
        k("with", Ty::Vars),
        k("secrets", Ty::Own),
        lit("needs", Ty::StrOrList),
        k("if", Ty::Own),
        lit("permissions", Ty::Own),
        k("concurrency", Ty::Own),
        k("strategy", Ty::Own),
    ],
};

/// A step that runs a command.
pub static RUN_STEP: Mapping = Mapping {
    what: "step that runs a command",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idsteps",
    keys: &[
        k("name", Ty::Str),
        lit("id", Ty::NonEmpty),
        k("if", Ty::Own),
        k("run", Ty::NonEmpty),
        k("shell", Ty::Own),
        k("working-directory", Ty::NonEmpty),
        k("env", Ty::Vars),
        k("continue-on-error", Ty::Bool),
        k("timeout-minutes", Ty::Number),
        lit("background", Ty::Bool),
    ],
};

/// A step that runs an action.
pub static USES_STEP: Mapping = Mapping {
    what: "step that runs an action",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idsteps",
    keys: &[
        k("name", Ty::Str),
        lit("id", Ty::NonEmpty),
        k("if", Ty::Own),
        lit("uses", Ty::NonEmpty),
        k("with", Ty::Vars),
        k("env", Ty::Vars),
        k("continue-on-error", Ty::Bool),
        k("timeout-minutes", Ty::Number),
        lit("background", Ty::Bool),
    ],
};

/// The background-step controls: `wait`, `wait-all`, `cancel` (workflow-syntax
/// `jobs.<job_id>.steps[*].wait` and following).
pub static WAIT_STEP: Mapping = Mapping {
    what: "wait step",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepswait",
    keys: &[
        k("name", Ty::Str),
        lit("id", Ty::NonEmpty),
        k("continue-on-error", Ty::Bool),
        lit("wait", Ty::StrOrList),
        lit("wait-all", Ty::Any),
        lit("cancel", Ty::NonEmpty),
    ],
};

/// A step of a composite action (metadata-syntax `runs.steps[*]`).
pub static COMPOSITE_STEP: Mapping = Mapping {
    what: "composite action step",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax#runssteps",
    keys: &[
        k("name", Ty::Str),
        lit("id", Ty::NonEmpty),
        k("if", Ty::Own),
        k("run", Ty::NonEmpty),
        k("shell", Ty::Own),
        lit("uses", Ty::NonEmpty),
        k("with", Ty::Vars),
        k("env", Ty::Vars),
        k("working-directory", Ty::NonEmpty),
        k("continue-on-error", Ty::Bool),
        k("timeout-minutes", Ty::Number),
    ],
};

/// `strategy`.
pub static STRATEGY: Mapping = Mapping {
    what: "strategy",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstrategy",
    keys: &[
        k("matrix", Ty::Own),
        k("fail-fast", Ty::Bool),
        k("max-parallel", Ty::Number),
    ],
};

/// `container` (the job's).
pub static CONTAINER: Mapping = Mapping {
    what: "container",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idcontainer",
    keys: &[
        k("image", Ty::NonEmpty),
        k("credentials", Ty::Map(&CREDENTIALS)),
        k("env", Ty::Vars),
        k("ports", Ty::ListOfStr),
        k("volumes", Ty::ListOfStr),
        k("options", Ty::Str),
    ],
};

/// `services.<service_id>`: a container with `command` and `entrypoint` too.
pub static SERVICE: Mapping = Mapping {
    what: "service container",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idservices",
    keys: &[
        k("image", Ty::Str),
        k("credentials", Ty::Map(&CREDENTIALS)),
        k("env", Ty::Vars),
        k("ports", Ty::ListOfStr),
        k("volumes", Ty::ListOfStr),
        k("options", Ty::Str),
        k("command", Ty::Str),
        k("entrypoint", Ty::Str),
    ],
};

/// Registry `credentials` of a container or service.
pub static CREDENTIALS: Mapping = Mapping {
    what: "credentials",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idcontainercredentials",
    keys: &[k("username", Ty::Str), k("password", Ty::Str)],
};

/// The mapping form of `concurrency`. `queue` (`single` or `max`) is accepted by GitHub's
/// parser and used by gh-aw generated workflows.
pub static CONCURRENCY: Mapping = Mapping {
    what: "concurrency",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#concurrency",
    keys: &[
        req("group", Ty::NonEmpty),
        k("cancel-in-progress", Ty::Bool),
        k("queue", Ty::Word(&["single", "max"])),
    ],
};

/// The mapping form of `environment`. `deployment: false` (an environment without a
/// deployment record) is accepted by GitHub's parser.
pub static ENVIRONMENT: Mapping = Mapping {
    what: "environment",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idenvironment",
    keys: &[
        req("name", Ty::NonEmpty),
        k("url", Ty::Str),
        k("deployment", Ty::Bool),
    ],
};

/// The mapping form of `runs-on`.
pub static RUNS_ON: Mapping = Mapping {
    what: "runs-on",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#choosing-runners-in-a-group",
    keys: &[k("group", Ty::NonEmpty), k("labels", Ty::StrOrList)],
};

/// The mapping form of `snapshot`.
pub static SNAPSHOT: Mapping = Mapping {
    what: "snapshot",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idsnapshot",
    keys: &[
        req("image-name", Ty::NonEmpty),
        k("version", Ty::NonEmpty),
        k("if", Ty::Str),
    ],
};

/// One `schedule` entry. `timezone` (an IANA zone name) is accepted by GitHub's parser.
pub static SCHEDULE: Mapping = Mapping {
    what: "schedule entry",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/events-that-trigger-workflows#schedule",
    keys: &[lit_req("cron", Ty::NonEmpty), lit("timezone", Ty::NonEmpty)],
};

/// `on.workflow_call`.
pub static WORKFLOW_CALL: Mapping = Mapping {
    what: "workflow_call",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#onworkflow_call",
    keys: &[
        lit("inputs", Ty::Own),
        lit("secrets", Ty::Own),
        lit("outputs", Ty::Own),
    ],
};

/// `on.workflow_call.inputs.<input_id>`.
pub static CALL_INPUT: Mapping = Mapping {
    what: "workflow_call input",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#onworkflow_callinputs",
    keys: &[
        lit("description", Ty::Str),
        lit_req("type", Ty::Word(&["boolean", "number", "string"])),
        lit("required", Ty::Bool),
        k("default", Ty::Str),
    ],
};

/// `on.workflow_call.secrets.<secret_id>`.
pub static CALL_SECRET: Mapping = Mapping {
    what: "workflow_call secret",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#onworkflow_callsecrets",
    keys: &[lit("description", Ty::Str), lit("required", Ty::Bool)],
};

/// `on.workflow_call.outputs.<output_id>`.
pub static CALL_OUTPUT: Mapping = Mapping {
    what: "workflow_call output",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#onworkflow_calloutputs",
    keys: &[lit("description", Ty::Str), req("value", Ty::Str)],
};

/// `on.workflow_dispatch`.
pub static WORKFLOW_DISPATCH: Mapping = Mapping {
    what: "workflow_dispatch",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#onworkflow_dispatch",
    keys: &[lit("inputs", Ty::Own)],
};

/// `on.workflow_dispatch.inputs.<input_id>`.
pub static DISPATCH_INPUT: Mapping = Mapping {
    what: "workflow_dispatch input",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#onworkflow_dispatchinputs",
    keys: &[
        lit("description", Ty::Str),
        lit(
            "type",
            Ty::Word(&["boolean", "choice", "environment", "number", "string"]),
        ),
        lit("required", Ty::Bool),
        lit("default", Ty::Str),
        lit("options", Ty::ListOfStr),
    ],
};

pub use super::events::{EVENTS, Event, Types};

/// The event named `name` (exact: event names are lowercase with underscores).
pub fn event(name: &str) -> Option<&'static Event> {
    EVENTS.iter().find(|e| e.name == name)
}

/// A `GITHUB_TOKEN` permission scope and the access levels it takes.
#[derive(Debug)]
pub struct Scope {
    pub name: &'static str,
    pub levels: &'static [&'static str],
    pub source: &'static str,
}

const RWN: &[&str] = &["read", "write", "none"];
const PERMS: &str = "https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#defining-access-for-the-github_token-scopes";
const PARSER: &str =
    "accepted by GitHub's workflow parser (actions/languageservices workflow-v1.0, 2026-08)";

/// The permission scopes of `permissions:`.
pub static SCOPES: &[Scope] = &[
    Scope {
        name: "actions",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "artifact-metadata",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "attestations",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "checks",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "code-quality",
        levels: RWN,
        source: PARSER,
    },
    Scope {
        name: "contents",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "copilot-requests",
        levels: &["write", "none"],
        source: PARSER,
    },
    Scope {
        name: "deployments",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "discussions",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "drives",
        levels: RWN,
        source: PARSER,
    },
    Scope {
        name: "id-token",
        levels: &["write", "none"],
        source: PERMS,
    },
    Scope {
        name: "issues",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "models",
        levels: &["read", "none"],
        source: PERMS,
    },
    Scope {
        name: "packages",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "pages",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "pull-requests",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "repository-projects",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "security-events",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "statuses",
        levels: RWN,
        source: PERMS,
    },
    Scope {
        name: "vulnerability-alerts",
        levels: &["read", "none"],
        source: PARSER,
    },
];

pub fn scope(name: &str) -> Option<&'static Scope> {
    SCOPES.iter().find(|s| s.name == name)
}

/// The built-in `shell` names (workflow-syntax `jobs.<job_id>.steps[*].shell`); anything
/// else must be a command template holding `{0}`.
pub const SHELLS: &[&str] = &["bash", "pwsh", "python", "sh", "cmd", "powershell"];

/// Whether a `shell:` value is valid: a built-in name or a template with `{0}`.
pub fn valid_shell(s: &str) -> bool {
    SHELLS.contains(&s) || s.contains("{0}")
}

/// A job or step id: starts with a letter or `_`, then letters, digits, `-` or `_`
/// (workflow-syntax `jobs.<job_id>`).
pub fn valid_id(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '-' || x == '_')
}

/// The top level of an action metadata file. GitHub's runner reads unknown top-level keys
/// without complaint, so the rule reports them as a warning only.
pub static ACTION: Mapping = Mapping {
    what: "action metadata",
    source: META,
    keys: &[
        lit("name", Ty::NonEmpty),
        lit("author", Ty::Str),
        lit("description", Ty::Str),
        lit("inputs", Ty::Own),
        lit("outputs", Ty::Own),
        lit_req("runs", Ty::Own),
        lit("branding", Ty::Map(&BRANDING)),
    ],
};

/// `outputs.<output_id>` of an action.
pub static ACTION_OUTPUT: Mapping = Mapping {
    what: "action output",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax#outputs-for-composite-actions",
    keys: &[lit("description", Ty::Str), k("value", Ty::Str)],
};

/// `branding`.
pub static BRANDING: Mapping = Mapping {
    what: "branding",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax#branding",
    keys: &[
        lit("icon", Ty::NonEmpty),
        lit(
            "color",
            Ty::Word(&[
                "white",
                "black",
                "yellow",
                "blue",
                "green",
                "orange",
                "red",
                "purple",
                "gray-dark",
            ]),
        ),
    ],
};

/// `runs` of a JavaScript action.
pub static RUNS_NODE: Mapping = Mapping {
    what: "runs (JavaScript action)",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax#runs-for-javascript-actions",
    keys: &[
        lit_req("using", Ty::NonEmpty),
        lit_req("main", Ty::NonEmpty),
        lit("pre", Ty::NonEmpty),
        k("pre-if", Ty::Str),
        lit("post", Ty::NonEmpty),
        k("post-if", Ty::Str),
    ],
};

/// `runs` of a Docker container action.
pub static RUNS_DOCKER: Mapping = Mapping {
    what: "runs (Docker container action)",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax#runs-for-docker-container-actions",
    keys: &[
        lit_req("using", Ty::NonEmpty),
        lit_req("image", Ty::NonEmpty),
        k("entrypoint", Ty::Str),
        k("args", Ty::ListOfStr),
        k("env", Ty::Vars),
        lit("pre-entrypoint", Ty::NonEmpty),
        k("pre-if", Ty::Str),
        lit("post-entrypoint", Ty::NonEmpty),
        k("post-if", Ty::Str),
    ],
};

/// `runs` of a composite action.
pub static RUNS_COMPOSITE: Mapping = Mapping {
    what: "runs (composite action)",
    source: "https://docs.github.com/actions/reference/workflows-and-actions/metadata-syntax#runs-for-composite-actions",
    keys: &[lit_req("using", Ty::NonEmpty), lit_req("steps", Ty::Own)],
};

/// `runs.using` values: Node.js runtimes (node12 and node16 are retired but still accepted
/// and run on a newer Node), `docker` and `composite`.
pub const USING: &[&str] = &[
    "node24",
    "node20",
    "node16",
    "node12",
    "docker",
    "composite",
];
