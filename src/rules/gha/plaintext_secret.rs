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

fn check(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    let mut pairs: Vec<(Yaml<'_>, Yaml<'_>)> = wf.env();
    for j in wf.jobs() {
        pairs.extend(j.env());
        if let Some(s) = j.secrets().filter(|s| s.is_map()) {
            pairs.extend(s.entries());
        }
        if let Some(w) = j.node.get("with") {
            pairs.extend(w.entries());
        }
        let mut containers: Vec<Yaml<'_>> = j.services().into_iter().map(|(_, _, v)| v).collect();
        containers.extend(j.node.get("container"));
        for c in containers {
            if let Some(e) = c.get("env") {
                pairs.extend(e.entries());
            }
            if let Some(cr) = c.get("credentials") {
                pairs.extend(cr.entries());
            }
        }
    }
    for (_, s) in wf.all_steps() {
        pairs.extend(s.env());
        pairs.extend(s.with_entries());
    }
    let names = cx.secret_names();
    for (k, v) in pairs {
        let (Some(name), Some(value)) = (k.as_str(), v.as_str()) else {
            continue;
        };
        if v.is_map() || v.is_seq() {
            continue;
        }
        if secrets::is_secret_name(name, names) && secrets::judge(value) == ValueKind::Literal {
            let span = v.span();
            out.push(
                cx.finding(span, format!("{name} holds a literal secret ({}): store it as a repository or environment secret and write ${{{{ secrets.{} }}}}", redact(value), name.to_ascii_uppercase().replace('-', "_")))
                    .secret(span),
            );
            continue;
        }
        if let Some((a, b)) = secrets::url_password(value) {
            let span = v.value_map(cx.text()).span(Span::new(a, b));
            let pw = value.get(a..b).unwrap_or("");
            out.push(
                cx.finding(span, format!("{name} holds a URL with a password ({}): take the password from ${{{{ secrets.X }}}}", redact(pw)))
                    .secret(span),
            );
        }
    }
}
