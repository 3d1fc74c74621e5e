//! gha/archived-action: an action (or reusable workflow) from an archived repository.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

use super::archived_actions::{DATE, TABLE};

pub static RULE: Rule = rule!("gha/archived-action")
    .summary("an action from a repository that is archived and gets no more fixes")
    .packs(&["supply-chain"])
    .security(4.0)
    .data_date(DATE)
    .on_workflow(check)
    .on_action(check);

/// The archived `owner/repo` a `uses:` value names, if it names one.
fn archived(value: &str) -> Option<&'static str> {
    let v = value.trim();
    if v.starts_with("./") || v.starts_with("docker://") || v.starts_with("$/") {
        return None;
    }
    // `owner/repo`: up to the second `/` (one lowercased copy; `format!` of the two parts
    // was asked of every `uses:`)
    let path = v.split('@').next()?;
    if !path.contains('/') {
        return None;
    }
    let end = path
        .match_indices('/')
        .nth(1)
        .map_or(path.len(), |(i, _)| i);
    let repo = path[..end].to_ascii_lowercase();
    TABLE
        .binary_search_by(|(r, _, _)| r.cmp(&repo.as_str()))
        .ok()
        .map(|i| TABLE[i].0)
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut uses: Vec<Yaml<'_>> = wf.jobs().iter().filter_map(|j| j.uses()).collect();
    uses.extend(wf.all_steps().iter().filter_map(|(_, s)| s.uses()));
    for u in uses {
        let Some(repo) = u.as_str().and_then(archived) else {
            continue;
        };
        out.push(
            cx.finding(u.span(), format!("{repo} is archived (as of {DATE}): it gets no security fixes and may break with runner changes; replace it with a maintained action or a `run:` step"))
                .help("the repository's README usually names a successor (e.g. actions-rs/toolchain -> dtolnay/rust-toolchain)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_for_binary_search() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(
            archived("actions-rs/toolchain@v1"),
            Some("actions-rs/toolchain")
        );
        assert_eq!(
            archived("Actions-RS/Cargo@16f8a5d"),
            Some("actions-rs/cargo")
        );
        assert_eq!(archived("actions/checkout@v4"), None);
    }
}
