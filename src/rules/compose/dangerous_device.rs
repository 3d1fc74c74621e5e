//! compose/dangerous-device: `devices:` that hand a container the host's memory, I/O ports or
//! raw disks.

use super::devices::lookup;
use super::mounts::devices;
use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::compose::Compose;

pub static RULE: Rule = rule!("compose/dangerous-device")
    .summary("a devices: entry of /dev/mem, /dev/kmem, /dev/port or a raw host disk")
    .packs(&["least-privilege"])
    .severity(Severity::Error)
    .security(8.0)
    .on_compose(check);

fn check(cx: &Cx<'_>, compose: &Compose<'_>, out: &mut Vec<Finding>) {
    for svc in compose.services() {
        for d in devices(&svc) {
            let Some(row) = lookup(&d.host) else { continue };
            let f = cx.finding(
                d.span,
                format!("service \"{}\" is given {} ({}): whoever controls the container can read and write it beneath every permission check; remove the device", svc.name, d.host, row.what),
            )
            .help("a tool that needs one disk's health data can often read it through a narrower interface (smartctl on the host, exporting metrics); raw memory and I/O ports are never needed by an application");
            out.push(if row.error {
                f
            } else {
                f.severity(Severity::Warning)
            });
        }
    }
}
