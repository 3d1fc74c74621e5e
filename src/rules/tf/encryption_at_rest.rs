//! tf/encryption-at-rest: storage that Terraform creates unencrypted.

use super::{Check, Cond, Test};
use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::source::terraform::TfFile;

pub static RULE: Rule = rule!("tf/encryption-at-rest")
    .summary("a Terraform database, volume, file system or queue stored without encryption at rest")
    .packs(&["encryption"])
    .severity(Severity::Error)
    .security(6.5)
    .on_terraform(check);

/// The rule's table: one row per resource/attribute pair, with its source.
pub const CHECKS: &[Check] = &[
    // --- aws
    Check::new(
        &["aws_db_instance"],
        &["storage_encrypted"],
        Test::True,
        "stores its data unencrypted",
        "set storage_encrypted = true (and kms_key_id for a customer-managed key)",
        "aws provider docs (default false); tfsec aws-rds-encrypt-instance-storage-data; checkov CKV_AWS_16",
    )
    // replicas inherit the source's encryption; Aurora instances the cluster's
    .when(&[
        Cond::Unset("replicate_source_db"),
        Cond::NotPrefix("engine", "aurora"),
    ]),
    Check::new(
        &["aws_rds_cluster"],
        &["storage_encrypted"],
        Test::True,
        "stores its data unencrypted",
        "set storage_encrypted = true (and kms_key_id for a customer-managed key)",
        "aws provider docs (default false unless engine_mode is serverless); tfsec aws-rds-encrypt-cluster-storage-data; checkov CKV_AWS_96",
    )
    .when(&[
        Cond::IsNot("engine_mode", &["serverless"]),
        Cond::Unset("replication_source_identifier"),
        Cond::Unset("snapshot_identifier"),
    ]),
    Check::new(
        &["aws_docdb_cluster", "aws_neptune_cluster"],
        &["storage_encrypted"],
        Test::True,
        "stores its data unencrypted",
        "set storage_encrypted = true",
        "aws provider docs (default false); checkov CKV_AWS_74, CKV_AWS_44",
    )
    .when(&[Cond::Unset("snapshot_identifier")]),
    Check::new(
        &["aws_ebs_volume"],
        &["encrypted"],
        Test::True,
        "is an unencrypted volume",
        "set encrypted = true",
        "aws provider docs; tfsec aws-ec2-enable-volume-encryption; checkov CKV_AWS_3",
    )
    // a volume from a snapshot takes the snapshot's encryption
    .when(&[Cond::Unset("snapshot_id")]),
    Check::new(
        &["aws_launch_template"],
        &["block_device_mappings", "ebs", "encrypted"],
        Test::True,
        "launches unencrypted volumes",
        "set encrypted = true in the ebs block",
        "aws provider docs; checkov CKV_AWS_8 (launch configurations and templates)",
    )
    .in_blocks(),
    Check::new(
        &["aws_instance", "aws_launch_configuration"],
        &["root_block_device", "encrypted"],
        Test::True,
        "has an unencrypted root volume",
        "set encrypted = true in root_block_device",
        "aws provider docs; tfsec aws-ec2-enable-at-rest-encryption; checkov CKV_AWS_8",
    )
    .in_blocks(),
    Check::new(
        &["aws_instance", "aws_launch_configuration"],
        &["ebs_block_device", "encrypted"],
        Test::True,
        "has an unencrypted EBS volume",
        "set encrypted = true in ebs_block_device",
        "aws provider docs; tfsec aws-ec2-enable-at-rest-encryption; checkov CKV_AWS_8",
    )
    .in_blocks(),
    Check::new(
        &["aws_elasticache_replication_group"],
        &["at_rest_encryption_enabled"],
        Test::True,
        "stores its data and backups unencrypted",
        "set at_rest_encryption_enabled = true",
        "aws provider docs; tfsec aws-elasticache-enable-at-rest-encryption; checkov CKV_AWS_29",
    ),
    Check::new(
        &["aws_dax_cluster"],
        &["server_side_encryption", "enabled"],
        Test::True,
        "stores its cache unencrypted",
        "add server_side_encryption { enabled = true }",
        "aws provider docs, aws_dax_cluster (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dax_cluster): server_side_encryption enabled defaults to false; checkov CKV_AWS_47",
    ),
    Check::new(
        &["aws_efs_file_system"],
        &["encrypted"],
        Test::True,
        "is an unencrypted file system",
        "set encrypted = true",
        "aws provider docs (default false); tfsec aws-efs-enable-at-rest-encryption; checkov CKV_AWS_42",
    ),
    Check::new(
        &["aws_redshift_cluster"],
        &["encrypted"],
        Test::TrueBeforeAws(6),
        "stores its data unencrypted",
        "set encrypted = true",
        "aws provider docs, aws_redshift_cluster (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshift_cluster); the v6 upgrade guide (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade): `encrypted` now defaults to `true` (false before); tfsec aws-redshift-encryption-customer-key; checkov CKV_AWS_64",
    ),
    Check::new(
        &["aws_opensearch_domain", "aws_elasticsearch_domain"],
        &["encrypt_at_rest", "enabled"],
        Test::True,
        "stores its indices unencrypted",
        "add encrypt_at_rest { enabled = true }",
        "aws provider docs; tfsec aws-elastic-search-enable-domain-encryption; checkov CKV_AWS_5",
    ),
    Check::new(
        &["aws_kinesis_stream"],
        &["encryption_type"],
        Test::Equals("KMS"),
        "stores its records unencrypted (the default encryption_type is NONE)",
        "set encryption_type = \"KMS\" and kms_key_id = \"alias/aws/kinesis\"",
        "aws provider docs; tfsec aws-kinesis-enable-in-transit-encryption (despite its name, at rest); checkov CKV_AWS_43",
    ),
    Check::new(
        &["aws_sns_topic"],
        &["kms_master_key_id"],
        Test::Set,
        "is not encrypted with a KMS key",
        "set kms_master_key_id = \"alias/aws/sns\" (or a customer-managed key)",
        "aws provider docs; tfsec aws-sns-enable-topic-encryption; checkov CKV_AWS_26",
    )
    .severity(Severity::Note),
    Check::new(
        &["aws_sqs_queue"],
        &["sqs_managed_sse_enabled"],
        Test::NotFalse,
        "turns off the queue's default encryption",
        "remove sqs_managed_sse_enabled = false, or set kms_master_key_id",
        "aws provider docs (SSE-SQS is on by default); tfsec aws-sqs-enable-queue-encryption; checkov CKV_AWS_27",
    )
    .when(&[Cond::Unset("kms_master_key_id")])
    .severity(Severity::Note),
    // --- azurerm (storage is encrypted by default: only switches that turn it off)
    Check::new(
        &["azurerm_mssql_database"],
        &["transparent_data_encryption_enabled"],
        Test::NotFalse,
        "turns transparent data encryption off",
        "set transparent_data_encryption_enabled = true",
        "azurerm provider docs (default true)",
    ),
    Check::new(
        &["azurerm_data_lake_store"],
        &["encryption_state"],
        Test::In(&["Disabled"]),
        "stores its data unencrypted",
        "set encryption_state = \"Enabled\"",
        "azurerm provider docs; tfsec azure-datalake-enable-at-rest-encryption",
    ),
];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    super::run(cx, tf, CHECKS, 0, out);
}
