//! docker/add-instead-of-copy: ADD of local files that COPY would copy the same way.

use crate::api::{Cx, Finding, Fix, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/add-instead-of-copy")
    .summary("ADD of a local path that is not an archive: use COPY")
    .packs(&["hygiene"])
    .on_dockerfile(check);

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

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
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
        let f = cx
            .finding(
                inst.keyword_span,
                "ADD of local files: use COPY, which does only that (ADD also fetches URLs and unpacks archives)",
            )
            .help("replace ADD with COPY; keep ADD for remote URLs, git repositories and archives to unpack");
        // safe: for a local file that is not an archive ADD and COPY do the same, with the
        // flags both take
        let shared = inst.flags.iter().all(|fl| {
            matches!(
                fl.name.as_str(),
                "chown" | "chmod" | "link" | "exclude" | "parents"
            )
        });
        let written = inst.keyword_span.text(cx.text());
        let copy = if written.chars().all(|c| c.is_ascii_lowercase()) {
            "copy"
        } else {
            "COPY"
        };
        out.push(if shared {
            f.fix(Fix::safe("replace ADD with COPY").replace(inst.keyword_span, copy))
        } else {
            f
        });
    }
}
