//! gha/plaintext-secret: a secret-like `env:`/`with:` key with a literal value, or a
//! password in a URL.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::secrets::{self, ValueKind, redact};
use crate::rule;
use crate::source::Span;
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("gha/plaintext-secret")
    .summary("a secret written as a literal in a workflow instead of ${{ secrets.X }}")
    .packs(&["secrets"])
    .severity(Severity::Error)
    .security(7.5)
    .supersedes(&["secrets/hardcoded-token"])
    .on_workflow(check)
    .on_action(check);

/// Inputs of common actions whose names look secret but whose values are not: cache keys,
/// and inputs that take the NAME of an environment variable holding the secret. Taken
/// 2025-06 from each action's `action.yml`.
const NOT_SECRET_INPUTS: &[(&str, &str)] = &[
    // a cache key prefix shared between jobs
    ("swatinem/rust-cache", "shared-key"),
    ("swatinem/rust-cache", "prefix-key"),
    ("swatinem/rust-cache", "key"),
    ("actions/cache", "key"),
    ("actions/cache/restore", "key"),
    ("actions/cache/save", "key"),
    // "environment variable name for the ... password/passphrase"
    ("actions/setup-java", "server-password"),
    ("actions/setup-java", "server-username"),
    ("actions/setup-java", "gpg-passphrase"),
];

/// One key and value of the file, and where it sits.
struct Pair<'a> {
    key: Yaml<'a>,
    value: Yaml<'a>,
    /// The values of the other keys of the same mapping (a username next to a password).
    neighbours: Vec<&'a str>,
    /// Set for a service container: it exists for the job only.
    service: bool,
}

fn pairs_of<'a>(map: Option<Yaml<'a>>, service: bool, out: &mut Vec<Pair<'a>>) {
    let Some(map) = map.filter(|m| m.is_map()) else {
        return;
    };
    let entries = map.entries();
    for (i, &(key, value)) in entries.iter().enumerate() {
        out.push(Pair {
            key,
            value,
            neighbours: entries
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .filter_map(|(_, (_, v))| v.as_str())
                .collect(),
            service,
        });
    }
}

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut pairs: Vec<Pair<'_>> = Vec::new();
    pairs_of(wf.root.get("env"), false, &mut pairs);
    for j in wf.jobs() {
        pairs_of(j.node.get("env"), false, &mut pairs);
        pairs_of(j.secrets(), false, &mut pairs);
        pairs_of(j.node.get("with"), false, &mut pairs);
        for (_, _, v) in j.services() {
            pairs_of(v.get("env"), true, &mut pairs);
            pairs_of(v.get("credentials"), false, &mut pairs);
        }
        if let Some(c) = j.node.get("container") {
            pairs_of(c.get("env"), false, &mut pairs);
            pairs_of(c.get("credentials"), false, &mut pairs);
        }
    }
    let mut not_secret_inputs: Vec<usize> = Vec::new();
    for (_, s) in wf.all_steps() {
        pairs_of(s.node.get("env"), false, &mut pairs);
        let before = pairs.len();
        pairs_of(s.node.get("with"), false, &mut pairs);
        if let Some(action) = s.action() {
            for (i, p) in pairs.iter().enumerate().skip(before) {
                let name = p.key.as_str().unwrap_or("");
                if NOT_SECRET_INPUTS
                    .iter()
                    .any(|(a, k)| *a == action && k.eq_ignore_ascii_case(name))
                {
                    not_secret_inputs.push(i);
                }
            }
        }
    }
    // what the job's service containers are configured with is a throwaway credential
    // wherever it is written again (a test's DB_PASSWORD matching the postgres service's)
    let throwaway: Vec<&str> = pairs
        .iter()
        .filter(|p| p.service)
        .filter_map(|p| p.value.as_str())
        .filter(|v| v.len() >= 3)
        .collect();
    // the job's service containers, reachable by name from a job container
    let services: Vec<&str> = wf
        .jobs()
        .iter()
        .flat_map(|j| j.services().into_iter().map(|(n, _, _)| n))
        .collect();
    let names = cx.secret_names();
    let text = cx.text();
    for (i, p) in pairs.iter().enumerate() {
        let (Some(name), Some(value)) = (p.key.as_str(), p.value.as_str()) else {
            continue;
        };
        if p.value.is_map() || p.value.is_seq() || p.service || not_secret_inputs.contains(&i) {
            continue;
        }
        // what can be reported: a password in a URL or connection string, or a literal under
        // a secret-like name; the placeholder and throwaway tests below are asked only then
        let password =
            secrets::url_password(value).or_else(|| secrets::connection_string_password(value));
        if password.is_none()
            && (!secrets::is_secret_name(name, names)
                || secrets::judge_for(name, value) != ValueKind::Literal)
        {
            continue;
        }
        if throwaway.contains(&value) || secrets::comment_says_placeholder(text, p.value.span()) {
            continue;
        }
        // a credential for a service on the runner itself or a service container of the
        // workflow is a throwaway one
        if secrets::credential_host(value)
            .is_some_and(|h| secrets::is_local_host(h) || services.contains(&h))
        {
            continue;
        }
        if let Some((a, b)) = password {
            let pw = value.get(a..b).unwrap_or("");
            if throwaway.contains(&pw) {
                continue;
            }
            let span = p.value.value_map(text).span(Span::new(a, b));
            out.push(
                cx.finding(span, format!("{name} holds a password in a connection URL ({}): take the password from ${{{{ secrets.X }}}}", redact(pw)))
                    .secret(span),
            );
            continue;
        }
        let span = p.value.span();
        let secret_name = name.to_ascii_uppercase().replace('-', "_");
        let finding = if secrets::is_demo_value(name, value, &p.neighbours) {
            cx.finding(span, format!("{name} holds a weak demo value ({}): if it protects anything real, store it as a secret and write ${{{{ secrets.{secret_name} }}}}", redact(value)))
                .severity(Severity::Warning)
        } else {
            cx.finding(span, format!("{name} holds a literal secret ({}): store it as a repository or environment secret and write ${{{{ secrets.{secret_name} }}}}", redact(value)))
        };
        out.push(finding.secret(span));
    }
}
