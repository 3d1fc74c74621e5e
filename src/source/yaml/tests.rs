//! Unit tests of the YAML layer.

use super::*;

fn load(text: &str) -> YamlFile {
    YamlFile::parse(text)
}

#[test]
fn spans_of_keys_and_values() {
    let text = "a: 1\nb:\n  c: hello\n  d: [x, y]\n";
    let f = load(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let root = f.documents().next().unwrap();
    let c = root.path(&["b", "c"]).unwrap();
    assert_eq!(c.span().text(text), "hello");
    let key = root.get("b").unwrap().key("d").unwrap();
    assert_eq!(key.span().text(text), "d");
    let d = root.path(&["b", "d"]).unwrap();
    assert_eq!(d.at(1).unwrap().span().text(text), "y");
    assert_eq!(d.span().text(text), "[x, y]");
}

#[test]
fn multibyte_text_keeps_byte_spans() {
    let text = "\u{feff}name: \"héllo wörld\"\nnext: ✓\n";
    let f = load(text);
    let root = f.documents().next().unwrap();
    assert_eq!(root.get("next").unwrap().span().text(text), "✓");
    assert_eq!(
        root.get("name").unwrap().span().text(text),
        "\"héllo wörld\""
    );
}

#[test]
fn multiple_documents() {
    let text = "a: 1\n---\nb: 2\n---\nc: 3\n";
    let f = load(text);
    assert_eq!(f.docs.len(), 3);
    let roots: Vec<_> = f.documents().collect();
    assert_eq!(roots[2].get("c").unwrap().as_i64(), Some(3));
}

#[test]
fn merge_keys_and_aliases() {
    let text = "base: &b\n  x: 1\n  y: 2\nsvc:\n  <<: *b\n  y: 3\n";
    let f = load(text);
    let root = f.documents().next().unwrap();
    let svc = root.get("svc").unwrap();
    assert_eq!(svc.get("x").unwrap().as_i64(), Some(1));
    assert_eq!(svc.get("y").unwrap().as_i64(), Some(3));
    assert_eq!(svc.entries().len(), 2);
}

#[test]
fn entries_keep_the_first_of_a_repeated_key_with_or_without_merges() {
    // the small mapping without `<<` takes a path of its own: both agree
    for text in [
        "m:\n  a: 1\n  b: 2\n  a: 3\n",
        "m:\n  <<: {z: 0}\n  a: 1\n  b: 2\n  a: 3\n",
    ] {
        let f = load(text);
        let m = f.documents().next().unwrap().get("m").unwrap();
        let got: Vec<(String, i64)> = m
            .entries()
            .iter()
            .map(|(k, v)| (k.scalar().unwrap().to_string(), v.as_i64().unwrap()))
            .filter(|(k, _)| k != "z")
            .collect();
        assert_eq!(
            got,
            vec![("a".to_string(), 1), ("b".to_string(), 2)],
            "{text}"
        );
    }
    // a quoted `<<` is an ordinary key to the parser, and still left out of entries
    let f = load("m:\n  \"<<\": 1\n  a: 2\n");
    let m = f.documents().next().unwrap().get("m").unwrap();
    assert_eq!(m.entries().len(), 1);
}

#[test]
fn duplicate_keys_are_reported() {
    let f = load("a: 1\na: 2\n");
    assert_eq!(f.errors.len(), 1);
    assert!(!f.errors[0].fatal);
    assert!(f.errors[0].message.contains("duplicate key \"a\""));
}

#[test]
fn duplicates_point_at_the_key_before_them_in_small_and_large_mappings() {
    for filler in [0, 40] {
        let mut text = String::from("a: 1\nb: 2\na: 3\n<<: {}\n<<: {}\na: 4\n");
        for i in 0..filler {
            text.push_str(&format!("k{i}: v\n"));
        }
        text.push_str("b: 5\n");
        let f = load(&text);
        let at = |n: usize| {
            text.match_indices(['a', 'b'])
                .filter(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')
                .nth(n)
                .unwrap()
                .0
        };
        // keys in order: a(0) b(1) a(2) a(3) b(4)
        let got: Vec<(String, usize, usize)> = f
            .errors
            .iter()
            .map(|e| {
                (
                    e.message.clone(),
                    e.span.start,
                    e.duplicate_of.map_or(0, |d| d.start),
                )
            })
            .collect();
        let want = vec![
            (
                "duplicate key \"a\": only the last value is used".to_string(),
                at(2),
                at(0),
            ),
            (
                "duplicate key \"a\": only the last value is used".to_string(),
                at(3),
                at(2),
            ),
            (
                "duplicate key \"b\": only the last value is used".to_string(),
                at(4),
                at(1),
            ),
        ];
        assert_eq!(got, want, "{filler} more keys");
    }
}

#[test]
fn a_repeated_key_reads_its_last_value_whether_or_not_the_file_repeats_keys() {
    let cases = [
        ("a: 1\nb: 2\n", "1"),
        ("a: 1\nb: 2\na: 3\n", "3"),
        ("x: {a: 1}\na: 1\na: 2\n", "2"), // another mapping repeats none
        ("&k a: 1\n*k : 2\n", "2"),       // an alias key repeats it
        ("base: &b {a: 0}\nm:\n  <<: *b\n  a: 5\n", "5"),
    ];
    for (text, want) in cases {
        let f = load(text);
        let root = f.documents().next().expect("document");
        let m = root.get("m").unwrap_or(root);
        assert_eq!(m.get("a").and_then(|v| v.as_str()), Some(want), "{text}");
    }
}

#[test]
fn syntax_error_has_position() {
    let text = "a: 1\nb: [unclosed\n";
    let f = load(text);
    let e = f.fatal_error().expect("error");
    assert!(e.span.start > 4, "{e:?}");
}

#[test]
fn alias_bomb_loads_in_linear_space() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..40 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let f = load(&text);
    assert!(f.errors.is_empty());
    assert!(f.node_count() < 1_000);
}

#[test]
fn deep_nesting_is_refused() {
    let text = "[".repeat(10_000) + &"]".repeat(10_000);
    let f = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || load(&text))
        .unwrap()
        .join()
        .unwrap();
    let e = f.fatal_error().expect("depth error");
    assert!(
        e.message.contains("nesting deeper") || e.message.contains("recursion limit"),
        "{e:?}"
    );
}

#[test]
fn literal_block_maps_to_source() {
    let text = "run: |\n  echo one\n  echo ${{ github.event.issue.title }}\nnext: 1\n";
    let f = load(text);
    let run = f.documents().next().unwrap().get("run").unwrap();
    let value = run.scalar().unwrap();
    let at = value.find("${{").unwrap();
    let map = run.value_map(text);
    let src = map.to_source(at);
    assert!(text[src..].starts_with("${{ github.event"));
}

#[test]
fn crlf_block_maps_to_source() {
    let text = "run: |\r\n  a\r\n  b ok\r\n";
    let f = load(text);
    let run = f.documents().next().unwrap().get("run").unwrap();
    let value = run.scalar().unwrap();
    let at = value.find("ok").unwrap();
    let src = run.value_map(text).to_source(at);
    assert_eq!(&text[src..src + 2], "ok");
}

#[test]
fn scalars_typed() {
    let text = "a: true\nb: 'true'\nc: ~\nd: 0x10\ne: on\n";
    let f = load(text);
    let r = f.documents().next().unwrap();
    assert_eq!(r.get("a").unwrap().as_bool(), Some(true));
    assert_eq!(r.get("b").unwrap().as_bool(), None);
    assert!(r.get("c").unwrap().is_null());
    assert_eq!(r.get("d").unwrap().as_i64(), Some(16));
    assert_eq!(r.get("e").unwrap().as_bool(), Some(true));
}

#[test]
fn plain_mappings_list_and_find_as_the_general_path_does() {
    // a mapping of scalar keys without repeats or `<<` is marked plain and answered by a
    // scan that stops at the first match; large ones as small ones
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!("k{i}: {i}\n"));
    }
    let f = load(&text);
    let root = f.documents().next().expect("document");
    let keys: Vec<String> = root
        .entries()
        .iter()
        .map(|(k, _)| k.scalar().unwrap_or_default().to_string())
        .collect();
    assert_eq!(keys, (0..40).map(|i| format!("k{i}")).collect::<Vec<_>>());
    for i in 0..40 {
        assert_eq!(root.get(&format!("k{i}")).and_then(|v| v.as_i64()), Some(i));
    }
    assert!(root.get("k40").is_none());
    // an alias key naming an earlier key is not plain: listed once, read last
    let f = load("&k a: 1\n*k : 2\nb: 3\n");
    let root = f.documents().next().expect("document");
    assert_eq!(root.entries().len(), 2);
    assert_eq!(root.get("a").and_then(|v| v.as_i64()), Some(2));
}
