//! Reads YAML file paths from standard input and loads each both ways: through the direct
//! loader (src/source/yaml/fast.rs) and through saphyr's event parser. Prints how many files
//! the direct loader read and how many of those trees differ from saphyr's (which must be
//! none), with the first differing node of the first five.
//!
//!   find /work/corpus -name '*.yml' -o -name '*.yaml' | cargo run --release --example yaml-direct-check
//!
//! `SHOWDECLINE=1` also lists the files the direct loader left to saphyr.

use plumb::source::yaml::YamlFile;
use std::io::BufRead;
fn dump(f: &YamlFile) -> String {
    let mut s = String::new();
    for i in 0..f.node_count() {
        let n = f.node(i);
        s += &format!("{i}: {:?} {:?} {}\n", n.span(), f.tag_of(i), f.describe(i));
    }
    s += &format!("docs {:?}\nerrors {:?}\n", f.docs, f.errors);
    s
}
fn main() {
    let (mut n, mut acc, mut bad) = (0, 0, 0);
    for line in std::io::stdin().lock().lines() {
        let p = line.unwrap();
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        n += 1;
        let Some(fast) = YamlFile::parse_direct(&text) else {
            if std::env::var("SHOWDECLINE").is_ok() {
                println!("DECLINE {p}");
            }
            continue;
        };
        acc += 1;
        let slow = YamlFile::parse_events(&text);
        let (a, b) = (dump(&fast), dump(&slow));
        if a != b {
            bad += 1;
            if bad <= 5 {
                println!("DIFF {p}");
                for (x, y) in a.lines().zip(b.lines()) {
                    if x != y {
                        println!("  fast {x}\n  slow {y}");
                        break;
                    }
                }
                if a.lines().count() != b.lines().count() {
                    println!("  lines {} vs {}", a.lines().count(), b.lines().count());
                }
            }
        }
    }
    println!("files {n} accepted {acc} differ {bad}");
}
