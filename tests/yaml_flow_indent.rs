//! A multi-line flow collection whose closing bracket sits at (or left of) the indentation of
//! the block that holds it: libyaml, go-yaml, PyYAML, GitHub and docker compose load it, so
//! plumb must too (saphyr-parser 0.3.3 refused it with "invalid indentation"; the fix lives in
//! vendor/saphyr-parser, see its PLUMB.md).

use plumb::source::yaml::YamlFile;

fn load(text: &str) -> YamlFile {
    let f = YamlFile::parse(text);
    assert!(
        f.errors.is_empty(),
        "{text}\nrefused: {:?}",
        f.errors.first()
    );
    f
}

#[test]
fn compose_healthcheck_test_with_closing_bracket_at_parent_indentation() {
    let text = "services:\n  app:\n    image: example/app:1.0\n    healthcheck:\n      test: [\n        \"CMD\", \"true\"\n      ]\n      interval: 10s\n";
    let f = load(text);
    let root = f.documents().next().unwrap();
    let health = root.path(&["services", "app", "healthcheck"]).unwrap();
    let test = health.get("test").unwrap();
    let items: Vec<_> = test.items().filter_map(|i| i.as_str()).collect();
    assert_eq!(items, ["CMD", "true"]);
    assert_eq!(
        test.span().text(text),
        "[\n        \"CMD\", \"true\"\n      ]"
    );
    // the mapping goes on after the flow sequence
    assert_eq!(health.get("interval").unwrap().as_str(), Some("10s"));
}

#[test]
fn workflow_step_with_flow_mapping_closed_at_parent_indentation() {
    let text = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with: {\n          fetch-depth: 0,\n          persist-credentials: false\n        }\n      - run: make test\n";
    let f = load(text);
    let root = f.documents().next().unwrap();
    let steps = root.path(&["jobs", "build", "steps"]).unwrap();
    assert_eq!(steps.len(), 2);
    let with = steps.at(0).unwrap().get("with").unwrap();
    assert_eq!(with.get("fetch-depth").unwrap().as_i64(), Some(0));
    assert_eq!(
        with.get("persist-credentials").unwrap().as_bool(),
        Some(false)
    );
    assert_eq!(
        steps.at(1).unwrap().get("run").unwrap().as_str(),
        Some("make test")
    );
}

#[test]
fn nested_flow_collections_closed_at_parent_indentation() {
    let text = "jobs:\n  test:\n    strategy:\n      matrix:\n        include: [\n          {os: ubuntu-latest, rust: stable},\n          {\n            os: macos-latest,\n            rust: beta\n          },\n        ]\n    runs-on: ${{ matrix.os }}\n";
    let f = load(text);
    let root = f.documents().next().unwrap();
    let include = root
        .path(&["jobs", "test", "strategy", "matrix", "include"])
        .unwrap();
    assert_eq!(include.len(), 2);
    assert_eq!(
        include.at(1).unwrap().get("rust").unwrap().as_str(),
        Some("beta")
    );
    assert!(root.path(&["jobs", "test", "runs-on"]).is_some());
}

#[test]
fn closing_bracket_left_of_the_parent_indentation() {
    // libyaml and PyYAML ignore indentation inside flow collections altogether
    let text = "root:\n  key: [\n    a,\n    b\n ]\n  next: 1\n";
    let f = load(text);
    let root = f.documents().next().unwrap();
    assert_eq!(root.path(&["root", "key"]).unwrap().len(), 2);
    assert_eq!(root.path(&["root", "next"]).unwrap().as_i64(), Some(1));
}

#[test]
fn top_level_flow_sequence_closed_at_column_zero() {
    let f = load("key: [\n  a,\n  b\n]\nother: x\n");
    let root = f.documents().next().unwrap();
    assert_eq!(root.get("key").unwrap().len(), 2);
    assert_eq!(root.get("other").unwrap().as_str(), Some("x"));
}

#[test]
fn flow_content_left_of_its_block_is_still_refused() {
    // yaml-test-suite 9C9N: the entries themselves (not only the closing bracket) must be
    // indented more than the block key; the fix does not make this loadable
    let f = YamlFile::parse("---\nflow: [a,\nb,\nc]\n");
    assert!(f.fatal_error().is_some(), "{:?}", f.errors);
}
