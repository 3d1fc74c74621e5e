//! gha/persisted-credentials: `actions/checkout` leaving its token in `.git/config` in a
//! job that uploads artifacts or pushes.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::rules::gha::common::{by_job, of_job, prog_args, run_scripts};
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/persisted-credentials")
    .summary("actions/checkout keeps its token on disk in a job that uploads artifacts or pushes")
    .packs(&["supply-chain"])
    .security(5.5)
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let scripts = run_scripts(cx, wf);
    let by_job = by_job(&scripts);
    for j in wf.jobs() {
        let steps = j.steps();
        let upload = steps.iter().find(|s| {
            s.uses_action("actions/upload-artifact")
                || s.uses_action("actions/upload-pages-artifact")
        });
        let push = of_job(&by_job, j.id).iter().find_map(|r| {
            r.script.commands.iter().find_map(|c| match prog_args(c) {
                Some(("git", a)) if a.contains(&"push") => Some(c.span),
                _ => None,
            })
        });
        let (why, at) = match (upload, push) {
            (Some(u), _) => ("uploads artifacts", u.uses().map(|n| n.span())),
            (None, Some(p)) => ("pushes with git", Some(p)),
            (None, None) => continue,
        };
        for s in &steps {
            if !s.uses_action("actions/checkout") {
                continue;
            }
            if s.with("persist-credentials")
                .is_some_and(|v| v.as_bool() == Some(false))
            {
                continue;
            }
            let Some(u) = s.uses() else { continue };
            let mut f = cx.finding(u.span(), format!("actions/checkout stores the job's token in .git/config and job \"{}\" {why}: set `with: persist-credentials: false` (pass the token explicitly where a push needs it)", j.id));
            if let Some(at) = at {
                f = f.related(at, why);
            }
            out.push(f);
        }
    }
}
