//! The typed contexts of GitHub Actions expressions and the functions, from GitHub's
//! "Contexts reference" (docs.github.com/actions/reference/workflows-and-actions/contexts,
//! taken 2026-08) and "Evaluate expressions" (.../expressions). Where each context may be
//! used is the generated table of [`super::availability`], plus the composite-action keys
//! here ([`COMPOSITE`]). Composite action rules come from the runner's action schema
//! (actions/runner `src/Runner.Worker/action_yaml.json`) and the composite-actions ADR
//! ("The secrets context will not be available to composite actions").

use std::sync::{Arc, LazyLock};

/// The type of an expression value. Objects are shared (`Arc`), so a type is cheap to copy.
#[derive(Clone, Debug)]
pub enum Ty {
    /// Not known statically (an event payload, `fromJSON()`): anything goes.
    Any,
    Null,
    Bool,
    Number,
    Str,
    Array(Arc<Ty>),
    Obj(Arc<ObjTy>),
}

/// An object type: its known properties (lowercase names: GitHub compares names without
/// case), the type of any other property (`None`: the object is closed and another name is
/// a mistake), and names that exist but are out of reach here, with why.
#[derive(Clone, Debug, Default)]
pub struct ObjTy {
    pub props: Vec<(String, Ty)>,
    pub rest: Option<Ty>,
    pub absent: Vec<(String, String)>,
    /// What it is, for messages: "the runner context", "outputs of job \"build\"".
    pub what: String,
}

impl ObjTy {
    pub fn get(&self, name: &str) -> Option<&Ty> {
        self.props
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, t)| t)
    }
}

impl Ty {
    /// A closed object of these properties.
    pub fn object(what: impl Into<String>, props: Vec<(String, Ty)>) -> Ty {
        Ty::Obj(Arc::new(ObjTy {
            props,
            rest: None,
            absent: Vec::new(),
            what: what.into(),
        }))
    }
    /// An open object: any name maps to `rest`.
    pub fn map_of(what: impl Into<String>, rest: Ty) -> Ty {
        Ty::Obj(Arc::new(ObjTy {
            props: Vec::new(),
            rest: Some(rest),
            absent: Vec::new(),
            what: what.into(),
        }))
    }
    /// For messages: "a string", "an object".
    pub fn name(&self) -> &'static str {
        match self {
            Ty::Any => "any value",
            Ty::Null => "null",
            Ty::Bool => "a boolean",
            Ty::Number => "a number",
            Ty::Str => "a string",
            Ty::Array(_) => "an array",
            Ty::Obj(_) => "an object",
        }
    }
    pub fn is_scalar(&self) -> bool {
        matches!(self, Ty::Null | Ty::Bool | Ty::Number | Ty::Str)
    }
    pub fn is_composite(&self) -> bool {
        matches!(self, Ty::Array(_) | Ty::Obj(_))
    }
}

fn props(list: &[(&str, Ty)]) -> Vec<(String, Ty)> {
    list.iter()
        .map(|(n, t)| (n.to_ascii_lowercase(), t.clone()))
        .collect()
}

/// `github`: the properties of the "github context" table. `event` is the webhook payload,
/// untyped here.
pub static GITHUB: LazyLock<Ty> = LazyLock::new(|| {
    let s = Ty::Str;
    Ty::object(
        "the github context",
        props(&[
            ("action", s.clone()),
            ("action_path", s.clone()),
            ("action_ref", s.clone()),
            ("action_repository", s.clone()),
            ("action_status", s.clone()),
            ("actor", s.clone()),
            ("actor_id", s.clone()),
            ("api_url", s.clone()),
            ("artifacts", s.clone()),
            ("artifacts_list", s.clone()),
            ("base_ref", s.clone()),
            ("env", s.clone()),
            ("event", Ty::Any),
            ("event_name", s.clone()),
            ("event_path", s.clone()),
            ("graphql_url", s.clone()),
            ("head_ref", s.clone()),
            ("job", s.clone()),
            ("path", s.clone()),
            ("ref", s.clone()),
            ("ref_name", s.clone()),
            ("ref_protected", Ty::Bool),
            ("ref_type", s.clone()),
            ("repository", s.clone()),
            ("repository_id", s.clone()),
            ("repository_owner", s.clone()),
            ("repository_owner_id", s.clone()),
            ("repositoryurl", s.clone()),
            ("retention_days", s.clone()),
            ("run_id", s.clone()),
            ("run_number", s.clone()),
            ("run_attempt", s.clone()),
            ("secret_source", s.clone()),
            ("server_url", s.clone()),
            ("sha", s.clone()),
            ("token", s.clone()),
            ("triggering_actor", s.clone()),
            ("workflow", s.clone()),
            ("workflow_ref", s.clone()),
            ("workflow_sha", s.clone()),
            ("workspace", s.clone()),
        ]),
    )
});

/// `runner` ("runner context" table; `workspace` is undocumented but kept by GitHub for
/// compatibility).
pub static RUNNER: LazyLock<Ty> = LazyLock::new(|| {
    let s = Ty::Str;
    Ty::object(
        "the runner context",
        props(&[
            ("name", s.clone()),
            ("os", s.clone()),
            ("arch", s.clone()),
            ("temp", s.clone()),
            ("tool_cache", s.clone()),
            ("debug", s.clone()),
            ("environment", s.clone()),
            ("workspace", s.clone()),
        ]),
    )
});

/// `job` ("job context" table).
pub static JOB: LazyLock<Ty> = LazyLock::new(|| {
    let s = Ty::Str;
    let container = Ty::object(
        "job.container",
        props(&[("id", s.clone()), ("network", s.clone())]),
    );
    let service = Ty::object(
        "a job service",
        props(&[
            ("id", s.clone()),
            ("network", s.clone()),
            ("ports", Ty::map_of("service ports", s.clone())),
        ]),
    );
    Ty::object(
        "the job context",
        props(&[
            ("check_run_id", Ty::Number),
            ("container", container),
            ("services", Ty::map_of("job.services", service)),
            ("status", s.clone()),
            ("workflow_ref", s.clone()),
            ("workflow_sha", s.clone()),
            ("workflow_repository", s.clone()),
            ("workflow_file_path", s.clone()),
        ]),
    )
});

/// `strategy` ("strategy context" table).
pub static STRATEGY: LazyLock<Ty> = LazyLock::new(|| {
    Ty::object(
        "the strategy context",
        props(&[
            ("fail-fast", Ty::Bool),
            ("job-index", Ty::Number),
            ("job-total", Ty::Number),
            ("max-parallel", Ty::Number),
        ]),
    )
});

/// One step's entry in `steps` ("steps context" table).
pub static STEP: LazyLock<Ty> = LazyLock::new(|| {
    Ty::object(
        "a step of the steps context",
        props(&[
            ("outputs", Ty::map_of("step outputs", Ty::Str)),
            ("conclusion", Ty::Str),
            ("outcome", Ty::Str),
        ]),
    )
});

/// One job's entry in `needs` or `jobs`, with its outputs' type.
pub fn job_entry(what: String, outputs: Ty) -> Ty {
    Ty::object(
        what,
        vec![("result".into(), Ty::Str), ("outputs".into(), outputs)],
    )
}

/// The names of every context.
pub const CONTEXTS: &[&str] = &[
    "github", "env", "vars", "job", "jobs", "steps", "runner", "secrets", "strategy", "matrix",
    "needs", "inputs",
];

/// Where contexts and special functions may be used: one row per workflow key.
#[derive(Debug)]
pub struct Row {
    /// The key, in the documentation's notation.
    pub key: &'static str,
    pub contexts: &'static [&'static str],
    /// Special functions allowed here (`always`, `hashFiles`, ...); others are allowed
    /// everywhere.
    pub functions: &'static [&'static str],
    pub source: &'static str,
}

const RUNNER_SCHEMA: &str = "actions/runner src/Runner.Worker/action_yaml.json; contexts reference: \"The secrets context is not available for composite actions\"";

const STATUS: &[&str] = &["always", "cancelled", "success", "failure"];
const STEP_FN: &[&str] = &["hashfiles"];
const STEP_IF_FN: &[&str] = &["always", "cancelled", "success", "failure", "hashfiles"];

const fn row(
    key: &'static str,
    contexts: &'static [&'static str],
    functions: &'static [&'static str],
    source: &'static str,
) -> Row {
    Row {
        key,
        contexts,
        functions,
        source,
    }
}

const COMPOSITE_CTX: &[&str] = &[
    "github", "inputs", "strategy", "matrix", "steps", "job", "runner", "env", "vars",
];

/// The keys of a composite action's metadata, which the contexts reference does not list.
/// The workflow keys are the generated table [`super::availability::DOCS`] (a key with no
/// row, such as `jobs.<job_id>.steps.shell` or the workflow's `defaults.run`, is not
/// restricted here).
pub static COMPOSITE: &[Row] = &[
    // composite actions: no secrets, no needs (the runner's action schema)
    row("runs.steps.if", COMPOSITE_CTX, STEP_IF_FN, RUNNER_SCHEMA),
    row("runs.steps", COMPOSITE_CTX, STEP_FN, RUNNER_SCHEMA),
    row(
        "outputs.<output_id>.value",
        COMPOSITE_CTX,
        &[],
        RUNNER_SCHEMA,
    ),
    row("runs.pre-if", COMPOSITE_CTX, STATUS, RUNNER_SCHEMA),
    row("runs.post-if", COMPOSITE_CTX, STATUS, RUNNER_SCHEMA),
];

/// The row for a key, by its notation in the documentation's table or [`COMPOSITE`] (a hash
/// lookup: rules ask for rows per value).
pub fn availability(key: &str) -> Option<&'static Row> {
    static INDEX: LazyLock<std::collections::HashMap<&'static str, &'static Row>> =
        LazyLock::new(|| {
            super::availability::DOCS
                .iter()
                .chain(COMPOSITE)
                .map(|r| (r.key, r))
                .collect()
        });
    INDEX.get(key).copied()
}

/// What a function returns.
#[derive(Clone, Copy, Debug)]
pub enum Ret {
    Bool,
    Str,
    Any,
}

/// A function of the expression language: lowercase name (calls are case-insensitive),
/// argument counts, result.
#[derive(Debug)]
pub struct Func {
    pub name: &'static str,
    /// As documented, for messages.
    pub shown: &'static str,
    pub min: usize,
    pub max: usize,
    pub ret: Ret,
}

const fn func(name: &'static str, shown: &'static str, min: usize, max: usize, ret: Ret) -> Func {
    Func {
        name,
        shown,
        min,
        max,
        ret,
    }
}

/// "Functions" and "Status check functions" of the expressions page. `hashFiles` takes up
/// to 255 patterns (the runner's schema); the status functions take job names at job level.
pub static FUNCTIONS: &[Func] = &[
    func("contains", "contains", 2, 2, Ret::Bool),
    func("startswith", "startsWith", 2, 2, Ret::Bool),
    func("endswith", "endsWith", 2, 2, Ret::Bool),
    func("format", "format", 1, usize::MAX, Ret::Str),
    func("join", "join", 1, 2, Ret::Str),
    func("tojson", "toJSON", 1, 1, Ret::Str),
    func("fromjson", "fromJSON", 1, 1, Ret::Any),
    func("hashfiles", "hashFiles", 1, 255, Ret::Str),
    func("case", "case", 3, usize::MAX, Ret::Any),
    func("success", "success", 0, 0, Ret::Bool),
    func("always", "always", 0, 0, Ret::Bool),
    func("cancelled", "cancelled", 0, 0, Ret::Bool),
    func("failure", "failure", 0, 0, Ret::Bool),
];

pub fn function(name: &str) -> Option<&'static Func> {
    FUNCTIONS.iter().find(|f| f.name.eq_ignore_ascii_case(name))
}

/// Whether a function may only be used where an availability row lists it.
pub fn is_special(name: &str) -> bool {
    matches!(
        name,
        "always" | "cancelled" | "success" | "failure" | "hashfiles"
    )
}
