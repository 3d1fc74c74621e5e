//! The rule book and the registry agree: every rule has a page, every page a rule, each
//! page's bad example fires its rule and its good example does not, and the README's rule
//! table is the one `plumb rules --format markdown` prints.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use plumb::api::PACKS;
use plumb::output::rules_markdown;
use plumb::rules::REGISTRY;

fn pages(dir: &Path, out: &mut BTreeSet<String>, root: &Path) {
    for e in std::fs::read_dir(dir).expect("rules/ exists").flatten() {
        let p = e.path();
        if p.is_dir() {
            pages(&p, out, root);
        } else if p.extension().is_some_and(|x| x == "md") {
            let rel = p.strip_prefix(root).unwrap().with_extension("");
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn every_rule_has_a_page_and_every_page_a_rule() {
    let root = common::manifest_dir().join("rules");
    let mut found = BTreeSet::new();
    pages(&root, &mut found, &root);
    let ids: BTreeSet<String> = REGISTRY.iter().map(|r| r.id.to_string()).collect();
    let no_page: Vec<_> = ids.difference(&found).collect();
    let no_rule: Vec<_> = found.difference(&ids).collect();
    assert!(no_page.is_empty(), "rules without a page: {no_page:?}");
    assert!(no_rule.is_empty(), "pages without a rule: {no_rule:?}");
}

#[test]
fn rule_metadata_is_well_formed() {
    let mut seen = BTreeSet::new();
    for r in REGISTRY {
        assert!(seen.insert(r.id), "duplicate id {}", r.id);
        let (prefix, slug) = r.id.split_once('/').expect("kind/slug");
        assert!(
            ["docker", "compose", "k8s", "gha", "tf", "plumb", "secrets"].contains(&prefix),
            "{}",
            r.id
        );
        assert!(
            slug.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            r.id
        );
        assert!(
            !r.summary.is_empty() && !r.summary.ends_with('.'),
            "{}: summary",
            r.id
        );
        assert!(
            r.doc.starts_with(&format!("# {}\n", r.id)),
            "{}: page must start with `# {}`",
            r.id,
            r.id
        );
        for p in r.packs {
            assert!(
                PACKS.iter().any(|(n, _)| n == p),
                "{}: unknown pack {p}",
                r.id
            );
        }
        if let Some(s) = r.security_severity {
            assert!(s > 0.0 && s <= 10.0, "{}: security severity {s}", r.id);
        }
        for section in [
            "## What it finds",
            "## Why it matters",
            "## Default",
            "## Bad",
            "## Good",
            "## How to fix",
        ] {
            assert!(r.doc.contains(section), "{}: page lacks `{section}`", r.id);
        }
    }
}

/// The first fenced block after `heading`: (info string, body).
fn example<'a>(doc: &'a str, heading: &str) -> Option<(&'a str, &'a str)> {
    let at = doc.find(&format!("\n{heading}\n"))?;
    let rest = &doc[at + heading.len() + 2..];
    let open = rest.find("```")?;
    let after = &rest[open + 3..];
    let nl = after.find('\n')?;
    let info = after[..nl].trim();
    let body = &after[nl + 1..];
    let close = body.find("\n```")?;
    Some((info, &body[..close + 1]))
}

#[test]
fn page_examples_fire_as_documented() {
    let mut failures = Vec::new();
    for r in REGISTRY {
        if r.id.starts_with("plumb/") {
            continue; // engine rules: covered by their fixtures
        }
        for (heading, should_fire) in [("## Bad", true), ("## Good", false)] {
            let Some((info, body)) = example(r.doc, heading) else {
                failures.push(format!("{}: no code block under {heading}", r.id));
                continue;
            };
            let name = info
                .split_whitespace()
                .find_map(|w| w.strip_prefix("file="))
                .unwrap_or_else(|| common::default_name(r.prefix()));
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, body).unwrap();
            let report = common::check(dir.path(), &[dir.path().to_path_buf()], &[r.id]);
            let fired = report.findings.iter().any(|f| f.rule == r.id);
            if let Some(pe) = report
                .findings
                .iter()
                .find(|f| f.rule == "plumb/parse-error")
            {
                failures.push(format!(
                    "{}: {heading} example does not parse: {}",
                    r.id, pe.message
                ));
            }
            if fired != should_fire {
                failures.push(format!(
                    "{}: {heading} example {} (files: {})",
                    r.id,
                    if should_fire {
                        "does not fire"
                    } else {
                        "fires"
                    },
                    report.files_scanned
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string(common::manifest_dir().join("README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("README has <!-- rules:start -->");
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has <!-- rules:end -->");
    let table = &readme[start + "<!-- rules:start -->\n".len()..end];
    let want = rules_markdown(REGISTRY);
    assert_eq!(
        table, want,
        "README rule table drifted: replace it with `cargo run -- rules --format markdown`"
    );
}

/// Each page's "## Peers" section (its last) is the one `src/rules/peers.rs` gives, so the
/// page, `plumb explain` and the alias table never drift. `PLUMB_UPDATE_PEERS=1` rewrites
/// the pages from the table.
#[test]
fn rule_pages_list_their_peers() {
    let update = std::env::var_os("PLUMB_UPDATE_PEERS").is_some();
    let mut drift = Vec::new();
    for r in REGISTRY {
        let path = common::manifest_dir()
            .join("rules")
            .join(format!("{}.md", r.id));
        let page = std::fs::read_to_string(&path).unwrap();
        let (body, have) = match page.find("\n## Peers\n") {
            Some(at) => (&page[..=at], Some(&page[at + 1..])),
            None => (page.as_str(), None),
        };
        let want = plumb::rules::peers::page_section(r.id);
        if have == want.as_deref() {
            continue;
        }
        if update {
            let mut text = body.trim_end().to_string();
            text.push('\n');
            if let Some(w) = &want {
                text.push('\n');
                text.push_str(w);
            }
            std::fs::write(&path, text).unwrap();
        } else {
            drift.push(r.id);
        }
    }
    assert!(
        drift.is_empty(),
        "pages whose ## Peers section differs from src/rules/peers.rs (rewrite them with \
         PLUMB_UPDATE_PEERS=1 cargo test --test registry -- peers): {drift:?}"
    );
}
