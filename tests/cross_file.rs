//! Rules that reason across files, end to end: a compose service and the Dockerfile it
//! builds, a Terraform variable default in another file, a workflow and the coverage config
//! its tests read.

mod common;

use std::path::{Path, PathBuf};

use plumb::report::Report;

fn check(paths: &[PathBuf], root: &Path, rules: &[&str]) -> Report {
    common::check(root, paths, rules)
}

/// A service built from a Dockerfile without USER and HEALTHCHECK gets both findings, each
/// with a related location in that Dockerfile; one built from a Dockerfile with both gets
/// neither.
#[test]
fn built_services_point_into_their_dockerfile() {
    let root = common::manifest_dir();
    let run = |dir: &str| {
        check(
            &[root.join(dir).join("docker-compose.yml")],
            &root,
            &["compose/non-root-user", "compose/missing-healthcheck"],
        )
    };
    let bad = run("fixtures/compose/non-root-user/bad");
    for rule in ["compose/non-root-user", "compose/missing-healthcheck"] {
        let f = bad
            .findings
            .iter()
            .find(|f| f.rule == rule && f.message.contains("\"api\""))
            .unwrap_or_else(|| panic!("{rule} on api"));
        assert!(
            f.related.iter().any(|r| r
                .location
                .file
                .ends_with("non-root-user/bad/api/Dockerfile")
                && r.location.start.line == 1),
            "{rule}: {:?}",
            f.related
        );
    }
    let good = run("fixtures/compose/non-root-user/good");
    assert!(
        !good.findings.iter().any(|f| f.message.contains("\"api\"")),
        "{:?}",
        good.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
}

fn check_dir(dir: &Path) -> Report {
    check(&[dir.to_path_buf()], dir, &["tf/tls"])
}

#[test]
fn a_terraform_default_in_another_file_is_the_related_location() {
    let dir = common::manifest_dir().join("fixtures/tf/tls/bad.module-default");
    let report = check_dir(&dir);
    let f = report
        .findings
        .iter()
        .find(|f| f.message.starts_with("upstash_redis_database.cache"))
        .expect("finding");
    assert_eq!(
        (f.location.file.as_str(), f.location.start.line),
        ("main.tf", 4)
    );
    let [related] = f.related.as_slice() else {
        panic!("{:?}", f.related)
    };
    assert_eq!(related.location.file, "variables.tf");
    assert_eq!(related.location.start.line, 3);
    assert!(
        related.label.contains("var.enable_tls"),
        "{}",
        related.label
    );
}

#[test]
fn a_variable_set_by_terraform_tfvars_takes_its_value() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "variable \"tls\" {\n  default = false\n}\nresource \"upstash_redis_database\" \"a\" {\n  tls = var.tls\n}\n",
    )
    .unwrap();
    assert_eq!(check_dir(dir.path()).findings.len(), 1);
    std::fs::write(dir.path().join("terraform.tfvars"), "tls = true\n").unwrap();
    assert!(check_dir(dir.path()).findings.is_empty());
    // an auto.tfvars file is read after terraform.tfvars and wins
    std::fs::write(dir.path().join("prod.auto.tfvars"), "tls = false\n").unwrap();
    let report = check_dir(dir.path());
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let related = &report.findings[0].related[0];
    assert!(
        related.location.file.ends_with("prod.auto.tfvars"),
        "{related:?}"
    );
    assert!(related.label.contains("prod.auto.tfvars"), "{related:?}");
}

#[test]
fn a_low_coverage_threshold_points_at_the_config_file() {
    let root = common::manifest_dir();
    let report = check(
        &[root.join("fixtures/gha/coverage-gate/bad.pyproject")],
        &root,
        &["gha/coverage-gate"],
    );
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "gha/coverage-gate")
        .expect("finding");
    assert!(
        f.message.contains("60") && f.message.contains("80"),
        "{}",
        f.message
    );
    let r = f.related.first().expect("related");
    assert!(
        r.location.file.ends_with("bad.pyproject/pyproject.toml"),
        "{:?}",
        r.location
    );
    assert_eq!(r.location.start.line, 6);
}

/// `gha/deploy-without-tests` with `require: [tests, lint, security-scan]`: a deploy needing
/// the test and lint jobs (lint read through `make lint`) but no scan is reported for the scan
/// alone, with the scan job it could need as related location; one needing all three is not.
#[test]
fn deploy_requires_the_configured_categories() {
    let root = common::manifest_dir();
    let dir = root.join("fixtures/gha/deploy-without-tests/require");
    let mut config = plumb::config::Config::parse(
        &dir.join(".plumb.yml"),
        "rules:\n  gha/deploy-without-tests:\n    require: [tests, lint, security-scan]\n",
    )
    .expect("config");
    let glob = globset::GlobBuilder::new("**/.github/workflows/*.yml")
        .literal_separator(true)
        .build()
        .expect("glob");
    config
        .kinds
        .push((glob.compile_matcher(), plumb::source::Kind::Workflow));
    let report = common::check_with(&root, &[dir], config);
    let found: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "gha/deploy-without-tests")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = found[0];
    assert!(f.message.contains("job \"deploy\""), "{}", f.message);
    assert!(f.message.contains("a security scan"), "{}", f.message);
    assert!(!f.message.contains("lint"), "{}", f.message);
    assert!(
        f.related.iter().any(|r| r.label.contains("security scan")),
        "{:?}",
        f.related
    );
}

/// `gha/production-approval` with `assume-unprotected: true`: a production environment counts
/// for nothing, so the job naming `environment: production` with no approval step is reported
/// (and says plumb cannot read the settings); staging, and a production job with an approval
/// action before its deploy, are not.
#[test]
fn production_approval_can_assume_environments_unprotected() {
    let root = common::manifest_dir();
    let dir = root.join("fixtures/gha/production-approval/unprotected");
    let parse = |text: &str| {
        let mut config =
            plumb::config::Config::parse(&dir.join(".plumb.yml"), text).expect("config");
        let glob = globset::GlobBuilder::new("**/.github/workflows/*.yml")
            .literal_separator(true)
            .build()
            .expect("glob");
        config
            .kinds
            .push((glob.compile_matcher(), plumb::source::Kind::Workflow));
        config
    };
    let found = |text: &str| {
        let report = common::check_with(&root, std::slice::from_ref(&dir), parse(text));
        report
            .findings
            .into_iter()
            .filter(|f| f.rule == "gha/production-approval")
            .collect::<Vec<_>>()
    };
    // by default an environment is taken as gateable
    assert!(found("").is_empty());
    let on = found("rules:\n  gha/production-approval:\n    assume-unprotected: true\n");
    assert_eq!(on.len(), 1, "{on:#?}");
    let f = &on[0];
    assert!(f.message.contains("job \"production\""), "{}", f.message);
    assert!(f.message.contains("plumb cannot read"), "{}", f.message);
    assert_eq!(f.location.start.line, 6, "{:?}", f.location);
}
