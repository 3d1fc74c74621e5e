//! Compose files merged with the files Compose merges them with, before the compose and
//! service rules run: `compose.yaml` with `compose.override.yaml` (what `docker compose up`
//! reads), an override with its base, and an overlay (`docker-compose.prod.yml`, used as
//! `-f docker-compose.yml -f docker-compose.prod.yml`) with the base of its directory.
//!
//! The rules run on the merged text (`source::compose_merge`); each finding is then placed
//! back where what it points at was written, and a file keeps only the findings that land
//! in it: a service missing a healthcheck in the base and the override alike is reported
//! once, on the base, and not at all when the override adds one.

use std::path::PathBuf;
use std::sync::Arc;

use crate::api::{Edit, Finding, Fix};
use crate::paths::parent;
use crate::project::{Model, ParsedFile, Project};
use crate::source::Kind;
use crate::source::compose::Compose;
use crate::source::compose_merge::{self, Layer, Merged, Role};

/// A compose file merged with its family.
pub(super) struct Family {
    /// The merged text, parsed, with the checked file's path and display path.
    pub merged: ParsedFile,
    map: Merged,
    /// The checked file's place among the layers.
    me: usize,
    /// Every layer's path, for related places in the other files.
    paths: Vec<PathBuf>,
}

/// The family `file` is merged with, if it has one.
pub(super) fn compose_family(file: &ParsedFile, project: &Project) -> Option<Family> {
    let name = file.src.path.file_name()?.to_str()?;
    let (role, prefix) = compose_merge::role(name)?;
    let dir = parent(&file.src.path);
    let first = |names: [&str; 4]| -> Option<Arc<ParsedFile>> {
        names
            .iter()
            .map(|n| dir.join(n))
            .filter(|p| p.is_file() || project.parsed(p).is_some())
            .find_map(|p| project.file(&p, Kind::Compose))
    };
    let (others, me): (Vec<Arc<ParsedFile>>, usize) = match role {
        Role::Base => (vec![first(compose_merge::override_names(prefix))?], 0),
        Role::Override => (vec![first(compose_merge::base_names(prefix))?], 1),
        Role::Overlay => {
            let base = first(compose_merge::base_names(prefix))?;
            if !partial_over(file, &base) {
                return None; // a file of its own, used alone
            }
            (vec![base], 1)
        }
    };
    let mut files: Vec<&ParsedFile> = others.iter().map(Arc::as_ref).collect();
    files.insert(me, file);
    let mut layers = Vec::with_capacity(files.len());
    for f in &files {
        let Model::Yaml(y) = &f.model else {
            return None;
        };
        if y.fatal_error().is_some() {
            return None;
        }
        layers.push(Layer {
            yaml: y,
            text: &f.src.text,
        });
    }
    let map = compose_merge::merge_layers(&layers)?;
    let merged = ParsedFile::load(
        file.src.path.clone(),
        file.src.rel.clone(),
        Kind::Compose,
        map.text.clone().into_bytes(),
    );
    if merged.load_errors.iter().any(|e| e.fatal) {
        return None; // never expected: the merge writes plain YAML
    }
    Some(Family {
        merged,
        map,
        me,
        paths: files.iter().map(|f| f.src.path.clone()).collect(),
    })
}

/// Whether an overlay extends its base rather than standing alone: one of its services is
/// also the base's and has neither `image` nor `build` of its own.
fn partial_over(overlay: &ParsedFile, base: &ParsedFile) -> bool {
    let (Model::Yaml(o), Model::Yaml(b)) = (&overlay.model, &base.model) else {
        return false;
    };
    let (Some(o), Some(b)) = (Compose::of(o), Compose::of(b)) else {
        return false;
    };
    let base_names: Vec<&str> = b.services().iter().map(|s| s.name).collect();
    o.services().iter().any(|s| {
        base_names.contains(&s.name) && s.get("image").is_none() && s.get("build").is_none()
    })
}

impl Family {
    /// The findings on the merged text that land in the checked file, with their spans (and
    /// related places, secrets and fixes) placed back in it.
    pub fn place(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let mut out = Vec::new();
        for mut f in findings {
            let Some((layer, span)) = self.map.origin(f.span) else {
                continue;
            };
            if layer != self.me {
                continue; // the other file's own check reports it
            }
            f.span = span;
            f.related = std::mem::take(&mut f.related)
                .into_iter()
                .filter_map(|mut r| {
                    if r.file.is_some() {
                        return Some(r);
                    }
                    let (l, s) = self.map.origin(r.span)?;
                    r.span = s;
                    if l != self.me {
                        r.file = Some(self.paths[l].clone());
                    }
                    Some(r)
                })
                .collect();
            f.secrets = f
                .secrets
                .iter()
                .filter_map(|s| self.map.origin(*s))
                .filter(|(l, _)| *l == self.me)
                .map(|(_, s)| s)
                .collect();
            f.fix = f.fix.take().and_then(|fix| self.place_fix(fix));
            out.push(f);
        }
        out
    }

    /// A fix whose every edit falls inside text copied from the checked file.
    fn place_fix(&self, fix: Fix) -> Option<Fix> {
        let mut edits = Vec::with_capacity(fix.edits.len());
        for e in fix.edits {
            let (l, span) = self.map.exact_origin(e.span)?;
            if l != self.me {
                return None;
            }
            edits.push(Edit { span, text: e.text });
        }
        Some(Fix { edits, ..fix })
    }
}
