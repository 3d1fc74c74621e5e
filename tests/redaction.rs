//! Planted secrets: distinct fake secrets, built at test time, in files of all five kinds;
//! every output format is run and none of the values may appear anywhere in the output.

use std::process::Command;

/// Fake values, assembled here so no credential-shaped string sits in the repository.
fn planted() -> Vec<(&'static str, String)> {
    let tail = |seed: &str, n: usize| seed.repeat(n / seed.len() + 1)[..n].to_string();
    vec![
        ("compose", format!("cmpPw-{}", tail("q7Z", 14))),
        ("compose-url", format!("urlPw{}", tail("k3", 10))),
        ("k8s", format!("k8sPw-{}", tail("m4X", 14))),
        ("workflow", format!("ghp_{}", tail("Ab1", 36))),
        ("terraform", format!("tfPw-{}", tail("r9T", 14))),
        ("dockerfile", format!("dkPw-{}", tail("w2E", 14))),
        ("aws", format!("AKIA{}", tail("QZ7", 16))),
    ]
}

#[test]
fn no_planted_secret_reaches_any_output() {
    let s: std::collections::HashMap<&str, String> = planted().into_iter().collect();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::write(
        root.join("docker-compose.yml"),
        format!(
            "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: {}\n      DATABASE_URL: postgres://app:{}@db:5432/app\n",
            s["compose"], s["compose-url"]
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("pod.yaml"),
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n      env:\n        - name: DB_PASSWORD\n          value: {}\n",
            s["k8s"]
        ),
    )
    .unwrap();
    std::fs::write(
        root.join(".github/workflows/ci.yml"),
        format!(
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: {}\n    steps:\n      - run: echo hi\n",
            s["workflow"]
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("main.tf"),
        format!(
            "variable \"db_password\" {{\n  default = \"{}\"\n}}\n\nprovider \"aws\" {{\n  access_key = \"{}\"\n}}\n",
            s["terraform"], s["aws"]
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("Dockerfile"),
        format!(
            "FROM alpine:3.20\nENV API_TOKEN={}\nUSER 10001\n",
            s["dockerfile"]
        ),
    )
    .unwrap();

    let mut total_findings = 0;
    for format in ["human", "json", "sarif", "github", "gitlab"] {
        let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
            .current_dir(root)
            .args([
                "check", ".", "--select", "all", "--format", format, "--color", "always",
            ])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for (what, value) in &s {
            assert!(
                !text.contains(value.as_str()),
                "{format} output leaks the planted {what} secret"
            );
            // nor any long piece of it
            assert!(
                !text.contains(&value[2..value.len() - 2]),
                "{format} output leaks part of the planted {what} secret"
            );
        }
        if format == "json" {
            let v: serde_json::Value =
                serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
            total_findings = v["findings"].as_array().unwrap().len();
        }
    }
    // the test means something only if the secrets were found
    assert!(
        total_findings >= 3,
        "expected secret findings, got {total_findings}"
    );
}

/// Files of every kind that only reference secrets properly: the secrets pack reports nothing.
#[test]
fn proper_references_are_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    let files = [
        (
            "docker-compose.yml",
            "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n      DATABASE_URL: postgres://app:${DB_PASS}@db:5432/app\n      PASSWORD_MIN_LENGTH: \"12\"\n    command: [\"redis-server\", \"--requirepass\", \"${REDIS_PASSWORD}\"]\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./db_password.txt\n",
        ),
        (
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0.0\n      env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: db, key: password}\n        - name: TOKEN_EXPIRY\n          value: \"3600\"\n",
        ),
        (
            ".github/workflows/ci.yml",
            "on: push\npermissions: {contents: read}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n    steps:\n      - run: echo \"$GH_TOKEN\" | wc -c\n",
        ),
        (
            "main.tf",
            "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}\n\nresource \"aws_db_instance\" \"main\" {\n  password = var.db_password\n}\n\nvariable \"password_min_length\" {\n  default = 12\n}\n",
        ),
        (
            "Dockerfile",
            "FROM alpine:3.20\nRUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) true\nENV DB_PASSWORD_FILE=/run/secrets/db_password\nUSER 10001\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(root.join(name), text).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .current_dir(root)
        .args([
            "check",
            ".",
            "--no-config",
            "--select",
            "secrets",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files_scanned"], 5);
    let findings: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["file"], f["start"]["line"], f["rule"], f["message"]
            )
        })
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
}

/// A stray `NAME=value` line is a Dockerfile parse error; its message names the line's
/// leading word only, never the value (machine formats carry no snippet).
#[test]
fn parse_error_messages_do_not_quote_values() {
    let value = format!("strayPw-{}", "x9Y".repeat(5));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM alpine:3.20\nDB_PASSWORD={value}\nUSER 10001\n"),
    )
    .unwrap();
    let mut saw_parse_error = false;
    for format in ["json", "sarif", "github", "gitlab"] {
        let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
            .current_dir(dir.path())
            .args(["check", ".", "--no-config", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains(&value), "{format} output quotes the value");
        saw_parse_error |= text.contains("DB_PASSWORD");
    }
    assert!(saw_parse_error, "the stray line is reported");
}
