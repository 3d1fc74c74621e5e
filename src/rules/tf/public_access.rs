//! tf/public-access: databases, ports and buckets opened to the whole internet.

use super::{Check, Cond, Test, module, resolve, with_origin};
use crate::api::{Cx, Finding, Rule, Severity};
use crate::project::TfModule;
use crate::rule;
use crate::source::terraform::{Block, Expr, ExprKind, Resolved, TfFile, Value};

pub static RULE: Rule = rule!("tf/public-access")
    .summary("a Terraform database, admin port or bucket open to the whole internet")
    .packs(&["least-privilege"])
    .severity(Severity::Error)
    .security(8.1)
    .on_terraform(check);

const PUBLIC_ACLS: &[&str] = &["public-read", "public-read-write", "authenticated-read"];

/// The rule's table: one row per resource/attribute pair, with its source.
pub const CHECKS: &[Check] = &[
    Check::new(
        &["aws_db_instance", "aws_rds_cluster_instance"],
        &["publicly_accessible"],
        Test::NotTrue,
        "is reachable from the internet",
        "set publicly_accessible = false and reach it from inside the VPC",
        "aws provider docs; tfsec aws-rds-no-public-db-access; checkov CKV_AWS_17",
    ),
    Check::new(
        &["aws_redshift_cluster"],
        &["publicly_accessible"],
        Test::NotTrueBeforeAws(6),
        "is reachable from the internet",
        "set publicly_accessible = false",
        "aws provider docs, aws_redshift_cluster (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/redshift_cluster); the v6 upgrade guide (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade): `publicly_accessible` now defaults to `false` (true before); checkov CKV_AWS_87",
    ),
    Check::new(
        &["aws_dms_replication_instance"],
        &["publicly_accessible"],
        Test::NotTrue,
        "is reachable from the internet",
        "set publicly_accessible = false",
        "aws provider docs; checkov CKV_AWS_89",
    ),
    Check::new(
        &["aws_s3_bucket", "aws_s3_bucket_acl"],
        &["acl"],
        Test::In(PUBLIC_ACLS),
        "grants public access to the bucket",
        "use acl = \"private\" (or drop the ACL and keep object ownership BucketOwnerEnforced)",
        "aws provider docs; tfsec aws-s3-no-public-access-with-acl; checkov CKV_AWS_20",
    ),
    Check::new(
        &["aws_s3_bucket_public_access_block"],
        &["block_public_acls"],
        Test::True,
        "does not block public ACLs",
        "set block_public_acls = true",
        "aws provider docs (default false); tfsec aws-s3-block-public-acls; checkov CKV_AWS_53",
    ),
    Check::new(
        &["aws_s3_bucket_public_access_block"],
        &["block_public_policy"],
        Test::True,
        "does not block public bucket policies",
        "set block_public_policy = true",
        "aws provider docs (default false); tfsec aws-s3-block-public-policy; checkov CKV_AWS_54",
    ),
    Check::new(
        &["aws_s3_bucket_public_access_block"],
        &["ignore_public_acls"],
        Test::True,
        "does not ignore public ACLs",
        "set ignore_public_acls = true",
        "aws provider docs (default false); tfsec aws-s3-ignore-public-acls; checkov CKV_AWS_55",
    ),
    Check::new(
        &["aws_s3_bucket_public_access_block"],
        &["restrict_public_buckets"],
        Test::True,
        "does not restrict public buckets",
        "set restrict_public_buckets = true",
        "aws provider docs (default false); tfsec aws-s3-no-public-buckets; checkov CKV_AWS_56",
    ),
    Check::new(
        &["google_storage_bucket_iam_member"],
        &["member"],
        Test::In(&["allUsers", "allAuthenticatedUsers"]),
        "makes the bucket public",
        "grant the role to specific users, groups or service accounts",
        "google provider docs; tfsec google-storage-no-public-access; checkov CKV_GCP_28",
    ),
    // any role on a whole project, folder or organisation granted to every Google account or
    // everyone (roles/owner and roles/editor are tf/iam-wildcard's: it reports those)
    Check::new(
        &[
            "google_project_iam_member",
            "google_folder_iam_member",
            "google_organization_iam_member",
        ],
        &["member"],
        Test::In(&["allUsers", "allAuthenticatedUsers"]),
        "opens the role to everyone (allUsers) or to every Google account (allAuthenticatedUsers)",
        "grant the role to the groups or service accounts that need it",
        "google provider docs, google_project_iam (https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_iam); Google Cloud IAM overview, principal identifiers allUsers and allAuthenticatedUsers (https://cloud.google.com/iam/docs/principal-identifiers); checkov has no check on the member: its CKV_GCP_117 flags basic roles (viewer included) on a project for any member",
    )
    .when(&[Cond::IsNot("role", &["roles/owner", "roles/editor"])]),
    Check::new(
        &["google_sql_database_instance"],
        &[
            "settings",
            "ip_configuration",
            "authorized_networks",
            "value",
        ],
        Test::In(&["0.0.0.0/0"]),
        "accepts connections from any address",
        "authorize only the networks that need access, or use private IP",
        "google provider docs; tfsec google-sql-no-public-access; checkov CKV_GCP_11",
    )
    .in_blocks(),
];

/// Ports that must not be open to the internet, with what listens there.
/// Sources: tfsec aws-ec2-no-public-ingress-sgr, checkov CKV_AWS_24 (22), CKV_AWS_25 (3389),
/// CKV_AWS_260 (80 is not listed: web ports are meant to be public).
const SENSITIVE_PORTS: &[(i64, &str)] = &[
    (22, "SSH"),
    (23, "Telnet"),
    (3389, "RDP"),
    (5985, "WinRM"),
    (5986, "WinRM"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (27017, "MongoDB"),
    (6379, "Redis"),
    (11211, "Memcached"),
    (9200, "Elasticsearch"),
    (2375, "the Docker API"),
    (2376, "the Docker API"),
    (9092, "Kafka"),
    (2379, "etcd"),
];

const OPEN: &[&str] = &["0.0.0.0/0", "::/0"];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    super::run(cx, tf, CHECKS, 0, out);
    let m = module(cx, tf);
    missing_public_access_block(cx, &m, tf, out);
    super::per_instance(cx, tf, out, |m, out| ingress_rules(cx, tf, m, out));
}

fn ingress_rules(cx: &Cx<'_>, tf: &TfFile, m: &TfModule<'_>, out: &mut Vec<Finding>) {
    for block in tf.body.blocks_of("resource") {
        ingress_of(cx, m, block, out);
    }
    // terraform-aws-modules/security-group calls (see registry_modules.rs)
    super::on_stand_ins(tf, out, |block, out| ingress_of(cx, m, block, out));
}

fn ingress_of(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    {
        let addr = block.address();
        match block.label(0) {
            Some("aws_security_group") => {
                for ingress in block.body.blocks_of("ingress") {
                    ingress_rule(
                        cx,
                        m,
                        &addr,
                        ingress,
                        "protocol",
                        &["cidr_blocks", "ipv6_cidr_blocks"],
                        out,
                    );
                }
            }
            Some("aws_security_group_rule") => {
                let ingress = block
                    .attr("type")
                    .and_then(|t| resolve(m, &t.value).as_str().map(|s| s == "ingress"));
                if ingress == Some(true) {
                    ingress_rule(
                        cx,
                        m,
                        &addr,
                        block,
                        "protocol",
                        &["cidr_blocks", "ipv6_cidr_blocks"],
                        out,
                    );
                }
            }
            Some("aws_vpc_security_group_ingress_rule") => {
                ingress_rule(
                    cx,
                    m,
                    &addr,
                    block,
                    "ip_protocol",
                    &["cidr_ipv4", "cidr_ipv6"],
                    out,
                );
            }
            _ => {}
        }
    }
}

/// What the rule lets in: `None` when unknown or harmless.
fn exposed(m: &TfModule<'_>, rule: &Block, protocol_key: &str) -> Option<String> {
    let protocol = resolve(m, &rule.attr(protocol_key)?.value);
    let protocol = match protocol.value()? {
        Value::String(s) => s.to_ascii_lowercase(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    if protocol == "-1" || protocol == "all" {
        return Some("all ports".into());
    }
    if !matches!(protocol.as_str(), "tcp" | "udp" | "6" | "17") {
        return None;
    }
    let port = |k: &str| resolve(m, &rule.attr(k)?.value).as_number();
    let (from, to) = (port("from_port")? as i64, port("to_port")? as i64);
    if from <= 1 && to >= 65535 {
        return Some("all ports".into());
    }
    SENSITIVE_PORTS
        .iter()
        .find(|(p, _)| from <= *p && *p <= to)
        .map(|(p, what)| format!("port {p} ({what})"))
}

fn ingress_rule(
    cx: &Cx<'_>,
    m: &TfModule<'_>,
    addr: &str,
    rule: &Block,
    protocol_key: &str,
    cidr_keys: &[&str],
    out: &mut Vec<Finding>,
) {
    let mut opens: Vec<(&Expr, Resolved, String)> = Vec::new();
    for key in cidr_keys {
        let Some(a) = rule.attr(key) else { continue };
        match &a.value.kind {
            // a literal list: point at the open element
            ExprKind::Array(items) => {
                for e in items {
                    let r = resolve(m, e);
                    if let Some(s) = r.as_str().filter(|s| OPEN.contains(s)) {
                        let s = s.to_string();
                        opens.push((e, r, s));
                    }
                }
            }
            _ => {
                let r = resolve(m, &a.value);
                let hit = match r.value() {
                    Some(Value::String(s)) => OPEN.contains(&s.as_str()).then(|| s.clone()),
                    Some(Value::List(l)) => l
                        .iter()
                        .filter_map(Value::as_str)
                        .find(|s| OPEN.contains(s))
                        .map(str::to_string),
                    _ => None,
                };
                if let Some(s) = hit {
                    opens.push((&a.value, r, s));
                }
            }
        }
    }
    if opens.is_empty() {
        return;
    }
    let Some(what) = exposed(m, rule, protocol_key) else {
        return;
    };
    for (expr, r, cidr) in opens {
        let f = cx.finding(
            expr.span,
            format!(
                "{addr} lets {cidr} reach {what}: allow only the addresses that need it (a VPN or bastion range), or use SSM Session Manager instead of open admin ports"
            ),
        );
        out.push(with_origin(f, m, expr, &r, "the address range"));
    }
}

/// What the module's public access blocks cover: the bucket resources they name by
/// reference, and whether one covers something this rule cannot tell (a variable, another
/// module's output, the whole account).
fn access_blocks(m: &TfModule<'_>) -> (Vec<String>, bool) {
    let mut named = Vec::new();
    let mut unknown = false;
    for (_, file) in m.module.files() {
        for block in file.body.blocks_of("resource") {
            match block.label(0) {
                Some("aws_s3_account_public_access_block") => unknown = true,
                Some("aws_s3_bucket_public_access_block") => {
                    let target = block.attr("bucket").and_then(|a| a.value.traversal_path());
                    match target {
                        Some(path) if path.starts_with("aws_s3_bucket.") => {
                            let name = path["aws_s3_bucket.".len()..]
                                .split(['.', '['])
                                .next()
                                .unwrap_or_default()
                                .to_string();
                            named.push(name);
                        }
                        _ => unknown = true,
                    }
                }
                _ => {}
            }
        }
    }
    (named, unknown)
}

/// An `aws_s3_bucket` that no `aws_s3_bucket_public_access_block` of its module covers.
/// Sources (taken 2026-12-01): aws provider docs, aws_s3_bucket_public_access_block; AWS
/// S3 user guide, "Blocking public access" (new buckets block public access by default
/// since April 2023, which is why this is a warning); checkov CKV2_AWS_6; trivy
/// AVD-AWS-0094.
fn missing_public_access_block(cx: &Cx<'_>, m: &TfModule<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    let buckets: Vec<&Block> = tf
        .body
        .blocks_of("resource")
        .filter(|b| b.label(0) == Some("aws_s3_bucket"))
        .collect();
    if buckets.is_empty() {
        return;
    }
    let (named, unknown) = access_blocks(m);
    if unknown {
        return;
    }
    for b in buckets {
        let Some(name) = b.label(1) else { continue };
        if named.iter().any(|n| n == name) {
            continue;
        }
        out.push(
            cx.finding(
                super::name_span(b),
                format!("{} has no aws_s3_bucket_public_access_block in its module: add one with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets set to true", b.address()),
            )
            .severity(Severity::Warning)
            .help("new buckets block public access by default since April 2023, but an explicit block keeps a later ACL or policy change from opening the bucket, and older buckets have no such default"),
        );
    }
}
