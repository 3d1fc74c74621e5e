//! tf/backups: databases with short or no backup retention, no deletion protection, or no
//! final snapshot.

use super::{Check, Cond, Test};
use crate::api::{Cx, Finding, Opt, Rule};
use crate::rule;
use crate::source::terraform::TfFile;

const MIN_RETENTION_DAYS: Opt<i64> = Opt::int(
    "min-retention-days",
    7,
    "the fewest days of automated backups a database may keep",
);

pub static RULE: Rule = rule!("tf/backups")
    .summary("a Terraform database with short or no backups, no deletion protection or no final snapshot")
    .packs(&["reliability"])
    .options(&[MIN_RETENTION_DAYS.decl])
    .on_terraform(check);

/// Databases that are read replicas or Aurora members: their source or cluster keeps the backups.
const NOT_A_REPLICA: &[Cond] = &[
    Cond::Unset("replicate_source_db"),
    Cond::NotPrefix("engine", "aurora"),
];

/// The rule's table: one row per resource/attribute pair, with its source.
pub const CHECKS: &[Check] = &[
    // --- retention
    Check::new(
        &["aws_db_instance"],
        &["backup_retention_period"],
        Test::MinDays { default: 1 },
        "does not set backup_retention_period (the default keeps 1 day at most)",
        "set backup_retention_period = {min} or more",
        "aws provider docs; tfsec aws-rds-specify-backup-retention; checkov CKV_AWS_133",
    )
    .when(NOT_A_REPLICA),
    Check::new(
        &[
            "aws_rds_cluster",
            "aws_docdb_cluster",
            "aws_neptune_cluster",
        ],
        &["backup_retention_period"],
        Test::MinDays { default: 1 },
        "does not set backup_retention_period (the default is 1 day)",
        "set backup_retention_period = {min} or more",
        "aws provider docs; tfsec aws-rds-specify-backup-retention; checkov CKV_AWS_133",
    ),
    Check::new(
        &["aws_redshift_cluster"],
        &["automated_snapshot_retention_period"],
        Test::MinDays { default: 1 },
        "does not set automated_snapshot_retention_period (the default is 1 day)",
        "set automated_snapshot_retention_period = {min} or more",
        "aws provider docs; checkov CKV_AWS_141",
    ),
    Check::new(
        &[
            "azurerm_postgresql_server",
            "azurerm_mysql_server",
            "azurerm_postgresql_flexible_server",
            "azurerm_mysql_flexible_server",
        ],
        &["backup_retention_days"],
        Test::MinDays { default: 7 },
        "keeps backups for 7 days by default",
        "set backup_retention_days = {min} or more",
        "azurerm provider docs (default 7)",
    ),
    Check::new(
        &["google_sql_database_instance"],
        &["settings", "backup_configuration", "enabled"],
        Test::True,
        "has no automated backups",
        "set settings { backup_configuration { enabled = true } }",
        "google provider docs; tfsec google-sql-enable-backup; checkov CKV_GCP_14",
    )
    // read replicas cannot have backups
    .when(&[Cond::Unset("master_instance_name")]),
    // --- deletion protection
    Check::new(
        &["aws_db_instance"],
        &["deletion_protection"],
        Test::True,
        "can be deleted by a plan",
        "set deletion_protection = true",
        "aws provider docs; checkov CKV_AWS_293",
    )
    .when(NOT_A_REPLICA),
    Check::new(
        &[
            "aws_rds_cluster",
            "aws_docdb_cluster",
            "aws_neptune_cluster",
        ],
        &["deletion_protection"],
        Test::True,
        "can be deleted by a plan",
        "set deletion_protection = true",
        "aws provider docs; checkov CKV_AWS_139",
    ),
    Check::new(
        &["google_sql_database_instance"],
        &["deletion_protection"],
        Test::NotFalse,
        "can be deleted by a plan",
        "set deletion_protection = true",
        "google provider docs (default true)",
    ),
    // --- final snapshot
    Check::new(
        &["aws_db_instance"],
        &["skip_final_snapshot"],
        Test::NotTrue,
        "keeps no snapshot when it is destroyed",
        "set skip_final_snapshot = false and a final_snapshot_identifier",
        "aws provider docs (skip_final_snapshot)",
    )
    .when(NOT_A_REPLICA),
    Check::new(
        &[
            "aws_rds_cluster",
            "aws_docdb_cluster",
            "aws_neptune_cluster",
            "aws_redshift_cluster",
        ],
        &["skip_final_snapshot"],
        Test::NotTrue,
        "keeps no snapshot when it is destroyed",
        "set skip_final_snapshot = false and a final_snapshot_identifier",
        "aws provider docs (skip_final_snapshot)",
    ),
];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    let min = cx.opt(&MIN_RETENTION_DAYS);
    super::run(cx, tf, CHECKS, min, out);
    unversioned_stores(cx, tf, out);
}

/// Words in a bucket's name or resource label that make it a store of state or backups: a
/// deleted or overwritten object there is the thing versioning exists to bring back.
const STORE_WORDS: &[&str] = &[
    "tfstate",
    "terraform-state",
    "terraform_state",
    "state",
    "backup",
    "backups",
];

/// Whether `name` holds one of [`STORE_WORDS`] as a word (split on `-`, `_`, `.`, `/`), or
/// `tfstate` anywhere.
fn is_store(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("tfstate")
        || lower.contains("terraform-state")
        || lower.contains("terraform_state")
        || lower
            .split(['-', '_', '.', '/'])
            .any(|w| STORE_WORDS.contains(&w))
}

/// `aws_s3_bucket` whose name or label says it keeps Terraform state or backups, without
/// versioning: no `aws_s3_bucket_versioning` of the module names it (one that names
/// something this rule cannot follow silences the check) and no inline
/// `versioning { enabled = true }`. Sources (taken 2026-12-01): Terraform docs, S3 backend
/// ("It is highly recommended that you enable Bucket Versioning"); aws provider docs,
/// aws_s3_bucket_versioning; checkov CKV_AWS_21; trivy AVD-AWS-0090.
fn unversioned_stores(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    unversioned_module_stores(cx, tf, out);
    let buckets: Vec<_> = tf
        .body
        .blocks_of("resource")
        .filter(|b| b.label(0) == Some("aws_s3_bucket"))
        .collect();
    if buckets.is_empty() {
        return;
    }
    let m = super::module(cx, tf);
    let mut named: Vec<String> = Vec::new();
    for (_, file) in m.module.files() {
        for b in file.body.blocks_of("resource") {
            if b.label(0) != Some("aws_s3_bucket_versioning") {
                continue;
            }
            match b.attr("bucket").and_then(|a| a.value.traversal_path()) {
                Some(p) if p.starts_with("aws_s3_bucket.") => named.push(
                    p["aws_s3_bucket.".len()..]
                        .split(['.', '['])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                ),
                _ => return,
            }
        }
    }
    for b in buckets {
        let Some(label) = b.label(1) else { continue };
        let bucket_name = b
            .attr("bucket")
            .and_then(|a| super::resolve(&m, &a.value).as_str().map(str::to_string));
        let store = is_store(label) || bucket_name.as_deref().is_some_and(is_store);
        if !store || named.iter().any(|n| n == label) || b.body.block("versioning").is_some() {
            continue;
        }
        if b.attr("versioning").is_some()
            || b.body
                .blocks_of("dynamic")
                .any(|d| d.label(0) == Some("versioning"))
        {
            continue;
        }
        let what = bucket_name.map_or_else(|| b.address(), |n| format!("{} ({n:?})", b.address()));
        out.push(cx.finding(
            super::name_span(b),
            format!("{what} looks like a state or backup store but has no versioning: add aws_s3_bucket_versioning {{ bucket = aws_s3_bucket.{label}.id, versioning_configuration {{ status = \"Enabled\" }} }}"),
        ));
    }
}

/// `terraform-aws-modules/s3-bucket` calls whose bucket name or module name says it keeps state
/// or backups, without `versioning`: the module's default is `{}` in every major (its
/// variables.tf at v1.25.0, v2.15.0, v3.15.2, v4.11.0, v5.15.4), and its main.tf creates
/// `aws_s3_bucket_versioning` only for a non-empty map.
fn unversioned_module_stores(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    for call in tf.body.blocks_of("module") {
        let Some(source) = call.attr("source").and_then(|a| a.value.as_str()) else {
            continue;
        };
        let source = source
            .strip_prefix("registry.terraform.io/")
            .unwrap_or(source);
        if !source.eq_ignore_ascii_case("terraform-aws-modules/s3-bucket/aws")
            || call.attr("versioning").is_some()
            || call
                .attr("create_bucket")
                .is_some_and(|a| a.value.as_bool() != Some(true))
        {
            continue;
        }
        let Some(label) = call.label(0) else { continue };
        let m = super::module(cx, tf);
        let bucket_name = call
            .attr("bucket")
            .and_then(|a| super::resolve(&m, &a.value).as_str().map(str::to_string));
        if !(is_store(label) || bucket_name.as_deref().is_some_and(is_store)) {
            continue;
        }
        let what = bucket_name.map_or_else(
            || format!("module.{label} (terraform-aws-modules/s3-bucket/aws)"),
            |n| format!("module.{label} (terraform-aws-modules/s3-bucket/aws, bucket {n:?})"),
        );
        out.push(cx.finding(
            super::name_span(call),
            format!("{what} looks like a state or backup store but has no versioning (the module's default versioning = {{}}): pass versioning = {{ enabled = true }}"),
        ));
    }
}
