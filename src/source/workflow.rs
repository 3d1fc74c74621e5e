//! A typed view of GitHub Actions workflows and composite actions over the YAML layer.

use super::expr::has_expr;
use super::yaml::{NodeId, Yaml, YamlFile};

#[derive(Clone, Copy, Debug)]
pub struct Workflow<'a> {
    pub root: Yaml<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct Job<'a> {
    pub id: &'a str,
    /// The job's key, for findings about something missing.
    pub key: Yaml<'a>,
    pub node: Yaml<'a>,
}

#[derive(Clone, Copy, Debug)]
pub struct Step<'a> {
    pub node: Yaml<'a>,
    pub index: usize,
    /// `uses:` and `run:`, looked up once when the steps are listed: rules ask them of
    /// every step, often once per row of a table.
    uses: Option<Yaml<'a>>,
    run: Option<Yaml<'a>>,
    /// The `uses:` reference without its `@ref`, trimmed (what [`Step::uses_action`]
    /// compares: rules ask it of every step for every row of their tables).
    action_ref: Option<&'a str>,
}

impl<'a> Workflow<'a> {
    pub fn of(file: &'a YamlFile) -> Option<Workflow<'a>> {
        let root = file.documents().next()?;
        root.is_map().then_some(Workflow { root })
    }

    pub fn jobs(&self) -> Vec<Job<'a>> {
        let file = self.root.file;
        let index = Lists::of(file);
        if index.root != Some(self.root.id) {
            return self.root.get("jobs").map(jobs_of).unwrap_or_default();
        }
        index
            .jobs
            .iter()
            .map(|&(k, v, _)| Job::at(file, k, v))
            .collect()
    }

    /// A composite action's steps (`runs.steps`), for `action.yml`.
    pub fn action_steps(&self) -> Vec<Step<'a>> {
        steps_of(self.root.path(&["runs", "steps"]))
    }

    /// Every scalar value of the file holding `${{`, in document order, with the key of the
    /// mapping entry it sits under (an item of a sequence has its sequence's key; a value
    /// outside any mapping has none): listed once per file, for the rules that read every
    /// expression (most values hold none).
    pub fn expr_scalars(&self) -> Vec<(Yaml<'a>, Option<Yaml<'a>>)> {
        let file = self.root.file;
        let lists = Lists::of(file);
        if lists.root != Some(self.root.id) {
            return expr_scalars_under(self.root);
        }
        lists
            .exprs
            .get_or_init(|| {
                expr_scalars_under(self.root)
                    .iter()
                    .map(|(n, k)| (n.id, k.map(|k| k.id)))
                    .collect()
            })
            .iter()
            .map(|&(id, key)| (Yaml { file, id }, key.map(|id| Yaml { file, id })))
            .collect()
    }

    /// Every step of the file: all jobs' steps, or an action's steps.
    pub fn all_steps(&self) -> Vec<(Option<Job<'a>>, Step<'a>)> {
        let file = self.root.file;
        let index = Lists::of(file);
        if index.root == Some(self.root.id) {
            // from the lists, without a lookup of `steps:` per job; sized once (every rule
            // asks for the list, and growing it was a fifth of its cost)
            let mut out = Vec::with_capacity(index.steps.iter().map(|(_, s)| s.len()).sum());
            for &(k, v, seq) in &index.jobs {
                let job = Job::at(file, k, v);
                if let Some(steps) = seq.and_then(|seq| index.steps(seq)) {
                    out.extend(steps.iter().map(|s| (Some(job), s.step(file))));
                }
            }
            if let Some(steps) = index.action_steps.and_then(|seq| index.steps(seq)) {
                out.extend(steps.iter().map(|s| (None, s.step(file))));
            }
            return out;
        }
        let mut out: Vec<_> = self
            .jobs()
            .into_iter()
            .flat_map(|j| j.steps().into_iter().map(move |s| (Some(j), s)))
            .collect();
        out.extend(self.action_steps().into_iter().map(|s| (None, s)));
        out
    }

    /// The workflow-level `permissions:` (key, value).
    pub fn permissions(&self) -> Option<(Yaml<'a>, Yaml<'a>)> {
        self.root.entry("permissions")
    }

    /// The workflow-level `env:` entries.
    pub fn env(&self) -> Vec<(Yaml<'a>, Yaml<'a>)> {
        env_of(self.root.get("env"))
    }

    /// The job with this id.
    pub fn job(&self, id: &str) -> Option<Job<'a>> {
        self.jobs().into_iter().find(|j| j.id == id)
    }

    /// Trigger names, from the string, list and map forms of `on:`.
    pub fn triggers(&self) -> Vec<&'a str> {
        // `on` is a YAML 1.1 boolean, but the layer keeps keys as text
        let Some(on) = self.root.get("on") else {
            return Vec::new();
        };
        if on.is_map() {
            on.keys()
        } else {
            on.str_or_list().into_iter().map(|(s, _)| s).collect()
        }
    }
}

/// The repository-relative path of a local `uses:` (an action or reusable workflow of the
/// same repository): `./path` (relative to the workspace) or `$/path` (GitHub's
/// self-repository syntax, at the running commit). `None` for `owner/repo@ref` and
/// `docker://`.
pub fn local_uses(value: &str) -> Option<&str> {
    let v = value.trim();
    let rest = v
        .strip_prefix("./")
        .or_else(|| v.strip_prefix(".\\"))
        .or_else(|| v.strip_prefix("$/"))?;
    Some(rest.split('@').next().unwrap_or(rest))
}

/// Where a `uses:` value's action reference sits: before its `@ref`, trimmed.
fn action_range(uses: &str) -> (usize, usize) {
    let before = &uses[..uses.bytes().position(|b| b == b'@').unwrap_or(uses.len())];
    let start = before.len() - before.trim_start().len();
    (start, start + before.trim().len())
}

/// Every scalar value of a YAML tree holding `${{`, in document order, merge keys expanded
/// (at most 64 levels deep), each with the key it sits under (keys are never expressions
/// GitHub evaluates).
fn expr_scalars_under(n: Yaml<'_>) -> Vec<(Yaml<'_>, Option<Yaml<'_>>)> {
    fn walk<'a>(
        n: Yaml<'a>,
        key: Option<Yaml<'a>>,
        depth: usize,
        out: &mut Vec<(Yaml<'a>, Option<Yaml<'a>>)>,
    ) {
        if depth > 64 {
            return;
        }
        if n.is_map() {
            for (k, v) in n.entries() {
                walk(v, Some(k), depth + 1, out);
            }
        } else if n.is_seq() {
            for v in n.items() {
                walk(v, key, depth + 1, out);
            }
        } else if n.as_str().is_some_and(has_expr) {
            out.push((n, key));
        }
    }
    let mut out = Vec::new();
    walk(n, None, 0, &mut out);
    out
}

fn env_of(node: Option<Yaml<'_>>) -> Vec<(Yaml<'_>, Yaml<'_>)> {
    node.filter(|n| n.is_map())
        .map(|n| n.entries())
        .unwrap_or_default()
}

/// A `permissions:` value: `read-all`/`write-all`/`{}` or a map of scope -> access.
pub fn write_scopes<'a>(perms: Yaml<'a>) -> Vec<(Yaml<'a>, Yaml<'a>)> {
    perms
        .entries()
        .into_iter()
        .filter(|(_, v)| v.as_str() == Some("write"))
        .collect()
}

/// The jobs of a `jobs:` mapping: its entries whose value is a mapping under a string key.
fn jobs_of(jobs: Yaml<'_>) -> Vec<Job<'_>> {
    jobs.entries()
        .into_iter()
        .filter_map(|(k, v)| {
            v.is_map().then_some(Job {
                id: k.as_str()?,
                key: k,
                node: v,
            })
        })
        .collect()
}

/// A file's job list and step lists as node ids, found once per file the first time they are
/// asked for: rules list a workflow's jobs and steps about twenty times per file, and
/// listing them again (a lookup of `uses:` and `run:` per step) was 4% of a check of
/// real-world workflows. Lists reached another way (a `steps:` that is not a job's or an
/// action's) are listed as before.
#[derive(Debug, Default)]
pub struct Lists {
    /// The workflow's root mapping ([`Workflow::of`]), which the lists below belong to.
    root: Option<NodeId>,
    /// The jobs' (key, value, `steps:` node), in the order of `jobs:`.
    jobs: Vec<(NodeId, NodeId, Option<NodeId>)>,
    /// A composite action's `runs.steps` node.
    action_steps: Option<NodeId>,
    /// The scalars holding `${{` with their keys ([`Workflow::expr_scalars`]), on first use.
    exprs: std::sync::OnceLock<Vec<(NodeId, Option<NodeId>)>>,
    /// Each `steps:` node (a job's, or a composite action's `runs.steps`), sorted, with its
    /// steps.
    steps: Vec<(NodeId, Vec<StepIds>)>,
}

#[derive(Debug, Clone, Copy)]
struct StepIds {
    node: NodeId,
    index: usize,
    uses: Option<NodeId>,
    run: Option<NodeId>,
    /// [`Step::action_ref`] as a byte range of the `uses:` value ([`action_range`]).
    action: Option<(usize, usize)>,
}

impl Lists {
    fn of(file: &YamlFile) -> &Lists {
        file.lists.get_or_init(|| {
            let mut lists = Lists::default();
            let Some(wf) = Workflow::of(file) else {
                return lists;
            };
            lists.root = Some(wf.root.id);
            let mut seqs: Vec<Yaml<'_>> = Vec::new();
            if let Some(jobs) = wf.root.get("jobs") {
                for j in jobs_of(jobs) {
                    let steps = j.node.get("steps");
                    seqs.extend(steps);
                    lists.jobs.push((j.key.id, j.node.id, steps.map(|n| n.id)));
                }
            }
            let action_steps = wf.root.path(&["runs", "steps"]);
            lists.action_steps = action_steps.map(|n| n.id);
            seqs.extend(action_steps);
            for seq in seqs {
                let ids = list_steps(Some(seq))
                    .iter()
                    .map(|s| StepIds {
                        node: s.node.id,
                        index: s.index,
                        uses: s.uses.map(|n| n.id),
                        run: s.run.map(|n| n.id),
                        action: s.uses.and_then(|n| n.as_str()).map(action_range),
                    })
                    .collect();
                lists.steps.push((seq.id, ids));
            }
            lists.steps.sort_by_key(|(id, _)| *id);
            lists.steps.dedup_by_key(|(id, _)| *id);
            lists
        })
    }

    /// The listed steps of the `steps:` node `seq` (`None`: not a listed node).
    fn steps(&self, seq: NodeId) -> Option<&[StepIds]> {
        let i = self.steps.binary_search_by_key(&seq, |(id, _)| *id).ok()?;
        Some(&self.steps[i].1)
    }
}

impl StepIds {
    fn step(self, file: &YamlFile) -> Step<'_> {
        let uses = self.uses.map(|id| Yaml { file, id });
        Step {
            node: Yaml {
                file,
                id: self.node,
            },
            index: self.index,
            uses,
            run: self.run.map(|id| Yaml { file, id }),
            action_ref: self
                .action
                .zip(uses.and_then(|n| n.scalar()))
                .and_then(|((a, b), u)| u.get(a..b)),
        }
    }
}

fn steps_of(node: Option<Yaml<'_>>) -> Vec<Step<'_>> {
    let Some(seq) = node else {
        return Vec::new();
    };
    let file = seq.file;
    match Lists::of(file).steps(seq.id) {
        Some(steps) => steps.iter().map(|s| s.step(file)).collect(),
        None => list_steps(node),
    }
}

/// A `steps:` sequence's steps, looked up in the YAML.
fn list_steps(node: Option<Yaml<'_>>) -> Vec<Step<'_>> {
    node.map(|s| {
        s.items()
            .enumerate()
            .filter(|(_, n)| n.is_map())
            .map(|(index, node)| Step::new(node, index, node.get("uses"), node.get("run")))
            .collect()
    })
    .unwrap_or_default()
}

impl<'a> Job<'a> {
    /// The job whose key and value are these nodes of `file` (as the lists keep them).
    fn at(file: &'a YamlFile, key: NodeId, value: NodeId) -> Job<'a> {
        let key = Yaml { file, id: key };
        Job {
            id: key.as_str().unwrap_or_default(),
            key,
            node: Yaml { file, id: value },
        }
    }
    pub fn steps(&self) -> Vec<Step<'a>> {
        steps_of(self.node.get("steps"))
    }
    /// A reusable-workflow call's `uses:`.
    pub fn uses(&self) -> Option<Yaml<'a>> {
        self.node.get("uses")
    }
    /// The job's `permissions:` (key, value).
    pub fn permissions(&self) -> Option<(Yaml<'a>, Yaml<'a>)> {
        self.node.entry("permissions")
    }
    /// The job's `env:` entries.
    pub fn env(&self) -> Vec<(Yaml<'a>, Yaml<'a>)> {
        env_of(self.node.get("env"))
    }
    /// The `environment:` name (string form or `name:` of the map form) and its node.
    pub fn environment(&self) -> Option<(Option<&'a str>, Yaml<'a>)> {
        let env = self.node.get("environment")?;
        let name = if env.is_map() {
            env.get("name").and_then(|n| n.as_str())
        } else {
            env.as_str()
        };
        Some((name, env))
    }
    /// `services:` containers: (name, key node, value node).
    pub fn services(&self) -> Vec<(&'a str, Yaml<'a>, Yaml<'a>)> {
        self.node
            .get("services")
            .map(|s| {
                s.entries()
                    .into_iter()
                    .filter_map(|(k, v)| Some((k.as_str()?, k, v)))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// `continue-on-error:` when it is literally true.
    pub fn continue_on_error(&self) -> Option<Yaml<'a>> {
        self.node
            .get("continue-on-error")
            .filter(|n| n.as_bool() == Some(true))
    }
    /// `secrets:` of a reusable-workflow call.
    pub fn secrets(&self) -> Option<Yaml<'a>> {
        self.node.get("secrets")
    }
    /// The `if:` condition.
    pub fn condition(&self) -> Option<Yaml<'a>> {
        self.node.get("if")
    }
    /// Job ids this job needs.
    pub fn needs(&self) -> Vec<(&'a str, super::Span)> {
        self.node
            .get("needs")
            .map(|n| n.str_or_list())
            .unwrap_or_default()
    }
}

impl<'a> Step<'a> {
    fn new(node: Yaml<'a>, index: usize, uses: Option<Yaml<'a>>, run: Option<Yaml<'a>>) -> Self {
        let action_ref = uses.and_then(|n| n.as_str()).map(|u| {
            let (a, b) = action_range(u);
            &u[a..b]
        });
        Step {
            node,
            index,
            uses,
            run,
            action_ref,
        }
    }
    pub fn uses(&self) -> Option<Yaml<'a>> {
        self.uses
    }
    pub fn run(&self) -> Option<Yaml<'a>> {
        self.run
    }
    pub fn with(&self, key: &str) -> Option<Yaml<'a>> {
        self.node.path(&["with", key])
    }
    /// The step's `with:` entries.
    pub fn with_entries(&self) -> Vec<(Yaml<'a>, Yaml<'a>)> {
        env_of(self.node.get("with"))
    }
    /// The step's `env:` entries.
    pub fn env(&self) -> Vec<(Yaml<'a>, Yaml<'a>)> {
        env_of(self.node.get("env"))
    }
    pub fn shell(&self) -> Option<Yaml<'a>> {
        self.node.get("shell")
    }
    /// The `if:` condition.
    pub fn condition(&self) -> Option<Yaml<'a>> {
        self.node.get("if")
    }
    /// `continue-on-error:` when it is literally true.
    pub fn continue_on_error(&self) -> Option<Yaml<'a>> {
        self.node
            .get("continue-on-error")
            .filter(|n| n.as_bool() == Some(true))
    }
    /// The action's `owner/repo[/path]` without its ref, lowercased.
    pub fn action(&self) -> Option<String> {
        let u = self.uses()?.as_str()?;
        Some(u.split('@').next().unwrap_or(u).trim().to_ascii_lowercase())
    }
    /// Whether the step uses `owner/repo` (any path and ref).
    pub fn uses_action(&self, repo: &str) -> bool {
        // as `action()` compared with `repo`, without building the lowercased string
        self.action_ref.is_some_and(|a| action_is_or_under(a, repo))
    }
    /// `name:`, else `uses:`, else the step's index, for messages.
    pub fn display(&self) -> String {
        if let Some(n) = self.node.get("name").and_then(|n| n.as_str()) {
            return format!("step \"{n}\"");
        }
        if let Some(u) = self.uses().and_then(|n| n.as_str()) {
            return format!("step using {u}");
        }
        format!("step {}", self.index + 1)
    }
}

/// Whether `action` (an action reference without its ref, any case) is `repo` or one of its
/// paths (`repo/sub`), compared in ASCII case without building a lowercased copy: rules
/// ask this of every step for every row of their tables.
pub fn action_is_or_under(action: &str, repo: &str) -> bool {
    let (a, r) = (action.as_bytes(), repo.as_bytes());
    a.len() >= r.len()
        && a[..r.len()].eq_ignore_ascii_case(r)
        && (a.len() == r.len() || a[r.len()] == b'/')
}

/// Every `run:` script of a workflow or composite action, lexed once, by the `run` node.
pub fn scripts(file: &YamlFile, text: &str) -> super::script::Scripts {
    let Some(wf) = Workflow::of(file) else {
        return super::script::Scripts::default();
    };
    let pairs = wf
        .all_steps()
        .into_iter()
        .filter_map(|(_, step)| {
            let run = step.run()?;
            Some((run.id, super::script::yaml_script(run, text)?))
        })
        .collect();
    super::script::Scripts::new(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job or step list as the rules see it: ids and the looked-up keys.
    fn shape(steps: &[Step<'_>]) -> Vec<(usize, usize, Option<usize>, Option<usize>)> {
        steps
            .iter()
            .map(|s| {
                (
                    s.node.id,
                    s.index,
                    s.uses.map(|n| n.id),
                    s.run.map(|n| n.id),
                )
            })
            .collect()
    }

    #[test]
    fn action_references_stop_at_the_ref_and_are_trimmed() {
        for (uses, want) in [
            ("actions/checkout@v4", "actions/checkout"),
            ("  actions/cache/save @ v4 ", "actions/cache/save"),
            ("./.github/actions/setup", "./.github/actions/setup"),
            ("docker://alpine@sha256:0", "docker://alpine"),
            ("@v1", ""),
            ("", ""),
        ] {
            let (a, b) = action_range(uses);
            assert_eq!(&uses[a..b], want, "{uses:?}");
        }
        // as listed and as looked up: the same reference either way
        let file =
            YamlFile::parse("jobs: {a: {steps: [{uses: ' Org/Repo/sub@main'}, {run: x}]}}\n");
        let wf = Workflow::of(&file).expect("workflow");
        let listed = wf.all_steps();
        assert!(listed[0].1.uses_action("org/repo"));
        assert!(!listed[1].1.uses_action("org/repo"));
        let looked_up = list_steps(wf.root.path(&["jobs", "a", "steps"]));
        assert!(looked_up[0].uses_action("org/repo/sub"));
    }

    #[test]
    fn listed_jobs_and_steps_are_the_ones_looked_up() {
        let texts = [
            "jobs:\n  a:\n    steps: &s\n      - uses: x/y@v1\n      - run: echo\n      - not a step\n  b:\n    steps: *s\n  c: 3\n  d:\n    uses: ./.github/workflows/r.yml\n  a:\n    steps: [{run: again}]\n",
            "on: push\njobs: {a: {steps: [{uses: a/b@v1, run: x}, {name: n}]}, b: {runs-on: x}}\n",
            "runs:\n  using: composite\n  steps:\n    - run: echo\n      shell: bash\n    - uses: actions/checkout@v4\n",
            "- not\n- a workflow\n",
            "jobs: []\n",
        ];
        for text in texts {
            let file = YamlFile::parse(text);
            let Some(wf) = Workflow::of(&file) else {
                continue;
            };
            let jobs = wf.jobs();
            let looked_up = wf.root.get("jobs").map(jobs_of).unwrap_or_default();
            fn ids(j: &[Job<'_>]) -> Vec<(String, usize, usize)> {
                j.iter()
                    .map(|j| (j.id.to_string(), j.key.id, j.node.id))
                    .collect()
            }
            assert_eq!(ids(&jobs), ids(&looked_up), "{text}");
            for job in &jobs {
                let seq = job.node.get("steps");
                assert_eq!(shape(&job.steps()), shape(&list_steps(seq)), "{text}");
            }
            let seq = wf.root.path(&["runs", "steps"]);
            assert_eq!(shape(&wf.action_steps()), shape(&list_steps(seq)), "{text}");
        }
        // the lists were taken from the index, not looked up again
        let file = YamlFile::parse(texts[0]);
        let wf = Workflow::of(&file).expect("workflow");
        assert_eq!(wf.jobs().len(), 3); // `a` once (the first, as entries() keeps), `b`, `d`
        assert_eq!(Lists::of(&file).steps.len(), 2);
    }

    #[test]
    fn uses_action_matches_the_repository_and_its_paths_in_any_case() {
        let file = YamlFile::parse(
            "runs:\n  using: composite\n  steps:\n    - uses: Actions/Checkout@v4\n    - uses: actions/checkout/sub@v1\n    - uses: actions/checkout-x@v1\n    - uses: actions/check\n    - run: echo\n",
        );
        let wf = Workflow::of(&file).expect("workflow");
        let got: Vec<bool> = wf
            .action_steps()
            .iter()
            .map(|s| s.uses_action("actions/checkout"))
            .collect();
        assert_eq!(got, [true, true, false, false, false]);
        let lowered: Vec<bool> = wf
            .action_steps()
            .iter()
            .map(|s| {
                s.action().is_some_and(|a| {
                    a == "actions/checkout"
                        || a.strip_prefix("actions/checkout")
                            .is_some_and(|r| r.starts_with('/'))
                })
            })
            .collect();
        assert_eq!(got, lowered, "the same answer as comparing action()");
    }
}
