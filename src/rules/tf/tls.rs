//! tf/tls: Terraform resources that accept unencrypted traffic or TLS older than 1.2.

use super::{Check, Cond, Test, assignment, name_span, resolve, with_origin};
use crate::api::{Cx, Finding, Rule, Severity};
use crate::project::TfModule;
use crate::rule;
use crate::source::terraform::{Block, TfFile, Value};

pub static RULE: Rule = rule!("tf/tls")
    .summary("a Terraform resource that accepts plain-text traffic or TLS older than 1.2")
    .packs(&["tls"])
    .severity(Severity::Error)
    .security(7.4)
    .on_terraform(check);

/// Load balancer policies that still accept TLS 1.0 or 1.1.
const WEAK_ELB_POLICIES: &[&str] = &[
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-2015-05",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-FS-2018-06",
    "ELBSecurityPolicy-FS-1-1-2019-08",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "ELBSecurityPolicy-TLS13-1-1-2021-06",
    "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
];

/// The rule's table: one row per resource/attribute pair, with its source.
pub const CHECKS: &[Check] = &[
    // --- aws
    Check::new(
        &["aws_lb_listener", "aws_alb_listener"],
        &["ssl_policy"],
        Test::In(WEAK_ELB_POLICIES),
        "allows TLS 1.0/1.1",
        "use ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\"",
        "AWS ELB security policies; tfsec aws-elb-use-secure-tls-policy; checkov CKV_AWS_103",
    ),
    Check::new(
        &["aws_elasticache_replication_group"],
        &["transit_encryption_enabled"],
        Test::True,
        "does not encrypt traffic in transit",
        "set transit_encryption_enabled = true",
        "aws provider docs; tfsec aws-elasticache-enable-in-transit-encryption; checkov CKV_AWS_30",
    ),
    Check::new(
        &["aws_elasticache_cluster"],
        &["transit_encryption_enabled"],
        Test::True,
        "does not encrypt memcached traffic in transit",
        "set transit_encryption_enabled = true (memcached 1.6.12 or later)",
        "aws provider docs (transit_encryption_enabled, memcached only)",
    )
    .when(&[Cond::Is("engine", &["memcached"])]),
    Check::new(
        &["aws_cloudfront_distribution"],
        &["default_cache_behavior", "viewer_protocol_policy"],
        Test::In(&["allow-all"]),
        "serves viewers over plain HTTP",
        "set viewer_protocol_policy = \"redirect-to-https\"",
        "aws provider docs; tfsec aws-cloudfront-enforce-https; checkov CKV_AWS_34",
    ),
    Check::new(
        &["aws_cloudfront_distribution"],
        &["ordered_cache_behavior", "viewer_protocol_policy"],
        Test::In(&["allow-all"]),
        "serves viewers over plain HTTP",
        "set viewer_protocol_policy = \"redirect-to-https\"",
        "aws provider docs; tfsec aws-cloudfront-enforce-https; checkov CKV_AWS_34",
    ),
    Check::new(
        &["aws_cloudfront_distribution"],
        &["viewer_certificate", "minimum_protocol_version"],
        Test::In(&["SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"]),
        "allows TLS below 1.2",
        "set minimum_protocol_version = \"TLSv1.2_2021\"",
        "aws provider docs; tfsec aws-cloudfront-use-secure-tls-policy; checkov CKV_AWS_174",
    ),
    Check::new(
        &["aws_api_gateway_domain_name"],
        &["security_policy"],
        Test::In(&["TLS_1_0"]),
        "allows TLS 1.0",
        "set security_policy = \"TLS_1_2\"",
        "aws provider docs; tfsec aws-api-gateway-use-secure-tls-policy; checkov CKV_AWS_206",
    ),
    Check::new(
        &["aws_msk_cluster"],
        &["encryption_info", "encryption_in_transit", "client_broker"],
        Test::In(&["PLAINTEXT", "TLS_PLAINTEXT"]),
        "lets clients connect without TLS",
        "set client_broker = \"TLS\"",
        "aws provider docs; tfsec aws-msk-enable-in-transit-encryption; checkov CKV_AWS_81",
    ),
    Check::new(
        &["aws_msk_cluster"],
        &["encryption_info", "encryption_in_transit", "in_cluster"],
        Test::NotFalse,
        "sends broker-to-broker traffic in plain text",
        "set in_cluster = true",
        "aws provider docs; checkov CKV_AWS_81",
    ),
    Check::new(
        &["aws_opensearch_domain", "aws_elasticsearch_domain"],
        &["domain_endpoint_options", "enforce_https"],
        Test::NotFalse,
        "accepts plain HTTP",
        "set enforce_https = true",
        "aws provider docs; tfsec aws-elastic-search-enforce-https; checkov CKV_AWS_83",
    ),
    Check::new(
        &["aws_opensearch_domain", "aws_elasticsearch_domain"],
        &["domain_endpoint_options", "tls_security_policy"],
        Test::In(&["Policy-Min-TLS-1-0-2019-07"]),
        "allows TLS below 1.2",
        "set tls_security_policy = \"Policy-Min-TLS-1-2-2019-07\"",
        "aws provider docs; tfsec aws-elastic-search-use-secure-tls-policy; checkov CKV_AWS_228",
    ),
    Check::new(
        &["aws_opensearch_domain", "aws_elasticsearch_domain"],
        &["node_to_node_encryption", "enabled"],
        Test::True,
        "does not encrypt traffic between nodes",
        "add node_to_node_encryption { enabled = true }",
        "aws provider docs; tfsec aws-elastic-search-enable-in-transit-encryption; checkov CKV_AWS_6",
    ),
    Check::new(
        &["aws_memorydb_cluster"],
        &["tls_enabled"],
        Test::NotFalse,
        "does not encrypt traffic in transit",
        "set tls_enabled = true",
        "aws provider docs; checkov CKV_AWS_202",
    ),
    // --- azurerm
    Check::new(
        &["azurerm_storage_account"],
        &["min_tls_version"],
        Test::In(&["TLS1_0", "TLS1_1"]),
        "allows TLS below 1.2",
        "set min_tls_version = \"TLS1_2\"",
        "azurerm provider docs; tfsec azure-storage-use-secure-tls-policy; checkov CKV_AZURE_44",
    ),
    Check::new(
        &["azurerm_storage_account"],
        &["https_traffic_only_enabled"],
        Test::NotFalse,
        "accepts plain HTTP",
        "set https_traffic_only_enabled = true",
        "azurerm provider docs; tfsec azure-storage-enforce-https; checkov CKV_AZURE_3",
    ),
    Check::new(
        &["azurerm_storage_account"],
        &["enable_https_traffic_only"],
        Test::NotFalse,
        "accepts plain HTTP",
        "set enable_https_traffic_only = true",
        "azurerm provider docs (3.x name); tfsec azure-storage-enforce-https; checkov CKV_AZURE_3",
    ),
    Check::new(
        &["azurerm_redis_cache"],
        &["non_ssl_port_enabled"],
        Test::NotTrue,
        "opens the plain-text port 6379",
        "set non_ssl_port_enabled = false",
        "azurerm provider docs; tfsec azure-cache-enable-ssl; checkov CKV_AZURE_91",
    ),
    Check::new(
        &["azurerm_redis_cache"],
        &["enable_non_ssl_port"],
        Test::NotTrue,
        "opens the plain-text port 6379",
        "set enable_non_ssl_port = false",
        "azurerm provider docs (3.x name); checkov CKV_AZURE_91",
    ),
    Check::new(
        &["azurerm_redis_cache"],
        &["minimum_tls_version"],
        Test::In(&["1.0", "1.1"]),
        "allows TLS below 1.2",
        "set minimum_tls_version = \"1.2\"",
        "azurerm provider docs; checkov CKV_AZURE_148",
    ),
    Check::new(
        &["azurerm_mssql_server"],
        &["minimum_tls_version"],
        Test::In(&["1.0", "1.1", "Disabled"]),
        "allows TLS below 1.2",
        "set minimum_tls_version = \"1.2\"",
        "azurerm provider docs; tfsec azure-database-secure-tls-policy; checkov CKV_AZURE_52",
    ),
    Check::new(
        &["azurerm_postgresql_server", "azurerm_mysql_server"],
        &["ssl_enforcement_enabled"],
        Test::NotFalse,
        "accepts connections without TLS",
        "set ssl_enforcement_enabled = true",
        "azurerm provider docs; tfsec azure-database-enable-ssl-enforcement; checkov CKV_AZURE_28, CKV_AZURE_29",
    ),
    Check::new(
        &["azurerm_postgresql_server", "azurerm_mysql_server"],
        &["ssl_minimal_tls_version_enforced"],
        Test::In(&["TLS1_0", "TLS1_1", "TLSEnforcementDisabled"]),
        "allows TLS below 1.2",
        "set ssl_minimal_tls_version_enforced = \"TLS1_2\"",
        "azurerm provider docs; tfsec azure-database-secure-tls-policy; checkov CKV_AZURE_147",
    ),
    Check::new(
        &[
            "azurerm_app_service",
            "azurerm_linux_web_app",
            "azurerm_windows_web_app",
            "azurerm_function_app",
            "azurerm_linux_function_app",
            "azurerm_windows_function_app",
        ],
        &["https_only"],
        Test::True,
        "accepts plain HTTP",
        "set https_only = true",
        "azurerm provider docs (default false); tfsec azure-appservice-enforce-https; checkov CKV_AZURE_14",
    ),
    // --- google
    Check::new(
        &["google_compute_ssl_policy"],
        &["min_tls_version"],
        Test::MissingOrIn(&["TLS_1_0", "TLS_1_1"]),
        "allows TLS below 1.2 (the default is TLS_1_0)",
        "set min_tls_version = \"TLS_1_2\"",
        "google provider docs; tfsec google-compute-use-secure-tls-policy",
    ),
    Check::new(
        &["google_redis_instance"],
        &["transit_encryption_mode"],
        Test::Equals("SERVER_AUTHENTICATION"),
        "does not encrypt traffic in transit (the default is DISABLED)",
        "set transit_encryption_mode = \"SERVER_AUTHENTICATION\"",
        "google provider docs; checkov CKV_GCP_97",
    ),
    // --- upstash and redis-style flags
    Check::new(
        &["upstash_redis_database"],
        &["tls"],
        Test::NotFalse,
        "turns TLS off",
        "set tls = true",
        "upstash provider docs",
    ),
];

/// Top-level flags that switch TLS off when false, on resources the table does not cover.
const TLS_FLAGS: &[&str] = &[
    "tls",
    "tls_enabled",
    "enable_tls",
    "ssl",
    "ssl_enabled",
    "enable_ssl",
    "use_ssl",
    "require_ssl",
    "ssl_required",
];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    super::run(cx, tf, CHECKS, 0, out);
    super::per_instance(cx, tf, out, |m, out| check_in(cx, tf, m, out));
}

fn check_in(cx: &Cx<'_>, tf: &TfFile, m: &TfModule<'_>, out: &mut Vec<Finding>) {
    for block in tf.body.blocks_of("resource") {
        let Some(kind) = block.label(0) else { continue };
        match kind {
            "aws_lb_listener" | "aws_alb_listener" => http_listener(cx, m, block, out),
            "aws_elasticache_cluster" => redis_cluster(cx, m, block, out),
            "google_sql_database_instance" => cloud_sql(cx, m, block, out),
            _ => {}
        }
        if !CHECKS.iter().any(|c| c.resources.contains(&kind)) {
            flags(cx, m, block, out);
        }
    }
}

/// A known string value of a top-level attribute.
fn known_str(m: &TfModule<'_>, block: &Block, key: &str) -> Option<String> {
    let a = block.attr(key)?;
    resolve(m, &a.value).as_str().map(str::to_string)
}

/// `protocol = "HTTP"` without a redirect to HTTPS as its default action.
fn http_listener(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let Some(a) = block.attr("protocol") else {
        default_http_listener(cx, m, block, out);
        return;
    };
    let resolved = resolve(m, &a.value);
    if !resolved
        .as_str()
        .is_some_and(|p| p.eq_ignore_ascii_case("HTTP"))
    {
        return;
    }
    if block.body.blocks_of("dynamic").next().is_some() {
        return;
    }
    let mut actions = block.body.blocks_of("default_action").peekable();
    if actions.peek().is_none() {
        return;
    }
    for action in actions {
        let Some(t) = action.attr("type") else { return };
        match resolve(m, &t.value).as_str() {
            None => return,
            Some(t) if t.eq_ignore_ascii_case("redirect") => {
                let Some(r) = action.body.block("redirect") else {
                    return;
                };
                match r.attr("protocol") {
                    None => return, // keeps the request's protocol: HTTP -> HTTP, a loop
                    Some(p) => match resolve(m, &p.value).as_str() {
                        None => return,
                        Some(p) if p.eq_ignore_ascii_case("HTTPS") => return,
                        Some(_) => {}
                    },
                }
            }
            Some(_) => {}
        }
    }
    let addr = block.address();
    let f = cx.finding(
        a.value.span,
        format!(
            "{addr} serves plain HTTP without redirecting to HTTPS: use protocol = \"HTTPS\" with a certificate, or a default_action of type \"redirect\" with redirect {{ protocol = \"HTTPS\", port = \"443\", status_code = \"HTTP_301\" }}"
        ),
    );
    out.push(with_origin(f, m, &a.value, &resolved, "the protocol"));
}

/// A listener without `protocol` on an application load balancer serves HTTP: the aws provider
/// docs for aws_lb_listener say protocol defaults to HTTP for an ALB (a network load balancer
/// requires it). The load balancer is found through `load_balancer_arn = aws_lb.<name>.arn`
/// among the module's files, and its `load_balancer_type` defaults to "application" (aws
/// provider docs, aws_lb). Sources taken 2026-12-01; checkov CKV_AWS_2, trivy AVD-AWS-0054.
fn default_http_listener(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let Some(arn) = block
        .attr("load_balancer_arn")
        .and_then(|a| a.value.traversal_path())
    else {
        return;
    };
    let Some((kind, name)) = arn
        .strip_suffix(".arn")
        .or_else(|| arn.strip_suffix(".id"))
        .and_then(|p| p.split_once('.'))
    else {
        return;
    };
    if !matches!(kind, "aws_lb" | "aws_alb") || name.contains(['.', '[']) {
        return;
    }
    if block.body.blocks_of("dynamic").next().is_some() {
        return;
    }
    // a redirect to HTTPS is the point of an HTTP listener
    for action in block.body.blocks_of("default_action") {
        match action.attr("type").map(|t| resolve(m, &t.value)) {
            Some(r)
                if r.as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case("redirect")) =>
            {
                return;
            }
            Some(r) if !r.is_known() => return,
            _ => {}
        }
    }
    let Some((file, lb)) = m.module.files().find_map(|(id, f)| {
        f.body
            .blocks_of("resource")
            .find(|b| b.label(0) == Some(kind) && b.label(1) == Some(name))
            .map(|b| (id, b))
    }) else {
        return;
    };
    if let Some(t) = lb.attr("load_balancer_type") {
        let lb_module = TfModule {
            module: std::borrow::Cow::Borrowed(&*m.module),
            files: std::borrow::Cow::Borrowed(&*m.files),
            this: file,
            caller: m.caller,
        };
        match resolve(&lb_module, &t.value).as_str() {
            Some(t) if t.eq_ignore_ascii_case("application") => {}
            _ => return,
        }
    }
    let addr = block.address();
    let f = cx.finding(
        name_span(block),
        format!(
            "{addr} has no protocol, so it serves plain HTTP on the application load balancer {kind}.{name}: set protocol = \"HTTPS\" with a certificate, or a default_action of type \"redirect\" to HTTPS"
        ),
    );
    let label = format!("the application load balancer {kind}.{name}");
    let f = if file == m.this {
        f.related(name_span(lb), label)
    } else if let Some(other) = m.files.get(file) {
        f.related_in(other.src.path.clone(), name_span(lb), label)
    } else {
        f
    };
    out.push(f);
}

/// Redis on `aws_elasticache_cluster` cannot encrypt in transit: it needs a replication group.
fn redis_cluster(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    if block.attr("replication_group_id").is_some() {
        return; // a member of a replication group: the group decides
    }
    let Some(engine) = known_str(m, block, "engine") else {
        return;
    };
    if !engine.eq_ignore_ascii_case("redis") && !engine.eq_ignore_ascii_case("valkey") {
        return;
    }
    let addr = block.address();
    out.push(cx.finding(
        name_span(block),
        format!(
            "{addr} runs {engine} without encryption in transit (aws_elasticache_cluster cannot enable it for {engine}): use aws_elasticache_replication_group with transit_encryption_enabled = true"
        ),
    ));
}

/// `google_sql_database_instance` must require SSL: `ssl_mode` `ENCRYPTED_ONLY` or
/// `TRUSTED_CLIENT_CERTIFICATE_REQUIRED`, or (older providers) `require_ssl = true`.
fn cloud_sql(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    let addr = block.address();
    let fix = "set settings { ip_configuration { ssl_mode = \"ENCRYPTED_ONLY\" } }";
    let Some(settings) = block.body.block("settings") else {
        if block.body.blocks_of("dynamic").next().is_none() && block.attr("settings").is_none() {
            out.push(cx.finding(
                name_span(block),
                format!("{addr} accepts connections without SSL: {fix}"),
            ));
        }
        return;
    };
    if settings.body.blocks_of("dynamic").next().is_some() {
        return;
    }
    let Some(ip) = settings.body.block("ip_configuration") else {
        out.push(cx.finding(
            settings.ident_span,
            format!("{addr} accepts connections without SSL: {fix}"),
        ));
        return;
    };
    let mode = ip.attr("ssl_mode");
    let require = ip.attr("require_ssl");
    let mut unknown = false;
    let mut bad: Option<(
        &crate::source::terraform::Attribute,
        crate::source::terraform::Resolved,
    )> = None;
    for a in [mode, require].into_iter().flatten() {
        let r = resolve(m, &a.value);
        let ok = match (a.key.as_str(), r.value()) {
            (_, None) => {
                unknown = true;
                false
            }
            ("ssl_mode", Some(v)) => v.as_str().is_some_and(|s| {
                s.eq_ignore_ascii_case("ENCRYPTED_ONLY")
                    || s.eq_ignore_ascii_case("TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
            }),
            (_, Some(v)) => v.as_bool() == Some(true),
        };
        if ok {
            return;
        }
        if bad.is_none() && r.is_known() {
            bad = Some((a, r));
        }
    }
    if unknown {
        return;
    }
    match bad {
        Some((a, r)) => {
            let Some(v) = r.value() else { return };
            let f = cx.finding(
                a.value.span,
                format!(
                    "{addr} sets {} and accepts connections without SSL: set ssl_mode = \"ENCRYPTED_ONLY\"",
                    assignment(cx, &a.key, &a.value, v)
                ),
            );
            out.push(with_origin(f, m, &a.value, &r, "the value"));
        }
        None => out.push(cx.finding(
            ip.ident_span,
            format!(
                "{addr} accepts connections without SSL: set ssl_mode = \"ENCRYPTED_ONLY\" in ip_configuration"
            ),
        )),
    }
}

/// `tls = false`-style flags on resources the table does not cover.
fn flags(cx: &Cx<'_>, m: &TfModule<'_>, block: &Block, out: &mut Vec<Finding>) {
    for a in &block.body.attributes {
        if !TLS_FLAGS.contains(&a.key.as_str()) {
            continue;
        }
        let r = resolve(m, &a.value);
        let Some(v) = r.value() else { continue };
        if !matches!(v, Value::Bool(false)) && v.as_bool() != Some(false) {
            continue;
        }
        let f = cx.finding(
            a.value.span,
            format!(
                "{} sets {} and turns TLS off: set {} = true",
                block.address(),
                assignment(cx, &a.key, &a.value, v),
                a.key
            ),
        );
        out.push(with_origin(f, m, &a.value, &r, "the value"));
    }
}
