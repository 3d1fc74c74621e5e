//! Facts about stages that several rules ask for (the Dockerfile pack and the compose rules
//! that reason about the Dockerfile a service builds).

use super::{Dockerfile, ImageRef, Instruction, Keyword, Stage};
use crate::source::Span;

impl Dockerfile {
    /// The stages a stage is built on, itself first (`FROM build` chains), bounded.
    fn lineage<'a>(&'a self, stage: &'a Stage) -> Vec<&'a Stage> {
        let mut out = vec![stage];
        let mut cur = stage;
        while let Some(b) = cur.base {
            match self.stages.get(b) {
                Some(s) if out.len() < self.stages.len() && !std::ptr::eq(s, cur) => {
                    out.push(s);
                    cur = s;
                }
                _ => break,
            }
        }
        out
    }

    /// The last `USER` in effect in a stage, inherited through `FROM <stage>`: the
    /// instruction and the user as written (first word).
    pub fn effective_user(&self, stage: &Stage) -> Option<(&Instruction, String, Span)> {
        for s in self.lineage(stage) {
            let found = self
                .stage_instructions(s)
                .iter()
                .rev()
                .find(|i| i.keyword == Keyword::User);
            if let Some(i) = found {
                let (user, span) = i
                    .words()
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| (String::new(), i.args_span));
                return Some((i, user, span));
            }
        }
        None
    }

    /// The `HEALTHCHECK` in effect in a stage (the last one), inherited through
    /// `FROM <stage>`.
    pub fn healthcheck(&self, stage: &Stage) -> Option<&Instruction> {
        self.lineage(stage).into_iter().find_map(|s| {
            self.stage_instructions(s)
                .iter()
                .rev()
                .find(|i| i.keyword == Keyword::Healthcheck)
        })
    }

    /// The image the stage's lineage finally starts from.
    pub fn root_image<'a>(&'a self, stage: &'a Stage) -> &'a ImageRef {
        &self.lineage(stage).last().copied().unwrap_or(stage).image
    }
}

impl Instruction {
    /// `HEALTHCHECK NONE`: health checks switched off on purpose.
    pub fn is_healthcheck_none(&self) -> bool {
        self.keyword == Keyword::Healthcheck && self.args.text.trim().eq_ignore_ascii_case("none")
    }
}

impl Dockerfile {
    /// Indices of the stages whose layers end up in the final image: the final stage and
    /// the stages it is built on (`FROM build`).
    pub fn shipped_stages(&self) -> Vec<usize> {
        let Some(last) = self.stages.len().checked_sub(1) else {
            return Vec::new();
        };
        let mut out = vec![last];
        let mut cur = last;
        while let Some(b) = self.stages.get(cur).and_then(|s| s.base) {
            if out.contains(&b) {
                break;
            }
            out.push(b);
            cur = b;
        }
        out
    }

    /// Whether an instruction belongs to a stage that ends up in the final image.
    pub fn is_shipped(&self, inst: &Instruction) -> bool {
        inst.stage
            .is_some_and(|s| self.shipped_stages().contains(&s))
    }
}

impl Instruction {
    /// Whether a `RUN` has a `--mount=type=cache` whose target starts with one of `targets`.
    pub fn has_cache_mount(&self, targets: &[&str]) -> bool {
        self.flags.iter().filter(|f| f.name == "mount").any(|f| {
            let kv = f.mount_kv();
            let is_cache = kv.iter().any(|(k, v)| k == "type" && v == "cache");
            is_cache
                && kv.iter().any(|(k, v)| {
                    matches!(k.as_str(), "target" | "dst" | "destination")
                        && targets.iter().any(|t| v.starts_with(t))
                })
        })
    }
}
