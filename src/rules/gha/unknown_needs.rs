//! gha/unknown-needs: `needs:` naming a job that does not exist, or a cycle.

use std::collections::HashMap;

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::gha::has_expr;
use crate::source::workflow::Workflow;

pub static RULE: Rule = rule!("gha/unknown-needs")
    .summary("needs: names a job that does not exist, or jobs need each other in a cycle")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .on_workflow(check);

/// Job ids a message lists as the ones that exist (a workflow of 4,000 jobs listed all of
/// them in each of its messages: 473 MB of JSON).
const MAX_LISTED: usize = 10;

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let jobs = wf.jobs();
    // indexed once, the graph's cycles found in one pass (a search per edge was cubic)
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(jobs.len());
    for (i, j) in jobs.iter().enumerate() {
        index.entry(j.id).or_insert(i);
    }
    let needs: Vec<Vec<(&str, crate::source::Span)>> = jobs.iter().map(|j| j.needs()).collect();
    let edges: Vec<Vec<usize>> = needs
        .iter()
        .map(|n| {
            n.iter()
                .filter_map(|(id, _)| index.get(id).copied())
                .collect()
        })
        .collect();
    let component = components(&edges);
    for (i, j) in jobs.iter().enumerate() {
        for &(n, span) in &needs[i] {
            if has_expr(n) {
                continue;
            }
            match index.get(n) {
                None => out.push(cx.finding(
                    span,
                    format!(
                        "job \"{}\" needs \"{n}\", which is not a job of this workflow: the workflow is rejected; use one of: {}",
                        j.id,
                        listed(&jobs.iter().map(|j| j.id).collect::<Vec<_>>())
                    ),
                )),
                Some(&t) if t == i || component[t] == component[i] => out.push(cx.finding(span, format!("job \"{}\" needs \"{n}\", which (through its own needs) needs \"{}\": the cycle makes the workflow invalid; remove one of the needs", j.id, j.id))),
                Some(_) => {}
            }
        }
    }
}

/// The first ids, and how many more.
fn listed(ids: &[&str]) -> String {
    let mut s = ids
        .iter()
        .take(MAX_LISTED)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > MAX_LISTED {
        s.push_str(&format!(" (and {} more)", ids.len() - MAX_LISTED));
    }
    s
}

/// Strongly connected components of a graph (Tarjan's algorithm, iterative): the component
/// of each node. Two nodes need each other, directly or not, when they share a component.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            if let Some(&w) = edges[v].get(*e) {
                *e += 1;
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_group_the_nodes_of_each_cycle() {
        // 0 -> 1 -> 2 -> 0, 3 -> 0, 4 -> 4
        let c = components(&[vec![1], vec![2], vec![0], vec![0], vec![4]]);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
        assert_ne!(c[4], c[3]);
    }

    #[test]
    fn long_lists_are_cut() {
        let ids: Vec<String> = (0..25).map(|i| format!("j{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(
            listed(&ids),
            "j0, j1, j2, j3, j4, j5, j6, j7, j8, j9 (and 15 more)"
        );
        assert_eq!(listed(&ids[..2]), "j0, j1");
    }
}
