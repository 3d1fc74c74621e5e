//! tf/imdsv1: EC2 instances and launch templates that still answer IMDSv1 requests.

use super::{name_span, resolve, with_origin};
use crate::api::{Cx, Finding, Rule, Severity};
use crate::project::TfModule;
use crate::rule;
use crate::source::terraform::TfFile;

pub static RULE: Rule = rule!("tf/imdsv1")
    .summary("a Terraform EC2 instance or launch template that allows IMDSv1 (no session tokens)")
    .packs(&["least-privilege"])
    .security(6.5)
    .on_terraform(check);

/// Resources with a `metadata_options` block. Sources (taken 2026-12-01): aws provider docs
/// for aws_instance, aws_launch_template, aws_launch_configuration (http_tokens defaults to
/// "optional" unless the AMI is registered with ImdsSupport v2.0); checkov CKV_AWS_79;
/// trivy AVD-AWS-0028, AVD-AWS-0130.
const RESOURCES: &[&str] = &[
    "aws_instance",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_spot_instance_request",
];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    super::per_instance(cx, tf, out, |m, out| check_in(cx, tf, m, out));
}

fn check_in(cx: &Cx<'_>, tf: &TfFile, m: &TfModule<'_>, out: &mut Vec<Finding>) {
    for block in tf.body.blocks_of("resource") {
        if !block.label(0).is_some_and(|k| RESOURCES.contains(&k)) {
            continue;
        }
        let addr = block.address();
        if block
            .body
            .blocks_of("dynamic")
            .any(|d| d.label(0) == Some("metadata_options"))
            || block.attr("metadata_options").is_some()
        {
            continue; // generated or attribute-syntax: unknown
        }
        let Some(opts) = block.body.block("metadata_options") else {
            out.push(
                cx.finding(
                    name_span(block),
                    format!("{addr} has no metadata_options, so IMDSv1 stays on unless the AMI requires v2: add metadata_options {{ http_tokens = \"required\" }}"),
                )
                .help("IMDSv2 session tokens stop SSRF and open proxies from reading the instance role's credentials"),
            );
            continue;
        };
        let disabled = opts
            .attr("http_endpoint")
            .map(|a| resolve(m, &a.value))
            .is_some_and(|r| {
                r.as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("disabled"))
            });
        if disabled {
            continue;
        }
        match opts.attr("http_tokens") {
            None => out.push(cx.finding(
                opts.ident_span,
                format!("{addr} sets metadata_options without http_tokens, which defaults to \"optional\" (IMDSv1 on): set http_tokens = \"required\""),
            )),
            Some(a) => {
                let r = resolve(m, &a.value);
                let Some(v) = r.as_str() else { continue };
                if v.eq_ignore_ascii_case("required") {
                    continue;
                }
                let f = cx
                    .finding(
                        a.value.span,
                        format!("{addr} sets http_tokens = {v:?}, which answers IMDSv1 requests: set http_tokens = \"required\""),
                    )
                    .severity(Severity::Error);
                out.push(with_origin(f, m, &a.value, &r, "the value"));
            }
        }
    }
}
