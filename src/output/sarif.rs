//! SARIF 2.1.0, shaped for GitHub code scanning.
//!
//! - `tool.driver.rules` lists every registered rule, so alerts get their rule page even
//!   for rules that found nothing this run; ids outside the registry are appended.
//! - `results` is always present, empty when nothing was found (upload-sarif rejects a run
//!   without it).
//! - Fingerprints go in `partialFingerprints["plumb/v1"]`, never in
//!   `primaryLocationLineHash`: that one is GitHub's own line-based hash, and ours is
//!   deliberately free of line numbers.
//! - Columns count Unicode code points (`columnKind: unicodeCodePoints`), as ours do.
//! - `security-severity` is a string in (0.0, 10.0] with one decimal. GitHub maps
//!   "over 9.0" to critical and "7.0 to 8.9" to high, which leaves exactly 9.0 between
//!   the two; CVSS calls 9.0 critical, so 9.0 is written as "9.1" to land there on GitHub.

use std::collections::BTreeMap;
use std::io;

use serde_json::{Map, Value, json};

use crate::api::Rule;
use crate::api::Severity;
use crate::report::{Location, Report};
use crate::rules::REGISTRY;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "plumb/v1";
/// GitHub's descriptions are cut at this many characters.
const MAX_DESCRIPTION: usize = 1024;

/// SARIF's `level` for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// `docker/non-root-user` -> `NonRootUser`.
pub fn camel_name(id: &str) -> String {
    let slug = id.rsplit('/').next().unwrap_or(id);
    slug.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// GitHub's `security-severity`: one decimal in (0.0, 10.0], never "9.0" (see the module
/// docs). `None` for a value that is not a positive number.
pub fn security_severity(value: f32) -> Option<String> {
    if value.is_nan() || value <= 0.0 {
        return None;
    }
    let s = format!("{:.1}", value.min(10.0));
    Some(match s.as_str() {
        "0.0" => "0.1".to_string(),
        "9.0" => "9.1".to_string(),
        _ => s,
    })
}

/// Percent-encode a relative path as a URI reference (RFC 3986): unreserved characters,
/// sub-delimiters, `@` and `/` stay; everything else (spaces, `%`, `:`, `?`, `#`,
/// non-ASCII) becomes `%XX` of its UTF-8 bytes. `:` is encoded so a first segment like
/// `c:foo` is never read as a scheme. Backslashes become `/`.
pub fn encode_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(b as char),
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The first paragraph of a rule page after its title (headings and code fences skipped).
fn first_paragraph(doc: &str) -> Option<String> {
    let mut para: Vec<&str> = Vec::new();
    let mut in_fence = false;
    for line in doc.lines() {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            if !para.is_empty() {
                break;
            }
            continue;
        }
        if in_fence {
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            if !para.is_empty() {
                break;
            }
            continue;
        }
        para.push(t);
    }
    let text = para.join(" ");
    (!text.is_empty()).then_some(text)
}

/// The rule page as plain text: heading marks dropped, everything else as written.
fn doc_text(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len());
    for line in doc.lines() {
        let t = line.trim_start();
        if t.starts_with('#') {
            out.push_str(t.trim_start_matches('#').trim_start());
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.trim().is_empty()).then_some(s)
}

/// A `reportingDescriptor` for a registered rule.
fn descriptor(rule: &Rule) -> Value {
    let summary = non_empty(rule.summary).unwrap_or(rule.id);
    let full = first_paragraph(rule.doc).unwrap_or_else(|| summary.to_string());
    let doc = non_empty(rule.doc).unwrap_or(summary);
    let mut tags: Vec<&str> = rule.packs.to_vec();
    let severity = rule.security_severity.and_then(security_severity);
    if severity.is_some() && !tags.contains(&"security") {
        tags.push("security");
    }
    let mut properties = Map::new();
    properties.insert("tags".into(), json!(tags));
    properties.insert("precision".into(), json!("high"));
    if let Some(s) = severity {
        properties.insert("security-severity".into(), json!(s));
    }
    if let Some(d) = rule.data_date {
        properties.insert("data-date".into(), json!(d));
    }
    json!({
        "id": rule.id,
        "name": camel_name(rule.id),
        "shortDescription": {"text": truncate(summary, MAX_DESCRIPTION)},
        "fullDescription": {"text": truncate(&full, MAX_DESCRIPTION)},
        "help": {"text": doc_text(doc), "markdown": doc},
        "helpUri": rule.help_uri(),
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": properties,
    })
}

/// A `reportingDescriptor` for an id outside the registry.
fn unknown_descriptor(id: &str, severity: Severity) -> Value {
    json!({
        "id": id,
        "name": camel_name(id),
        "shortDescription": {"text": id},
        "fullDescription": {"text": id},
        "help": {"text": id, "markdown": id},
        "defaultConfiguration": {"level": level(severity)},
        "properties": {"tags": [], "precision": "high"},
    })
}

fn artifact(file: &str) -> Value {
    json!({"uri": file_uri(file)})
}

/// A file's `artifactLocation.uri`: a relative reference for a file under the repository
/// root (what code scanning maps onto the checkout), a `file://` URI for one outside it,
/// whose display path is absolute (`/tmp/x/Dockerfile` -> `file:///tmp/x/Dockerfile`,
/// `C:/x` -> `file:///C:/x`), so no consumer reads it as relative to the root.
pub fn file_uri(file: &str) -> String {
    let bytes = file.as_bytes();
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'/' | b'\\');
    if drive {
        format!("file:///{}:{}", &file[..1], encode_uri(&file[2..]))
    } else if file.starts_with('/') {
        format!("file://{}", encode_uri(file))
    } else {
        encode_uri(file)
    }
}

fn physical(loc: &Location) -> Value {
    let (sl, sc, el, ec) = super::region(loc);
    json!({
        "artifactLocation": artifact(&loc.file),
        "region": {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec},
    })
}

/// Text for `message.text`: never empty (GitHub rejects an empty message).
fn message_text(message: &str, fallback: &str) -> String {
    match non_empty(message) {
        Some(m) => m.to_string(),
        None => fallback.to_string(),
    }
}

/// The whole SARIF log as a JSON value.
/// The rule descriptors of a run (every registered rule, then any unregistered id a finding
/// carries) and each finding's index into them.
fn rules_and_indices(report: &Report) -> (Vec<Value>, Vec<usize>) {
    let mut rules: Vec<Value> = REGISTRY.iter().map(|r| descriptor(r)).collect();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, r) in REGISTRY.iter().enumerate() {
        index.entry(r.id).or_insert(i);
    }
    let mut indices = Vec::with_capacity(report.findings.len() + report.suppressed.len());
    for f in report
        .findings
        .iter()
        .chain(report.suppressed.iter().map(|s| &s.finding))
    {
        let rule_index = match index.get(f.rule) {
            Some(&i) => i,
            None => {
                let i = rules.len();
                rules.push(match f.meta {
                    Some(meta) if meta.id == f.rule => descriptor(meta),
                    _ => unknown_descriptor(f.rule, f.severity),
                });
                index.insert(f.rule, i);
                i
            }
        };
        indices.push(rule_index);
    }
    (rules, indices)
}

/// One SARIF result.
fn result(f: &crate::report::Reported, rule_index: usize) -> Value {
    let fallback = f
        .meta
        .map(|m| m.summary)
        .and_then(non_empty)
        .unwrap_or(f.rule);
    let mut text = message_text(&f.message, fallback);
    if let Some(help) = f.help.as_deref().and_then(non_empty) {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(f.rule));
    result.insert("ruleIndex".into(), json!(rule_index));
    result.insert("level".into(), json!(level(f.severity)));
    result.insert("message".into(), json!({"text": text}));
    result.insert(
        "locations".into(),
        json!([{"physicalLocation": physical(&f.location)}]),
    );
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "id": i + 1,
                    "physicalLocation": physical(&r.location),
                    "message": {"text": message_text(&r.label, "related")},
                })
            })
            .collect();
        result.insert("relatedLocations".into(), json!(related));
    }
    result.insert(
        "partialFingerprints".into(),
        json!({FINGERPRINT_KEY: f.fingerprint}),
    );
    if let Some(c) = f.confidence {
        result.insert("properties".into(), json!({"confidence": c.name()}));
    }
    if let Some(fix) = &f.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                // an exact region: an insertion is an empty one (start == end), unlike the
                // widened regions of result locations
                let (s, t) = (e.location.start, e.location.end);
                json!({
                    "deletedRegion": {
                        "startLine": s.line.max(1),
                        "startColumn": s.column.max(1),
                        "endLine": t.line.max(1),
                        "endColumn": t.column.max(1),
                    },
                    "insertedContent": {"text": e.text},
                })
            })
            .collect();
        result.insert(
            "fixes".into(),
            json!([{
                "description": {"text": message_text(&fix.title, "fix")},
                "artifactChanges": [{
                    "artifactLocation": artifact(&f.location.file),
                    "replacements": replacements,
                }],
                "properties": {"applicability": fix.applicability.name()},
            }]),
        );
    }
    Value::Object(result)
}

/// A result for a finding an inline suppression silenced: `suppressions` holds the comment,
/// its reason as the justification, and its expiry.
fn suppressed_result(s: &crate::report::SuppressedFinding, rule_index: usize) -> Value {
    let mut v = result(&s.finding, rule_index);
    let mut sup = Map::new();
    sup.insert("kind".into(), json!("inSource"));
    sup.insert("status".into(), json!("accepted"));
    sup.insert("justification".into(), json!(s.reason));
    sup.insert(
        "location".into(),
        json!({"physicalLocation": physical(&s.directive)}),
    );
    if let Some(until) = &s.until {
        sup.insert("properties".into(), json!({"until": until}));
    }
    v["suppressions"] = json!([Value::Object(sup)]);
    v
}

/// The whole SARIF log as a value.
pub fn log(report: &Report) -> Value {
    let mut v = log_without_results(report);
    let (_, indices) = rules_and_indices(report);
    let n = report.findings.len();
    let mut results: Vec<Value> = report
        .findings
        .iter()
        .zip(&indices)
        .map(|(f, i)| result(f, *i))
        .collect();
    results.extend(
        report
            .suppressed
            .iter()
            .zip(&indices[n..])
            .map(|(s, i)| suppressed_result(s, *i)),
    );
    v["runs"][0]["results"] = Value::Array(results);
    v
}

/// The log with an empty `results` array.
fn log_without_results(report: &Report) -> Value {
    let (rules, _) = rules_and_indices(report);
    let results: Vec<Value> = Vec::new();
    let mut notifications = Vec::new();
    for e in &report.errors {
        let mut n = Map::new();
        n.insert("level".into(), json!("error"));
        n.insert(
            "message".into(),
            json!({"text": message_text(&e.message, "error")}),
        );
        if let Some(file) = e.file.as_deref().filter(|f| !f.is_empty()) {
            let mut phys = Map::new();
            phys.insert("artifactLocation".into(), artifact(file));
            if let Some((line, column)) = e.position {
                phys.insert(
                    "region".into(),
                    json!({"startLine": line.max(1), "startColumn": column.max(1)}),
                );
            }
            n.insert("locations".into(), json!([{"physicalLocation": phys}]));
        }
        notifications.push(Value::Object(n));
    }
    for notice in &report.notices {
        let mut n = Map::new();
        n.insert("level".into(), json!("note"));
        n.insert(
            "message".into(),
            json!({"text": message_text(&notice.message, "skipped")}),
        );
        if !notice.file.is_empty() {
            n.insert(
                "locations".into(),
                json!([{"physicalLocation": {"artifactLocation": artifact(&notice.file)}}]),
            );
        }
        notifications.push(Value::Object(n));
    }

    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "plumb",
                    "version": crate::VERSION,
                    "semanticVersion": crate::VERSION,
                    "informationUri": crate::REPOSITORY,
                    "rules": rules,
                }
            },
            "automationDetails": {"id": "plumb/"},
            "columnKind": "unicodeCodePoints",
            "properties": {"config": report.config},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    })
}

/// Write the report as a pretty-printed SARIF log, ending with a newline.
///
/// Results are streamed one per line after the rest of the log: a run with 50,000 results
/// held as one JSON tree took 800 MB; streamed, memory stays that of the report.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let head = serde_json::to_string_pretty(&log_without_results(report))?;
    const EMPTY: &str = "\"results\": []";
    let Some(at) = head.rfind(EMPTY) else {
        // cannot happen: the log always has an empty results array here
        serde_json::to_writer_pretty(&mut *out, &log(report))?;
        return writeln!(out);
    };
    out.write_all(&head.as_bytes()[..at])?;
    out.write_all(b"\"results\": [")?;
    let (_, indices) = rules_and_indices(report);
    let n = report.findings.len();
    let shown = report
        .findings
        .iter()
        .zip(&indices)
        .map(|(f, i)| result(f, *i));
    let silenced = report
        .suppressed
        .iter()
        .zip(&indices[n..])
        .map(|(s, i)| suppressed_result(s, *i));
    let mut any = false;
    for (k, r) in shown.chain(silenced).enumerate() {
        out.write_all(if k == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &r)?;
        any = true;
    }
    if any {
        out.write_all(b"\n")?;
    }
    out.write_all(b"]")?;
    out.write_all(&head.as_bytes()[at + EMPTY.len()..])?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testing;

    fn run(report: &Report) -> Value {
        let text = testing::render(|b| write(report, b));
        let v: Value = serde_json::from_str(&text).expect("valid JSON");
        v["runs"][0].clone()
    }

    #[test]
    fn header_and_driver() {
        let text = testing::render(|b| write(&testing::report(), b));
        let v: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v["$schema"], SCHEMA);
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(v["runs"].as_array().map(Vec::len), Some(1));
        let driver = &v["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "plumb");
        assert_eq!(driver["semanticVersion"], crate::VERSION);
        assert_eq!(driver["informationUri"], crate::REPOSITORY);
        assert_eq!(
            driver["rules"].as_array().map(Vec::len),
            Some(REGISTRY.len())
        );
        assert_eq!(v["runs"][0]["columnKind"], "unicodeCodePoints");
        assert_eq!(v["runs"][0]["automationDetails"]["id"], "plumb/");
    }

    #[test]
    fn results_present_when_empty() {
        let run = run(&testing::empty());
        assert_eq!(run["results"], json!([]));
        assert_eq!(run["invocations"][0]["executionSuccessful"], true);
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"],
            json!([])
        );
    }

    #[test]
    fn rule_index_points_at_the_rule() {
        let run = run(&testing::report());
        let rules = &run["tool"]["driver"]["rules"];
        let results = run["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), 3);
        for r in &results {
            let i = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        assert_eq!(results[0]["ruleId"], "docker/non-root-user");
        assert_eq!(results[0]["level"], "error");
        assert_eq!(results[1]["level"], "warning");
        assert_eq!(results[2]["level"], "note");
    }

    #[test]
    fn unknown_rule_ids_get_a_descriptor() {
        let mut report = testing::report();
        report.findings[0].rule = "plumb/engine-only";
        report.findings[0].meta = None;
        let run = run(&report);
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(rules.len(), REGISTRY.len() + 1);
        assert_eq!(run["results"][0]["ruleIndex"], REGISTRY.len());
        assert_eq!(rules[REGISTRY.len()]["id"], "plumb/engine-only");
    }

    #[test]
    fn security_severity_is_a_string_never_nine() {
        assert_eq!(security_severity(9.0).as_deref(), Some("9.1"));
        assert_eq!(security_severity(8.96).as_deref(), Some("9.1"));
        assert_eq!(security_severity(7.5).as_deref(), Some("7.5"));
        assert_eq!(security_severity(12.0).as_deref(), Some("10.0"));
        assert_eq!(security_severity(0.01).as_deref(), Some("0.1"));
        assert_eq!(security_severity(0.0), None);
        assert_eq!(security_severity(-1.0), None);
        assert_eq!(security_severity(f32::NAN), None);
        let run = run(&testing::empty());
        let rules = run["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for (rule, meta) in rules.iter().zip(REGISTRY) {
            let props = &rule["properties"];
            let tags = props["tags"].as_array().cloned().unwrap_or_default();
            match &props["security-severity"] {
                Value::String(s) => {
                    assert_ne!(s, "9.0");
                    let v: f32 = s.parse().unwrap_or(-1.0);
                    assert!(v > 0.0 && v <= 10.0, "{s}");
                    assert!(tags.contains(&json!("security")));
                }
                Value::Null => {
                    assert!(meta.security_severity.is_none());
                    assert!(!tags.contains(&json!("security")));
                }
                other => panic!("security-severity is not a string: {other}"),
            }
            assert_eq!(props["precision"], "high");
            for p in meta.packs {
                assert!(tags.contains(&json!(p)));
            }
        }
    }

    #[test]
    fn rule_descriptors() {
        let run = run(&testing::empty());
        let rule = run["tool"]["driver"]["rules"]
            .as_array()
            .and_then(|rs| {
                rs.iter()
                    .find(|r| r["id"] == "docker/non-root-user")
                    .cloned()
            })
            .unwrap_or_default();
        assert_eq!(rule["name"], "NonRootUser");
        assert_eq!(
            rule["helpUri"],
            format!(
                "{}/blob/main/rules/docker/non-root-user.md",
                crate::REPOSITORY
            )
        );
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            level(crate::rules::docker::non_root_user::RULE.severity)
        );
        for field in ["shortDescription", "fullDescription", "help"] {
            let text = rule[field]["text"].as_str().unwrap_or("");
            assert!(!text.is_empty(), "{field}");
        }
    }

    #[test]
    fn locations_fingerprints_and_related() {
        let run = run(&testing::report());
        let first = &run["results"][0];
        let phys = &first["locations"][0]["physicalLocation"];
        assert_eq!(phys["artifactLocation"]["uri"], "Dockerfile");
        assert_eq!(
            phys["region"],
            json!({"startLine": 3, "startColumn": 6, "endLine": 3, "endColumn": 10})
        );
        assert_eq!(
            first["partialFingerprints"],
            json!({"plumb/v1": "0123456789abcdef"})
        );
        assert!(first["partialFingerprints"]["primaryLocationLineHash"].is_null());
        assert_eq!(first["relatedLocations"][0]["id"], 1);
        assert_eq!(
            first["relatedLocations"][0]["message"]["text"],
            "the stage that runs as root"
        );
        assert_eq!(
            first["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"],
            ".github/workflows/ci.yml"
        );
        // The empty span at EOF is widened to one column.
        let eof = &run["results"][1]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            eof,
            &json!({"startLine": 4, "startColumn": 1, "endLine": 4, "endColumn": 2})
        );
        assert!(run["results"][1].get("relatedLocations").is_none());
        assert_eq!(
            run["results"][2]["message"]["text"],
            "action: unpinned, 100% mutable\nsecond line\nhelp: pin it: use a full commit sha, keep the tag in a comment"
        );
    }

    #[test]
    fn invocation_notifications() {
        let run = run(&testing::report());
        let inv = &run["invocations"][0];
        assert_eq!(inv["executionSuccessful"], false);
        let n = &inv["toolExecutionNotifications"];
        assert_eq!(n[0]["level"], "error");
        assert_eq!(
            n[0]["message"]["text"],
            "cannot read file: permission denied"
        );
        assert_eq!(
            n[0]["locations"][0]["physicalLocation"],
            json!({"artifactLocation": {"uri": "broken%20dir/main.tf"},
                   "region": {"startLine": 3, "startColumn": 7}})
        );
        assert_eq!(n[1]["level"], "note");
        assert_eq!(
            n[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "charts/app/templates/deploy.yaml"
        );
    }

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(encode_uri("src/main.tf"), "src/main.tf");
        assert_eq!(encode_uri("my dir/a b.yml"), "my%20dir/a%20b.yml");
        assert_eq!(encode_uri("c:/x"), "c%3A/x");
        assert_eq!(encode_uri("100%.yml"), "100%25.yml");
        assert_eq!(encode_uri("a#b?c"), "a%23b%3Fc");
        assert_eq!(encode_uri("é.yml"), "%C3%A9.yml");
        assert_eq!(encode_uri("a\\b"), "a/b");
        assert_eq!(file_uri("src/main.tf"), "src/main.tf");
        assert_eq!(
            file_uri("/tmp/my dir/Dockerfile"),
            "file:///tmp/my%20dir/Dockerfile"
        );
        assert_eq!(file_uri("C:/work/x.yml"), "file:///C:/work/x.yml");
        assert_eq!(file_uri("../up/x.yml"), "../up/x.yml");
    }

    #[test]
    fn names_and_paragraphs() {
        assert_eq!(camel_name("docker/non-root-user"), "NonRootUser");
        assert_eq!(camel_name("gha/template-injection"), "TemplateInjection");
        assert_eq!(camel_name("weird"), "Weird");
        let doc = "# docker/non-root-user\n\nThe image runs\nas root.\n\n## Why\n\nBecause.\n";
        assert_eq!(
            first_paragraph(doc).as_deref(),
            Some("The image runs as root.")
        );
        assert_eq!(first_paragraph(""), None);
        assert_eq!(first_paragraph("# title only\n"), None);
        assert_eq!(doc_text("# Title\ntext\n## Sub\n"), "Title\ntext\nSub");
    }
}
