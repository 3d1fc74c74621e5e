//! docker/add-instead-of-copy: ADD of local files that COPY would copy the same way.

use crate::engine::Ctx;
use crate::finding::{Finding, Severity};
use crate::rules::Rule;
use crate::source::Kind;
use crate::source::dockerfile::Keyword;

pub const RULE: Rule = Rule {
    id: "docker/add-instead-of-copy",
    kinds: &[Kind::Dockerfile],
    packs: &["hygiene"],
    severity: Severity::Warning,
    security_severity: None,
    summary: "ADD of a local path that is not an archive: use COPY",
    doc: include_str!("../../../rules/docker/add-instead-of-copy.md"),
    default_enabled: true,
    options: &[],
    aliases: &[],
    check,
};

const ARCHIVES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz",
    ".tlz",
    ".tar.lzma",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lz",
    ".lzma",
    ".z",
    ".zip",
];

/// A source that only ADD can handle: a URL, a git repository, an archive, a variable.
fn needs_add(src: &str) -> bool {
    let l = src.to_ascii_lowercase();
    l.contains("://")
        || l.starts_with("git@")
        || l.contains('$')
        || ARCHIVES.iter().any(|a| l.ends_with(a))
}

fn check(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some(df) = cx.dockerfile() else { return };
    for inst in df.instructions.iter().filter(|i| i.keyword == Keyword::Add) {
        if !inst.heredocs.is_empty()
            || inst.flag("checksum").is_some()
            || inst.flag("keep-git-dir").is_some()
        {
            continue;
        }
        let words = inst.words();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        if sources.is_empty() || sources.iter().any(|(s, _)| needs_add(s)) {
            continue;
        }
        out.push(
            cx.finding(
                inst.keyword_span,
                "ADD of local files: use COPY, which does only that (ADD also fetches URLs and unpacks archives)",
            )
            .help("replace ADD with COPY; keep ADD for remote URLs, git repositories and archives to unpack"),
        );
    }
}
