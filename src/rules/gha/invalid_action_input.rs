//! gha/invalid-action-input: a `with:` input the action or reusable workflow does not
//! declare, or a required one missing: local actions and local reusable workflows are read
//! through the project; popular public actions come from a dated table of their inputs per
//! major version (`support::gha::action_inputs`).

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::gha::action_inputs::{self, ActionRow};
use crate::rules::support::gha::local::{self, InputDecl};
use crate::rules::support::gha::{has_expr, hint};
use crate::source::Span;
use crate::source::workflow::{Job, Step, Workflow};
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("gha/invalid-action-input")
    .summary("a with: input the action or reusable workflow does not declare, or a required input missing")
    .packs(&["reliability"])
    .severity(Severity::Warning)
    .on_step(check_step)
    .on_job(check_job);

/// The version a `uses:` ref names (`v4`, `v4.1.2`, `4`) as its numeric parts; for a
/// commit SHA, the version in a trailing comment (`@<sha> # v4.2.2`).
fn pinned(cx: &Cx<'_>, node: Yaml<'_>, git_ref: &str) -> Option<Vec<u32>> {
    if let Some(v) = version(git_ref) {
        return Some(v);
    }
    if git_ref.len() == 40 && git_ref.bytes().all(|b| b.is_ascii_hexdigit()) {
        let text = cx.text();
        let end = node.span().end.min(text.len());
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        let rest = &text[end..line_end];
        let comment = rest.split_once('#')?.1;
        return comment
            .split(|c: char| c.is_whitespace() || c == '=' || c == '@' || c == ':')
            .find_map(version);
    }
    None
}

/// `v4.1.2` -> [4, 1, 2]; `4` -> [4]; a suffix after `-` is ignored.
fn version(s: &str) -> Option<Vec<u32>> {
    let t = s.strip_prefix('v').unwrap_or(s);
    let t = t.split('-').next().unwrap_or(t);
    let parts: Vec<u32> = t
        .split('.')
        .map(|p| {
            if p.is_empty() || p.len() > 6 || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse().ok()
            }
        })
        .collect::<Option<_>>()?;
    (!parts.is_empty() && parts.len() <= 4).then_some(parts)
}

/// The `with:` entries: (key node, name).
fn with_keys<'a>(with: Option<Yaml<'a>>) -> Vec<(Yaml<'a>, &'a str)> {
    with.filter(|w| w.is_map())
        .map(|w| {
            w.entries()
                .into_iter()
                .filter_map(|(k, _)| Some((k, k.as_str()?)))
                .collect()
        })
        .unwrap_or_default()
}

fn check_step(
    cx: &Cx<'_>,
    _wf: &Workflow<'_>,
    _job: Option<&Job<'_>>,
    step: &Step<'_>,
    out: &mut Vec<Finding>,
) {
    let Some(uses) = step.uses() else { return };
    let Some(u) = uses.as_str().map(str::trim) else {
        return;
    };
    if has_expr(u) || u.starts_with("docker://") {
        return;
    }
    let with = step.node.get("with");
    if with.is_some_and(|w| !w.is_map()) {
        return; // an expression: not checkable
    }
    let keys = with_keys(with);
    if u.starts_with("./") || u.starts_with("$/") {
        let Some(meta) = local::action(cx, u) else {
            return;
        };
        let docker = meta.using.as_deref() == Some("docker");
        let file = meta.file.src.path.clone();
        let rel = meta.file.src.rel.clone();
        for (k, name) in &keys {
            if docker && matches!(*name, "args" | "entrypoint") {
                continue;
            }
            if !meta
                .inputs
                .iter()
                .any(|i| i.name.eq_ignore_ascii_case(name))
            {
                let h = hint(name, meta.inputs.iter().map(|i| i.name.as_str()));
                out.push(
                    cx.finding(
                        k.span(),
                        format!(
                            "input `{name}` is not declared by the action {u} ({}){h}: GitHub warns and the action never reads it",
                            known(&meta.inputs)
                        ),
                    )
                    .related_in(file.clone(), Span::empty(0), format!("{rel}, the action's metadata")),
                );
            }
        }
        for i in meta.inputs.iter().filter(|i| i.required && !i.default) {
            if !keys.iter().any(|(_, n)| n.eq_ignore_ascii_case(&i.name)) {
                out.push(
                    cx.finding(
                        uses.span(),
                        format!("the action {u} requires input `{}`, which this step does not set in `with:`", i.name),
                    )
                    .related_in(file.clone(), i.span, "the required input"),
                );
            }
        }
        return;
    }
    let Some((path, git_ref)) = u.split_once('@') else {
        return;
    };
    let action = path.to_ascii_lowercase();
    if !action_inputs::knows(&action) {
        return;
    }
    let Some(v) = pinned(cx, uses, git_ref) else {
        return;
    };
    let Some(row) = action_inputs::lookup(&action, v[0]) else {
        return;
    };
    // a release newer than the one the table read may declare inputs the table lacks
    if version(row.version).is_some_and(|known| v.len() > 1 && v > known) {
        return;
    }
    remote(cx, uses, u, row, &keys, out);
}

fn remote(
    cx: &Cx<'_>,
    uses: Yaml<'_>,
    u: &str,
    row: &ActionRow,
    keys: &[(Yaml<'_>, &str)],
    out: &mut Vec<Finding>,
) {
    let docker = row.using == "docker";
    // named only in a finding (most steps' inputs are right)
    let shown = || format!("{}@v{}", row.action, row.major);
    for (k, name) in keys {
        if docker && matches!(*name, "args" | "entrypoint") {
            continue;
        }
        if !row.inputs.iter().any(|i| i.0.eq_ignore_ascii_case(name)) {
            let h = hint(name, row.inputs.iter().map(|i| i.0));
            let list = row.inputs.iter().map(|i| i.0).collect::<Vec<_>>();
            let known = if list.len() <= 15 {
                format!("its inputs: {}", list.join(", "))
            } else {
                format!("{} inputs", list.len())
            };
            out.push(
                cx.finding(
                    k.span(),
                    format!(
                        "input `{name}` is not an input of {} ({known}; action.yml at {} {}, {}){h}: GitHub warns and the action never reads it",
                        shown(),
                        row.git_ref,
                        &row.commit[..row.commit.len().min(12)],
                        row.date
                    ),
                ),
            );
        }
    }
    for i in row.inputs.iter().filter(|i| i.1 && !i.2) {
        if !keys.iter().any(|(_, n)| n.eq_ignore_ascii_case(i.0)) {
            out.push(cx.finding(
                uses.span(),
                format!("{u} requires input `{}` ({} declares it required, with no default), which this step does not set in `with:`", i.0, shown()),
            ));
        }
    }
}

fn known(inputs: &[InputDecl]) -> String {
    if inputs.is_empty() {
        "it declares no inputs".into()
    } else if inputs.len() <= 15 {
        format!(
            "its inputs: {}",
            inputs
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!("{} inputs", inputs.len())
    }
}

/// A job calling a local reusable workflow: its `with:` and `secrets:` against the called
/// workflow's `workflow_call` inputs and secrets. GitHub rejects a mismatch.
fn check_job(cx: &Cx<'_>, _wf: &Workflow<'_>, job: &Job<'_>, out: &mut Vec<Finding>) {
    let Some(uses) = job.uses() else { return };
    let Some(u) = uses.as_str().map(str::trim) else {
        return;
    };
    if !u.starts_with("./") || has_expr(u) {
        return;
    }
    let Some(meta) = local::workflow(cx, u) else {
        return;
    };
    let file = meta.file.src.path.clone();
    if !meta.callable {
        out.push(
            cx.finding(
                uses.span(),
                format!("job \"{}\" calls {u}, which has no `workflow_call` trigger: GitHub rejects the workflow", job.id),
            )
            .severity(Severity::Error)
            .related_in(file, meta.on_span, "its `on:`"),
        );
        return;
    }
    let with = job.node.get("with");
    if let (Some(inputs), false) = (&meta.inputs, with.is_some_and(|w| !w.is_map())) {
        let keys = with_keys(with);
        for (k, name) in &keys {
            match inputs.iter().find(|i| i.name.eq_ignore_ascii_case(name)) {
                None => {
                    let h = hint(name, inputs.iter().map(|i| i.name.as_str()));
                    out.push(
                        cx.finding(
                            k.span(),
                            format!("input `{name}` is not an input of the called workflow {u} ({}){h}: GitHub rejects the workflow", known(inputs)),
                        )
                        .severity(Severity::Error)
                        .related_in(file.clone(), meta.on_span, "its `on.workflow_call`"),
                    );
                }
                Some(decl) => {
                    if let Some(v) = with.and_then(|w| w.get(name)) {
                        type_mismatch(cx, v, name, decl, u, out);
                    }
                }
            }
        }
        for i in inputs.iter().filter(|i| i.required) {
            if !keys.iter().any(|(_, n)| n.eq_ignore_ascii_case(&i.name)) {
                out.push(
                    cx.finding(
                        uses.span(),
                        format!("the called workflow {u} requires input `{}`, which job \"{}\" does not pass in `with:`: GitHub rejects the workflow", i.name, job.id),
                    )
                    .severity(Severity::Error)
                    .related_in(file.clone(), i.span, "the required input"),
                );
            }
        }
    }
    let secrets = job.node.get("secrets");
    if secrets.is_some_and(|s| s.as_str() == Some("inherit")) {
        return;
    }
    if let (Some(declared), false) = (
        &meta.secrets,
        secrets.is_some_and(|s| !s.is_map() && !s.is_null()),
    ) {
        let keys = with_keys(secrets);
        for (k, name) in &keys {
            if !declared.iter().any(|i| i.name.eq_ignore_ascii_case(name)) {
                let h = hint(name, declared.iter().map(|i| i.name.as_str()));
                out.push(
                    cx.finding(
                        k.span(),
                        format!("secret `{name}` is not a secret of the called workflow {u}{h}: GitHub rejects the workflow"),
                    )
                    .severity(Severity::Error)
                    .related_in(file.clone(), meta.on_span, "its `on.workflow_call`"),
                );
            }
        }
        for i in declared.iter().filter(|i| i.required) {
            if !keys.iter().any(|(_, n)| n.eq_ignore_ascii_case(&i.name)) {
                out.push(
                    cx.finding(
                        uses.span(),
                        format!("the called workflow {u} requires secret `{}`, which job \"{}\" does not pass (list it under `secrets:` or use `secrets: inherit`): GitHub rejects the workflow", i.name, job.id),
                    )
                    .severity(Severity::Error)
                    .related_in(file.clone(), i.span, "the required secret"),
                );
            }
        }
    }
}

/// A literal that cannot be the declared `workflow_call` input type.
fn type_mismatch(
    cx: &Cx<'_>,
    v: Yaml<'_>,
    name: &str,
    decl: &InputDecl,
    u: &str,
    out: &mut Vec<Finding>,
) {
    let Some(s) = v.scalar() else { return };
    if has_expr(s) {
        return;
    }
    let bad = match decl.ty.as_deref() {
        Some("boolean") => v.as_bool().is_none() && !matches!(s, "true" | "false"),
        Some("number") => s.trim().parse::<f64>().is_err(),
        _ => false,
    };
    if bad {
        out.push(cx.finding(
            v.span(),
            format!(
                "input `{name}` of {u} is declared `{}`, and `{s}` is not one: the called workflow gets a value of the wrong type",
                decl.ty.as_deref().unwrap_or("")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::version;

    #[test]
    fn versions() {
        assert_eq!(version("v4"), Some(vec![4]));
        assert_eq!(version("v4.1.2"), Some(vec![4, 1, 2]));
        assert_eq!(version("4"), Some(vec![4]));
        assert_eq!(version("v10-beta"), Some(vec![10]));
        assert_eq!(version("main"), None);
        assert_eq!(version("v4x"), None);
        assert_eq!(version("release/v1"), None);
        assert!(vec![1, 14, 2] > vec![1, 8, 14]);
    }
}
