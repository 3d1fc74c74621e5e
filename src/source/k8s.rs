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
}

/// Kinds that live outside any namespace.
const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "APIService",
    "PodSecurityPolicy",
    "ComponentStatus",
    "CertificateSigningRequest",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "ClusterIssuer",
];

impl<'a> Object<'a> {
    /// Whether the object lives in a namespace (built-in cluster-scoped kinds and anything
    /// named `Cluster*` do not).
    pub fn is_namespaced(&self) -> bool {
        let kind = self.kind();
        !(kind.is_empty() || CLUSTER_SCOPED.contains(&kind) || kind.starts_with("Cluster"))
    }
}

/// One `env` entry of a container.
#[derive(Clone, Copy, Debug)]
pub struct EnvVar<'a> {
    pub name: &'a str,
    /// The `name:` value node.
    pub name_node: Yaml<'a>,
    /// The `value:` node, when the entry has one.
    pub value: Option<Yaml<'a>>,
    /// The `valueFrom:` node, when the entry has one.
    pub value_from: Option<Yaml<'a>>,
}

/// An image reference split into its parts: `registry/repo:tag@sha256:...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag and digest.
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Split an image reference. A `:` inside the registry part (`host:5000/app`) is a port,
/// not a tag.
pub fn parse_image(image: &str) -> ImageRef<'_> {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(i) => ImageRef {
            name: &rest[..last_slash + i],
            tag: Some(&rest[last_slash + i + 1..]),
            digest,
        },
        None => ImageRef {
            name: rest,
            tag: None,
            digest,
        },
    }
}

/// An effective securityContext setting: the node that holds the key, the key node and the
/// value node, and whether it came from the pod level.
#[derive(Clone, Copy, Debug)]
pub struct Setting<'a> {
    pub key: Yaml<'a>,
    pub value: Yaml<'a>,
    pub from_pod: bool,
}

/// securityContext keys that the pod level defines for all its containers.
const POD_LEVEL: &[&str] = &[
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "seccompProfile",
    "seLinuxOptions",
    "windowsOptions",
    "appArmorProfile",
];

impl<'a> Container<'a> {
    /// The effective securityContext setting `key`, with its key node and where it is set.
    pub fn setting(&self, key: &str) -> Option<Setting<'a>> {
        if let Some((k, v)) = self.node.get("securityContext").and_then(|s| s.entry(key)) {
            return Some(Setting {
                key: k,
                value: v,
                from_pod: false,
            });
        }
        if !POD_LEVEL.contains(&key) {
            return None;
        }
        let (k, v) = self.pod.node.get("securityContext")?.entry(key)?;
        Some(Setting {
            key: k,
            value: v,
            from_pod: true,
        })
    }

    /// Where to point when a securityContext setting is missing: the container's
    /// `securityContext` key, else its `name:` value.
    pub fn security_anchor(&self) -> Yaml<'a> {
        self.node
            .key("securityContext")
            .unwrap_or_else(|| self.anchor())
    }

    /// The container's `image:` value node.
    pub fn image(&self) -> Option<Yaml<'a>> {
        self.node.get("image")
    }

    /// The container's `env` entries (those with a name).
    pub fn env(&self) -> Vec<EnvVar<'a>> {
        let Some(list) = self.node.get("env") else {
            return Vec::new();
        };
        list.items()
            .filter_map(|e| {
                let name_node = e.get("name")?;
                Some(EnvVar {
                    name: name_node.as_str()?,
                    name_node,
                    value: e.get("value"),
                    value_from: e.get("valueFrom"),
                })
            })
            .collect()
    }

    /// Whether the container runs for the life of its pod (not an init or ephemeral
    /// container, not in a Job, CronJob or a Pod that never restarts).
    pub fn is_long_running(&self) -> bool {
        self.kind == ContainerKind::Container && !self.pod.object.is_batch()
    }
}

/// Every container of every workload in a file, in document order.
pub fn containers(file: &YamlFile) -> Vec<Container<'_>> {
    objects(file)
        .iter()
        .filter_map(|o| o.pod_spec())
        .flat_map(|p| p.containers())
        .collect()
}

/// The scripts of every container, lexed once: `command` followed by `args` as one
/// argument vector (by the container's node), and the `exec.command` of its probes and
/// lifecycle hooks (by the `command` node).
pub fn scripts(file: &YamlFile, text: &str) -> super::script::Scripts {
    use super::script::{Scripts, yaml_argv};
    let mut pairs = Vec::new();
    for c in containers(file) {
        let argv: Vec<Yaml<'_>> = ["command", "args"]
            .iter()
            .filter_map(|k| c.node.get(k))
            .filter(|l| l.is_seq())
            .flat_map(|l| l.items().collect::<Vec<_>>())
            .collect();
        if !argv.is_empty() {
            if let Some(s) = yaml_argv(argv.into_iter(), text) {
                pairs.push((c.node.id, s));
            }
        }
        let hooks = [
            &["livenessProbe", "exec", "command"][..],
            &["readinessProbe", "exec", "command"],
            &["startupProbe", "exec", "command"],
            &["lifecycle", "postStart", "exec", "command"],
            &["lifecycle", "preStop", "exec", "command"],
        ];
        for path in hooks {
            if let Some(cmd) = c.node.path(path).filter(|n| n.is_seq()) {
                if let Some(s) = yaml_argv(cmd.items(), text) {
                    pairs.push((cmd.id, s));
                }
            }
        }
    }
    Scripts::new(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_parts() {
        let i = parse_image("registry:5000/team/app:1.2@sha256:abc");
        assert_eq!(i.name, "registry:5000/team/app");
        assert_eq!(i.tag, Some("1.2"));
        assert_eq!(i.digest, Some("sha256:abc"));
        let i = parse_image("registry:5000/app");
        assert_eq!((i.name, i.tag), ("registry:5000/app", None));
        let i = parse_image("nginx");
        assert_eq!((i.name, i.tag, i.digest), ("nginx", None, None));
    }

    #[test]
    fn pod_level_settings_are_defaults() {
        let text = "kind: Pod\nspec:\n  securityContext:\n    runAsNonRoot: true\n    privileged: true\n  containers:\n    - name: a\n      securityContext:\n        runAsNonRoot: false\n    - name: b\n";
        let y = YamlFile::parse(text);
        let objs = objects(&y);
        let cs = objs[0].pod_spec().unwrap().containers();
        let a = cs[0].setting("runAsNonRoot").unwrap();
        assert!(!a.from_pod && a.value.as_bool() == Some(false));
        let b = cs[1].setting("runAsNonRoot").unwrap();
        assert!(b.from_pod && b.value.as_bool() == Some(true));
        assert!(cs[1].setting("privileged").is_none());
    }
}
