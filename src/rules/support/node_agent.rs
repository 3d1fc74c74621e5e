//! Node agents: a DaemonSet runs one pod on every node to manage or observe that node (log
//! and metrics collectors, CNI and service-mesh dataplanes, storage and device plugins).
//! Node-level access is what such a pod is for, so the privilege rules report it as a warning
//! that names the choice, not as an error that only a suppression can answer.

use crate::api::{Finding, Severity};
use crate::source::k8s::Object;

/// Whether the object is a node agent.
pub fn is_node_agent(obj: &Object<'_>) -> bool {
    obj.kind() == "DaemonSet"
}

/// A privilege finding on a node agent: a warning, saying why.
pub fn calibrate(obj: &Object<'_>, f: Finding) -> Finding {
    if is_node_agent(obj) {
        f.severity(Severity::Warning).help(
            "a DaemonSet is a node agent, which may need node access by design: if it does, suppress the finding and say why (`# plumb: ignore[<id>] -- reason`)",
        )
    } else {
        f
    }
}
