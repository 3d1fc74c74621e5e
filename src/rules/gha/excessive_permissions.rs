//! gha/excessive-permissions: the GITHUB_TOKEN gets more than the jobs need.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::workflow::{Workflow, write_scopes};

pub const RULE: Rule = Rule {
    id: "gha/excessive-permissions",
    kinds: &[Kind::Workflow],
    packs: &["least-privilege"],
    severity: Severity::Warning,
    security_severity: Some(5.5),
    summary: "a workflow or job whose GITHUB_TOKEN has default or broad write permissions",
    doc: include_str!("../../../rules/gha/excessive-permissions.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let Some(wf) = Workflow::of(yaml) else { return };
    let jobs = wf.jobs();
    let top = wf.permissions();
    let mut all = Vec::new();
    if let Some(p) = top {
        all.push(p);
    }
    all.extend(jobs.iter().filter_map(|j| j.permissions()));
    for (_, v) in &all {
        if v.as_str() == Some("write-all") {
            out.push(
                cx.finding(v.span(), "`permissions: write-all` gives the token write access to every scope: list only the scopes the job needs (e.g. contents: read)")
                    .severity(Severity::Error),
            );
        }
    }
    match top {
        None => {
            for j in &jobs {
                if j.permissions().is_none() {
                    out.push(
                        cx.finding(
                            j.key.span(),
                            format!("job \"{}\" runs with the repository's default token permissions (possibly write to everything): set `permissions:` at the top of the workflow (e.g. contents: read) or on the job", j.id),
                        )
                        .help("add `permissions: {contents: read}` at workflow level and grant write scopes only on the jobs that need them"),
                    );
                }
            }
        }
        Some((_, v)) => {
            let inheriting = jobs.iter().filter(|j| j.permissions().is_none()).count();
            if inheriting >= 2 {
                for (k, _) in write_scopes(v) {
                    let scope = k.as_str().unwrap_or("?");
                    out.push(
                        cx.finding(
                            k.span(),
                            format!("`{scope}: write` at workflow level is granted to all {inheriting} jobs that set no permissions: move it to the job that needs it"),
                        )
                        .severity(Severity::Note),
                    );
                }
            }
        }
    }
}
