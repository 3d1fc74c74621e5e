//! Terraform rules, and the small table engine they share: a rule lists `Check` rows (one per
//! resource/attribute pair, each with its source) and [`run`] walks the resources of the file,
//! resolves values through the module (variable defaults, locals) and reports.
//!
//! Unknown values (function calls, resource attributes, variables without default, unknown
//! conditionals) never produce a finding.

pub mod audit_logging;
pub mod backups;
pub mod encryption_at_rest;
pub mod iam_wildcard;
pub mod imdsv1;
pub mod kms_key_rotation;
pub mod module_defaults;
pub mod plaintext_secret;
pub mod provider_unpinned;
pub mod public_access;
pub mod public_endpoint;
pub mod registry_modules;
pub mod tls;

use crate::api::{Cx, Finding, Severity};
use crate::project::{CALLER_ORIGIN, TfModule};
use crate::source::Span;
use crate::source::terraform::{Block, Expr, Module, Resolved, TfFile, Value};

/// What an attribute must (not) be.
#[derive(Debug, Clone, Copy)]
pub enum Test {
    /// Must be `true`; missing is a finding.
    True,
    /// An explicit `false` is a finding (the default is safe).
    NotFalse,
    /// An explicit `true` is a finding (the default is safe).
    NotTrue,
    /// Must equal this string (case-insensitive); missing is a finding.
    Equals(&'static str),
    /// An explicit string in this list (case-insensitive) is a finding.
    In(&'static [&'static str]),
    /// Missing (the default is in the list) or an explicit string in the list is a finding.
    MissingOrIn(&'static [&'static str]),
    /// Must be set to something other than null.
    Set,
    /// A number of days at least the rule's minimum; when missing, the provider default applies.
    MinDays { default: i64 },
    /// Must not be `false`; missing is a finding only where the module requires a major of
    /// the AWS provider before this one (whose default was `false`), silent where the
    /// version is unknown.
    TrueBeforeAws(u32),
    /// Must not be `true`; missing is a finding only where the module requires a major of the
    /// AWS provider before this one (whose default was `true`).
    NotTrueBeforeAws(u32),
}

/// The major of the AWS provider the module's `required_providers` allow, when they name one
/// (`aws = { version = "~> 5.0" }`, or the legacy `aws = "~> 5.0"`).
pub fn aws_provider_major(m: &TfModule<'_>) -> Option<u32> {
    let mut found = None;
    for (_, file) in m.module.files() {
        for t in file.body.blocks_of("terraform") {
            for rp in t.body.blocks_of("required_providers") {
                let Some(aws) = rp.attr("aws") else { continue };
                let version = match &aws.value.kind {
                    crate::source::terraform::ExprKind::Object(fields) => fields
                        .iter()
                        .find(|(k, _)| k.name == "version")
                        .and_then(|(_, v)| v.as_str()),
                    _ => aws.value.as_str(),
                };
                let major = registry_modules::major(version?)?;
                if found.is_some_and(|f| f != major) {
                    return None;
                }
                found = Some(major);
            }
        }
    }
    found
}

/// A precondition on a top-level attribute of the resource. Unknown values make the check skip.
#[derive(Debug, Clone, Copy)]
pub enum Cond {
    /// The attribute is one of these strings (case-insensitive).
    Is(&'static str, &'static [&'static str]),
    /// The attribute is missing or not one of these strings.
    IsNot(&'static str, &'static [&'static str]),
    /// The attribute does not start with this prefix (missing counts as not).
    NotPrefix(&'static str, &'static str),
    /// The attribute is absent or null.
    Unset(&'static str),
}

/// Whether a missing nested block counts as a missing attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// The attribute's absence anywhere on the path is a finding.
    Resource,
    /// Only checked inside nested blocks that exist.
    Block,
}

/// One resource/attribute pair of a rule's table.
#[derive(Debug)]
pub struct Check {
    pub resources: &'static [&'static str],
    /// Nested block types, then the attribute.
    pub path: &'static [&'static str],
    pub test: Test,
    pub when: &'static [Cond],
    pub presence: Presence,
    /// What is wrong, after the address: "does not encrypt traffic in transit".
    pub what: &'static str,
    /// The exact fix: "set transit_encryption_enabled = true".
    pub fix: &'static str,
    /// A severity other than the rule's.
    pub severity: Option<Severity>,
    /// Provider docs and peer check ids.
    pub source: &'static str,
}

impl Check {
    /// A row with the common defaults: no precondition, missing blocks count, rule severity.
    pub const fn new(
        resources: &'static [&'static str],
        path: &'static [&'static str],
        test: Test,
        what: &'static str,
        fix: &'static str,
        source: &'static str,
    ) -> Check {
        Check {
            resources,
            path,
            test,
            when: &[],
            presence: Presence::Resource,
            what,
            fix,
            severity: None,
            source,
        }
    }
    pub const fn when(mut self, when: &'static [Cond]) -> Check {
        self.when = when;
        self
    }
    pub const fn in_blocks(mut self) -> Check {
        self.presence = Presence::Block;
        self
    }
    pub const fn severity(mut self, severity: Severity) -> Check {
        self.severity = Some(severity);
        self
    }
}

/// The module of the checked file; a one-file module when the file stands alone (stdin).
pub fn module<'a>(cx: &Cx<'a>, tf: &'a TfFile) -> TfModule<'a> {
    if let Some(m) = cx.tf_module() {
        return m;
    }
    TfModule {
        module: std::borrow::Cow::Owned(Module::new(&[(0, tf)])),
        files: vec![cx.file()].into(),
        this: 0,
        caller: None,
    }
}

/// The module of the checked file as each local caller instantiates it (the caller's
/// arguments substituted for `var.*`), or the module alone when nothing in the check calls
/// it; a one-file module when the file stands alone.
pub fn instances<'a>(cx: &Cx<'a>, tf: &'a TfFile) -> Vec<TfModule<'a>> {
    let list = cx.tf_instances();
    if list.is_empty() {
        vec![module(cx, tf)]
    } else {
        list
    }
}

/// Run `judge` once per instance of the checked file's module and merge: a place judged bad
/// under several callers is one finding (the first caller's message, by caller path) with
/// every caller's argument as a related place; a place bad under none is silent. So a module
/// called with `encrypted = true` by one caller and `false` by another gets one finding,
/// pointing at the second caller's argument, never a finding and its contradiction.
pub fn per_instance<'a>(
    cx: &Cx<'a>,
    tf: &'a TfFile,
    out: &mut Vec<Finding>,
    mut judge: impl FnMut(&TfModule<'a>, &mut Vec<Finding>),
) {
    let list = instances(cx, tf);
    if let [one] = list.as_slice() {
        judge(one, out);
        return;
    }
    let mut merged: Vec<Finding> = Vec::new();
    for m in &list {
        let mut found = Vec::new();
        judge(m, &mut found);
        for f in found {
            match merged.iter_mut().find(|g| g.span == f.span) {
                Some(g) => {
                    for r in f.related {
                        if !g.related.contains(&r) {
                            g.related.push(r);
                        }
                    }
                }
                None => merged.push(f),
            }
        }
    }
    out.extend(merged);
}

/// Resolve an expression of the checked file. A variable that a `terraform.tfvars` or
/// `*.auto.tfvars` file of the module sets takes that file's value, as in Terraform.
pub fn resolve(m: &TfModule<'_>, expr: &Expr) -> Resolved {
    match m.module.resolve(m.this, expr) {
        Resolved::Known {
            value: Value::Null, ..
        } => Resolved::Known {
            value: Value::Null,
            origin: None,
        },
        r => r,
    }
}

/// The resource's name label: where a missing attribute is reported.
pub fn name_span(block: &Block) -> Span {
    block
        .labels
        .get(1)
        .or_else(|| block.labels.first())
        .map_or(block.ident_span, |l| l.1)
}

/// How a value reads in a message: `false`, `"TLS1_0"`.
pub fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 1e15 {
                format!("{}", *n as i64)
            } else {
                n.to_string()
            }
        }
        Value::String(s) => format!("{s:?}"),
        Value::List(_) => "a list".into(),
        Value::Map(_) => "a map".into(),
    }
}

/// `key = value` as a message shows it: `tls = false`, or `tls = var.enable_tls (false)` when
/// the value came from elsewhere.
pub fn assignment(cx: &Cx<'_>, key: &str, expr: &Expr, v: &Value) -> String {
    if expr.is_literal() {
        format!("{key} = {}", show(v))
    } else {
        let text: String = expr
            .span
            .text(cx.text())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        format!("{key} = {text} ({})", show(v))
    }
}

/// Add the place a value came from (a variable's default, a local) as a related location,
/// unless it is the expression itself.
pub fn with_origin(
    f: Finding,
    m: &TfModule<'_>,
    expr: &Expr,
    resolved: &Resolved,
    label: &str,
) -> Finding {
    let Some((file, span)) = resolved.origin() else {
        return f;
    };
    if file == CALLER_ORIGIN {
        let Some(caller) = m.caller else { return f };
        let given = expr
            .var_ref()
            .map_or(String::new(), |v| format!(" as var.{v}"));
        return f.related_in(
            caller.path.clone(),
            span,
            match &caller.via {
                Some(via) => format!(
                    "{label}: module.{} passes it{given}, as {via} instantiates it",
                    caller.name
                ),
                None => format!("{label}: module.{} passes it{given}", caller.name),
            },
        );
    }
    if file == m.this && span == expr.span {
        return f;
    }
    let from_tfvars = m
        .files
        .get(file)
        .filter(|f| crate::source::terraform::is_tfvars(&f.src.rel))
        .map(|f| {
            f.src
                .rel
                .rsplit('/')
                .next()
                .unwrap_or(&f.src.rel)
                .to_string()
        });
    let label = match (expr.var_ref(), expr.local_ref(), from_tfvars) {
        (Some(v), _, Some(tfvars)) => format!("{label}: var.{v} as {tfvars} sets it"),
        (Some(v), _, None) => format!("{label}: the default of var.{v}"),
        (_, Some(l), _) => format!("{label}: local.{l}"),
        _ => label.to_string(),
    };
    if file == m.this {
        f.related(span, label)
    } else if let Some(other) = m.files.get(file) {
        f.related_in(other.src.path.clone(), span, label)
    } else {
        f
    }
}

/// The row's fix, with `{min}` standing for the rule's minimum.
fn fix(c: &Check, min_days: i64) -> String {
    c.fix.replace("{min}", &min_days.to_string())
}

fn eq_any(s: &str, list: &[&str]) -> bool {
    list.iter().any(|l| l.eq_ignore_ascii_case(s))
}

/// Whether all preconditions hold; `None` when one is unknown.
fn conditions(m: &TfModule<'_>, block: &Block, when: &[Cond]) -> Option<bool> {
    for c in when {
        let key = match c {
            Cond::Is(k, _) | Cond::IsNot(k, _) | Cond::NotPrefix(k, _) | Cond::Unset(k) => *k,
        };
        let value = match block.attr(key) {
            None => None,
            Some(a) => match resolve(m, &a.value) {
                Resolved::Known {
                    value: Value::Null, ..
                } => None,
                Resolved::Known { value, .. } => Some(value),
                // a reference to something: it is set, its value unknown
                Resolved::Unknown if matches!(c, Cond::Unset(_)) => return Some(false),
                Resolved::Unknown => return None,
            },
        };
        let holds = match (c, &value) {
            (Cond::Unset(_), v) => v.is_none(),
            (Cond::Is(_, list), Some(v)) => eq_any(v.as_str()?, list),
            (Cond::Is(..), None) => false,
            (Cond::IsNot(_, list), Some(v)) => !eq_any(v.as_str()?, list),
            (Cond::NotPrefix(_, p), Some(v)) => !v.as_str()?.to_ascii_lowercase().starts_with(p),
            (Cond::IsNot(..) | Cond::NotPrefix(..), None) => true,
        };
        if !holds {
            return Some(false);
        }
    }
    Some(true)
}

/// Run a rule's table over the resources of the checked file.
pub fn run<'a>(
    cx: &Cx<'a>,
    tf: &'a TfFile,
    checks: &[Check],
    min_days: i64,
    out: &mut Vec<Finding>,
) {
    per_instance(cx, tf, out, |m, out| {
        for block in tf.body.blocks_of("resource") {
            run_block(cx, m, block, checks, min_days, out);
        }
        for call in tf.body.blocks_of("module") {
            for stand_in in registry_modules::stand_ins(call) {
                // only the places the table knows the module passes its inputs to
                let judged: Vec<&Check> = checks
                    .iter()
                    .filter(|c| stand_in.module.inputs.iter().any(|i| i.path == c.path))
                    .collect();
                let start = out.len();
                run_checks(cx, m, &stand_in.block, &judged, min_days, out);
                for f in &mut out[start..] {
                    f.message = stand_in.reword(&f.message, f.span);
                }
            }
        }
    });
}

/// Run `judge` on each resource that a well-known registry module called by the file stands
/// for (see [`registry_modules`]), its findings said of the module call.
pub fn on_stand_ins(
    tf: &TfFile,
    out: &mut Vec<Finding>,
    mut judge: impl FnMut(&Block, &mut Vec<Finding>),
) {
    for call in tf.body.blocks_of("module") {
        for stand_in in registry_modules::stand_ins(call) {
            let start = out.len();
            judge(&stand_in.block, out);
            for f in &mut out[start..] {
                f.message = stand_in.reword(&f.message, f.span);
            }
        }
    }
}

/// Run a rule's table over one resource block (a real one, or one a registry module stands
/// for).
pub fn run_block(
    cx: &Cx<'_>,
    m: &TfModule<'_>,
    block: &Block,
    checks: &[Check],
    min_days: i64,
    out: &mut Vec<Finding>,
) {
    let all: Vec<&Check> = checks.iter().collect();
    run_checks(cx, m, block, &all, min_days, out);
}

fn run_checks(
    cx: &Cx<'_>,
    m: &TfModule<'_>,
    block: &Block,
    checks: &[&Check],
    min_days: i64,
    out: &mut Vec<Finding>,
) {
    let Some(kind) = block.label(0) else { return };
    for c in checks.iter().filter(|c| c.resources.contains(&kind)) {
        if conditions(m, block, c.when) != Some(true) {
            continue;
        }
        check_path(cx, m, block, block, c.path, c, min_days, out);
    }
}

/// What a missing attribute means: the finding's text after the address, or `None` when
/// the default is safe or unknown.
fn missing(m: &TfModule<'_>, c: &Check, min_days: i64) -> Option<String> {
    let plain = || format!("{}: {}", c.what, fix(c, min_days));
    match c.test {
        Test::True | Test::Equals(_) | Test::MissingOrIn(_) | Test::Set => Some(plain()),
        Test::MinDays { default } => (default < min_days).then(plain),
        Test::NotFalse | Test::NotTrue | Test::In(_) => None,
        Test::TrueBeforeAws(major) | Test::NotTrueBeforeAws(major) => {
            let pinned = aws_provider_major(m).filter(|p| *p < major)?;
            let attr = c.path.last().copied().unwrap_or_default();
            let default = matches!(c.test, Test::NotTrueBeforeAws(_));
            Some(format!(
                "{} ({attr} defaults to {default} before AWS provider v{major}, and the module requires v{pinned}): {}",
                c.what,
                fix(c, min_days)
            ))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_path(
    cx: &Cx<'_>,
    m: &TfModule<'_>,
    resource: &Block,
    here: &Block,
    path: &[&str],
    c: &Check,
    min_days: i64,
    out: &mut Vec<Finding>,
) {
    let addr = resource.address();
    let missing_span = if std::ptr::eq(resource, here) {
        name_span(resource)
    } else {
        here.ident_span
    };
    let finding = |span: Span, msg: String| {
        let f = cx.finding(span, msg);
        match c.severity {
            Some(s) => f.severity(s),
            None => f,
        }
    };
    match path {
        [] => {}
        [attr] => {
            let Some(a) = here.attr(attr) else {
                if let Some(msg) = missing(m, c, min_days) {
                    out.push(finding(missing_span, format!("{addr} {msg}")));
                }
                return;
            };
            let resolved = resolve(m, &a.value);
            let Some(v) = resolved.value() else { return };
            let bad = match c.test {
                Test::True => v.as_bool() == Some(false) || matches!(v, Value::Null),
                Test::NotFalse | Test::TrueBeforeAws(_) => v.as_bool() == Some(false),
                Test::NotTrue | Test::NotTrueBeforeAws(_) => v.as_bool() == Some(true),
                Test::Equals(want) => match v {
                    Value::Null => true,
                    v => v.as_str().is_some_and(|s| !s.eq_ignore_ascii_case(want)),
                },
                Test::In(list) => v.as_str().is_some_and(|s| eq_any(s, list)),
                Test::MissingOrIn(list) => {
                    matches!(v, Value::Null) || v.as_str().is_some_and(|s| eq_any(s, list))
                }
                Test::Set => matches!(v, Value::Null),
                Test::MinDays { .. } => v.as_number().is_some_and(|n| n < min_days as f64),
            };
            if !bad {
                return;
            }
            let what = match c.test {
                Test::MinDays { .. } if v.as_number() == Some(0.0) => {
                    "turns automated backups off".to_string()
                }
                Test::MinDays { .. } => format!("keeps backups for fewer than {min_days} days"),
                _ => c.what.to_string(),
            };
            let f = finding(
                a.value.span,
                format!(
                    "{addr} sets {} and {what}: {}",
                    assignment(cx, &a.key, &a.value, v),
                    fix(c, min_days)
                ),
            );
            out.push(with_origin(f, m, &a.value, &resolved, "the value"));
        }
        [block, rest @ ..] => {
            if here
                .body
                .blocks_of("dynamic")
                .any(|d| d.label(0) == Some(block))
            {
                return; // generated blocks: unknown
            }
            let mut found = false;
            for b in here.body.blocks_of(block) {
                found = true;
                check_path(cx, m, resource, b, rest, c, min_days, out);
            }
            // an attribute-syntax block (`x = { ... }`) is not read: unknown
            if !found && c.presence == Presence::Resource && here.attr(block).is_none() {
                if let Some(msg) = missing(m, c, min_days) {
                    out.push(finding(missing_span, format!("{addr} {msg}")));
                }
            }
        }
    }
}
