//! gha/excessive-permissions: the GITHUB_TOKEN gets more than the jobs need.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::rules::support::edit::{line_start, newline, plain_region};
use crate::source::workflow::{Workflow, write_scopes};

pub static RULE: Rule = rule!("gha/excessive-permissions")
    .summary("a workflow or job whose GITHUB_TOKEN has default or broad write permissions")
    .packs(&["least-privilege"])
    .security(5.5)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    // a reusable workflow runs with its caller's token: its `permissions:` can only narrow
    // what the caller grants, so the callers are judged (in their own files), not it
    let triggers = wf.triggers();
    if !triggers.is_empty() && triggers.iter().all(|t| *t == "workflow_call") {
        return;
    }
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
            let fix = top_permissions(cx.text(), wf);
            for j in &jobs {
                if j.permissions().is_none() {
                    out.push(
                        cx.finding(
                            j.key.span(),
                            format!("job \"{}\" runs with the repository's default token permissions (possibly write to everything): set `permissions:` at the top of the workflow (e.g. contents: read) or on the job", j.id),
                        )
                        .help("add `permissions: {contents: read}` at workflow level and grant write scopes only on the jobs that need them")
                        .fix_opt(fix.clone()),
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

/// Unsafe fix: `permissions: contents: read` at workflow level, on the line before `jobs:`
/// (a job that writes, releases or comments then fails until it is granted what it needs).
fn top_permissions(text: &str, wf: &Workflow<'_>) -> Option<Fix> {
    let (key, _) = wf.root.entry("jobs")?;
    let at = line_start(text, key.span().start);
    // a block mapping at the left margin, as nearly every workflow is written
    if at != key.span().start || !plain_region(text, wf.root.span()) {
        return None;
    }
    let nl = newline(text);
    Some(
        Fix::unsafe_("add `permissions: contents: read` at workflow level")
            .insert(at, format!("permissions:{nl}  contents: read{nl}")),
    )
}
