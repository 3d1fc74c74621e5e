//! k8s/tls-verification-disabled: containers whose env, command or args switch TLS
//! certificate checks off. The patterns live in the shared detector, `crate::tls`.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::detect::tls;
use crate::rule;
use crate::source::k8s::Container;

pub static RULE: Rule = rule!("k8s/tls-verification-disabled")
    .summary("a container whose env, command or args switch TLS certificate verification off")
    .packs(&["tls"])
    .severity(Severity::Error)
    .security(7.4)
    .on_container(check);

fn check(cx: &Cx<'_>, c: &Container<'_>, out: &mut Vec<Finding>) {
    for e in c.env() {
        let Some(v) = e.value else { continue };
        let Some(value) = v.as_str() else { continue };
        if tls::env_disables(e.name, value) {
            out.push(report(
                cx,
                c,
                v.span(),
                &format!("{}={value}", e.name),
                "remove the variable",
            ));
        }
    }
    // `command` followed by `args`, lexed once at load (a `sh -c <script>` as its script)
    if let Some(script) = cx.script(c.node) {
        for hit in tls::in_script(script) {
            out.push(report(cx, c, hit.span, &hit.what, "remove it"));
        }
    }
}

fn report(
    cx: &Cx<'_>,
    c: &Container<'_>,
    span: crate::source::Span,
    what: &str,
    fix: &str,
) -> Finding {
    cx.finding(
        span,
        format!(
            "{} switches TLS certificate verification off ({what}): {fix} and give the container the CA bundle it needs instead",
            c.display()
        ),
    )
    .help("without verification anyone on the path can impersonate the server; mount the private CA (a ConfigMap or Secret) and point SSL_CERT_FILE or the tool's CA option at it")
}
