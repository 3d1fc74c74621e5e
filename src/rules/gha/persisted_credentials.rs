//! gha/persisted-credentials: `actions/checkout` leaving its token in `.git/config` in a
//! job that uploads artifacts or pushes.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::rules::gha::common::{prog_args, run_scripts};
use crate::source::Kind;
use crate::source::workflow::Workflow;

pub const RULE: Rule = Rule {
    id: "gha/persisted-credentials",
    kinds: &[Kind::Workflow],
    packs: &["supply-chain"],
    severity: Severity::Warning,
    security_severity: Some(5.5),
    summary: "actions/checkout keeps its token on disk in a job that uploads artifacts or pushes",
    doc: include_str!("../../../rules/gha/persisted-credentials.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(yaml) = cx.yaml() else { return };
    let Some(wf) = Workflow::of(yaml) else { return };
    let scripts = run_scripts(cx, &wf);
    for j in wf.jobs() {
        let steps = j.steps();
        let upload = steps.iter().find(|s| {
            s.uses_action("actions/upload-artifact")
                || s.uses_action("actions/upload-pages-artifact")
        });
        let push = scripts
            .iter()
            .filter(|r| r.job.is_some_and(|x| x.id == j.id))
            .find_map(|r| {
                r.script.commands.iter().find_map(|c| match prog_args(c) {
                    Some(("git", a)) if a.contains(&"push") => Some(r.span(c.span)),
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
