//! gha/invalid-runner-label: a `runs-on` label no runner has: a misspelt or retired
//! GitHub-hosted label, two hosted images in one list, or (when the config lists the
//! self-hosted labels) a label that is neither hosted nor listed.

use crate::api::{Cx, Finding, Opt, Rule, Severity, StrList};
use crate::rule;
use crate::rules::support::gha::runner_labels::{self, HOSTED, SELF_HOSTED_DEFAULT};
use crate::rules::support::gha::{did_you_mean, has_expr, is_whole_expr};
use crate::source::Span;
use crate::source::workflow::{Job, Workflow};
use crate::source::yaml::Yaml;

const SELF_HOSTED_LABELS: Opt<StrList> = Opt::list(
    "self-hosted-labels",
    &[],
    "labels of your self-hosted and larger runners (`*` matches any run of characters); when set, any other label is reported",
);

pub static RULE: Rule = rule!("gha/invalid-runner-label")
    .summary("a runs-on label no runner has: a misspelt or retired GitHub-hosted label, or one not in the configured self-hosted labels")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .options(&[SELF_HOSTED_LABELS.decl])
    .on_job(check);

/// Whether `label` matches a configured pattern (`*` any run of characters, no case).
fn matches(pattern: &str, label: &str) -> bool {
    let p = pattern.to_ascii_lowercase();
    let l = label.to_ascii_lowercase();
    let parts: Vec<&str> = p.split('*').collect();
    if parts.len() == 1 {
        return p == l;
    }
    let mut rest = l.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// The labels of a `runs-on` value with their spans: literal labels, or the literal values
/// of the matrix variable a `${{ matrix.x }}` names.
fn labels<'a>(job: &Job<'a>, v: Yaml<'a>) -> Vec<Vec<(&'a str, Span)>> {
    if let Some(s) = v.as_str() {
        if is_whole_expr(s) {
            return matrix_labels(job, s);
        }
        return vec![vec![(s, v.span())]];
    }
    if v.is_seq() {
        return vec![
            v.items()
                .filter_map(|i| Some((i.as_str()?, i.span())))
                .collect(),
        ];
    }
    if v.is_map() {
        if let Some(l) = v.get("labels") {
            return vec![l.str_or_list()];
        }
    }
    Vec::new()
}

/// `${{ matrix.os }}`: one label set per literal value of `os` (list items and `include`
/// entries).
fn matrix_labels<'a>(job: &Job<'a>, s: &str) -> Vec<Vec<(&'a str, Span)>> {
    let inner = s
        .trim()
        .trim_start_matches("${{")
        .trim_end_matches("}}")
        .trim();
    let Some(var) = inner.strip_prefix("matrix.") else {
        return Vec::new();
    };
    if !var
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Vec::new();
    }
    let Some(m) = job
        .node
        .path(&["strategy", "matrix"])
        .filter(|m| m.is_map())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut add = |v: Yaml<'a>| {
        if let Some(s) = v.as_str() {
            if !has_expr(s) {
                out.push(vec![(s, v.span())]);
            }
        } else if v.is_seq() {
            out.push(
                v.items()
                    .filter_map(|i| Some((i.as_str()?, i.span())))
                    .collect(),
            );
        }
    };
    if let Some(values) = m.get(var).filter(|x| x.is_seq()) {
        for v in values.items() {
            add(v);
        }
    }
    if let Some(include) = m.get("include").filter(|x| x.is_seq()) {
        for item in include.items() {
            if let Some(v) = item.get(var) {
                add(v);
            }
        }
    }
    out
}

fn check(cx: &Cx<'_>, _wf: &Workflow<'_>, job: &Job<'_>, out: &mut Vec<Finding>) {
    let Some(v) = job.node.get("runs-on") else {
        return;
    };
    let configured = cx.opt(&SELF_HOSTED_LABELS);
    for set in labels(job, v) {
        let self_hosted = set
            .iter()
            .any(|(l, _)| l.eq_ignore_ascii_case("self-hosted"));
        let mut hosted_images: Vec<(&str, Span)> = Vec::new();
        for &(label, span) in &set {
            if has_expr(label) {
                continue;
            }
            if runner_labels::hosted(label).is_some() {
                hosted_images.push((label, span));
                continue;
            }
            if SELF_HOSTED_DEFAULT
                .iter()
                .any(|d| d.eq_ignore_ascii_case(label))
                || configured.iter().any(|p| matches(p, label))
            {
                continue;
            }
            if let Some(r) = runner_labels::retired(label) {
                if !self_hosted && configured.is_empty() {
                    let family = label.split('-').next().unwrap_or("ubuntu");
                    out.push(cx.finding(
                        span,
                        format!(
                            "runner label `{label}` ({}) was retired from GitHub-hosted runners ({}): the job never starts; use `{family}-latest` or a current version",
                            r.1, r.2
                        ),
                    ));
                    continue;
                }
            }
            if !configured.is_empty() {
                let h = did_you_mean(
                    label,
                    HOSTED
                        .iter()
                        .map(|h| h.0)
                        .chain(configured.iter().map(String::as_str)),
                )
                .map(|c| format!("; did you mean \"{c}\"?"))
                .unwrap_or_default();
                out.push(cx.finding(
                    span,
                    format!("runner label `{label}` is neither a GitHub-hosted label nor one of the configured self-hosted labels ({}){h}: no runner picks up the job", configured.join(", ")),
                ));
                continue;
            }
            if self_hosted {
                continue; // a custom label of a self-hosted runner
            }
            if let Some(c) = did_you_mean(label, HOSTED.iter().map(|h| h.0)) {
                out.push(cx.finding(
                    span,
                    format!("runner label `{label}` is not a GitHub-hosted label; did you mean \"{c}\"? No runner picks up the job (list self-hosted labels in the rule's self-hosted-labels option)"),
                ));
            }
        }
        let image = |l: &str| runner_labels::hosted(l).map(|h| h.1);
        let other = hosted_images
            .iter()
            .skip(1)
            .find(|(l, _)| image(l) != image(hosted_images[0].0));
        if let (false, Some(&(second, span))) = (self_hosted, other) {
            out.push(
                cx.finding(
                    span,
                    format!(
                        "`runs-on` asks for two GitHub-hosted images (`{}` and `{second}`): a job runs on one runner, and none has both labels",
                        hosted_images[0].0
                    ),
                )
                .related(hosted_images[0].1, "the first image"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns() {
        assert!(matches("gpu-*", "gpu-l40s"));
        assert!(matches("*-large", "linux-large"));
        assert!(matches("linux.*xlarge", "linux.2xlarge"));
        assert!(matches("MI200", "mi200"));
        assert!(!matches("gpu-*", "cpu-1"));
    }
}
