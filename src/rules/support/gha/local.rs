//! Local actions (`uses: ./path`, `uses: $/path`) and local reusable workflows
//! (`uses: ./.github/workflows/x.yml`), read through the project: each file is loaded and
//! parsed at most once per check, whichever rule asks first.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::api::Cx;
use crate::project::{Model, ParsedFile};
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;
use crate::source::{Kind, Span};

/// The repository root of the file being checked: the directory holding its `.github`
/// folder, else the project root.
pub fn repo_root(cx: &Cx<'_>) -> PathBuf {
    let p = cx.path();
    let mut cur = p.parent();
    while let Some(d) = cur {
        if d.file_name().is_some_and(|n| n == ".github") {
            return match d.parent() {
                Some(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
                _ => PathBuf::from("."),
            };
        }
        cur = d.parent();
    }
    cx.project().root.clone()
}

/// The path a local `uses:` names, below the repository root (`None` for a remote or
/// docker reference, or a path leaving the root).
pub fn local_path(cx: &Cx<'_>, uses: &str) -> Option<PathBuf> {
    let rel = uses
        .strip_prefix("./")
        .or_else(|| uses.strip_prefix("$/"))?
        .trim_end_matches('/');
    let rel = Path::new(rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(repo_root(cx).join(rel))
}

/// One declared input: name, whether required, whether it has a default, its
/// `workflow_call` type, and where it is declared.
#[derive(Debug, Clone)]
pub struct InputDecl {
    pub name: String,
    pub required: bool,
    pub default: bool,
    pub ty: Option<String>,
    pub span: Span,
}

/// What a local action declares.
#[derive(Debug)]
pub struct ActionMeta {
    pub file: Arc<ParsedFile>,
    pub inputs: Vec<InputDecl>,
    pub using: Option<String>,
}

/// What a local reusable workflow declares under `on.workflow_call`.
#[derive(Debug)]
pub struct WorkflowMeta {
    pub file: Arc<ParsedFile>,
    /// Whether it has a `workflow_call` trigger at all.
    pub callable: bool,
    /// `None` when the inputs are not a plain mapping (not checkable).
    pub inputs: Option<Vec<InputDecl>>,
    pub secrets: Option<Vec<InputDecl>>,
    pub outputs: Option<Vec<String>>,
    /// Where `on` is, for related locations.
    pub on_span: Span,
}

fn yaml_root(file: &ParsedFile) -> Option<Yaml<'_>> {
    match &file.model {
        Model::Yaml(y) => Workflow::of(y).map(|w| w.root),
        _ => None,
    }
}

/// Read `<dir>/action.yml` or `<dir>/action.yaml` through the project.
pub fn action(cx: &Cx<'_>, uses: &str) -> Option<ActionMeta> {
    let dir = local_path(cx, uses)?;
    let file = ["action.yml", "action.yaml"]
        .iter()
        .find_map(|n| cx.project().file(&dir.join(n), Kind::Action))?;
    let root = yaml_root(&file)?;
    let inputs = decls(root.get("inputs"), false).unwrap_or_default();
    let using = root
        .path(&["runs", "using"])
        .and_then(|u| u.as_str())
        .map(str::to_string);
    Some(ActionMeta {
        inputs,
        using,
        file: file.clone(),
    })
}

/// Read a local reusable workflow through the project.
pub fn workflow(cx: &Cx<'_>, uses: &str) -> Option<WorkflowMeta> {
    let path = local_path(cx, uses)?;
    let file = cx.project().file(&path, Kind::Workflow)?;
    let root = yaml_root(&file)?;
    let (on_key, on) = root.entry("on")?;
    let call = if on.is_map() {
        on.entry("workflow_call")
    } else {
        on.str_or_list()
            .iter()
            .any(|(s, _)| *s == "workflow_call")
            .then_some((on, on))
    };
    let Some((_, call)) = call else {
        return Some(WorkflowMeta {
            file: file.clone(),
            callable: false,
            inputs: None,
            secrets: None,
            outputs: None,
            on_span: on_key.span(),
        });
    };
    let (inputs, secrets, outputs) = if call.is_map() {
        (
            decls(call.get("inputs"), true),
            decls(call.get("secrets"), false),
            names(call.get("outputs")),
        )
    } else {
        (Some(Vec::new()), Some(Vec::new()), Some(Vec::new()))
    };
    Some(WorkflowMeta {
        file: file.clone(),
        callable: true,
        inputs,
        secrets,
        outputs,
        on_span: on_key.span(),
    })
}

/// Declared inputs or secrets: `None` when the node is there but not a mapping.
fn decls(node: Option<Yaml<'_>>, typed: bool) -> Option<Vec<InputDecl>> {
    let Some(node) = node else {
        return Some(Vec::new());
    };
    if node.is_null() {
        return Some(Vec::new());
    }
    if !node.is_map() {
        return None;
    }
    Some(
        node.entries()
            .into_iter()
            .filter_map(|(k, v)| {
                let name = k.as_str()?.to_string();
                let required = v.get("required").and_then(|r| {
                    r.as_bool()
                        .or_else(|| r.as_str().map(|s| s.eq_ignore_ascii_case("true")))
                }) == Some(true);
                Some(InputDecl {
                    name,
                    required,
                    default: v.get("default").is_some(),
                    ty: if typed {
                        v.get("type").and_then(|t| t.as_str()).map(str::to_string)
                    } else {
                        None
                    },
                    span: k.span(),
                })
            })
            .collect(),
    )
}

fn names(node: Option<Yaml<'_>>) -> Option<Vec<String>> {
    let Some(node) = node else {
        return Some(Vec::new());
    };
    if node.is_null() {
        return Some(Vec::new());
    }
    node.is_map().then(|| {
        node.keys()
            .into_iter()
            .map(|k| k.to_ascii_lowercase())
            .collect()
    })
}
