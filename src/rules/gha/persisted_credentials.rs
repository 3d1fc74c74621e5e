//! gha/persisted-credentials: `actions/checkout` leaving its token in `.git/config` in a
//! job that uploads that directory or pushes.

use crate::api::{Cx, Finding, Fix, Rule, Severity};
use crate::rule;
use crate::rules::gha::common::{by_job, of_job, prog_args, run_scripts};
use crate::rules::support::edit::{plain_region, set_nested};
use crate::source::workflow::{Step, Workflow};

pub static RULE: Rule = rule!("gha/persisted-credentials")
    .summary(
        "actions/checkout keeps its token on disk in a job that uploads the checkout or pushes",
    )
    .packs(&["supply-chain"])
    .security(5.5)
    .on_workflow(check);

/// The version an action is pinned to, from its ref (`@v4.3.1`) or, for a SHA, the version
/// comment after it (`@<sha> # v4.6.2`): (major, minor).
fn pinned_version(cx: &Cx<'_>, step: &Step<'_>) -> Option<(u32, u32)> {
    let u = step.uses()?;
    let value = u.as_str()?;
    let reference = value.rsplit_once('@')?.1;
    let tag = if reference.len() == 40 && reference.chars().all(|c| c.is_ascii_hexdigit()) {
        let rest = cx.text().get(u.span().end..)?;
        let line = rest.split('\n').next()?;
        line.split_once('#')?
            .1
            .split_whitespace()
            .next()?
            .to_string()
    } else {
        reference.to_string()
    };
    let mut parts = tag.trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// Whether an `actions/upload-artifact` step can put `.git` (with the persisted token) into
/// the artifact: its path is the checkout's root, and hidden files are included
/// (`include-hidden-files: true`, or a version before 4.4, which included them by default).
fn uploads_git_dir(cx: &Cx<'_>, step: &Step<'_>, checkout_dirs: &[String]) -> bool {
    if !step.uses_action("actions/upload-artifact") {
        return false; // Pages artifacts (upload-pages-artifact) leave .git out
    }
    let hidden = step
        .with("include-hidden-files")
        .is_some_and(|v| v.as_bool() == Some(true))
        || pinned_version(cx, step).is_some_and(|v| v < (4, 4));
    if !hidden {
        return false;
    }
    let Some(path) = step.with("path").and_then(|p| p.as_str()) else {
        return false;
    };
    path.lines().map(str::trim).any(|p| {
        let p = p.trim_end_matches('/');
        matches!(p, "." | "" | "./" | "*" | "**" | "${{ github.workspace }}")
            || checkout_dirs.iter().any(|d| {
                let d = d.trim_start_matches("./").trim_end_matches('/');
                !d.is_empty() && p.trim_start_matches("./") == d
            })
    })
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let scripts = run_scripts(cx, wf);
    let by_job = by_job(&scripts);
    for j in wf.jobs() {
        let steps = j.steps();
        let checkout_dirs: Vec<String> = steps
            .iter()
            .filter(|s| s.uses_action("actions/checkout"))
            .filter_map(|s| s.with("path").and_then(|p| p.as_str()).map(str::to_string))
            .collect();
        let upload = steps
            .iter()
            .find(|s| uploads_git_dir(cx, s, &checkout_dirs));
        let push = of_job(&by_job, j.id).iter().find_map(|r| {
            r.script.commands.iter().find_map(|c| match prog_args(c) {
                Some(("git", a)) if a.contains(&"push") => Some(c.span),
                _ => None,
            })
        });
        let (why, at) = match (upload, push) {
            (Some(u), _) => (
                "uploads the checkout with its .git directory",
                u.uses().map(|n| n.span()),
            ),
            (None, Some(p)) => ("pushes with git", Some(p)),
            (None, None) => continue,
        };
        for s in &steps {
            if !s.uses_action("actions/checkout") {
                continue;
            }
            let persist = s.with("persist-credentials").and_then(|v| v.as_bool());
            if persist == Some(false) {
                continue;
            }
            let Some(u) = s.uses() else { continue };
            // a job that pushes needs the token: keeping it is how the push works (explicit
            // `persist-credentials: true` is a deliberate choice): a note
            let mut f = if upload.is_none() {
                let how = if persist == Some(true) {
                    "persist-credentials: true keeps"
                } else {
                    "actions/checkout keeps"
                };
                cx.finding(u.span(), format!("{how} the job's token in .git/config, where every later step of job \"{}\" can read it, so that it can push: if only the push needs it, pass the token to that step instead", j.id))
                    .severity(Severity::Note)
            } else {
                cx.finding(u.span(), format!("actions/checkout stores the job's token in .git/config and job \"{}\" {why}: set `with: persist-credentials: false` (pass the token explicitly where a push needs it)", j.id))
            };
            if let Some(at) = at {
                f = f.related(at, why);
            }
            // safe when nothing in the job pushes: no later step used the stored token
            if let Some((span, text)) = plain_region(cx.text(), s.node.span())
                .then(|| set_nested(cx.text(), s.node, "with", "persist-credentials", "false"))
                .flatten()
            {
                let title = "set `with: persist-credentials: false`";
                let fix = if push.is_some() {
                    Fix::unsafe_(title)
                } else {
                    Fix::safe(title)
                };
                f = f.fix(fix.replace(span, text));
            }
            out.push(f);
        }
    }
}
