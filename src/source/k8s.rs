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

    /// The `apiVersion` value (`apps/v1`), or "".
    pub fn api_version(&self) -> &'a str {
        self.node
            .get("apiVersion")
            .and_then(|k| k.as_str())
            .unwrap_or("")
    }

    /// The API group of `apiVersion` (`apps` for `apps/v1`, "" for the core `v1`).
    pub fn group(&self) -> &'a str {
        self.api_version().rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// The pod spec of a workload, and the key node whose mapping holds it (`spec` or
    /// `template`), for Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    /// ReplicationController, Job and CronJob; for the well-known custom resources that
    /// embed one (Knative Service, Configuration and Revision, Argo Rollout, OpenShift
    /// DeploymentConfig, KEDA ScaledJob); and for any other kind whose
    /// `spec.template.spec` (or `spec.jobTemplate.spec.template.spec`) holds `containers`.
    pub fn pod_spec(&self) -> Option<PodSpec<'a>> {
        let route: &[&str] = match (self.kind(), self.group()) {
            ("Pod", _) => &["spec"],
            (
                "Deployment"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicaSet"
                | "ReplicationController"
                | "Job",
                _,
            ) => &["spec", "template", "spec"],
            ("CronJob", _) => &["spec", "jobTemplate", "spec", "template", "spec"],
            ("PodTemplate", _) => &["template", "spec"],
            ("Revision", "serving.knative.dev") => &["spec"],
            ("ScaledJob", "keda.sh") => &["spec", "jobTargetRef", "template", "spec"],
            // Knative Service/Configuration, Argo Rollout, OpenShift DeploymentConfig, and
            // any custom resource shaped like a workload
            (kind, _) if !kind.is_empty() => {
                return [
                    &["spec", "template", "spec"][..],
                    &["spec", "jobTemplate", "spec", "template", "spec"],
                ]
                .into_iter()
                .find_map(|route| self.pod_spec_at(route).filter(PodSpec::has_containers));
            }
            _ => return None,
        };
        self.pod_spec_at(route)
    }

    fn pod_spec_at(&self, route: &[&str]) -> Option<PodSpec<'a>> {
        let (parent, last) = route.split_at(route.len() - 1);
        let holder = self.node.path(parent)?;
        let (key, node) = holder.entry(last[0])?;
        node.is_map().then_some(PodSpec {
            object: *self,
            node,
            key,
        })
    }

    /// The labels of the pods a workload makes (its template's `metadata.labels`; a Pod's
    /// own labels), as written.
    pub fn pod_labels(&self) -> Option<Yaml<'a>> {
        let pod = self.pod_spec()?;
        if pod.node.id == self.node.get("spec")?.id {
            return self.node.path(&["metadata", "labels"]);
        }
        // the template's metadata sits beside its spec
        let template = self.template_node()?;
        template.path(&["metadata", "labels"])
    }

    /// The pod template (`spec.template`, `spec.jobTemplate.spec.template`, ...) holding
    /// the pod spec, when there is one.
    pub fn template_node(&self) -> Option<Yaml<'a>> {
        for route in [
            &["spec", "template"][..],
            &["spec", "jobTemplate", "spec", "template"],
            &["spec", "jobTargetRef", "template"],
            &["template"],
        ] {
            if let Some(t) = self.node.path(route) {
                if t.get("spec").is_some_and(|s| s.is_map()) {
                    return Some(t);
                }
            }
        }
        None
    }

    /// Whether the workload runs to completion (Job, CronJob, KEDA ScaledJob, or a Pod that
    /// never restarts).
    pub fn is_batch(&self) -> bool {
        match self.kind() {
            "Job" | "CronJob" | "ScaledJob" => true,
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
    /// Whether the spec lists containers (what tells a pod spec inside an unknown kind).
    pub fn has_containers(&self) -> bool {
        self.node.get("containers").is_some_and(|c| c.is_seq())
    }

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

/// A label selector: `matchLabels` and `matchExpressions` (Deployment, NetworkPolicy,
/// PodDisruptionBudget), or a plain map (Service, ReplicationController).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub labels: Vec<(String, String)>,
    /// (key, operator, values): `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub exprs: Vec<(String, String, Vec<String>)>,
}

/// A mapping of labels as (key, value) strings; non-scalar values are left out.
pub fn labels_of(node: Yaml<'_>) -> Vec<(String, String)> {
    node.entries()
        .into_iter()
        .filter_map(|(k, v)| Some((k.scalar()?.to_string(), v.scalar()?.to_string())))
        .collect()
}

impl Selector {
    /// A `LabelSelector` (`matchLabels`, `matchExpressions`).
    pub fn of_label_selector(node: Yaml<'_>) -> Selector {
        let labels = node.get("matchLabels").map(labels_of).unwrap_or_default();
        let exprs = node
            .get("matchExpressions")
            .map(|l| {
                l.items()
                    .filter_map(|e| {
                        let key = e.get("key")?.scalar()?.to_string();
                        let op = e.get("operator")?.scalar()?.to_string();
                        let values = e
                            .get("values")
                            .map(|v| {
                                v.items()
                                    .filter_map(|x| x.scalar())
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default();
                        Some((key, op, values))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Selector { labels, exprs }
    }

    /// A plain label map used as a selector.
    pub fn of_map(node: Yaml<'_>) -> Selector {
        Selector {
            labels: labels_of(node),
            exprs: Vec::new(),
        }
    }

    /// Selects everything (`{}`).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.exprs.is_empty()
    }

    /// Whether a value of the selector is filled in later (a template or kustomize variable):
    /// such a selector cannot be judged.
    pub fn is_templated(&self) -> bool {
        let t = |s: &str| s.contains("{{") || s.contains("${") || s.starts_with('$');
        self.labels.iter().any(|(k, v)| t(k) || t(v))
            || self
                .exprs
                .iter()
                .any(|(k, _, vs)| t(k) || vs.iter().any(|v| t(v)))
    }

    /// Whether pods with `labels` are selected.
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        let get = |k: &str| {
            labels
                .iter()
                .find(|(lk, _)| lk == k)
                .map(|(_, v)| v.as_str())
        };
        self.labels.iter().all(|(k, v)| get(k) == Some(v.as_str()))
            && self.exprs.iter().all(|(k, op, vs)| match op.as_str() {
                "In" => get(k).is_some_and(|v| vs.iter().any(|x| x == v)),
                "NotIn" => get(k).is_none_or(|v| !vs.iter().any(|x| x == v)),
                "Exists" => get(k).is_some(),
                "DoesNotExist" => get(k).is_none(),
                _ => true,
            })
    }
}

/// One object of the set a check reads (every manifest file of it), summarised for
/// cross-object rules: what makes pods with which labels, what selects them, which service
/// accounts are bound, what scales what.
#[derive(Clone, Debug, Default)]
pub struct SetObject {
    /// The directory of the file, relative to the root (`deploy/`, or "").
    pub dir: String,
    /// The file's display path.
    pub file: String,
    /// `metadata.namespace`, or "" when the namespace is left to `kubectl -n`.
    pub namespace: String,
    pub kind: String,
    pub group: String,
    pub name: String,
    /// The labels of the pods it makes (workloads, Pods, pod-embedding custom resources).
    pub pod_labels: Option<Vec<(String, String)>>,
    /// Whether the pod labels hold a template or variable (cannot be matched).
    pub templated: bool,
    /// Subjects of a RoleBinding/ClusterRoleBinding: (kind, name, namespace).
    pub subjects: Vec<(String, String, String)>,
    /// `scaleTargetRef` of a HorizontalPodAutoscaler or KEDA ScaledObject: (kind, name).
    pub scale_target: Option<(String, String)>,
    /// The selector of a PodDisruptionBudget.
    pub selector: Option<Selector>,
    /// `automountServiceAccountToken` of a ServiceAccount.
    pub automount: Option<bool>,
    /// Whether a Role or ClusterRole only reads (get/list/watch) and reads no secrets (no
    /// wildcard, no aggregation, whose rules are written elsewhere). None for other kinds.
    pub read_only: Option<bool>,
}

/// Kinds of the core API and the usual add-ons that make no pods of their own.
const NO_PODS: &[&str] = &[
    "Service",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Namespace",
    "Ingress",
    "IngressClass",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StorageClass",
    "CustomResourceDefinition",
    "PriorityClass",
    "LimitRange",
    "ResourceQuota",
    "Endpoints",
    "EndpointSlice",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "APIService",
    "PodSecurityPolicy",
    "Certificate",
    "Issuer",
    "ClusterIssuer",
    "ServiceMonitor",
    "PodMonitor",
    "PrometheusRule",
    "Gateway",
    "HTTPRoute",
    "VirtualService",
    "DestinationRule",
    "Kustomization",
];

impl SetObject {
    /// Whether this object could make pods that the set does not show (an operator's
    /// custom resource): selectors in its group cannot be judged complete.
    pub fn may_make_hidden_pods(&self) -> bool {
        self.pod_labels.is_none()
            && !NO_PODS.contains(&self.kind.as_str())
            && !self.kind.is_empty()
            && !self.kind.ends_with("List")
    }
}

/// The objects of every manifest of a check, with an index by directory.
#[derive(Debug, Default)]
pub struct SetIndex {
    pub objects: Vec<SetObject>,
    by_dir: std::collections::HashMap<String, Vec<usize>>,
    /// Object indices by kind: rules ask for "the ServiceAccount named x", "any
    /// NetworkPolicy", per object, and scanning every object each time was quadratic.
    by_kind: std::collections::HashMap<String, Vec<usize>>,
    /// Objects that scale another (`scale_target`).
    scalers: Vec<usize>,
    /// Objects that bind subjects (`subjects` not empty).
    binders: Vec<usize>,
    /// The first object with pods, by namespace (as written, "" when none).
    first_workload: std::collections::HashMap<String, usize>,
}

impl SetIndex {
    /// Summarise the objects of `files`: (display path, parsed YAML).
    pub fn new<'f>(files: impl IntoIterator<Item = (&'f str, &'f YamlFile)>) -> SetIndex {
        let mut index = SetIndex::default();
        for (rel, y) in files {
            let dir = rel.rfind('/').map_or("", |i| &rel[..=i]).to_string();
            for o in objects(y) {
                let so = summarise(&o, &dir, rel);
                let i = index.objects.len();
                index.by_dir.entry(dir.clone()).or_default().push(i);
                index.by_kind.entry(so.kind.clone()).or_default().push(i);
                if so.scale_target.is_some() {
                    index.scalers.push(i);
                }
                if !so.subjects.is_empty() {
                    index.binders.push(i);
                }
                if so.pod_labels.is_some() {
                    index
                        .first_workload
                        .entry(so.namespace.clone())
                        .or_insert(i);
                }
                index.objects.push(so);
            }
        }
        index
    }

    /// The objects of kind `kind`, in order.
    pub fn of_kind(&self, kind: &str) -> impl Iterator<Item = &SetObject> {
        self.pick(self.by_kind.get(kind).map_or(&[], Vec::as_slice))
    }

    /// The objects that scale another (an autoscaler's `scaleTargetRef`), in order.
    pub fn scalers(&self) -> impl Iterator<Item = &SetObject> {
        self.pick(&self.scalers)
    }

    /// The objects that bind subjects (role bindings), in order.
    pub fn binders(&self) -> impl Iterator<Item = &SetObject> {
        self.pick(&self.binders)
    }

    /// The first object with pods whose namespace is written exactly `ns`.
    pub fn first_workload(&self, ns: &str) -> Option<&SetObject> {
        self.first_workload.get(ns).map(|&i| &self.objects[i])
    }

    fn pick<'s>(&'s self, at: &'s [usize]) -> impl Iterator<Item = &'s SetObject> {
        at.iter().map(|&i| &self.objects[i])
    }

    /// The objects of directory `dir` (as [`SetObject::dir`] writes it).
    pub fn in_dir(&self, dir: &str) -> impl Iterator<Item = &SetObject> {
        self.by_dir
            .get(dir)
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
    }
}

/// Two namespaces that can be the same at apply time ("" is whatever `-n` says).
pub fn same_namespace(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a == b
}

fn summarise(o: &Object<'_>, dir: &str, rel: &str) -> SetObject {
    let s = |n: Option<Yaml<'_>>| n.and_then(|v| v.scalar()).unwrap_or("").to_string();
    let mut so = SetObject {
        dir: dir.to_string(),
        file: rel.to_string(),
        namespace: s(o.namespace()),
        kind: o.kind().to_string(),
        group: o.group().to_string(),
        name: o.name().to_string(),
        ..SetObject::default()
    };
    if o.pod_spec().is_some() {
        let labels = o.pod_labels().map(labels_of).unwrap_or_default();
        so.templated = labels
            .iter()
            .any(|(k, v)| k.contains("{{") || v.contains("{{") || v.contains("${"));
        so.pod_labels = Some(labels);
    }
    match o.kind() {
        "RoleBinding" | "ClusterRoleBinding" => {
            so.subjects = o
                .node
                .get("subjects")
                .map(|l| {
                    l.items()
                        .map(|x| (s(x.get("kind")), s(x.get("name")), s(x.get("namespace"))))
                        .collect()
                })
                .unwrap_or_default();
        }
        "HorizontalPodAutoscaler" | "ScaledObject" => {
            let t = o.node.path(&["spec", "scaleTargetRef"]);
            so.scale_target = t.map(|t| {
                let kind = s(t.get("kind"));
                (
                    if kind.is_empty() {
                        "Deployment".into()
                    } else {
                        kind
                    },
                    s(t.get("name")),
                )
            });
        }
        "PodDisruptionBudget" => {
            so.selector = o
                .node
                .path(&["spec", "selector"])
                .map(Selector::of_label_selector);
        }
        "Role" | "ClusterRole" if o.group().starts_with("rbac.authorization.k8s.io") => {
            so.read_only = Some(read_only_role(o));
        }
        "ServiceAccount" => {
            so.automount = o
                .node
                .get("automountServiceAccountToken")
                .and_then(|v| v.as_bool());
        }
        _ => {}
    }
    so
}

/// Whether a role's rules only read, and read no secrets.
fn read_only_role(o: &Object<'_>) -> bool {
    if o.node.get("aggregationRule").is_some() {
        return false;
    }
    let Some(rules) = o.node.get("rules") else {
        return true;
    };
    rules.items().all(|r| {
        let list = |key: &str| -> Vec<String> {
            r.get(key)
                .map(|v| {
                    v.str_or_list()
                        .into_iter()
                        .map(|(x, _)| x.to_ascii_lowercase())
                        .collect()
                })
                .unwrap_or_default()
        };
        let verbs = list("verbs");
        let resources = list("resources");
        r.get("nonResourceURLs").is_some()
            && resources.is_empty()
            && verbs.iter().all(|v| v == "get")
            || verbs
                .iter()
                .all(|v| matches!(v.as_str(), "get" | "list" | "watch"))
                && !resources
                    .iter()
                    .any(|x| x == "*" || x == "secrets" || x.starts_with("secrets/"))
    })
}

/// Whether a kustomization (its text) applies the file `name` of its directory as an object:
/// listed under `resources:` (or the older `bases:`). A manifest beside a kustomization that
/// does not list it is a patch, or not used, and never reaches the API server as written.
pub fn kustomization_applies(kustomization: &str, name: &str) -> bool {
    let y = YamlFile::parse(kustomization);
    let clean = |p: &str| p.trim().trim_start_matches("./").to_string();
    y.documents().any(|d| {
        ["resources", "bases"].iter().any(|key| {
            d.get(key).is_some_and(|l| {
                l.items()
                    .filter_map(|x| x.as_str())
                    .any(|x| clean(x) == name)
            })
        })
    })
}

/// What rendered a stream of manifests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Renderer {
    /// `helm template`: each document starts with `# Source: <chart>/templates/<file>`.
    Helm,
    /// `kustomize build` with `buildMetadata: [originAnnotations]`: each object carries a
    /// `config.kubernetes.io/origin` annotation naming its file.
    Kustomize,
}

/// A document of rendered output and the file it was rendered from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedDoc {
    /// The document's bytes in the stream, from its first line to the next `---`.
    pub span: super::Span,
    /// Where line 1 of the rendered document starts: the line after `# Source:` for Helm,
    /// the document's first line for kustomize.
    pub body: usize,
    /// The path the renderer names (`mychart/templates/deployment.yaml`, `base/app.yaml`).
    pub source: String,
    pub renderer: Renderer,
}

/// The documents of a rendered stream that name their source file, in order. Empty for a
/// manifest written by hand.
pub fn rendered_docs(text: &str) -> Vec<RenderedDoc> {
    let mut docs = Vec::new();
    if !(text.contains("# Source: ") || text.contains("config.kubernetes.io/origin")) {
        return docs;
    }
    // document boundaries: `---` at the start of a line; a document runs from the line
    // after one to the start of the next
    let mut bounds = vec![(0usize, 0usize)];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let next = at + line.len();
        if line.starts_with("---")
            && line[3..]
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\n' || c == '\r' || c == '#')
        {
            bounds.push((at, next));
        }
        at = next;
    }
    bounds.push((text.len(), text.len()));
    for w in bounds.windows(2) {
        let (start, end) = (w[0].1, w[1].0);
        if start >= end {
            continue;
        }
        let doc = &text[start..end];
        if let Some(d) = helm_source(doc, start) {
            docs.push(RenderedDoc {
                span: super::Span::new(start, end),
                ..d
            });
        } else if let Some(source) = kustomize_origin(doc) {
            docs.push(RenderedDoc {
                span: super::Span::new(start, end),
                body: start,
                source,
                renderer: Renderer::Kustomize,
            });
        }
    }
    docs
}

/// `# Source: x` among the comment lines that open a document.
fn helm_source(doc: &str, start: usize) -> Option<RenderedDoc> {
    let mut at = start;
    for line in doc.split_inclusive('\n') {
        let t = line.trim_end();
        if let Some(src) = t.strip_prefix("# Source: ") {
            let src = src.trim();
            if !src.contains('/') {
                return None;
            }
            return Some(RenderedDoc {
                span: super::Span::default(),
                body: at + line.len(),
                source: src.to_string(),
                renderer: Renderer::Helm,
            });
        }
        if !(t.is_empty() || t.starts_with('#') || t.starts_with("---")) {
            return None;
        }
        at += line.len();
    }
    None
}

/// The `path:` of a `config.kubernetes.io/origin` annotation, when it names a local file:
/// an origin with `repo:` (a remote base) or with only `configuredIn:` (a generated object)
/// names no file here.
fn kustomize_origin(doc: &str) -> Option<String> {
    const KEY: &str = "config.kubernetes.io/origin:";
    let at = doc.find(KEY)?;
    let line_start = doc[..at].rfind('\n').map_or(0, |i| i + 1);
    let key_indent = at - line_start;
    let rest = &doc[at + KEY.len()..];
    let (first, more) = rest.split_once('\n').unwrap_or((rest, ""));
    let first = first.trim();
    // the annotation's value as lines: a block scalar (the following, more indented lines)
    // or an inline string whose line breaks are written `\n`
    let value: Vec<String> = if first.is_empty() || first.starts_with('|') {
        more.lines()
            .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > key_indent)
            .map(str::to_string)
            .collect()
    } else {
        first
            .trim_matches(['"', '\''])
            .split("\\n")
            .map(str::to_string)
            .collect()
    };
    // top-level fields of the value: the least indented lines
    let indent = value
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()?;
    let field = |name: &str| {
        value.iter().find_map(|l| {
            let body = l.get(indent..)?;
            let v = body.strip_prefix(name)?.strip_prefix(':')?;
            let v = v.trim().trim_matches(['"', '\'']);
            (!v.is_empty()).then(|| v.to_string())
        })
    };
    if field("repo").is_some() {
        return None;
    }
    field("path")
}

/// Whether a text is rendered output that names its sources (`# Source:` comments or
/// kustomize origin annotations) and holds manifests.
pub fn is_rendered(text: &str) -> bool {
    text.contains("apiVersion") && !rendered_docs(text).is_empty()
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
    fn kustomizations_list_what_they_apply() {
        let k = "resources:\n  - ./deploy.yaml\n  - ../base\npatches:\n  - path: patch.yaml\npatchesStrategicMerge:\n  - old_patch.yaml\n";
        assert!(kustomization_applies(k, "deploy.yaml"));
        assert!(!kustomization_applies(k, "patch.yaml"));
        assert!(!kustomization_applies(k, "old_patch.yaml"));
        assert!(!kustomization_applies(k, "unused.yaml"));
        assert!(kustomization_applies("bases:\n- svc.yaml\n", "svc.yaml"));
    }

    #[test]
    fn rendered_streams_name_their_sources() {
        let text = "---\n# Source: app/templates/svc.yaml\napiVersion: v1\nkind: Service\n---\n# Source: app/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\n";
        let docs = rendered_docs(text);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].source, "app/templates/svc.yaml");
        assert_eq!(&text[docs[0].body..docs[0].body + 11], "apiVersion:");
        assert_eq!(docs[1].renderer, Renderer::Helm);
        let k = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: base/cm.yaml\n";
        let docs = rendered_docs(k);
        assert_eq!(
            (docs[0].source.as_str(), docs[0].renderer),
            ("base/cm.yaml", Renderer::Kustomize)
        );
        // an inline origin; a remote base and a generated object name no local file
        let inline =
            "metadata:\n  annotations:\n    config.kubernetes.io/origin: \"path: app.yaml\\n\"\n";
        assert_eq!(rendered_docs(inline)[0].source, "app.yaml");
        let remote = "metadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: examples/pod.yaml\n      repo: https://github.com/example/x\n      ref: v1\n";
        assert!(rendered_docs(remote).is_empty());
        let generated = "metadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      configuredIn: kustomization.yaml\n      configuredBy:\n        apiVersion: builtin\n        kind: ConfigMapGenerator\n  name: cm\nspec:\n  template:\n    spec:\n      volumes:\n        - hostPath:\n            path: /data\n";
        assert!(rendered_docs(generated).is_empty());
        // a `# Source:` inside a value is not a header
        assert!(rendered_docs("apiVersion: v1\ndata:\n  x: |\n    # Source: a/b\n").is_empty());
        assert!(!is_rendered("apiVersion: v1\nkind: Pod\n"));
    }

    #[test]
    fn custom_resources_embed_pod_specs() {
        let text = "apiVersion: serving.knative.dev/v1\nkind: Revision\nspec:\n  containers:\n    - image: a\n---\napiVersion: serving.knative.dev/v1\nkind: Service\nspec:\n  template:\n    spec:\n      containers:\n        - image: b\n---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec:\n  template:\n    spec:\n      containers:\n        - image: c\n---\napiVersion: apps.openshift.io/v1\nkind: DeploymentConfig\nspec:\n  template:\n    spec:\n      containers:\n        - image: d\n---\napiVersion: keda.sh/v1alpha1\nkind: ScaledJob\nspec:\n  jobTargetRef:\n    template:\n      spec:\n        containers:\n          - image: e\n---\napiVersion: example.com/v1\nkind: Notebook\nspec:\n  template:\n    spec:\n      containers:\n        - image: f\n---\napiVersion: v1\nkind: Service\nspec:\n  template:\n    spec: {}\n";
        let y = YamlFile::parse(text);
        let images: Vec<&str> = containers(&y)
            .iter()
            .filter_map(|c| c.image().and_then(|i| i.as_str()))
            .collect();
        assert_eq!(images, vec!["a", "b", "c", "d", "e", "f"]);
        let objs = objects(&y);
        assert!(objs[4].is_batch());
        assert!(objs[6].pod_spec().is_none());
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
