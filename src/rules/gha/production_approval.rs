//! gha/production-approval: a job deploys to production and nothing in the repository shows
//! an approval gate before it.
//!
//! What plumb can know: a job with no `environment:` cannot be held by an environment's
//! protection rules (required reviewers, wait timers) at all; a job naming an environment
//! may be, but those rules live in the repository's settings, which plumb cannot read. So by
//! default a job naming an environment is taken as gateable and left alone, and the rule
//! reports a production deploy that names none and shows no other approval: no approval
//! action before the deploy (in the job or a job it needs), no job it needs that names an
//! environment, and a trigger that no human starts (`workflow_dispatch`). With
//! `assume-unprotected`, environments count for nothing and a production environment needs
//! one of the other gates too.
//!
//! A deploy is what `gate::job_deploys` says (the rule shares it with
//! `gha/deploy-without-tests`), less pushing an image to a registry, which publishes an image
//! but changes nothing that runs. Production is read from the environment's name, else from
//! what the job says about its target: the deploy command's arguments or the deploy action's
//! inputs, the step's working directory, the job's id and name, its `env:` values, the
//! workflow's name. A job with no word for production anywhere is not judged.

use std::collections::{BTreeSet, HashMap};

use crate::api::{Cx, Finding, Opt, Rule, Severity, StrList};
use crate::rule;
use crate::rules::gha::common::{prog_args, run_scripts_of_job};
use crate::rules::gha::gate::{Deploy, job_deploys};
use crate::rules::support::gha::has_expr;
use crate::source::Span;
use crate::source::workflow::{Job, Workflow};
use crate::source::yaml::Yaml;

const NAMES: Opt<StrList> = Opt::list(
    "production",
    &["prod", "production", "prd", "live", "release"],
    "words that name a production target (matched as whole words of environment names, job ids and names, deploy arguments)",
);

const ASSUME_UNPROTECTED: Opt<bool> = Opt::bool(
    "assume-unprotected",
    false,
    "take every environment as having no required reviewers: a production environment needs an approval plumb can see",
);

/// Actions that pause a job until people approve it. Taken 2026-12 from each action's README
/// on the GitHub Marketplace (trstringer/manual-approval and its forks open an issue and wait
/// for approvers' comments; the others wait on a comment or a chat reply). Any action whose
/// repository name holds "manual-approval" counts as well (the many forks).
const APPROVAL_ACTIONS: &[&str] = &[
    "trstringer/manual-approval",
    "sede-open/manual-approval",
    "kharkevich/issue-ops-approval",
    "hatajoe/wait-approval",
    "zerotomvp/handraise-gate",
];

pub static RULE: Rule = rule!("gha/production-approval")
    .summary("a job deploys to production with no approval gate plumb can see")
    .packs(&["coverage-gates"])
    .severity(Severity::Note)
    .options(&[NAMES.decl, ASSUME_UNPROTECTED.decl])
    .on_workflow(check);

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let triggers = wf.triggers();
    // a human starts it: the run is the decision to deploy; a reusable workflow's callers
    // (which may wait for approval) are not here to read
    if !triggers.is_empty()
        && triggers
            .iter()
            .all(|t| matches!(*t, "workflow_dispatch" | "workflow_call"))
    {
        return;
    }
    let names: Vec<String> = cx
        .opt(&NAMES)
        .iter()
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return;
    }
    let unprotected = cx.opt(&ASSUME_UNPROTECTED);
    let jobs = wf.jobs();
    let index: HashMap<&str, &Job<'_>> = jobs.iter().rev().map(|j| (j.id, j)).collect();
    for job in &jobs {
        // a reusable-workflow call names no environment: the called workflow's jobs do
        if job.uses().is_some() {
            continue;
        }
        let env = job.environment();
        if env.is_some() && !unprotected {
            continue;
        }
        let Some(deploy) = job_deploys(cx, wf, job) else {
            continue;
        };
        if registry_push(&deploy.what) {
            continue;
        }
        let evidence = match env {
            Some((name, node)) => match name.filter(|n| !has_expr(n)) {
                // an environment's name says where it deploys, production or not
                Some(n) => match production_word(n, &names) {
                    Some(w) => Evidence {
                        span: node.span(),
                        why: if n.trim().eq_ignore_ascii_case(&w) {
                            format!("environment \"{n}\"")
                        } else {
                            format!("environment \"{n}\", \"{w}\"")
                        },
                    },
                    None => continue,
                },
                None => continue,
            },
            None => match target(cx, wf, job, &deploy, &names) {
                Some(e) => e,
                None => continue,
            },
        };
        if manual_trigger(job) || gated_before(job, &deploy, &index, !unprotected) {
            continue;
        }
        let f = match env {
            Some((_, node)) => cx
                .finding(
                    node.span(),
                    format!(
                        "job \"{}\" deploys to production ({}; {}) and nothing in the repository shows an approval: whether the environment requires reviewers is set in repository settings, which plumb cannot read (this rule's assume-unprotected option is on): require reviewers on it, or add an approval step before the deploy",
                        job.id, deploy.what, evidence.why
                    ),
                )
                .related(deploy.span, "the deployment"),
            None => cx
                .finding(
                    job.key.span(),
                    format!(
                        "job \"{}\" deploys to production ({}; {}) with no approval gate: it names no `environment:`, so no protection rule (required reviewers, set in repository settings, which plumb cannot read) can hold it, and no approval step or manual trigger comes first: add `environment: production` and require reviewers on it",
                        job.id, deploy.what, evidence.why
                    ),
                )
                .related(evidence.span, "why plumb takes this for production")
                .related(deploy.span, "the deployment"),
        };
        out.push(f.help("GitHub: Settings > Environments > required reviewers; or an approval action such as trstringer/manual-approval in a job the deploy needs"));
    }
}

/// Where plumb saw the production target, and how to say it.
struct Evidence {
    span: Span,
    why: String,
}

/// A push of an image to a registry: it publishes, it does not change what runs.
fn registry_push(what: &str) -> bool {
    what.ends_with(" push") && (what.starts_with("docker") || what.starts_with("podman"))
}

/// The first of `names` that is a whole word of `text` (words split at anything not a letter
/// or digit and at a lower-to-upper case change), or the whole of it; `pre-prod`,
/// `non-prod` and `not-production` are not production.
fn production_word(text: &str, names: &[String]) -> Option<String> {
    let lower = text.trim().to_ascii_lowercase();
    if names.contains(&lower) {
        return Some(lower);
    }
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        } else {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words.iter().enumerate().find_map(|(i, w)| {
        let negated = i > 0 && matches!(words[i - 1].as_str(), "pre" | "non" | "not" | "no");
        (!negated && names.contains(w)).then(|| w.clone())
    })
}

/// A value plumb can read as text: no expression, no URL.
fn literal(v: &str) -> bool {
    !has_expr(v) && !v.contains('$') && !v.contains("://")
}

/// Words that name a production environment but say little elsewhere: "release" is as often
/// a version being published (`helm upgrade my-release`, a workflow named "CI - Release"),
/// "live" a directory holding every environment (terragrunt's `live/`). They count only in an
/// environment's name.
const ENVIRONMENT_ONLY: &[&str] = &["release", "live"];

/// Whether the job says it deploys to production: the deploy's own arguments or inputs, its
/// step's working directory, the job's id and name, its `env:` values, the workflow's name.
fn target(
    cx: &Cx<'_>,
    wf: &Workflow<'_>,
    job: &Job<'_>,
    deploy: &Deploy,
    names: &[String],
) -> Option<Evidence> {
    let names: Vec<String> = names
        .iter()
        .filter(|n| !ENVIRONMENT_ONLY.contains(&n.as_str()))
        .cloned()
        .collect();
    let names = names.as_slice();
    let found = |span: Span, text: &str, what: &str| {
        production_word(text, names).map(|w| Evidence {
            span,
            why: if text.trim().eq_ignore_ascii_case(&w) {
                what.to_string()
            } else {
                format!("{what}, \"{w}\"")
            },
        })
    };
    // the deploy command's arguments (the deploy is a command of a run script)
    for r in run_scripts_of_job(cx.file(), job) {
        let Some(c) = r.script.commands.iter().find(|c| c.span == deploy.span) else {
            continue;
        };
        if let Some((_, args)) = prog_args(c) {
            if let Some(a) = args
                .iter()
                .find(|a| literal(a) && production_word(a, names).is_some())
            {
                return found(deploy.span, a, &format!("its argument `{a}`"));
            }
        }
        if let Some(e) = working_dir(r.step.node, names) {
            return Some(e);
        }
    }
    // the deploy action's inputs (the deploy is a step's `uses:`)
    for step in job.steps() {
        if step.uses().is_none_or(|u| u.span() != deploy.span) {
            continue;
        }
        for (k, v) in step.with_entries() {
            let (Some(key), Some(value)) = (k.as_str(), v.as_str()) else {
                continue;
            };
            if !literal(value) {
                continue;
            }
            // `production-deploy: true`, `prod: true`
            let on = v.as_bool() == Some(true) || value == "true";
            if on && production_word(key, names).is_some() {
                return found(k.span(), key, &format!("its input `{key}: {value}`"));
            }
            if !on {
                if let Some(e) = found(v.span(), value, &format!("its input `{key}: {value}`")) {
                    return Some(e);
                }
            }
        }
        if let Some(e) = working_dir(step.node, names) {
            return Some(e);
        }
    }
    if let Some(e) = found(job.key.span(), job.id, &format!("its id \"{}\"", job.id)) {
        return Some(e);
    }
    if let Some(n) = job.node.get("name") {
        if let Some(s) = n.as_str().filter(|s| literal(s)) {
            if let Some(e) = found(n.span(), s, &format!("its name \"{s}\"")) {
                return Some(e);
            }
        }
    }
    for (k, v) in job.env().into_iter().chain(wf.env()) {
        if let Some(e) = env_value(k, v, names) {
            return Some(e);
        }
    }
    let n = wf.root.get("name")?;
    let s = n.as_str().filter(|s| literal(s))?;
    found(n.span(), s, &format!("the workflow's name \"{s}\""))
}

/// A step's literal `working-directory:` naming production (`infra/prod`).
fn working_dir(step: Yaml<'_>, names: &[String]) -> Option<Evidence> {
    let d = step.get("working-directory")?;
    let s = d.as_str().filter(|s| literal(s))?;
    let w = production_word(s, names)?;
    Some(Evidence {
        span: d.span(),
        why: format!("its working directory `{s}`, \"{w}\""),
    })
}

/// An `env:` entry naming the target: a key about the environment or stage
/// (`ENVIRONMENT`, `DEPLOY_ENV`, `STAGE`, `TARGET`, `NAMESPACE`) with a production value.
fn env_value(k: Yaml<'_>, v: Yaml<'_>, names: &[String]) -> Option<Evidence> {
    let key = k.as_str()?;
    let upper = key.to_ascii_uppercase();
    if !["ENV", "STAGE", "TARGET", "NAMESPACE"]
        .iter()
        .any(|p| upper.contains(p))
    {
        return None;
    }
    let value = v.as_str().filter(|s| literal(s))?;
    production_word(value, names)?;
    Some(Evidence {
        span: v.span(),
        why: format!("its env `{key}: {value}`"),
    })
}

/// A job run only when a person started the workflow by hand
/// (`if: github.event_name == 'workflow_dispatch'`).
fn manual_trigger(job: &Job<'_>) -> bool {
    job.condition().and_then(|c| c.as_str()).is_some_and(|c| {
        let c: String = c.chars().filter(|c| !c.is_whitespace()).collect();
        (c.contains("github.event_name=='workflow_dispatch'")
            || c.contains("github.event_name==\"workflow_dispatch\""))
            && !c.contains("||")
    })
}

/// An approval before the deploy: an approval action earlier in the job or in a job it needs
/// (through `needs:`), or, when environments count, a job it needs naming an environment.
fn gated_before(
    job: &Job<'_>,
    deploy: &Deploy,
    index: &HashMap<&str, &Job<'_>>,
    environments: bool,
) -> bool {
    if approval_step(job).is_some_and(|s| s.start < deploy.span.start) {
        return true;
    }
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = job.needs().into_iter().map(|(n, _)| n).collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(&j) = index.get(id) else {
            continue;
        };
        if approval_step(j).is_some() || (environments && j.environment().is_some()) {
            return true;
        }
        stack.extend(j.needs().into_iter().map(|(n, _)| n));
    }
    false
}

/// The `uses:` of the job's first approval action.
fn approval_step(job: &Job<'_>) -> Option<Span> {
    job.steps().into_iter().find_map(|s| {
        let a = s.action()?;
        let repo = a.split('/').take(2).collect::<Vec<_>>().join("/");
        let name = repo.split('/').nth(1).unwrap_or("");
        if APPROVAL_ACTIONS.contains(&repo.as_str()) || name.contains("manual-approval") {
            s.uses().map(|u| u.span())
        } else {
            None
        }
    })
}
