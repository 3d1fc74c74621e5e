//! Unit tests of the Dockerfile parser.

use super::words::parse_json_strings;
use super::*;
use crate::source::shell;

fn cmd_names(inst: &Instruction) -> Vec<String> {
    inst.commands()
        .iter()
        .map(|c| {
            c.words
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Every span of the model falls on char boundaries of `text`.
fn check_spans(text: &str, df: &Dockerfile) {
    let ok = |s: Span| {
        assert!(
            s.start <= s.end && text.get(s.start..s.end).is_some(),
            "bad span {s:?} in {text:?}"
        )
    };
    for i in &df.instructions {
        ok(i.span);
        ok(i.keyword_span);
        ok(i.args_span);
        assert!(i.span.contains(i.keyword_span));
        for f in &i.flags {
            ok(f.span);
            f.value_span.map(ok);
        }
        for h in &i.heredocs {
            ok(h.span);
            ok(h.body_span);
        }
        for (_, s) in i.words() {
            ok(s);
        }
        for kv in i.key_values() {
            ok(kv.key_span);
            kv.value_span.map(ok);
        }
        for c in i.commands() {
            ok(c.span);
            for w in c.words.iter() {
                ok(w.span);
            }
        }
    }
    for s in &df.stages {
        ok(s.image.span);
    }
    for e in &df.errors {
        ok(e.span);
    }
}

#[test]
fn multi_stage() {
    let text = "FROM golang:1.22 AS Build\nWORKDIR /src\nRUN go build -o /app\n\nFROM gcr.io/distroless/static\nCOPY --from=build /app /app\nUSER nonroot\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions.len(), 6);
    assert_eq!(df.stages.len(), 2);
    let s0 = &df.stages[0];
    assert_eq!(s0.image.name, "golang");
    assert_eq!(s0.image.tag.as_deref(), Some("1.22"));
    assert_eq!(s0.image.span.text(text), "golang:1.22");
    let (name, span) = s0.name.as_ref().expect("name");
    assert_eq!(name, "Build");
    assert_eq!(span.text(text), "Build");
    assert_eq!(s0.instructions, 0..3);
    assert_eq!(df.stages[1].instructions, 3..6);
    assert_eq!(df.final_stage().map(|s| s.from), Some(3));
    assert_eq!(df.stage_by_name("build").map(|s| s.from), Some(0));
    assert_eq!(df.stage_instructions(&df.stages[1]).len(), 3);
    let stages: Vec<_> = df.instructions.iter().map(|i| i.stage).collect();
    assert_eq!(
        stages,
        [Some(0), Some(0), Some(0), Some(1), Some(1), Some(1)]
    );
    let copy = &df.instructions[4];
    assert_eq!(copy.keyword, Keyword::Copy);
    assert_eq!(
        copy.flag("from").and_then(|f| f.value.as_deref()),
        Some("build")
    );
    assert_eq!(copy.args.text, "/app /app");
    assert_eq!(copy.args_span.text(text), "/app /app");
    assert_eq!(df.instructions[5].span.text(text), "USER nonroot");
    assert_eq!(df.instructions[2].keyword_span.text(text), "RUN");
    // FROM an earlier stage
    let df = parse("FROM alpine AS base\nFROM BASE\nFROM base:1\n");
    assert_eq!(df.stages[1].base, Some(0));
    assert_eq!(df.stages[2].base, None);
    check_spans(text, &df);
}

#[test]
fn continuations_crlf_bom_comments() {
    let text = "\u{feff}FROM alpine\r\nRUN apk add \\\r\n    curl \\\r\n # a comment\r\n\r\n    && echo ok  \r\nUSER app\r\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions[0].keyword_span.text(text), "FROM");
    let run = &df.instructions[1];
    assert_eq!(run.args.text, "apk add     curl     && echo ok");
    assert!(run.span.text(text).starts_with("RUN apk add \\\r\n"));
    assert!(run.span.text(text).ends_with("&& echo ok"));
    assert_eq!(cmd_names(run), ["apk add curl", "echo ok"]);
    let cmds = run.commands();
    assert_eq!(cmds[0].words[2].span.text(text), "curl");
    assert_eq!(cmds[1].words[1].span.text(text), "ok");
    assert_eq!(cmds[0].op_after, Some(shell::Op::And));
    let words = run.words();
    assert_eq!(words[2].0, "curl");
    assert_eq!(words[2].1.text(text), "curl");
    assert_eq!(df.instructions[2].span.text(text), "USER app");
    check_spans(text, &df);
}

#[test]
fn escape_directive() {
    let text = "# syntax=docker/dockerfile:1\n# escape=`\n\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n    && echo hi\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.escape, '`');
    assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1"));
    let run = &df.instructions[1];
    assert_eq!(run.args.text, "dir c:\\     && echo hi");
    assert_eq!(run.words()[1].0, "c:\\");
    // a directive after a comment is a comment
    let df = parse("# hello\n# escape=`\nFROM x\n");
    assert_eq!(df.escape, '\\');
    let df = parse("#check=skip=all\n# escape = `\nFROM x\n");
    assert_eq!(df.check.as_deref(), Some("skip=all"));
    assert_eq!(df.escape, '`');
    let df = parse("# escape=x\nFROM x\n");
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].span.text("# escape=x\nFROM x\n"), "# escape=x");
}

#[test]
fn heredocs() {
    let text = "FROM alpine\nRUN <<EOF\napk add curl\ncurl -k https://x\nEOF\nRUN <<A <<B\necho a\nA\necho b\nB\nRUN python3 <<PY\nimport os\nPY\nRUN bash <<-\"SH\"\n\tset -e\n\tcurl -k x\n\tSH\nCOPY <<EOF /etc/conf\nkey=value\nEOF\nUSER app\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
    assert_eq!(kws, ["FROM", "RUN", "RUN", "RUN", "RUN", "COPY", "USER"]);

    let r1 = &df.instructions[1];
    assert_eq!(r1.heredocs.len(), 1);
    let h = &r1.heredocs[0];
    assert_eq!(h.delimiter, "EOF");
    assert_eq!(h.body, "apk add curl\ncurl -k https://x\n");
    assert_eq!(h.body_span.text(text), "apk add curl\ncurl -k https://x");
    assert_eq!(h.span.text(text), "<<EOF");
    assert!(!h.quoted && !h.strip_tabs);
    assert_eq!(
        r1.span.text(text),
        "RUN <<EOF\napk add curl\ncurl -k https://x\nEOF"
    );
    assert_eq!(cmd_names(r1), ["apk add curl", "curl -k https://x"]);
    let c = r1.commands();
    assert_eq!(c[1].words[1].span.text(text), "-k");
    assert_eq!(c[1].pipeline, 1);

    let r2 = &df.instructions[2];
    assert_eq!(r2.heredocs.len(), 2);
    assert_eq!(r2.heredocs[1].body, "echo b\n");
    assert_eq!(r2.heredocs[1].span.text(text), "<<B");
    assert_eq!(cmd_names(r2), ["echo a", "echo b"]);
    let c = r2.commands();
    assert_eq!(c[1].words[1].span.text(text), "b");
    assert_ne!(c[0].pipeline, c[1].pipeline);

    // python's stdin is data
    let r3 = &df.instructions[3];
    assert_eq!(cmd_names(r3), ["python3"]);
    assert_eq!(r3.heredocs[0].body, "import os\n");

    let r4 = &df.instructions[4];
    let h = &r4.heredocs[0];
    assert!(h.strip_tabs && h.quoted);
    assert_eq!(h.delimiter, "SH");
    assert_eq!(h.body, "set -e\ncurl -k x\n");
    assert_eq!(cmd_names(r4), ["bash", "set -e", "curl -k x"]);
    let c = r4.commands();
    assert_eq!(c[2].words[0].span.text(text), "curl");
    assert_eq!(c[2].span.text(text), "curl -k x");

    let copy = &df.instructions[5];
    assert_eq!(copy.heredocs[0].body, "key=value\n");
    assert!(copy.commands().is_empty());
    assert_eq!(copy.words()[1].1.text(text), "/etc/conf");
    check_spans(text, &df);

    // shebang naming another interpreter: not a shell script
    let df = parse("RUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n");
    assert!(df.instructions[0].commands().is_empty());
    // CRLF bodies, unterminated heredoc
    let text = "RUN <<EOF\r\necho hi\r\nEOF\r\nRUN cat <<X\nnever closed\n";
    let df = parse(text);
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[0].heredocs[0].body, "echo hi\n");
    assert_eq!(
        df.instructions[0].heredocs[0].body_span.text(text),
        "echo hi"
    );
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].span.text(text), "<<X");
    // empty body
    let df = parse("RUN <<EOF\nEOF\nUSER x\n");
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[0].heredocs[0].body, "");
    // `<<<` and quoted markers are not heredocs
    let df = parse("RUN cat <<< hi && echo '<<EOF'\nUSER x\n");
    assert!(df.instructions[0].heredocs.is_empty());
    assert_eq!(df.instructions.len(), 2);
}

#[test]
fn json_and_shell_forms() {
    let text = "CMD [\"nginx\", \"-g\", \"daemon off;\"]\nCMD [nginx]\nENTRYPOINT [\"a\", 1]\nRUN [\"/bin/sh\", \"-c\", \"curl -k x && ls\"]\nRUN [\"sh\", \"-c\", \"echo \\\"x\\\"\"]\nCMD []\nSHELL [\"pwsh\", \"-c\"]\nSHELL pwsh -c\nVOLUME [\"/data\"]\n";
    let df = parse(text);
    let i = &df.instructions;
    match &i[0].args.form {
        ArgsForm::Json(items) => {
            let v: Vec<_> = items.iter().map(|(v, _)| v.as_str()).collect();
            assert_eq!(v, ["nginx", "-g", "daemon off;"]);
            assert_eq!(items[2].1.text(text), "\"daemon off;\"");
        }
        ArgsForm::Shell => panic!("expected JSON"),
    }
    assert!(i[0].is_exec_form());
    assert_eq!(cmd_names(&i[0]), ["nginx -g daemon off;"]);
    assert_eq!(i[0].commands()[0].words[0].span.text(text), "\"nginx\"");
    assert!(!i[1].is_exec_form());
    assert_eq!(cmd_names(&i[1]), ["[nginx]"]);
    assert!(!i[2].is_exec_form());
    // sh -c: the script is parsed with exact spans
    assert_eq!(cmd_names(&i[3]), ["curl -k x", "ls"]);
    assert_eq!(i[3].commands()[0].words[1].span.text(text), "-k");
    // escapes in the script: run as one exec command
    assert_eq!(cmd_names(&i[4]), ["sh -c echo \"x\""]);
    assert!(i[5].is_exec_form());
    assert!(i[5].commands().is_empty());
    assert!(i[6].is_exec_form());
    assert!(!i[7].is_exec_form());
    assert_eq!(i[8].words()[0].0, "/data");
    let msgs: Vec<_> = df.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "ENTRYPOINT exec form must be a JSON array of strings",
            "SHELL needs its arguments in JSON form: SHELL [\"executable\", \"param\"]"
        ]
    );
    assert_eq!(df.errors[0].span.text(text), "[\"a\", 1]");
    check_spans(text, &df);
    // unicode escapes
    assert_eq!(
        parse_json_strings(r#"["\u00e9\ud83d\ude00", "é"]"#)
            .map(|v| v.into_iter().map(|x| x.0).collect::<Vec<_>>()),
        Some(vec!["é😀".to_string(), "é".to_string()])
    );
    assert!(parse_json_strings(r#"["a",]"#).is_none());
    assert!(parse_json_strings(r#"["a"] x"#).is_none());
    assert!(parse_json_strings("[\"a\nb\"]").is_none());
}

#[test]
fn healthcheck() {
    let text = "HEALTHCHECK --interval=5s --timeout=3s CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK CMD [\"curl\", \"-f\", \"x\"]\nHEALTHCHECK NONE\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let h = &df.instructions[0];
    assert_eq!(h.flags.len(), 2);
    assert_eq!(
        h.flag("interval").and_then(|f| f.value.as_deref()),
        Some("5s")
    );
    assert_eq!(cmd_names(h), ["curl -f http://localhost/", "exit 1"]);
    assert_eq!(h.commands()[0].words[0].span.text(text), "curl");
    let h = &df.instructions[1];
    assert!(h.is_exec_form());
    assert_eq!(cmd_names(h), ["curl -f x"]);
    let w: Vec<_> = h.words().into_iter().map(|w| w.0).collect();
    assert_eq!(w, ["CMD", "curl", "-f", "x"]);
    assert!(df.instructions[2].commands().is_empty());
}

#[test]
fn flags_and_mounts() {
    let text = "FROM --platform=$BUILDPLATFORM node:20 AS b\nRUN --mount=type=cache,target=/root/.cache --network=none pip install x\nCOPY --chown=1000:1000 --link a b\nRUN --mount=type=secret,id=tok,target=/a,readonly cat /a\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.stages[0].platform.as_deref(), Some("$BUILDPLATFORM"));
    let run = &df.instructions[1];
    let m = &run.flags[0];
    assert_eq!(m.name, "mount");
    assert_eq!(m.span.text(text), "--mount=type=cache,target=/root/.cache");
    assert_eq!(
        m.value_span.map(|s| s.text(text)),
        Some("type=cache,target=/root/.cache")
    );
    assert_eq!(
        m.mount_kv(),
        [
            ("type".to_string(), "cache".to_string()),
            ("target".to_string(), "/root/.cache".to_string())
        ]
    );
    assert_eq!(run.args.text, "pip install x");
    assert_eq!(run.args_span.text(text), "pip install x");
    let copy = &df.instructions[2];
    assert_eq!(copy.flags.len(), 2);
    assert_eq!(copy.flags[1].name, "link");
    assert_eq!(copy.flags[1].value, None);
    assert_eq!(copy.flags[0].value.as_deref(), Some("1000:1000"));
    let kv = df.instructions[3].flags[0].mount_kv();
    assert_eq!(kv[2], ("target".to_string(), "/a".to_string()));
    assert_eq!(kv[3], ("readonly".to_string(), String::new()));
    check_spans(text, &df);
}

#[test]
fn arg_substitution_in_from() {
    let text = "ARG REG=registry.example.com:5000\nARG TAG\nARG VARIANT=\nARG FULL=${REG}/full\nFROM ${REG}/team/app:${TAG:-1.0}@sha256:abc AS one\nFROM $REG/x:${TAG}\nFROM base${VARIANT:+-}${VARIANT}\nFROM ${NOPE-alpine}:3\nFROM localhost:5000/app\nFROM $FULL\nFROM scratch\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.global_args, [0, 1, 2, 3]);
    let s = &df.stages;
    assert_eq!(
        s[0].image.raw,
        "registry.example.com:5000/team/app:1.0@sha256:abc"
    );
    assert_eq!(s[0].image.name, "registry.example.com:5000/team/app");
    assert_eq!(s[0].image.tag.as_deref(), Some("1.0"));
    assert_eq!(s[0].image.digest.as_deref(), Some("sha256:abc"));
    assert!(!s[0].image.unresolved);
    assert_eq!(
        s[0].image.span.text(text),
        "${REG}/team/app:${TAG:-1.0}@sha256:abc"
    );
    assert_eq!(s[1].image.raw, "registry.example.com:5000/x:");
    assert!(s[1].image.unresolved);
    assert_eq!(s[2].image.raw, "base");
    assert!(!s[2].image.unresolved);
    assert_eq!(s[3].image.raw, "alpine:3");
    assert_eq!(s[3].image.tag.as_deref(), Some("3"));
    assert_eq!(s[4].image.name, "localhost:5000/app");
    assert_eq!(s[4].image.tag, None);
    assert_eq!(s[5].image.raw, "registry.example.com:5000/full");
    assert!(s[6].image.is_scratch());
    assert!(df.instructions[..4].iter().all(|i| i.stage.is_none()));
}

#[test]
fn key_values() {
    let text = "ENV A=1 B=\"two words\" C\nENV PATH /usr/local/bin:$PATH\nLABEL org.opencontainers.image.title=\"x y\"\nARG NAME\nARG V=1 W=2\nUSER app\n";
    let df = parse(text);
    let kv = df.instructions[0].key_values();
    assert_eq!(kv.len(), 3);
    assert_eq!(kv[1].key, "B");
    assert_eq!(kv[1].key_span.text(text), "B");
    assert_eq!(kv[1].value.as_deref(), Some("two words"));
    assert_eq!(
        kv[1].value_span.map(|s| s.text(text)),
        Some("\"two words\"")
    );
    assert_eq!(kv[2].value, None);
    let kv = df.instructions[1].key_values();
    assert_eq!(kv.len(), 1);
    assert_eq!(kv[0].key, "PATH");
    assert_eq!(kv[0].value.as_deref(), Some("/usr/local/bin:$PATH"));
    assert_eq!(
        kv[0].value_span.map(|s| s.text(text)),
        Some("/usr/local/bin:$PATH")
    );
    let kv = df.instructions[2].key_values();
    assert_eq!(kv[0].key, "org.opencontainers.image.title");
    assert_eq!(kv[0].value.as_deref(), Some("x y"));
    let kv = df.instructions[3].key_values();
    assert_eq!((kv[0].key.as_str(), kv[0].value.as_deref()), ("NAME", None));
    let kv = df.instructions[4].key_values();
    assert_eq!(kv[1].key, "W");
    assert_eq!(kv[1].value_span.map(|s| s.text(text)), Some("2"));
    assert!(df.instructions[5].key_values().is_empty());
    check_spans(text, &df);
}

#[test]
fn errors() {
    let text = "FROM alpine\nFOO bar\nRUN apt-get update\n&& apt-get install x\nRUN\n";
    let df = parse(text);
    let msgs: Vec<_> = df.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "unknown instruction \"FOO\"",
            "unknown instruction: a line that does not start with an instruction",
            "RUN has no arguments"
        ]
    );
    assert_eq!(df.errors[0].span.text(text), "FOO");
    assert_eq!(df.errors[1].span.text(text), "&&");
    assert_eq!(df.instructions.len(), 5);
    assert_eq!(
        df.instructions[1].keyword,
        Keyword::Other("FOO".to_string())
    );
    let df = parse("FROM a b\n");
    assert_eq!(df.errors.len(), 1);

    // binary junk: capped errors
    let junk: String = (0..5000)
        .map(|i| format!("\u{0}\u{1}junk{i}\u{7f}\n"))
        .collect();
    let df = parse(&junk);
    assert_eq!(df.errors.len(), MAX_ERRORS + 1);
    assert!(df.errors[MAX_ERRORS].message.starts_with("too many errors"));
    check_spans(&junk, &df);
}

#[test]
fn every_prefix_is_safe() {
    let text = "\u{feff}# syntax=x\n# escape=\\\nARG B=é\nFROM ${B:-a}:1 AS z\nRUN --mount=type=cache,target=/x echo \"é $(id -u)\" 'q' \\\r\n  # c\r\n  && <<-EOF cat > /f\n\tbody é\n\tEOF\nCMD [\"a\", \"\\u00e9\"]\nENV K=\"v w\" L\nHEALTHCHECK CMD x || y\nCOPY <<A <<B /d\na\nA\nb\nB\n";
    for end in 0..=text.len() {
        let Some(t) = text.get(..end) else { continue };
        let df = parse(t);
        check_spans(t, &df);
    }
    // and some binary noise
    let noise: Vec<u8> = (0..4000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let noise = String::from_utf8_lossy(&noise).into_owned();
    let df = parse(&noise);
    check_spans(&noise, &df);
    assert!(df.errors.len() <= MAX_ERRORS + 1);
}

#[test]
fn random_token_soup_never_panics() {
    const TOKENS: &[&str] = &[
        "FROM ",
        "RUN ",
        "COPY ",
        "ENV ",
        "ARG ",
        "HEALTHCHECK ",
        "CMD ",
        "ONBUILD ",
        "x",
        "a=b",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\\",
        "`",
        "'",
        "\"",
        "$",
        "${",
        "}",
        "$(",
        ")",
        "(",
        "[",
        "]",
        ",",
        "<<",
        "<<-",
        "EOF",
        "#",
        "# escape=`",
        "--mount=",
        "&&",
        "||",
        "|",
        ";",
        "&",
        ">",
        "2>&1",
        "é",
        "\u{0}",
        "case ",
        " in ",
        "esac",
        "if ",
        "fi",
        "{ ",
        " }",
        "=",
        ":-",
        "@sha256:",
        ":5000/",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut t = String::new();
        let n = (seed >> 60) as usize + 4;
        for _ in 0..n * 3 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            t.push_str(TOKENS[(seed % TOKENS.len() as u64) as usize]);
        }
        let df = parse(&t);
        check_spans(&t, &df);
        let script = shell::parse_script(&t);
        for c in &script.commands {
            assert!(t.get(c.span.start..c.span.end).is_some(), "{t:?}");
            for w in c.words.iter() {
                assert!(t.get(w.span.start..w.span.end).is_some(), "{t:?}");
            }
            let _ = c.program();
            let _ = c.has_flag("k", Some('k'));
        }
    }
}

#[test]
fn large_input_is_linear_enough() {
    let mut text = String::from("FROM alpine\nRUN true \\\n");
    for i in 0..50_000 {
        text.push_str(&format!("  && echo {i} \\\n"));
    }
    text.push_str("  && ls\n");
    for i in 0..50_000 {
        text.push_str(&format!("RUN echo {i}\n"));
    }
    let df = parse(&text);
    assert_eq!(df.instructions.len(), 50_002);
    assert_eq!(df.instructions[1].commands().len(), 50_002);
}
