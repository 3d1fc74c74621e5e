//! tf/audit-logging: trails, clusters, load balancers and networks that keep no audit or
//! access log.

use super::{Check, Cond, Test, assignment, module, name_span, resolve, with_origin};
use crate::api::{Cx, Finding, Opt, Rule};
use crate::project::TfModule;
use crate::rule;
use crate::source::terraform::{Block, TfFile, Value};

const S3_ACCESS_LOGS: Opt<bool> = Opt::bool(
    "s3-access-logs",
    false,
    "also report S3 buckets without server access logging (off by default: log buckets themselves and scratch buckets make it noisy)",
);

pub static RULE: Rule = rule!("tf/audit-logging")
    .summary("a Terraform trail, cluster, load balancer or network without audit or access logs")
    .packs(&["reliability"])
    .options(&[S3_ACCESS_LOGS.decl])
    .security(4.0)
    .on_terraform(check);

/// The rule's table: one row per resource/attribute pair, with its source (taken 2026-12-01).
pub const CHECKS: &[Check] = &[
    Check::new(
        &["aws_cloudtrail"],
        &["enable_logging"],
        Test::NotFalse,
        "stops logging API calls",
        "set enable_logging = true (or drop it: the default is true)",
        "aws provider docs, aws_cloudtrail; checkov CKV_AWS_251 (logging enabled)",
    ),
    Check::new(
        &["aws_cloudtrail"],
        &["is_multi_region_trail"],
        Test::True,
        "records one region only (is_multi_region_trail defaults to false)",
        "set is_multi_region_trail = true",
        "aws provider docs, aws_cloudtrail; checkov CKV_AWS_67; trivy AVD-AWS-0014",
    ),
    Check::new(
        &["aws_cloudtrail"],
        &["enable_log_file_validation"],
        Test::True,
        "does not validate its log files, so tampering goes unnoticed",
        "set enable_log_file_validation = true",
        "aws provider docs, aws_cloudtrail (default false); checkov CKV_AWS_36; trivy AVD-AWS-0016",
    ),
    Check::new(
        &["aws_eks_cluster"],
        &["enabled_cluster_log_types"],
        Test::Set,
        "sends no control-plane logs (api, audit, authenticator) to CloudWatch",
        "set enabled_cluster_log_types = [\"api\", \"audit\", \"authenticator\"]",
        "aws provider docs, aws_eks_cluster (no logs unless listed); checkov CKV_AWS_37; trivy AVD-AWS-0038",
    ),
    Check::new(
        &["aws_lb", "aws_alb"],
        &["access_logs", "enabled"],
        Test::True,
        "keeps no access logs",
        "add access_logs { bucket = ..., enabled = true }",
        "aws provider docs, aws_lb access_logs (enabled defaults to false); checkov CKV_AWS_91; trivy AVD-AWS-0047",
    )
    .when(&[Cond::IsNot("load_balancer_type", &["gateway"])]),
    Check::new(
        &["google_container_cluster"],
        &["logging_service"],
        Test::In(&["none"]),
        "sends no logs to Cloud Logging",
        "drop logging_service (the default is logging.googleapis.com/kubernetes) or use logging_config",
        "google provider docs, google_container_cluster; checkov CKV_GCP_1; trivy AVD-GCP-0060",
    ),
    Check::new(
        &["azurerm_network_watcher_flow_log"],
        &["enabled"],
        Test::NotFalse,
        "is turned off",
        "set enabled = true",
        "azurerm provider docs, azurerm_network_watcher_flow_log; checkov CKV_AZURE_12",
    ),
];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    super::run(cx, tf, CHECKS, 0, out);
    let m = module(cx, tf);
    let named = |target_kind: &str, key: &str| referenced(&m, target_kind, key);
    // the module's other files are read only for a file that holds what is judged: for every
    // file, a module of 100,000 files was quadratic
    let holds = |kind: &str| {
        tf.body
            .blocks_of("resource")
            .any(|b| b.label(0) == Some(kind))
    };
    // VPCs without a flow log naming them (aws provider docs, aws_flow_log; checkov
    // CKV2_AWS_11; trivy AVD-AWS-0178)
    if holds("aws_vpc") {
        unlogged(
            cx,
            tf,
            "aws_vpc",
            &named("aws_flow_log", "vpc_id"),
            "has no aws_flow_log in its module: add aws_flow_log { vpc_id = aws_vpc.<name>.id, traffic_type = \"ALL\", ... }",
            out,
        );
    }
    // terraform-aws-modules/vpc calls without enable_flow_log (default false in every major
    // that has it; vpc-flow-logs.tf creates aws_flow_log.this only when it is true)
    if tf.body.blocks_of("module").next().is_some() {
        let loggers = named("aws_flow_log", "vpc_id");
        let unknown_logger = loggers.iter().any(Option::is_none);
        super::on_stand_ins(tf, out, |b, out| {
            if b.label(0) != Some("terraform-aws-modules/vpc/aws") || unknown_logger {
                return;
            }
            let Some(a) = b.attr("enable_flow_log") else {
                return;
            };
            let r = resolve(&m, &a.value);
            let Some(v @ Value::Bool(false)) = r.value() else {
                return;
            };
            let name = b.label(1).unwrap_or_default();
            let f = cx.finding(
                a.value.span,
                format!(
                    "{} sets {} and keeps no VPC flow log: set enable_flow_log = true (or add an aws_flow_log with vpc_id = module.{name}.vpc_id)",
                    b.address(),
                    assignment(cx, "enable_flow_log", &a.value, v)
                ),
            );
            out.push(with_origin(f, &m, &a.value, &r, "the value"));
        });
    }
    subnetwork_flow_logs(cx, tf, out);
    if cx.opt(&S3_ACCESS_LOGS) && holds("aws_s3_bucket") {
        // buckets without server access logging (aws provider docs,
        // aws_s3_bucket_logging; checkov CKV_AWS_18; trivy AVD-AWS-0089)
        let mut logged = named("aws_s3_bucket_logging", "bucket");
        for (_, file) in m.module.files() {
            for b in file.body.blocks_of("resource") {
                if b.label(0) == Some("aws_s3_bucket") && b.body.block("logging").is_some() {
                    logged.push(Some(b.label(1).unwrap_or_default().to_string()));
                }
            }
        }
        unlogged(
            cx,
            tf,
            "aws_s3_bucket",
            &logged,
            "has no server access logging in its module: add aws_s3_bucket_logging { bucket = aws_s3_bucket.<name>.id, target_bucket = ... }",
            out,
        );
    }
}

/// The names of `kind` resources that the `key` attribute of `logger` resources of the module
/// reference (`aws_vpc.main.id` names `main`); `None` for a reference this rule cannot follow
/// (a variable, another module's output).
fn referenced(m: &TfModule<'_>, logger: &str, key: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for (_, file) in m.module.files() {
        for b in file.body.blocks_of("resource") {
            if b.label(0) != Some(logger) {
                continue;
            }
            let target = b.attr(key).and_then(|a| a.value.traversal_path());
            out.push(target.and_then(|p| {
                let (_kind, rest) = p.split_once('.')?;
                if !p.starts_with("aws_") {
                    return None;
                }
                Some(
                    rest.split(['.', '['])
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                )
            }));
        }
    }
    out
}

fn unlogged(
    cx: &Cx<'_>,
    tf: &TfFile,
    kind: &str,
    named: &[Option<String>],
    what: &str,
    out: &mut Vec<Finding>,
) {
    if named.iter().any(Option::is_none) {
        return; // one logger names something unknown: it may be any of these
    }
    for b in tf
        .body
        .blocks_of("resource")
        .filter(|b: &&Block| b.label(0) == Some(kind))
    {
        let Some(name) = b.label(1) else { continue };
        if named.iter().flatten().any(|n| n == name) {
            continue;
        }
        out.push(cx.finding(name_span(b), format!("{} {what}", b.address())));
    }
}

/// Google subnetworks that serve proxies or Private Service Connect cannot keep flow logs.
const NO_FLOW_LOG_PURPOSES: &[&str] = &[
    "INTERNAL_HTTPS_LOAD_BALANCER",
    "REGIONAL_MANAGED_PROXY",
    "GLOBAL_MANAGED_PROXY",
    "PRIVATE_SERVICE_CONNECT",
    "PRIVATE_NAT",
];

/// `google_compute_subnetwork` without a `log_config` block (google provider docs,
/// google_compute_subnetwork log_config; checkov CKV_GCP_26; trivy AVD-GCP-0029). A purpose
/// that is not a literal is unknown and not judged.
fn subnetwork_flow_logs(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    for b in tf.body.blocks_of("resource") {
        if b.label(0) != Some("google_compute_subnetwork") {
            continue;
        }
        if b.body.block("log_config").is_some()
            || b.attr("log_config").is_some()
            || b.body
                .blocks_of("dynamic")
                .any(|d| d.label(0) == Some("log_config"))
        {
            continue;
        }
        match b.attr("purpose").map(|a| a.value.as_str()) {
            None => {}
            Some(Some(p))
                if !NO_FLOW_LOG_PURPOSES
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(p)) => {}
            Some(_) => continue,
        }
        out.push(cx.finding(
            name_span(b),
            format!("{} keeps no VPC flow logs: add log_config {{ aggregation_interval = \"INTERVAL_5_SEC\", flow_sampling = 0.5 }}", b.address()),
        ));
    }
}
