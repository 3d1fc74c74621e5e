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
}
