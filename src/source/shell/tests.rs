//! Unit tests of the shell lexer.

use super::*;

fn names(s: &Script) -> Vec<String> {
    s.commands
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

fn cmds(text: &str) -> Vec<String> {
    names(&parse_script(text))
}

#[test]
fn simple_and_operators() {
    let text = "apt-get update && apt-get install -y curl || true; echo hi | grep h & wait";
    let s = parse_script(text);
    assert_eq!(
        names(&s),
        [
            "apt-get update",
            "apt-get install -y curl",
            "true",
            "echo hi",
            "grep h",
            "wait"
        ]
    );
    let ops: Vec<_> = s.commands.iter().map(|c| c.op_after).collect();
    assert_eq!(
        ops,
        [
            Some(Op::And),
            Some(Op::Or),
            Some(Op::Semi),
            Some(Op::Pipe),
            Some(Op::Background),
            None
        ]
    );
    assert_eq!(s.commands[1].op_before, Some(Op::And));
    assert_eq!(s.commands[0].op_before, None);
    let pipes: Vec<_> = s.commands.iter().map(|c| c.pipeline).collect();
    assert_eq!(pipes, [0, 1, 2, 3, 3, 4]);
    assert_eq!(s.commands[1].span.text(text), "apt-get install -y curl");
    assert_eq!(s.commands[1].words[3].span.text(text), "curl");
}

#[test]
fn quotes_and_escapes() {
    let text = r#"echo 'a b' "c $HOME \"d\"" e\ f g"h"'i' "$(date "+%s")" `id -u` ${X:-y}"#;
    let s = parse_script(text);
    let w = &s.commands[0].words;
    let vals: Vec<_> = w.iter().map(|w| w.value.as_str()).collect();
    assert_eq!(
        vals,
        [
            "echo",
            "a b",
            r#"c $HOME "d""#,
            "e f",
            "ghi",
            r#"$(date "+%s")"#,
            "`id -u`",
            "${X:-y}"
        ]
    );
    assert_eq!(w[1].span.text(text), "'a b'");
    assert!(w[1].quoted);
    assert!(!w[0].quoted);
    assert_eq!(w[5].span.text(text), r#""$(date "+%s")""#);
}

#[test]
fn nested_substitution_with_parens() {
    let s = cmds("x=$(echo $(echo ')' ) (a)) ; y");
    assert_eq!(s, ["x=$(echo $(echo ')' ) (a))", "y"]);
}

#[test]
fn continuation_and_comments() {
    let text = "curl -fsSL \\\n  https://x.sh | sh # run it\n# whole line\nls";
    let s = parse_script(text);
    assert_eq!(names(&s), ["curl -fsSL https://x.sh", "sh", "ls"]);
    assert_eq!(s.commands[0].words[2].span.text(text), "https://x.sh");
    assert_eq!(s.commands[1].op_after, Some(Op::Semi));
    assert_eq!(s.commands[2].op_before, Some(Op::Semi));
    // `#` inside a word is not a comment
    assert_eq!(cmds("echo a#b"), ["echo a#b"]);
}

#[test]
fn redirections_are_not_words() {
    let s = cmds("make > /dev/null 2>&1; cat < in >> out 2> err; cmd &>/dev/null; tr a b <<< 'x'");
    assert_eq!(s, ["make", "cat", "cmd", "tr a b"]);
    let text = "echo hi >&2";
    let p = parse_script(text);
    assert_eq!(p.commands[0].span.text(text), "echo hi >&2");
}

#[test]
fn heredocs_are_skipped() {
    let text =
        "cat <<EOF > /etc/x\ncurl evil\nEOF\nls\ncat <<-'END'\n\tnot a command\n\tEND\necho done";
    assert_eq!(cmds(text), ["cat", "ls", "cat", "echo done"]);
    // two on one line
    assert_eq!(cmds("cat <<A <<B\na\nA\nb\nB\nok"), ["cat", "ok"]);
    // unterminated: swallowed to the end
    assert_eq!(cmds("cat <<EOF\nx\n"), ["cat"]);
}

#[test]
fn groups_and_subshells() {
    let s = parse_script("(cd /x && make) | tee log; { a; b; } && c");
    assert_eq!(names(&s), ["cd /x", "make", "tee log", "a", "b", "c"]);
    let sub: Vec<_> = s.commands.iter().map(|c| c.in_subshell).collect();
    assert_eq!(sub, [true, true, false, true, true, false]);
    assert_eq!(s.commands[1].op_after, Some(Op::Pipe));
    assert_eq!(s.commands[1].pipeline, s.commands[2].pipeline);
    assert_eq!(s.commands[5].op_before, Some(Op::And));
}

#[test]
fn keywords_are_separators() {
    assert_eq!(
        cmds("if curl -k https://x; then echo ok; else exit 1; fi"),
        ["curl -k https://x", "echo ok", "exit 1"]
    );
    assert_eq!(
        cmds("for f in a b c; do rm $f; done\nwhile true; do sleep 1; done"),
        ["rm $f", "true", "sleep 1"]
    );
    assert_eq!(
        cmds("case $x in\n  a|b) echo ab ;;\n  (c) echo c;;\n  *) echo other\nesac; ls"),
        ["echo ab", "echo c", "echo other", "ls"]
    );
    assert_eq!(
        cmds("f() { echo in f; }\nfunction g { ls; }\nf"),
        ["echo in f", "ls", "f"]
    );
    assert_eq!(cmds("(( i++ )); ! grep x y"), ["grep x y"]);
    // keywords only count in command position
    assert_eq!(cmds("echo if then fi"), ["echo if then fi"]);
}

#[test]
fn program_skips_wrappers() {
    let s = parse_script(
        "DEBIAN_FRONTEND=noninteractive sudo -E -u root env A=1 nice -n 5 apt-get install x",
    );
    let c = &s.commands[0];
    let (w, i) = c.program().expect("program");
    assert_eq!(w.value, "apt-get");
    assert_eq!(i, 10);
    assert_eq!(c.name(), Some("sudo"));
    assert_eq!(c.args_after(i)[0].value, "install");
    let s = parse_script("command -v curl");
    assert_eq!(s.commands[0].program().map(|p| p.1), Some(0));
    let s = parse_script("sudo");
    assert_eq!(s.commands[0].program().map(|p| p.1), Some(0));
    let s = parse_script("A=1 B=2");
    assert_eq!(s.commands[0].program(), None);
    assert_eq!(s.commands[0].name(), None);
}

#[test]
fn flags() {
    let s = parse_script("curl -fsSLk --retry=3 -o /tmp/k https://x -- -x");
    let c = &s.commands[0];
    assert_eq!(
        c.has_flag("insecure", Some('k')).map(|w| w.value.as_str()),
        Some("-fsSLk")
    );
    assert_eq!(
        c.has_flag("--retry", None).map(|w| w.value.as_str()),
        Some("--retry=3")
    );
    assert!(c.has_flag("retry-all", None).is_none());
    assert!(c.has_flag("", Some('x')).is_none());
    let s = parse_script("curl -fsSL -o/tmp/k x");
    assert!(s.commands[0].has_flag("insecure", Some('k')).is_none());
    let s = parse_script("sudo curl --insecure x");
    assert!(s.commands[0].has_flag("insecure", Some('k')).is_some());
}

#[test]
fn unterminated_and_hostile_input() {
    for text in [
        "echo 'abc",
        "echo \"abc $(x",
        "echo $(",
        "echo ${",
        "echo `x",
        "\\",
        "a \\",
        "((((((",
        "))))))",
        "}}}{{{",
        "case",
        "case x in",
        "esac esac",
        "<<",
        "2>",
        "cat <<",
        "$'\\",
        "\u{0}\u{1}\u{ff}é\\é",
        "for",
        "function",
        ";;;;&&||||&",
    ] {
        let s = parse_script(text);
        for c in &s.commands {
            for w in c.words.iter() {
                assert!(text.get(w.span.start..w.span.end).is_some(), "{text:?}");
            }
        }
    }
    let deep = "$(".repeat(50_000);
    let s = parse_script(&deep);
    assert_eq!(s.commands.len(), 1);
    let many = "a && ".repeat(20_000);
    assert_eq!(parse_script(&many).commands.len(), 20_000);
}

#[test]
fn assignments() {
    assert!(is_assignment("A=1"));
    assert!(is_assignment("A+=1"));
    assert!(is_assignment("a_b[2]=x"));
    assert!(!is_assignment("=x"));
    assert!(!is_assignment("1A=x"));
    assert!(!is_assignment("--a=b"));
    assert_eq!(cmds("arr=(a b) x"), ["arr=(a b) x"]);
}

/// Words are copied a run of ordinary bytes at a time: every special byte still ends the
/// run and is read as before, at the start, middle and end of a word.
#[test]
fn words_read_across_every_special_byte() {
    let s = parse_script(
        "a\"b c\"d 'e f'g h\\ i $x${y}z $(p q)r `s t`u a=(1 2) x$'\\n'y \"q$w ${e}\\\"r\"t é/ü.ñ\nnext|pipe>out<in;x&",
    );
    let words: Vec<(&str, bool)> = s
        .commands
        .iter()
        .flat_map(|c| c.words.iter().map(|w| (w.value.as_str(), w.quoted)))
        .collect();
    assert_eq!(
        words,
        [
            ("ab cd", true),
            ("e fg", true),
            ("h i", true),
            ("$x${y}z", false),
            ("$(p q)r", false),
            ("`s t`u", false),
            ("a=(1 2)", false),
            ("x\ny", true),
            ("q$w ${e}\"rt", true),
            ("é/ü.ñ", false),
            ("next", false),
            ("pipe", false),
            ("x", false),
        ]
    );
    // spans cover each word as written
    let text = "echo  ab\"c d\"ef   g";
    let s = parse_script(text);
    let spans: Vec<&str> = s.commands[0]
        .words
        .iter()
        .map(|w| &text[w.span.start..w.span.end])
        .collect();
    assert_eq!(spans, ["echo", "ab\"c d\"ef", "g"]);
}

/// The last path component, as `rsplit('/')` gives it.
#[test]
fn basename_is_the_last_component() {
    for (path, base) in [
        ("/usr/bin/sudo", "sudo"),
        ("sudo", "sudo"),
        ("./scripts/test.sh", "test.sh"),
        ("dir/", ""),
        ("/", ""),
        ("", ""),
        ("é/ü/ß", "ß"),
    ] {
        assert_eq!(basename(path), base, "{path}");
        assert_eq!(basename(path), path.rsplit('/').next().unwrap_or(path));
    }
}
