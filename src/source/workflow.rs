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

fn steps_of(node: Option<Yaml<'_>>) -> Vec<Step<'_>> {
    node.map(|s| {
        s.items()
            .enumerate()
            .filter(|(_, n)| n.is_map())
            .map(|(index, node)| Step { node, index })
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
        self.node.get("uses")
    }
    pub fn run(&self) -> Option<Yaml<'a>> {
        self.node.get("run")
    }
    pub fn with(&self, key: &str) -> Option<Yaml<'a>> {
        self.node.path(&["with", key])
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
