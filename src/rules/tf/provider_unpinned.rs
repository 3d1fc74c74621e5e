//! tf/provider-unpinned: providers and modules that float to whatever is newest.

use std::collections::HashSet;

use super::{module, name_span};
use crate::api::{Cx, Finding, Fix, Opt, Rule};
use crate::rule;
use crate::rules::support::edit::{line_end, line_start, newline};
use crate::rules::support::providers;
use crate::source::terraform::{Attribute, Block, ExprKind, TfFile};

const REQUIRE_SHA: Opt<bool> = Opt::bool(
    "require-sha",
    false,
    "a git module source must pin ?ref= to a full commit sha (a tag can be moved)",
);

pub static RULE: Rule = rule!("tf/provider-unpinned")
    .summary("a Terraform provider or module without a version constraint or git ref")
    .packs(&["supply-chain"])
    .options(&[REQUIRE_SHA.decl])
    .security(5.3)
    .on_terraform(check);

/// Module source prefixes that are not the registry, and whether they need a `?ref=`.
/// Source: Terraform docs, "Module Sources"; tflint terraform_module_pinned_source;
/// checkov CKV_TF_1 / CKV_TF_2.
const SOURCES: &[(&str, bool)] = &[
    ("./", false),
    ("../", false),
    ("/", false),
    ("git::", true),
    ("git@", true),
    ("github.com/", true),
    ("bitbucket.org/", true),
    ("hg::", false),
    ("s3::", false),
    ("gcs::", false),
    ("http://", false),
    ("https://", false),
];

/// Refs that name a branch and so still float.
const BRANCHES: &[&str] = &["main", "master", "develop", "dev", "trunk", "head"];

fn check(cx: &Cx<'_>, tf: &TfFile, out: &mut Vec<Finding>) {
    if crate::source::terraform::is_tfvars(cx.rel()) {
        return;
    }
    // providers declared in required_providers anywhere in the module
    // (only needed, and only gathered, when this file configures a provider: a directory of
    // many files stays linear)
    let mut declared: HashSet<String> = HashSet::new();
    let configures_provider = tf.body.blocks_of("provider").next().is_some();
    if configures_provider {
        let m = module(cx, tf);
        for (_, f) in m.module.files() {
            for t in f.body.blocks_of("terraform") {
                for rp in t.body.blocks_of("required_providers") {
                    for a in &rp.body.attributes {
                        declared.insert(a.key.clone());
                    }
                }
            }
        }
    }
    for t in tf.body.blocks_of("terraform") {
        for rp in t.body.blocks_of("required_providers") {
            for a in &rp.body.attributes {
                let pinned = match &a.value.kind {
                    // legacy form: `aws = "~> 5.0"`
                    ExprKind::String(_) | ExprKind::Template { .. } => true,
                    ExprKind::Object(items) => items.iter().any(|(k, _)| k.name == "version"),
                    _ => true, // unknown
                };
                if !pinned {
                    let source = match &a.value.kind {
                        ExprKind::Object(items) => items
                            .iter()
                            .find(|(k, _)| k.name == "source")
                            .and_then(|(_, v)| v.as_str())
                            .map(|s| format!(" ({s})")),
                        _ => None,
                    }
                    .unwrap_or_default();
                    let f = cx.finding(
                        a.key_span,
                        format!(
                            "provider \"{}\"{source} has no version constraint: add version = \"~> X.Y\" with the major and minor version you tested",
                            a.key
                        ),
                    );
                    out.push(match version_fix(cx, a) {
                        Some(fix) => f.fix(fix),
                        None => f,
                    });
                }
            }
        }
    }
    for p in tf.body.blocks_of("provider") {
        let Some(name) = p.label(0) else { continue };
        if !declared.contains(name) && p.attr("version").is_none() {
            out.push(cx.finding(
                name_span(p),
                format!(
                    "provider \"{name}\" is not in required_providers, so any version is used: add it to terraform {{ required_providers {{ {name} = {{ source = \"...\", version = \"~> X.Y\" }} }} }}"
                ),
            ));
        }
    }
    for b in tf.body.blocks_of("module") {
        module_source(cx, b, out);
    }
}

fn module_source(cx: &Cx<'_>, b: &Block, out: &mut Vec<Finding>) {
    let Some(src) = b.attr("source") else { return };
    let Some(s) = src.value.as_str() else { return };
    let addr = b.address();
    match SOURCES.iter().find(|(p, _)| s.starts_with(p)) {
        Some((_, false)) => {}
        Some((_, true)) => {
            let git_ref = s
                .split_once('?')
                .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("ref=")));
            match git_ref {
                None => out.push(cx.finding(
                    src.value.span,
                    format!("{addr} takes the default branch of a git repository: add ?ref=<tag or commit sha> to its source"),
                )),
                Some(r) if BRANCHES.iter().any(|br| br.eq_ignore_ascii_case(r)) => {
                    out.push(cx.finding(
                        src.value.span,
                        format!("{addr} follows the branch \"{r}\": pin ?ref= to a tag or commit sha"),
                    ))
                }
                Some(r) => {
                    if let Some(why) = ref_problem(r, cx.opt(&REQUIRE_SHA)) {
                        out.push(cx.finding(
                            src.value.span,
                            format!("{addr} pins ?ref={r}, {why}"),
                        ));
                    }
                }
            }
        }
        None => {
            // a registry address: [host/]namespace/name/provider[//subdir]
            let path = s.split("//").next().unwrap_or(s);
            let parts = path.split('/').count();
            let host = path.split('/').next().is_some_and(|h| h.contains('.'));
            let registry = ((parts == 3 && !host) || (parts == 4 && host))
                && !s.contains("::")
                && !s.contains('?');
            if registry && b.attr("version").is_none() {
                out.push(cx.finding(
                    src.value.span,
                    format!("{addr} takes the newest version of registry module {s}: add version = \"~> X.Y\""),
                ));
            }
        }
    }
}

/// Why a git `?ref=` does not pin the module, if it does not: accepted are a full 40- (or
/// 64-) hex commit sha and, unless `require_sha`, a name that reads as a version tag
/// (`v1.2.3`, `1.4`, `release-2.0.1`). A name with no version number may be a branch; an
/// abbreviated sha can become ambiguous.
fn ref_problem(r: &str, require_sha: bool) -> Option<&'static str> {
    let hex = !r.is_empty() && r.bytes().all(|b| b.is_ascii_hexdigit());
    if hex && (r.len() == 40 || r.len() == 64) {
        return None;
    }
    if hex && r.len() >= 7 && r.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Some("an abbreviated commit sha: use the full 40-character sha");
    }
    // a version number after an optional prefix (`v`, `release-`, `modules/x/`), with an
    // optional suffix (`-rc1`)
    let core = r.trim_start_matches(|c: char| c.is_ascii_alphabetic() || "-_/".contains(c));
    let number: String = core
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let versionish = !number.is_empty()
        && number.split('.').all(|n| !n.is_empty())
        && (number.contains('.') || core.len() == number.len());
    if !versionish {
        return Some(
            "which reads as a branch, not a tag or commit: pin a version tag or a full commit sha",
        );
    }
    if require_sha {
        return Some("a tag, which can be moved: pin the full commit sha (require-sha is on)");
    }
    None
}

/// Add `version = "~> <major>.0"` to a `required_providers` entry: the major version the
/// module's `.terraform.lock.hcl` holds, else the newest one known (support/providers.rs).
/// Unsafe: it may hold the provider below a version the configuration needs, or on an old
/// major the lock file has moved past.
fn version_fix(cx: &Cx<'_>, a: &Attribute) -> Option<Fix> {
    let ExprKind::Object(items) = &a.value.kind else {
        return None;
    };
    let source = items
        .iter()
        .find(|(k, _)| k.name == "source")
        .and_then(|(_, v)| v.as_str())
        .map_or_else(|| format!("hashicorp/{}", a.key), str::to_string);
    let lock = cx
        .path()
        .parent()
        .and_then(|d| cx.project().read_text(&d.join(".terraform.lock.hcl")));
    let constraint = providers::constraint(lock.as_deref(), &source)?;
    let text = cx.text();
    let (first_key, _) = items.first()?;
    let (_, last) = items.last()?;
    let multiline = text
        .get(a.value.span.start..a.value.span.end)?
        .contains('\n');
    let fix = Fix::unsafe_(format!("pin {source} to {constraint}"));
    Some(if multiline {
        let key_at = first_key.span.start;
        let pad = " ".repeat(key_at - line_start(text, key_at));
        fix.insert(
            line_end(text, last.span.end),
            format!("{}{pad}version = \"{constraint}\"", newline(text)),
        )
    } else {
        fix.insert(last.span.end, format!(", version = \"{constraint}\""))
    })
}
