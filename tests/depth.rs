//! The examples of issue 16 (fixtures/examples/depth): a manifest set, a Dockerfile and a
//! compose file that got no findings from plumb before, each problem named by the issue found
//! by the rule that owns it, on its line.

mod common;

#[test]
fn every_problem_of_the_examples_is_found() {
    let v = common::check_json(&["fixtures/examples/depth"]);
    let findings = v["findings"].as_array().unwrap();
    let expected: &[(&str, u64, &str)] = &[
        ("manifests.yaml", 8, "k8s/rbac-wildcard"),
        ("manifests.yaml", 19, "k8s/rbac-cluster-admin"),
        ("manifests.yaml", 25, "k8s/deprecated-api"),
        ("manifests.yaml", 32, "k8s/selector-mismatch"),
        ("manifests.yaml", 41, "k8s/root-group"),
        ("manifests.yaml", 47, "k8s/host-port"),
        ("manifests.yaml", 49, "k8s/unsafe-proc-mount"),
        ("manifests.yaml", 57, "k8s/selector-mismatch"),
        ("Dockerfile", 2, "docker/package-signature-disabled"),
        ("Dockerfile", 3, "docker/missing-pipefail"),
        ("Dockerfile", 4, "docker/secret-file-copied"),
        ("Dockerfile", 5, "docker/exposed-ssh-port"),
        ("compose.yaml", 5, "compose/sensitive-host-mount"),
        ("compose.yaml", 7, "compose/dangerous-device"),
    ];
    for (file, line, rule) in expected {
        assert!(
            findings
                .iter()
                .any(|f| f["file"] == format!("fixtures/examples/depth/{file}")
                    && f["start"]["line"] == *line
                    && f["rule"] == *rule),
            "{rule} at {file}:{line}: {v}"
        );
    }
}
