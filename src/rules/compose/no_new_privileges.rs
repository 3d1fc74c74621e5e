//! compose/no-new-privileges: services without `security_opt: [no-new-privileges:true]` or
//! without `cap_drop: [ALL]`. Off by default.

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/no-new-privileges")
    .summary("a service without security_opt no-new-privileges:true or without cap_drop: [ALL]")
    .packs(&["least-privilege"])
    .security(4.0)
    .off_by_default()
    .on_compose(check);

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    for svc in compose.services() {
        let nnp = svc.get("security_opt").is_some_and(|o| {
            o.str_or_list().iter().any(|(v, _)| {
                let v = v.replace('=', ":").replace(' ', "").to_ascii_lowercase();
                v == "no-new-privileges" || v == "no-new-privileges:true"
            })
        });
        let drop_all = svc.get("cap_drop").is_some_and(|c| {
            c.str_or_list()
                .iter()
                .any(|(v, _)| v.trim().eq_ignore_ascii_case("ALL"))
        });
        let missing: Vec<&str> = [
            (!nnp).then_some("security_opt: [\"no-new-privileges:true\"]"),
            (!drop_all).then_some("cap_drop: [ALL]"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if missing.is_empty() {
            continue;
        }
        out.push(
            cx.finding(
                svc.key.span(),
                format!("service \"{}\" has no {}: add it, and cap_add back only what it needs", svc.name, missing.join(" and no ")),
            )
            .help("no-new-privileges stops setuid binaries and file capabilities from raising privileges; dropping ALL capabilities leaves root in the container without the kernel's special powers"),
        );
    }
}
