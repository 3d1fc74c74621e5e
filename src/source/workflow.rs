//! A typed view of GitHub Actions workflows and composite actions over the YAML layer.

use super::yaml::{Yaml, YamlFile};

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
}

impl<'a> Workflow<'a> {
    pub fn of(file: &'a YamlFile) -> Option<Workflow<'a>> {
        let root = file.documents().next()?;
        root.is_map().then_some(Workflow { root })
    }

    pub fn jobs(&self) -> Vec<Job<'a>> {
        let Some(jobs) = self.root.get("jobs") else {
            return Vec::new();
        };
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

    /// A composite action's steps (`runs.steps`), for `action.yml`.
    pub fn action_steps(&self) -> Vec<Step<'a>> {
        steps_of(self.root.path(&["runs", "steps"]))
    }

    /// Every step of the file: all jobs' steps, or an action's steps.
    pub fn all_steps(&self) -> Vec<(Option<Job<'a>>, Step<'a>)> {
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

fn steps_of(node: Option<Yaml<'_>>) -> Vec<Step<'_>> {
    node.map(|s| {
        s.items()
            .enumerate()
            .filter(|(_, n)| n.is_map())
            .map(|(index, node)| Step {
                node,
                index,
                uses: node.get("uses"),
                run: node.get("run"),
            })
            .collect()
    })
    .unwrap_or_default()
}

impl<'a> Job<'a> {
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
        // as `action()` compared with `repo`, without building the lowercased string (rules
        // ask this of every step for every row of their tables)
        let Some(u) = self.uses().and_then(|n| n.as_str()) else {
            return false;
        };
        let a = u[..u.bytes().position(|b| b == b'@').unwrap_or(u.len())].trim();
        action_is_or_under(a, repo)
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
