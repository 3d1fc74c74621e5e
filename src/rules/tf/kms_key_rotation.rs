//! tf/kms-key-rotation: customer-managed encryption keys that are never rotated.

use super::{Check, Cond, Test};
use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::terraform::TfFile;

pub static RULE: Rule = rule!("tf/kms-key-rotation")
    .summary("a Terraform KMS key without automatic rotation")
    .packs(&["encryption"])
    .security(4.0)
    .on_terraform(check);

/// AWS key specs that cannot rotate automatically: only symmetric encryption keys can.
const AWS_NOT_ROTATABLE: &[&str] = &[
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "SM2",
];

/// The rule's table: one row per resource/attribute pair, with its source (taken 2026-12-01).
pub const CHECKS: &[Check] = &[
    Check::new(
        &["aws_kms_key"],
        &["enable_key_rotation"],
        Test::True,
        "does not rotate its key material",
        "set enable_key_rotation = true (the provider default is false)",
        "aws provider docs, aws_kms_key (enable_key_rotation defaults to false; only symmetric keys rotate); checkov CKV_AWS_7; trivy AVD-AWS-0065",
    )
    .when(&[
        Cond::IsNot("customer_master_key_spec", AWS_NOT_ROTATABLE),
        Cond::IsNot("key_spec", AWS_NOT_ROTATABLE),
        Cond::IsNot("key_usage", &["SIGN_VERIFY", "GENERATE_VERIFY_MAC"]),
    ]),
    Check::new(
        &["google_kms_crypto_key"],
        &["rotation_period"],
        Test::Set,
        "has no rotation_period, so its key is never rotated",
        "set rotation_period (for example \"7776000s\", 90 days)",
        "google provider docs, google_kms_crypto_key (no rotation without rotation_period; asymmetric keys cannot rotate); checkov CKV_GCP_43; trivy AVD-GCP-0065",
    )
    .when(&[Cond::IsNot(
        "purpose",
        &["ASYMMETRIC_SIGN", "ASYMMETRIC_DECRYPT", "MAC"],
    )]),
    Check::new(
        &["azurerm_key_vault_key"],
        &["rotation_policy", "automatic", "time_before_expiry"],
        Test::Set,
        "has no automatic rotation policy",
        "add rotation_policy { automatic { time_before_expiry = \"P30D\" } expire_after = \"P90D\" }",
        "azurerm provider docs, azurerm_key_vault_key rotation_policy; checkov CKV_AZURE_112 covers HSM keys, rotation in Azure Security Benchmark DP-6",
    ),
];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    super::run(cx, tf, CHECKS, 0, out);
}
