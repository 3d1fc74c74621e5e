//! gha/deploy-without-verification: a deploy with nothing that waits for the rollout to
//! succeed or rolls it back when it fails.
//!
//! Only jobs that deploy (`gate::job_deploys`: not a throwaway cluster's test) are read; their
//! commands are followed into the scripts, Makefiles and local actions they run
//! (`support::follow`), so a `./deploy.sh` holding `kubectl apply` and `kubectl rollout
//! status` counts as both.

use std::path::{Path, PathBuf};

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::gha::common::{RunScript, prog_args, repo_root, run_scripts};
use crate::rules::gha::gate::{job_deploys, positionals};
use crate::rules::support::follow::{Follow, Ran};
use crate::rules::support::gha::has_expr;
use crate::source::shell::Command;
use crate::source::workflow::{Job, Step, Workflow, local_uses};

pub static RULE: Rule = rule!("gha/deploy-without-verification")
    .summary(
        "a deploy with no rollout verification or rollback: a failed rollout is left half-deployed",
    )
    .packs(&["reliability", "coverage-gates"])
    .severity(Severity::Warning)
    .on_workflow(check);

/// What a deploy needs to be verified.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Needs {
    /// `kubectl rollout status` / `kubectl wait` / `argocd app wait` in the job.
    KubeRollout,
    /// `aws ecs wait services-stable` in the job.
    EcsStable,
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let scripts = run_scripts(cx, wf);
    let root = repo_root(cx);
    for job in wf.jobs() {
        if job.uses().is_some() || job_deploys(cx, wf, &job).is_none() {
            continue;
        }
        check_job(cx, wf, &job, &scripts, &root, out);
    }
}

fn step_dir(job: &Job<'_>, step: &Step<'_>) -> PathBuf {
    let lit = |n: Option<crate::source::yaml::Yaml<'_>>| {
        n.and_then(|n| n.as_str())
            .filter(|d| !has_expr(d))
            .map(|d| d.trim_start_matches("./").trim_end_matches('/').to_string())
    };
    let base = lit(job.node.path(&["defaults", "run", "working-directory"]))
        .map(PathBuf::from)
        .unwrap_or_default();
    match lit(step.node.get("working-directory")) {
        Some(d) => base.join(d),
        None => base,
    }
}

fn check_job(
    cx: &Cx<'_>,
    _wf: &Workflow<'_>,
    job: &Job<'_>,
    scripts: &[RunScript<'_>],
    root: &Path,
    out: &mut Vec<Finding>,
) {
    let steps = job.steps();
    let mut follow = Follow::new(cx.project(), root);
    for st in &steps {
        if let Some(r) = scripts.iter().find(|r| r.step.node.id == st.node.id) {
            let dir = step_dir(job, st);
            follow.commands(&r.script.commands, &dir);
        } else if let Some(path) = st.uses().and_then(|u| u.as_str()).and_then(local_uses) {
            if let Some(u) = st.uses() {
                follow.action(path, u.span());
            }
        }
    }
    let ran = follow.ran;
    let verified = |n: Needs| ran.iter().any(|r| verifies(&r.cmd, n));
    let mut reported = Vec::new();
    for r in &ran {
        let Some((what, fix)) = unverified(cx, root, &r.cmd, &verified) else {
            continue;
        };
        // one finding per place in this file
        if reported.contains(&r.via) {
            continue;
        }
        reported.push(r.via);
        out.push(finding(cx, r, &what, &fix));
    }
    // the ECS deploy action waits only when asked to
    for st in &steps {
        if st.uses_action("aws-actions/amazon-ecs-deploy-task-definition") {
            let waits = st
                .with("wait-for-service-stability")
                .and_then(|v| v.scalar())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
            if !waits && !verified(Needs::EcsStable) {
                if let Some(u) = st.uses() {
                    out.push(
                        cx.finding(
                            u.span(),
                            "amazon-ecs-deploy-task-definition does not wait for the service to become stable: set `wait-for-service-stability: true` so a failed rollout fails the job",
                        )
                        .help("ECS rolls back a failed deployment only with its circuit breaker enabled; waiting makes the job report it"),
                    );
                }
            }
        }
    }
}

fn finding(cx: &Cx<'_>, r: &Ran, what: &str, fix: &str) -> Finding {
    let msg = match &r.file {
        None => format!("{what} with nothing that waits for the rollout or rolls it back: {fix}"),
        Some(_) => format!(
            "{what} (run by `{}`) with nothing that waits for the rollout or rolls it back: {fix}",
            r.via.text(cx.text()).lines().next().unwrap_or("").trim()
        ),
    };
    let mut f = cx.finding(r.via, msg);
    if let Some((p, span)) = r.place() {
        f = f.related_in(p, span, "the deploy");
    }
    f
}

const KUBE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "-s",
    "--server",
    "--cluster",
    "--user",
    "--token",
    "--as",
    "-f",
    "--filename",
    "-k",
    "--kustomize",
    "-l",
    "--selector",
    "-o",
    "--output",
    "--field-manager",
];

fn has(args: &[&str], flag: &str) -> bool {
    args.iter().any(|a| {
        *a == flag
            || a.strip_prefix(flag)
                .is_some_and(|r| r.starts_with('=') && !r.ends_with("=false"))
    })
}

/// A command that waits for a rollout of the kind `n`.
fn verifies(c: &Command, n: Needs) -> bool {
    let Some((prog, args)) = prog_args(c) else {
        return false;
    };
    match n {
        Needs::KubeRollout => match prog {
            "kubectl" | "oc" => {
                let p = positionals(&args, KUBE_FLAGS);
                matches!(
                    p.as_slice(),
                    ["rollout", "status", ..] | ["wait", ..] | ["argo", "rollouts", "status", ..]
                )
            }
            "kubectl-argo-rollouts" => positionals(&args, KUBE_FLAGS).first() == Some(&"status"),
            "argocd" => matches!(positionals(&args, &[]).as_slice(), ["app", "wait", ..]),
            "flux" => positionals(&args, &[]).first() == Some(&"reconcile"),
            _ => false,
        },
        Needs::EcsStable => {
            prog == "aws"
                && matches!(
                    positionals(&args, &["--region", "--profile", "--cluster", "--services"])
                        .as_slice(),
                    ["ecs", "wait", "services-stable", ..]
                )
        }
    }
}

/// A deploy command that needs verifying and is not: (what, needs, how to fix).
fn unverified(
    cx: &Cx<'_>,
    root: &Path,
    c: &Command,
    verified: &dyn Fn(Needs) -> bool,
) -> Option<(String, String)> {
    let (prog, args) = prog_args(c)?;
    match prog {
        "kubectl" | "oc" => {
            if args.iter().any(|a| a.starts_with("--dry-run")) {
                return None;
            }
            let p = positionals(&args, KUBE_FLAGS);
            let workload = |k: &str| {
                matches!(
                    k.split('/').next().unwrap_or(k),
                    "deployment"
                        | "deployments"
                        | "deploy"
                        | "statefulset"
                        | "statefulsets"
                        | "sts"
                        | "daemonset"
                        | "daemonsets"
                        | "ds"
                )
            };
            let what = match p.as_slice() {
                ["apply" | "replace", ..] => format!("{prog} {}", p[0]),
                ["set", "image", ..] => format!("{prog} set image"),
                ["rollout", "restart", ..] => format!("{prog} rollout restart"),
                ["patch", k, ..] if workload(k) => format!("{prog} patch {k}"),
                ["create", k, ..] if workload(k) => format!("{prog} create {k}"),
                ["create"] if has(&args, "-f") || has(&args, "--filename") => {
                    format!("{prog} create -f")
                }
                _ => return None,
            };
            if verified(Needs::KubeRollout) {
                return None;
            }
            Some((
                what,
                format!(
                    "add `{prog} rollout status deployment/<name> --timeout=5m` after it, so a failed rollout fails the job (and `{prog} rollout undo` on failure)"
                ),
            ))
        }
        "helm" => {
            let p = positionals(
                &args,
                &[
                    "-n",
                    "--namespace",
                    "--kube-context",
                    "--kubeconfig",
                    "-f",
                    "--values",
                    "--set",
                    "--set-string",
                    "--set-file",
                    "--version",
                    "--timeout",
                    "--repo",
                    "--post-renderer",
                ],
            );
            let sub = match p.as_slice() {
                [s @ ("install" | "upgrade"), ..] => *s,
                _ => return None,
            };
            if [
                "--atomic",
                "--wait",
                "--rollback-on-failure",
                "--wait-for-jobs",
            ]
            .iter()
            .any(|f| has(&args, f))
                || verified(Needs::KubeRollout)
            {
                return None;
            }
            Some((
                format!("helm {sub}"),
                "add --atomic (it waits for the release to be ready and rolls it back when it is not), or at least --wait".into(),
            ))
        }
        "helmfile" => {
            let p = positionals(
                &args,
                &["-f", "--file", "-e", "--environment", "-l", "--selector"],
            );
            let sub = match p.as_slice() {
                [s @ ("apply" | "sync" | "deploy"), ..] => *s,
                _ => return None,
            };
            if has(&args, "--wait") || verified(Needs::KubeRollout) {
                return None;
            }
            let file = args
                .windows(2)
                .find(|w| w[0] == "-f" || w[0] == "--file")
                .map(|w| w[1].to_string());
            let names: Vec<String> = match file {
                Some(f) => vec![f],
                None => [
                    "helmfile.yaml",
                    "helmfile.yaml.gotmpl",
                    "helmfile.d/helmfile.yaml",
                ]
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            };
            let waits = names.iter().any(|n| {
                cx.project()
                    .read_text(&root.join(n))
                    .is_some_and(|t| t.contains("wait: true") || t.contains("atomic: true"))
            });
            if waits {
                return None;
            }
            Some((
                format!("helmfile {sub}"),
                "add --wait, or `helmDefaults: {wait: true, atomic: true}` in the helmfile".into(),
            ))
        }
        "aws" => {
            let p = positionals(&args, &["--region", "--profile", "--cluster", "--service"]);
            if !matches!(p.as_slice(), ["ecs", "update-service", ..]) || verified(Needs::EcsStable)
            {
                return None;
            }
            Some((
                "aws ecs update-service".into(),
                "add `aws ecs wait services-stable --cluster <c> --services <s>` after it, so a deployment that never stabilises fails the job".into(),
            ))
        }
        "gcloud" => {
            let p = positionals(&args, &[]);
            let deploy = matches!(
                p.as_slice(),
                ["run", "deploy", ..] | ["run", "services", "update", ..]
            );
            if !deploy || !has(&args, "--async") {
                return None;
            }
            Some((
                "gcloud run deploy --async".into(),
                "drop --async: gcloud then waits for the new revision to be ready and fails when it is not".into(),
            ))
        }
        _ => None,
    }
}
