//! `plumb rules` listings: a table for people, Markdown for the README, JSON for tools.

use crate::api::Rule;

fn kinds(r: &Rule) -> String {
    r.kinds()
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn level(r: &Rule) -> String {
    let mut s = r.severity.name().to_string();
    if !r.default_enabled {
        s.push_str(" (off)");
    }
    s
}

pub fn rules_table(rules: &[&Rule]) -> String {
    let w = rules.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
    let mut out = format!(
        "{:<w$}  {:<12}  {:<28}  SUMMARY\n",
        "ID", "SEVERITY", "PACKS"
    );
    for r in rules {
        out.push_str(&format!(
            "{:<w$}  {:<12}  {:<28}  {}\n",
            r.id,
            level(r),
            r.packs.join(","),
            r.summary
        ));
    }
    out
}

/// The README's rule table; a test keeps the README in step with it.
pub fn rules_markdown(rules: &[&Rule]) -> String {
    let mut out =
        String::from("| rule | kinds | packs | severity | finds |\n|---|---|---|---|---|\n");
    for r in rules {
        out.push_str(&format!(
            "| [`{}`](rules/{}.md) | {} | {} | {} | {} |\n",
            r.id,
            r.id,
            kinds(r),
            r.packs.join(", "),
            level(r),
            r.summary.replace('|', "\\|")
        ));
    }
    out
}

pub fn rules_json(rules: &[&Rule]) -> String {
    let list: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "kinds": r.kinds().iter().map(|k| k.name()).collect::<Vec<_>>(),
                "packs": r.packs,
                "severity": r.severity.name(),
                "security_severity": r.security_severity,
                "default_enabled": r.default_enabled,
                "summary": r.summary,
                "options": r.options.iter().map(|o| serde_json::json!({
                    "name": o.name, "type": o.ty.name(), "default": o.default.text(), "help": o.help,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
    s.push('\n');
    s
}
