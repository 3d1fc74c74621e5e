//! A Terraform plan as `terraform show -json plan.out` writes it, read into the owned model:
//! each planned resource becomes a `resource` (or `data`) block labelled with its type and
//! name and carrying its plan address (`module.db.aws_db_instance.this`), so the Terraform
//! rules judge resolved values (modules expanded, variables applied) as checkov, trivy and
//! KICS do. Format: Terraform's "JSON Output Format" (format_version 1.x), read from
//! `planned_values.root_module` and its `child_modules` recursively, or from
//! `resource_changes[].change.after` when a plan has no `planned_values`. The same format's
//! state output (`terraform show -json` of a state: `values.root_module`) reads the same way.
//!
//! Values map as a plan states them: an attribute that is `null` is unset (left out, as an
//! absent attribute in configuration); an array of objects is nested blocks (a plan writes
//! every nested block as a list); an object is a map attribute; strings are plain values,
//! never templates. A value the plan marks sensitive (`sensitive_values`, `after_sensitive`)
//! is read as unknown: it came from a variable marked sensitive or a sensitive provider
//! attribute, so a plan holding it in clear says nothing about the configuration. A value
//! known only after apply (`after_unknown` of the resource's change) is unknown too, not
//! missing: a rule that reports a missing attribute stays silent.

use std::collections::HashMap;

use super::json::{self, JKind, JValue};
use super::tfjson::{comment_span, expr};
use super::*;

/// Whether a JSON text is a plan: a top-level object with `format_version` and
/// `planned_values` or `resource_changes`. Cheap textual checks first (this runs on every
/// `.json` file a walk meets); the parse confirms the keys are at the top level. A text that
/// names those keys but is not valid JSON counts as a (broken) plan, so its parse error is
/// reported rather than the file silently skipped.
pub fn is_plan(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('{')
        || !t.contains("\"format_version\"")
        || !(t.contains("\"planned_values\"")
            || t.contains("\"resource_changes\"")
            || t.contains("\"root_module\""))
    {
        return false;
    }
    json::parse(text).map_or(true, |v| top_level_plan(&v))
}

fn top_level_plan(v: &JValue) -> bool {
    v.get("format_version").is_some()
        && (v.get("planned_values").is_some()
            || v.get("resource_changes").is_some()
            || v.get("values").and_then(|x| x.get("root_module")).is_some())
}

/// Parse a plan JSON file.
pub fn parse_plan(text: &str) -> Result<TfFile, ParseError> {
    let root = json::parse(text)?;
    if !top_level_plan(&root) {
        return Err(ParseError {
            message: "not a Terraform plan (`terraform show -json`): the top-level object needs format_version and planned_values or resource_changes".to_string(),
            span: Span::new(root.span.start, (root.span.start + 1).min(root.span.end)),
        });
    }
    let changes = root
        .get("resource_changes")
        .and_then(JValue::as_array)
        .unwrap_or(&[]);
    // what the plan cannot know yet (computed at apply), by address
    let unknown: HashMap<&str, &JValue> = changes
        .iter()
        .filter_map(|c| {
            Some((
                c.get("address")?.as_str()?,
                c.get("change")?.get("after_unknown")?,
            ))
        })
        .collect();
    let mut r = Reader {
        body: Body::default(),
        comments: Vec::new(),
        unknown,
    };
    let module = root
        .get("planned_values")
        .or_else(|| root.get("values"))
        .and_then(|p| p.get("root_module"));
    if let Some(module) = module {
        r.module(module, 0);
    } else {
        for c in changes {
            let Some(change) = c.get("change") else {
                continue;
            };
            if let Some(after) = change.get("after").filter(|a| a.as_object().is_some()) {
                r.resource(c, after, change.get("after_sensitive"));
            }
        }
    }
    r.comments.sort_unstable();
    Ok(TfFile {
        body: r.body,
        comments: r.comments,
        syntax: Syntax::Plan,
    })
}

struct Reader<'j> {
    body: Body,
    comments: Vec<Span>,
    unknown: HashMap<&'j str, &'j JValue>,
}

impl<'j> Reader<'j> {
    /// A module of `planned_values`: its resources, then its child modules.
    fn module(&mut self, m: &JValue, depth: usize) {
        if depth > MAX_EXPR_DEPTH {
            return;
        }
        self.note_comments(m);
        for res in m.get("resources").and_then(JValue::as_array).unwrap_or(&[]) {
            if let Some(values) = res.get("values").filter(|v| v.as_object().is_some()) {
                self.resource(res, values, res.get("sensitive_values"));
            }
        }
        for child in m
            .get("child_modules")
            .and_then(JValue::as_array)
            .unwrap_or(&[])
        {
            self.module(child, depth + 1);
        }
    }

    fn note_comments(&mut self, v: &JValue) {
        for (k, val) in v.as_object().unwrap_or(&[]) {
            if k.name == "//" {
                self.comments.push(comment_span(k.span, val.span));
            }
        }
    }

    /// One resource entry (of `planned_values` or `resource_changes`) and its values.
    fn resource(&mut self, entry: &JValue, values: &JValue, sensitive: Option<&JValue>) {
        self.note_comments(entry);
        let (Some(ty), Some(name)) = (entry.get("type"), entry.get("name")) else {
            return;
        };
        let (Some(ty_s), Some(name_s)) = (ty.as_str(), name.as_str()) else {
            return;
        };
        let address = entry.get("address");
        let address_s = address
            .and_then(JValue::as_str)
            .map_or_else(|| format!("{ty_s}.{name_s}"), str::to_string);
        let ident = match entry.get("mode").and_then(JValue::as_str) {
            Some("data") => "data",
            _ => "resource",
        };
        // a missing attribute is reported on the name label: make that the address, the
        // line that names the resource in the plan
        let name_span = address.map_or(name.span, |a| a.span);
        let ident_span = entry
            .as_object()
            .and_then(|m| m.iter().find(|(k, _)| k.name == "address"))
            .map_or(ty.span, |(k, _)| k.span);
        let mut body = Body::default();
        let unknown = self.unknown.get(address_s.as_str()).copied();
        self.values(values, sensitive, unknown, &mut body, 0);
        self.body.items.push(Item::Block(self.body.blocks.len()));
        self.body.blocks.push(Block {
            ident: ident.to_string(),
            ident_span,
            labels: vec![(ty_s.to_string(), ty.span), (name_s.to_string(), name_span)],
            span: entry.span,
            body,
            address: Some(address_s),
        });
    }

    /// An object of values as a body: nulls left out, arrays of objects as nested blocks,
    /// values known only after apply (`unknown`, the change's `after_unknown`) as unknown
    /// attributes (so a rule does not take them for missing).
    fn values(
        &mut self,
        v: &JValue,
        sensitive: Option<&JValue>,
        unknown: Option<&JValue>,
        out: &mut Body,
        depth: usize,
    ) {
        let Some(members) = v.as_object() else {
            return;
        };
        if depth > MAX_EXPR_DEPTH {
            return;
        }
        for (key, u) in unknown.and_then(JValue::as_object).unwrap_or(&[]) {
            let set = members
                .iter()
                .any(|(k, val)| k.name == key.name && val.kind != JKind::Null);
            if !set && u.kind == JKind::Bool(true) {
                out.items.push(Item::Attribute(out.attributes.len()));
                out.attributes.push(Attribute {
                    key: key.name.clone(),
                    key_span: key.span,
                    value: Expr {
                        kind: ExprKind::Other,
                        span: u.span,
                    },
                    span: Span::new(key.span.start, u.span.end),
                });
            }
        }
        for (key, val) in members {
            if key.name == "//" {
                self.comments.push(comment_span(key.span, val.span));
                continue;
            }
            let sens = sensitive.and_then(|s| s.get(&key.name));
            let unk = unknown.and_then(|u| u.get(&key.name));
            match &val.kind {
                JKind::Null => {}
                JKind::Array(items)
                    if !items.is_empty()
                        && items.iter().all(|i| matches!(i.kind, JKind::Object(_)))
                        && sens.is_none_or(|s| !matches!(s.kind, JKind::Bool(true))) =>
                {
                    for (i, item) in items.iter().enumerate() {
                        let sens_i = sens.and_then(JValue::as_array).and_then(|a| a.get(i));
                        let unk_i = unk.and_then(JValue::as_array).and_then(|a| a.get(i));
                        let mut body = Body::default();
                        self.values(item, sens_i, unk_i, &mut body, depth + 1);
                        out.items.push(Item::Block(out.blocks.len()));
                        out.blocks.push(Block {
                            ident: key.name.clone(),
                            ident_span: key.span,
                            labels: Vec::new(),
                            span: Span::new(key.span.start, item.span.end),
                            body,
                            address: None,
                        });
                    }
                }
                _ => {
                    let value = if sens.is_some_and(|s| matches!(s.kind, JKind::Bool(true))) {
                        Expr {
                            kind: ExprKind::Other,
                            span: val.span,
                        }
                    } else {
                        let mut e = expr(val, &mut self.comments, depth + 1, false);
                        hide_sensitive(&mut e, sens);
                        e
                    };
                    out.items.push(Item::Attribute(out.attributes.len()));
                    out.attributes.push(Attribute {
                        key: key.name.clone(),
                        key_span: key.span,
                        value,
                        span: Span::new(key.span.start, val.span.end),
                    });
                }
            }
        }
    }
}

/// Inside a map or list value, the entries `sensitive` marks `true` become unknown.
fn hide_sensitive(e: &mut Expr, sensitive: Option<&JValue>) {
    let Some(s) = sensitive else { return };
    match (&mut e.kind, &s.kind) {
        (_, JKind::Bool(true)) => e.kind = ExprKind::Other,
        (ExprKind::Object(items), JKind::Object(_)) => {
            for (k, v) in items {
                hide_sensitive(v, s.get(&k.name));
            }
        }
        (ExprKind::Array(items), JKind::Array(marks)) => {
            for (v, m) in items.iter_mut().zip(marks) {
                hide_sensitive(v, Some(m));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {
    "root_module": {
      "resources": [
        { "address": "aws_instance.web[0]", "mode": "managed", "type": "aws_instance", "name": "web", "index": 0,
          "values": { "ami": "ami-1", "key_name": null, "tags": { "a": "b" },
                      "metadata_options": [{ "http_tokens": "required" }], "user_data": "${not-a-template}",
                      "password": "p" },
          "sensitive_values": { "password": true, "tags": { "a": true } } }
      ],
      "child_modules": [
        { "address": "module.db", "resources": [
          { "address": "module.db.data.aws_ami.a", "mode": "data", "type": "aws_ami", "name": "a", "values": {} }
        ] }
      ]
    }
  }
}"#;

    #[test]
    fn detects_plans() {
        assert!(is_plan(PLAN));
        assert!(!is_plan(r#"{"name": "x", "format_version": 1}"#));
        // the keys must be at the top level
        assert!(!is_plan(
            r#"{"x": {"format_version": "1", "planned_values": {}}}"#
        ));
        assert!(!is_plan("format_version planned_values"));
        // broken JSON naming the keys: a broken plan, reported as a parse error
        assert!(is_plan(r#"{"format_version": "1", "planned_values": {"#));
    }

    #[test]
    fn resources_with_addresses() {
        let f = parse_plan(PLAN).unwrap();
        assert_eq!(f.syntax, Syntax::Plan);
        let addrs: Vec<String> = f.body.blocks.iter().map(Block::address).collect();
        assert_eq!(addrs, ["aws_instance.web[0]", "module.db.data.aws_ami.a"]);
        let web = &f.body.blocks[0];
        assert_eq!(web.ident, "resource");
        assert_eq!(web.label(0), Some("aws_instance"));
        assert_eq!(web.label(1), Some("web"));
        assert_eq!(web.labels[1].1.text(PLAN), "\"aws_instance.web[0]\"");
        assert_eq!(f.body.blocks[1].ident, "data");
        // null is unset, lists of objects are blocks, strings are not templates
        assert!(web.attr("key_name").is_none());
        let md = web.body.block("metadata_options").unwrap();
        assert_eq!(
            md.attr("http_tokens").unwrap().value.as_str(),
            Some("required")
        );
        assert_eq!(
            web.attr("user_data").unwrap().value.as_str(),
            Some("${not-a-template}")
        );
        // sensitive values are unknown
        assert!(matches!(
            web.attr("password").unwrap().value.kind,
            ExprKind::Other
        ));
        let ExprKind::Object(tags) = &web.attr("tags").unwrap().value.kind else {
            panic!("tags is a map")
        };
        assert!(matches!(tags[0].1.kind, ExprKind::Other));
    }

    #[test]
    fn values_known_after_apply_are_unknown_not_missing() {
        let text = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_eks_cluster.c", "mode": "managed", "type": "aws_eks_cluster", "name": "c",
     "values": {"name": "c", "vpc_config": [{"endpoint_public_access": true}]}}
  ]}},
  "resource_changes": [
    {"address": "aws_eks_cluster.c", "mode": "managed", "type": "aws_eks_cluster", "name": "c",
     "change": {"actions": ["create"], "after": {},
                "after_unknown": {"arn": true, "vpc_config": [{"public_access_cidrs": true}]}}}
  ]
}"#;
        let f = parse_plan(text).unwrap();
        let c = &f.body.blocks[0];
        assert!(matches!(c.attr("arn").unwrap().value.kind, ExprKind::Other));
        let vpc = c.body.block("vpc_config").unwrap();
        assert!(matches!(
            vpc.attr("public_access_cidrs").unwrap().value.kind,
            ExprKind::Other
        ));
        assert_eq!(
            vpc.attr("endpoint_public_access").unwrap().value.as_bool(),
            Some(true)
        );
    }

    #[test]
    fn state_output_reads_like_a_plan() {
        let text = r#"{"format_version": "1.0", "values": {"root_module": {"resources": [
            {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
             "values": {"bucket": "b"}}]}}}"#;
        assert!(is_plan(text));
        let f = parse_plan(text).unwrap();
        assert_eq!(f.body.blocks[0].address(), "aws_s3_bucket.b");
        assert!(!is_plan(r#"{"format_version": "1.0", "values": {"a": 1}}"#));
    }

    #[test]
    fn not_a_plan_is_an_error() {
        let e = parse_plan(r#"{"a": 1}"#).unwrap_err();
        assert!(e.message.contains("not a Terraform plan"), "{}", e.message);
        assert!(parse_plan("{\"format_version\": ").is_err());
    }
}
