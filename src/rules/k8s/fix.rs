//! The fix the securityContext rules share: set one key of a container's
//! `securityContext`, adding the mapping when the container has none.

use crate::api::Fix;
use crate::rules::support::edit::{add_entry, plain_region};
use crate::source::k8s::Container;

/// An unsafe fix setting `securityContext.<key>: <value>` on container `c` (the value
/// replaced when it is set otherwise, the key or the whole mapping added when missing).
/// `None` when the manifest's layout is not one the edit can follow.
pub fn set_security(text: &str, c: &Container<'_>, key: &str, value: &str) -> Option<Fix> {
    let title = format!("set securityContext.{key}: {value}");
    // only the container's own text: an anchored container or securityContext shared with
    // others (or one reached through an alias or merge key) would change them too
    let own = c.node.span();
    if !plain_region(text, own) {
        return None;
    }
    if let Some(s) = c.setting(key) {
        if s.from_pod || !own.contains(s.value.span()) {
            return None;
        }
        return Some(Fix::unsafe_(title).replace(s.value.span(), value));
    }
    let (at, ins) = match c.node.get("securityContext") {
        Some(sc) if sc.is_map() => add_entry(
            text,
            sc,
            &[format!("{key}: {value}")],
            &format!("{key}: {value}"),
        )?,
        Some(_) => return None,
        None => add_entry(
            text,
            c.node,
            &["securityContext:".to_string(), format!("  {key}: {value}")],
            &format!("securityContext: {{{key}: {value}}}"),
        )?,
    };
    Some(Fix::unsafe_(title).insert(at, ins))
}
