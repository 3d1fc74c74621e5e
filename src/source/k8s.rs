//! A typed view of Kubernetes manifests over the YAML layer: objects (with `List` items
//! flattened), the pod spec of every workload kind, and its containers.

use super::yaml::{Yaml, YamlFile};

/// One Kubernetes object.
#[derive(Clone, Copy, Debug)]
pub struct Object<'a> {
    pub node: Yaml<'a>,
}

impl<'a> Object<'a> {
    pub fn kind(&self) -> &'a str {
        self.node.get("kind").and_then(|k| k.as_str()).unwrap_or("")
    }
    pub fn api_version(&self) -> &'a str {
        self.node
            .get("apiVersion")
            .and_then(|k| k.as_str())
            .unwrap_or("")
    }
    pub fn name(&self) -> &'a str {
        self.node
            .path(&["metadata", "name"])
            .and_then(|k| k.as_str())
            .unwrap_or("<unnamed>")
    }
    pub fn namespace(&self) -> Option<Yaml<'a>> {
        self.node.path(&["metadata", "namespace"])
    }
    /// `Deployment/api`, for messages.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind(), self.name())
    }

    /// The pod spec of a workload, and the key node whose mapping holds it (`spec` or
    /// `template`), for Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController, Job and CronJob.
    pub fn pod_spec(&self) -> Option<PodSpec<'a>> {
        let route: &[&str] = match self.kind() {
            "Pod" => &["spec"],
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "ReplicationController"
            | "Job" => &["spec", "template", "spec"],
            "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
            "PodTemplate" => &["template", "spec"],
            _ => return None,
        };
        let (parent, last) = route.split_at(route.len() - 1);
        let holder = self.node.path(parent)?;
        let (key, node) = holder.entry(last[0])?;
        node.is_map().then_some(PodSpec {
            object: *self,
            node,
            key,
        })
    }

    /// Whether the workload runs to completion (Job, CronJob, or a Pod that never restarts).
    pub fn is_batch(&self) -> bool {
        match self.kind() {
            "Job" | "CronJob" => true,
            "Pod" => self
                .pod_spec()
                .and_then(|p| p.node.get("restartPolicy"))
                .and_then(|r| r.as_str())
                .is_some_and(|r| r == "Never" || r == "OnFailure"),
            _ => false,
        }
    }
}

/// Every object in a file: each document's root, with `kind: *List` items flattened.
pub fn objects(file: &YamlFile) -> Vec<Object<'_>> {
    let mut out = Vec::new();
    for doc in file.documents() {
        if !doc.is_map() {
            continue;
        }
        let obj = Object { node: doc };
        if obj.kind().ends_with("List") {
            if let Some(items) = doc.get("items") {
                out.extend(
                    items
                        .items()
                        .filter(|i| i.is_map())
                        .map(|node| Object { node }),
                );
            }
            continue;
        }
        if doc.get("kind").is_some() {
            out.push(obj);
        }
    }
    out
}

/// A pod spec inside a workload.
#[derive(Clone, Copy, Debug)]
pub struct PodSpec<'a> {
    pub object: Object<'a>,
    pub node: Yaml<'a>,
    /// The key that holds it (`spec`), for findings about something missing.
    pub key: Yaml<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    Container,
    Init,
    Ephemeral,
}

impl ContainerKind {
    pub fn label(self) -> &'static str {
        match self {
            ContainerKind::Container => "container",
            ContainerKind::Init => "init container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// One container of a pod spec.
#[derive(Clone, Copy, Debug)]
pub struct Container<'a> {
    pub pod: PodSpec<'a>,
    pub node: Yaml<'a>,
    pub kind: ContainerKind,
}

impl<'a> PodSpec<'a> {
    pub fn containers(&self) -> Vec<Container<'a>> {
        let mut out = Vec::new();
        for (key, kind) in [
            ("initContainers", ContainerKind::Init),
            ("containers", ContainerKind::Container),
            ("ephemeralContainers", ContainerKind::Ephemeral),
        ] {
            if let Some(list) = self.node.get(key) {
                out.extend(list.items().filter(|c| c.is_map()).map(|node| Container {
                    pod: *self,
                    node,
                    kind,
                }));
            }
        }
        out
    }

    /// The pod-level securityContext setting `key`.
    pub fn security(&self, key: &str) -> Option<Yaml<'a>> {
        self.node.path(&["securityContext", key])
    }
}

impl<'a> Container<'a> {
    pub fn name(&self) -> &'a str {
        self.node
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("<unnamed>")
    }
    /// The node to point at for this container: its `name:` value, else the item itself.
    pub fn anchor(&self) -> Yaml<'a> {
        self.node.get("name").unwrap_or(self.node)
    }
    /// `container "api" in Deployment/web`, for messages.
    pub fn display(&self) -> String {
        format!(
            "{} \"{}\" in {}",
            self.kind.label(),
            self.name(),
            self.pod.object.display()
        )
    }
    /// An effective securityContext setting: the container's, else the pod's (for the keys
    /// the pod level defines).
    pub fn security(&self, key: &str) -> Option<Yaml<'a>> {
        self.node
            .path(&["securityContext", key])
            .or_else(|| match key {
                "runAsUser" | "runAsGroup" | "runAsNonRoot" | "seccompProfile"
                | "seLinuxOptions" | "windowsOptions" | "appArmorProfile" => self.pod.security(key),
                _ => None,
            })
    }
}
