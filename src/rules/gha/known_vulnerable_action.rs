//! gha/known-vulnerable-action: an action version with a published security advisory.
//!
//! The advisories are a bundled, dated snapshot ([`vulnerable_actions`](super::vulnerable_actions)).
//! A tag is judged by its version; a tag with fewer parts floats to the newest release of that
//! prefix (`v4` is the newest 4.x), so it is affected only when every version it can name is.
//! A commit pin is judged by the advisory's listed commits, else by its `# vX.Y.Z` comment.

use std::cmp::Ordering;

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::gha::common::is_or_under;
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

use super::vulnerable_actions::{Advisory, DATE, TABLE};

pub static RULE: Rule = rule!("gha/known-vulnerable-action")
    .summary("an action version with a published security advisory")
    .packs(&["supply-chain"])
    .severity(Severity::Error)
    .security(7.5)
    .data_date(DATE)
    .on_workflow(check)
    .on_action(check);

/// A version: its numeric parts; `None` parts are unspecified (a floating tag).
type Version = Vec<Option<u64>>;

fn parse_version(s: &str) -> Option<Version> {
    let s = s.trim().trim_start_matches(['v', 'V']);
    if s.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for p in s.split('.') {
        parts.push(Some(p.parse::<u64>().ok()?));
    }
    while parts.len() < 3 {
        parts.push(None);
    }
    Some(parts)
}

/// Compares a (possibly floating) version with a fixed bound: a missing part counts as the
/// highest (`v4` is at least 4.9.9) when `high`, else as 0.
fn cmp(v: &Version, bound: &Version, high: bool) -> Ordering {
    for i in 0..v.len().max(bound.len()) {
        let a = v.get(i).copied().flatten();
        let b = bound.get(i).copied().flatten().unwrap_or(0);
        let a = match a {
            Some(a) => a,
            None if high => return Ordering::Greater,
            None => 0,
        };
        match a.cmp(&b) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// Whether every version `v` can name is affected.
fn affected(v: &Version, a: &Advisory) -> bool {
    let Some(intro) = parse_version(a.introduced) else {
        return false;
    };
    // the lowest version the tag can name must be at or above `introduced`
    if cmp(v, &intro, false) == Ordering::Less {
        return false;
    }
    if let Some(fixed) = a.fixed.and_then(parse_version) {
        return cmp(v, &fixed, true) == Ordering::Less;
    }
    if let Some(last) = a.last_affected.and_then(parse_version) {
        return cmp(v, &last, true) != Ordering::Greater;
    }
    false
}

fn is_sha(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The version comment after a commit pin: `uses: a/b@<sha> # v4.1.2`.
fn pin_comment(text: &str, uses: Yaml<'_>) -> Option<String> {
    let rest = text.get(uses.span().end..)?;
    let line = rest.lines().next()?;
    let c = line.trim_start().strip_prefix('#')?.trim();
    let word = c
        .split_whitespace()
        .find(|w| parse_version(w.trim_start_matches("tag=")).is_some())?;
    Some(word.trim_start_matches("tag=").to_string())
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut uses: Vec<Yaml<'_>> = wf.jobs().iter().filter_map(|j| j.uses()).collect();
    uses.extend(wf.all_steps().iter().filter_map(|(_, s)| s.uses()));
    for u in uses {
        let Some(value) = u.as_str() else { continue };
        let Some((path, r)) = value.trim().split_once('@') else {
            continue;
        };
        let path = path.to_ascii_lowercase();
        for a in TABLE {
            // the action, or a sub-action / workflow of the advisory's path
            if !is_or_under(&path, a.action, '/') {
                continue;
            }
            let (hit, how) = if is_sha(r) {
                if a.commits.iter().any(|c| c.eq_ignore_ascii_case(r)) {
                    (true, "this commit is listed as affected".to_string())
                } else if let Some(v) = pin_comment(cx.text(), u) {
                    let hit = parse_version(&v).is_some_and(|pv| affected(&pv, a));
                    (hit, format!("the pin's comment says {v}"))
                } else {
                    (false, String::new())
                }
            } else {
                let hit = parse_version(r).is_some_and(|v| affected(&v, a));
                (hit, format!("{r} is affected"))
            };
            if !hit {
                continue;
            }
            let fix = match (a.fixed, a.last_affected) {
                (Some(f), _) => format!("update to {f} or later"),
                (None, Some(l)) => format!(
                    "versions up to {l} are affected and no fix is published: replace the action"
                ),
                _ => "replace the action".to_string(),
            };
            out.push(
                cx.finding(
                    u.span(),
                    format!("{} has advisory {} ({how}): {fix}", a.action, a.id),
                )
                .help(format!("advisory snapshot of {DATE}; source: {}", a.source)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adv(
        intro: &'static str,
        fixed: Option<&'static str>,
        last: Option<&'static str>,
    ) -> Advisory {
        Advisory {
            id: "x",
            action: "a/b",
            introduced: intro,
            fixed,
            last_affected: last,
            commits: &[],
            published: "",
            source: "",
        }
    }

    #[test]
    fn ranges_and_floating_tags() {
        let a = adv("4", Some("4.1.7"), None);
        let v = |s| parse_version(s).unwrap();
        assert!(affected(&v("v4.1.6"), &a));
        assert!(affected(&v("4.0"), &a)); // 4.0 floats to 4.0.x
        assert!(!affected(&v("v4"), &a)); // v4 floats to the newest 4.x
        assert!(!affected(&v("v4.1.7"), &a));
        assert!(!affected(&v("v3.0.0"), &a));
        let b = adv("0", Some("41"), None);
        assert!(affected(&v("v35"), &b));
        assert!(!affected(&v("v41"), &b));
        let c = adv("0", None, Some("1.1.0"));
        assert!(affected(&v("v1.1.0"), &c));
        assert!(!affected(&v("v1"), &c));
        assert!(!affected(&v("v1.2.0"), &c));
    }
}
