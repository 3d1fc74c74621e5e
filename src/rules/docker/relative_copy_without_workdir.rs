//! docker/relative-copy-without-workdir: COPY/ADD to a relative destination before any
//! WORKDIR in the stage (or in the stages it is built on).

use crate::api::{Cx, Finding, Rule};
use crate::rule;
use crate::source::dockerfile::{Dockerfile, Keyword};

pub static RULE: Rule = rule!("docker/relative-copy-without-workdir")
    .summary("COPY/ADD to a relative destination before any WORKDIR in the stage")
    .packs(&["reliability"])
    .on_dockerfile(check);

fn relative(dest: &str) -> bool {
    let d = dest.trim();
    !(d.is_empty()
        || d.starts_with('/')
        || d.starts_with('$')
        || d.starts_with('\\')
        || d.len() >= 2 && d.as_bytes()[1] == b':' // C:\app
        || d.starts_with('<'))
}

fn check(cx: &Cx<'_>, df: &Dockerfile, out: &mut Vec<Finding>) {
    // whether each stage (with the stages it is built on) has set a WORKDIR by its end
    let mut has_workdir: Vec<bool> = Vec::with_capacity(df.stages.len());
    for stage in &df.stages {
        let mut set = stage
            .base
            .and_then(|b| has_workdir.get(b).copied())
            .unwrap_or(false);
        for inst in df.stage_instructions(stage) {
            match inst.keyword {
                Keyword::Workdir => set = true,
                Keyword::Copy | Keyword::Add if !set => {
                    let words = inst.words();
                    let Some((dest, span)) = words.last() else {
                        continue;
                    };
                    if words.len() < 2 || !relative(dest) {
                        continue;
                    }
                    out.push(
                        cx.finding(
                            *span,
                            format!("{} to the relative path {dest} before any WORKDIR: it lands in whatever directory the base image {} left as its working directory (often /); set WORKDIR first or give an absolute path", inst.keyword.as_str(), df.root_image(stage).raw),
                        )
                        .help("WORKDIR /app before the COPY makes the destination explicit and creates the directory"),
                    );
                }
                _ => {}
            }
        }
        has_workdir.push(set);
    }
}
