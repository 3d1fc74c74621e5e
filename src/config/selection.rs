//! Which rules run on a file, at what severity: selectors (ids, aliases, globs, packs,
//! kinds, `all`), `select`/`ignore`/`severity` and per-path `overrides`.

use globset::{GlobBuilder, GlobMatcher, GlobSet};

use super::MAX_PATTERN_LEN;
use crate::api::{PACKS, Rule, Severity};
use crate::rules::{self, REGISTRY};
use crate::source::Kind;

/// Selects rules: an id or alias, a glob over ids (`k8s/*`, `*/plaintext-secret`), a pack
/// name, a kind prefix (`docker`), or `all`.
#[derive(Clone, Debug)]
pub enum Selector {
    All,
    Id(&'static str),
    Pack(String),
    Glob(String, GlobMatcher),
}

impl Selector {
    pub fn parse(s: &str) -> Result<Selector, String> {
        let s = s.trim();
        if s.len() > MAX_PATTERN_LEN {
            return Err(format!("selector longer than {MAX_PATTERN_LEN} characters"));
        }
        if s == "all" || s == "*" {
            return Ok(Selector::All);
        }
        if let Some(r) = rules::find(s) {
            return Ok(Selector::Id(r.id));
        }
        if PACKS.iter().any(|(p, _)| *p == s) {
            return Ok(Selector::Pack(s.to_string()));
        }
        let pattern = if s.contains(['*', '?', '[']) {
            s.to_string()
        } else if !s.contains('/') && REGISTRY.iter().any(|r| r.prefix() == s) {
            format!("{s}/*")
        } else {
            return Err(format!(
                "unknown rule, pack or pattern \"{s}\"{} (see `plumb rules`)",
                rules::suggest::hint(rules::suggest::rule_or_pack(s))
            ));
        };
        let glob = GlobBuilder::new(&pattern)
            .literal_separator(false)
            .build()
            .map_err(|e| format!("bad pattern \"{s}\": {e}"))?;
        let m = glob.compile_matcher();
        if !REGISTRY.iter().any(|r| m.is_match(r.id)) {
            return Err(format!(
                "pattern \"{s}\" matches no rule (see `plumb rules`)"
            ));
        }
        Ok(Selector::Glob(s.to_string(), m))
    }

    /// Refuse `plumb/parse-error` where it would be ignored or re-levelled: a file that
    /// does not parse is not checked at all, so hiding that hides every other finding in it.
    /// Globs and packs that happen to match it are accepted and leave it alone.
    pub fn not_parse_error(self) -> Result<Selector, String> {
        match self {
            Selector::Id(id) if id == rules::plumb::PARSE_ERROR.id => Err(format!(
                "{id} cannot be ignored or have its severity changed: a file that does not parse is not checked at all, so every finding in it would be hidden; fix the file or exclude it"
            )),
            other => Ok(other),
        }
    }

    pub fn matches(&self, rule: &Rule) -> bool {
        match self {
            Selector::All => true,
            Selector::Id(id) => rule.id == *id,
            Selector::Pack(p) => rule.packs.contains(&p.as_str()),
            Selector::Glob(_, m) => m.is_match(rule.id),
        }
    }

    /// Whether selecting this turns on rules that are off by default: only a direct id,
    /// a pack, or `all` does; a kind glob keeps default-off rules off.
    fn explicit(&self, rule: &Rule) -> bool {
        match self {
            Selector::All | Selector::Id(_) | Selector::Pack(_) => self.matches(rule),
            Selector::Glob(..) => false,
        }
    }
}

/// One `overrides:` entry.
#[derive(Debug, Clone)]
pub struct Override {
    pub files: GlobSet,
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub severity: Vec<(Selector, Option<Severity>)>,
}

/// The rule selection of a config: what is on where, at what severity.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `None`: the default set.
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    /// Later entries win. `None` severity: off.
    pub severity: Vec<(Selector, Option<Severity>)>,
    pub overrides: Vec<Override>,
}

impl Selection {
    /// Enabled rules for a file, each with its severity override.
    pub fn rules_for(&self, rel: &str, kind: Kind) -> Vec<(&'static Rule, Option<Severity>)> {
        let overrides: Vec<&Override> = self
            .overrides
            .iter()
            .filter(|o| o.files.is_match(rel))
            .collect();
        REGISTRY
            .iter()
            .copied()
            .filter(|r| r.applies_to(kind) && r.id != rules::plumb::PARSE_ERROR.id)
            .filter_map(|r| {
                let mut on = match &self.select {
                    None => r.default_enabled,
                    Some(sel) => sel
                        .iter()
                        .any(|s| s.explicit(r) || (r.default_enabled && s.matches(r))),
                };
                if self.ignore.iter().any(|s| s.matches(r)) {
                    on = false;
                }
                let mut sev = None;
                for (s, level) in &self.severity {
                    if s.matches(r) {
                        sev = Some(*level);
                    }
                }
                for o in &overrides {
                    if o.select
                        .iter()
                        .any(|s| s.explicit(r) || (r.default_enabled && s.matches(r)))
                    {
                        on = true;
                    }
                    if o.ignore.iter().any(|s| s.matches(r)) {
                        on = false;
                    }
                    for (s, level) in &o.severity {
                        if s.matches(r) {
                            sev = Some(*level);
                        }
                    }
                }
                match sev {
                    Some(None) => None, // severity: off
                    Some(Some(level)) if on => Some((r, Some(level))),
                    _ if on => Some((r, None)),
                    _ => None,
                }
            })
            .collect()
    }
}
