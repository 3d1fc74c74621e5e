//! The SARIF writer's output validates against the OASIS SARIF 2.1.0 schema (draft-04),
//! kept in `../shared/sarif/` next to the repository. Without that file the test says
//! loudly that it skipped (`common::shared`).

mod common;

use std::sync::Arc;

use plumb::api::Severity;
use plumb::report::{Location, Notice, Position, RelatedLocation, Report, Reported, ToolError};
use plumb::source::Kind;
use serde_json::Value;

const DOCKERFILE: &str = "FROM alpine:3.20\nRUN apk add curl\nUSER root\n";
const WORKFLOW: &str = "on: push\njobs:\n  build:\n    steps:\n      - uses: actions/checkout@v4\n";

fn pos(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    Position {
        line: before.matches('\n').count() + 1,
        column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
        offset,
    }
}

fn loc(file: &str, text: &str, start: usize, end: usize) -> Location {
    Location {
        file: file.to_string(),
        start: pos(text, start),
        end: pos(text, end),
    }
}

fn finding(rule: &'static str, severity: Severity, message: &str, location: Location) -> Reported {
    Reported {
        rule,
        meta: plumb::rules::find(rule),
        severity,
        message: message.to_string(),
        help: None,
        kind: Kind::Dockerfile,
        location,
        related: Vec::new(),
        fingerprint: format!("{rule}-fp"),
        fingerprint_v1: String::new(),
        fix: None,
        confidence: None,
    }
}

fn report() -> Report {
    let user = DOCKERFILE.find("USER root").unwrap_or(0);
    let uses = WORKFLOW.find("actions/checkout").unwrap_or(0);
    let mut first = finding(
        "docker/non-root-user",
        Severity::Error,
        "the final stage runs as root",
        loc("Dockerfile", DOCKERFILE, user + 5, user + 9),
    );
    first.help = Some("add USER 10001".to_string());
    first.related = vec![
        RelatedLocation {
            location: loc("Dockerfile", DOCKERFILE, 0, 4),
            label: "the stage".to_string(),
        },
        RelatedLocation {
            location: loc("my workflows/ci 1.yml", WORKFLOW, uses, uses + 19),
            label: "the job: it builds, 100%".to_string(),
        },
    ];
    let eof = finding(
        "plumb/parse-error",
        Severity::Warning,
        "unexpected end of file",
        loc("Dockerfile", DOCKERFILE, DOCKERFILE.len(), DOCKERFILE.len()),
    );
    let mut third = finding(
        "gha/unpinned-action",
        Severity::Note,
        "action: unpinned, 100% mutable\nsecond line",
        loc("my workflows/ci 1.yml", WORKFLOW, uses, uses + 19),
    );
    third.kind = Kind::Workflow;
    let unknown = finding(
        "plumb/not-registered",
        Severity::Error,
        "",
        loc("Dockerfile", DOCKERFILE, 0, 0),
    );
    let mut report = Report {
        findings: vec![first, eof, third, unknown],
        errors: vec![
            ToolError {
                file: Some("a:b/main.tf".to_string()),
                position: Some((0, 0)),
                message: "cannot parse".to_string(),
            },
            ToolError {
                file: None,
                position: None,
                message: "bad config".to_string(),
            },
        ],
        notices: vec![Notice {
            file: "charts/x.yaml".to_string(),
            message: "skipped".to_string(),
        }],
        files_scanned: 4,
        ..Report::default()
    };
    report
        .sources
        .insert("Dockerfile".to_string(), Arc::from(DOCKERFILE));
    report
}

fn sarif(report: &Report) -> Value {
    let mut buf = Vec::new();
    plumb::output::write(
        report,
        plumb::output::Format::Sarif,
        &plumb::output::HumanOptions::default(),
        &mut buf,
    )
    .expect("writing to a Vec cannot fail");
    serde_json::from_slice(&buf).expect("SARIF output is JSON")
}

/// The report with a fix on its first finding and a suppressed finding (the audit trail).
fn with_fixes_and_suppressions() -> Report {
    let mut r = report();
    let user = DOCKERFILE.find("USER").unwrap_or(0);
    r.findings[0].fix = Some(plumb::report::ReportedFix {
        title: "add USER 10001".to_string(),
        applicability: plumb::api::Applicability::Unsafe,
        edits: vec![plumb::report::ReportedEdit {
            location: loc("Dockerfile", DOCKERFILE, user, user),
            text: "USER 10001\n".to_string(),
        }],
    });
    let mut silenced = finding(
        "docker/sudo",
        Severity::Warning,
        "sudo in RUN",
        loc("Dockerfile", DOCKERFILE, 17, 20),
    );
    silenced.fingerprint = "sudo-fp".to_string();
    r.suppressed.push(plumb::report::SuppressedFinding {
        finding: silenced,
        reason: "the base image has no other way".to_string(),
        directive: loc("Dockerfile", DOCKERFILE, 0, 4),
        until: Some("2999-01-31".to_string()),
    });
    r
}

fn validator() -> Option<jsonschema::Validator> {
    let path = common::shared("sarif/sarif-schema-2.1.0.json", "SARIF schema validation")?;
    let text = std::fs::read_to_string(&path).expect("the schema is readable");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    Some(jsonschema::draft4::new(&schema).expect("the schema compiles"))
}

#[test]
fn suppressions_and_fixes_keep_the_log_valid() {
    let log = sarif(&with_fixes_and_suppressions());
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(results.len(), 5);
    let silenced = &results[4];
    assert_eq!(silenced["ruleId"], "docker/sudo");
    assert_eq!(silenced["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        silenced["suppressions"][0]["justification"],
        "the base image has no other way"
    );
    assert!(
        results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
            .is_object()
    );
    let Some(validator) = validator() else { return };
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let Some(validator) = validator() else { return };

    for (name, report) in [("mixed", report()), ("empty", Report::default())] {
        let log = sarif(&report);
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{}: {e}", e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{name} report: SARIF does not match the schema:\n{}",
            errors.join("\n")
        );
    }

    // The validator is not vacuous: a level SARIF does not know is caught.
    let mut broken = sarif(&report());
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_invariants_github_relies_on() {
    let log = sarif(&report());
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        rules.len() > plumb::rules::REGISTRY.len(),
        "unknown id appended"
    );
    let results = run["results"].as_array().cloned().unwrap_or_default();
    assert_eq!(results.len(), 4);
    for r in &results {
        let i = r["ruleIndex"].as_u64().map_or(usize::MAX, |i| i as usize);
        assert_eq!(rules.get(i).map(|d| &d["id"]), Some(&r["ruleId"]));
        assert!(!r["message"]["text"].as_str().unwrap_or("").is_empty());
        let region = &r["locations"][0]["physicalLocation"]["region"];
        let (sl, el) = (region["startLine"].as_u64(), region["endLine"].as_u64());
        let (sc, ec) = (region["startColumn"].as_u64(), region["endColumn"].as_u64());
        assert!(sl >= Some(1) && sc >= Some(1));
        assert!(el > sl || (el == sl && ec > sc), "{region}");
        assert!(r["partialFingerprints"]["plumb/v1"].is_string());
    }
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20workflows/ci%201.yml"
    );
    let notes = &run["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a%3Ab/main.tf"
    );
    assert_eq!(notes.as_array().map(Vec::len), Some(3));
}
