//! tf/public-endpoint: Kubernetes API endpoints open to the internet, instances with public
//! IPs, subnets that hand out public IPs.

use super::{name_span, resolve, with_origin};
use crate::api::{Cx, Finding, Rule, Severity};
use crate::project::TfModule;
use crate::rule;
use crate::source::terraform::{Attribute, Block, Resolved, TfFile, Value};

pub static RULE: Rule = rule!("tf/public-endpoint")
    .summary("a Terraform Kubernetes API endpoint open to 0.0.0.0/0, or an instance or subnet with public IPs")
    .packs(&["least-privilege"])
    .security(7.0)
    .on_terraform(check);

const OPEN: &[&str] = &["0.0.0.0/0", "::/0"];

// Sources (taken 2026-12-01):
// - aws_eks_cluster vpc_config: endpoint_public_access defaults to true, public_access_cidrs
//   to ["0.0.0.0/0"] (aws provider docs); checkov CKV_AWS_38, CKV_AWS_39; trivy AVD-AWS-0040,
//   AVD-AWS-0041.
// - google_container_cluster: without master_authorized_networks_config and a private
//   endpoint the control plane accepts any address (google provider docs); checkov CKV_GCP_20;
//   trivy AVD-GCP-0053.
// - azurerm_kubernetes_cluster: without authorized IP ranges or private_cluster_enabled the
//   API server is public (azurerm provider docs); checkov CKV_AZURE_6, CKV_AZURE_115.
// - aws_instance associate_public_ip_address, aws_launch_template network_interfaces
//   associate_public_ip_address, aws_subnet map_public_ip_on_launch (defaults false): checkov
//   CKV_AWS_88, CKV_AWS_130; trivy AVD-AWS-0009, AVD-AWS-0164.

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    super::per_instance(cx, tf, out, |m, out| check_in(cx, tf, m, out));
}

fn check_in(cx: &Cx<'_>, tf: &TfFile, m: &TfModule<'_>, out: &mut Vec<Finding>) {
    for block in tf.body.blocks_of("resource") {
        match block.label(0) {
            Some("aws_eks_cluster") => eks(cx, m, block, out),
            Some("google_container_cluster") => gke(cx, m, block, out),
            Some("azurerm_kubernetes_cluster") => aks(cx, m, block, out),
            Some("aws_instance") => {
                public_ip(cx, m, block, block, "associate_public_ip_address", out)
            }
            Some("aws_launch_template") => {
                for ni in block.body.blocks_of("network_interfaces") {
                    public_ip(cx, m, block, ni, "associate_public_ip_address", out);
                }
            }
            Some("aws_subnet") => public_ip(cx, m, block, block, "map_public_ip_on_launch", out),
            _ => {}
        }
    }
    // registry modules: terraform-aws-modules/eks and /vpc,
    // terraform-google-modules/kubernetes-engine, Azure/aks (see registry_modules.rs)
    super::on_stand_ins(tf, out, |block, out| match block.label(0) {
        Some("aws_eks_cluster") => eks(cx, m, block, out),
        Some("google_container_cluster") => gke(cx, m, block, out),
        Some("azurerm_kubernetes_cluster") => aks(cx, m, block, out),
        Some("aws_subnet") => public_ip(cx, m, block, block, "map_public_ip_on_launch", out),
        _ => {}
    });
}

/// A known value of `key` in `block`: `Some(None)` when the attribute is missing, `None`
/// when it is set to something unknown.
fn known<'b>(
    m: &TfModule<'_>,
    block: &'b Block,
    key: &str,
) -> Option<Option<(&'b Attribute, Resolved)>> {
    let Some(a) = block.attr(key) else {
        return Some(None);
    };
    let r = resolve(m, &a.value);
    match r.value() {
        None => None,
        Some(Value::Null) => Some(None),
        Some(_) => Some(Some((a, r))),
    }
}

fn generated(block: &Block, name: &str) -> bool {
    block
        .body
        .blocks_of("dynamic")
        .any(|d| d.label(0) == Some(name))
        || block.attr(name).is_some()
}

fn eks(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let addr = block.address();
    if generated(block, "vpc_config") {
        return;
    }
    let Some(vpc) = block.body.block("vpc_config") else {
        return;
    };
    let Some(public) = known(m, vpc, "endpoint_public_access") else {
        return;
    };
    let explicit = match &public {
        Some((_, r)) if r.as_bool() == Some(false) => return,
        // a registry module's default is placed on the call's name: a default, not written out
        Some((a, r)) if r.as_bool() == Some(true) => a.key_span != name_span(block),
        Some(_) => return,
        None => false,
    };
    let Some(cidrs) = known(m, vpc, "public_access_cidrs") else {
        return;
    };
    let open = match &cidrs {
        None => true,
        Some((_, r)) => match r.value() {
            Some(Value::List(l)) => l
                .iter()
                .filter_map(Value::as_str)
                .any(|s| OPEN.contains(&s)),
            _ => return,
        },
    };
    if !open {
        return;
    }
    let (span, how) = match (&public, &cidrs) {
        (_, Some((a, _))) => (
            a.value.span,
            "lets 0.0.0.0/0 reach its Kubernetes API endpoint",
        ),
        (Some((a, _)), None) => (
            a.value.span,
            "makes its Kubernetes API endpoint public and public_access_cidrs defaults to 0.0.0.0/0",
        ),
        (None, None) => (
            vpc.ident_span,
            "has a public Kubernetes API endpoint open to 0.0.0.0/0 (endpoint_public_access defaults to true)",
        ),
    };
    let f = cx
        .finding(
            span,
            format!("{addr} {how}: set endpoint_public_access = false (reach it through the VPC or a VPN), or list the networks that need it in public_access_cidrs"),
        )
        .severity(if explicit { Severity::Error } else { Severity::Warning });
    out.push(match &cidrs {
        Some((a, r)) => with_origin(f, m, &a.value, r, "the address range"),
        None => f,
    });
}

fn gke(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let addr = block.address();
    if generated(block, "master_authorized_networks_config")
        || generated(block, "private_cluster_config")
    {
        return;
    }
    if let Some(man) = block.body.block("master_authorized_networks_config") {
        if man.body.blocks_of("dynamic").next().is_some() {
            return;
        }
        for c in man.body.blocks_of("cidr_blocks") {
            let Some(a) = c.attr("cidr_block") else {
                continue;
            };
            let r = resolve(m, &a.value);
            if r.as_str().is_some_and(|s| OPEN.contains(&s)) {
                let f = cx
                    .finding(
                        a.value.span,
                        format!("{addr} authorizes 0.0.0.0/0 to reach its Kubernetes API endpoint: list only the networks that need it, or use a private endpoint"),
                    )
                    .severity(Severity::Error);
                out.push(with_origin(f, m, &a.value, &r, "the address range"));
            }
        }
        return;
    }
    if let Some(p) = block.body.block("private_cluster_config") {
        match known(m, p, "enable_private_endpoint") {
            None => return,
            Some(Some((_, r))) if r.as_bool() != Some(false) => return,
            _ => {}
        }
    }
    out.push(cx.finding(
        name_span(block),
        format!("{addr} has no master_authorized_networks_config, so any address can reach its Kubernetes API endpoint: add master_authorized_networks_config with the networks that need it, or enable_private_endpoint"),
    ));
}

fn aks(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let addr = block.address();
    match known(m, block, "private_cluster_enabled") {
        None => return,
        Some(Some((_, r))) if r.as_bool() != Some(false) => return,
        _ => {}
    }
    if generated(block, "api_server_access_profile") {
        return;
    }
    let ranges = block
        .body
        .block("api_server_access_profile")
        .and_then(|p| p.attr("authorized_ip_ranges"))
        .or_else(|| block.attr("api_server_authorized_ip_ranges"));
    if let Some(a) = ranges {
        let r = resolve(m, &a.value);
        let open = match r.value() {
            Some(Value::List(l)) => l
                .iter()
                .filter_map(Value::as_str)
                .any(|s| OPEN.contains(&s)),
            _ => false,
        };
        if open {
            let f = cx
                .finding(
                    a.value.span,
                    format!("{addr} authorizes 0.0.0.0/0 to reach its Kubernetes API server: list only the networks that need it, or set private_cluster_enabled = true"),
                )
                .severity(Severity::Error);
            out.push(with_origin(f, m, &a.value, &r, "the address range"));
        }
        return;
    }
    out.push(cx.finding(
        name_span(block),
        format!("{addr} has no authorized IP ranges and is not private, so any address can reach its Kubernetes API server: set api_server_access_profile {{ authorized_ip_ranges = [...] }} or private_cluster_enabled = true"),
    ));
}

fn public_ip(
    cx: &Cx<'_>,
    m: &TfModule<'_>,
    resource: &Block,
    block: &Block,
    key: &str,
    out: &mut Vec<Finding>,
) {
    let Some(a) = block.attr(key) else { return };
    let r = resolve(m, &a.value);
    if r.as_bool() != Some(true) {
        return;
    }
    let addr = resource.address();
    let what = if key == "map_public_ip_on_launch" {
        "gives every instance launched in it a public IP: set map_public_ip_on_launch = false and reach instances through a load balancer, NAT or SSM"
    } else {
        "gets a public IP: set associate_public_ip_address = false and put it behind a load balancer, or reach it through SSM Session Manager"
    };
    let f = cx.finding(a.value.span, format!("{addr} {what}"));
    out.push(with_origin(f, m, &a.value, &r, "the value"));
}
