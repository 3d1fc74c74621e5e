//! `.plumb.yml`: which rules run where, at what severity, with which options. Read with the
//! same YAML layer as the scanned files, so every error points at its line and column.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};

use crate::finding::Severity;
use crate::rules::{self, OptionType, PACKS, REGISTRY, Rule};
use crate::source::yaml::{Yaml, YamlFile};
use crate::source::{Kind, LineIndex, Span};

/// The names plumb looks for, walking up from the scanned path.
pub const CONFIG_NAMES: &[&str] = &[".plumb.yml", ".plumb.yaml"];

/// Longest glob or selector accepted from a config file (hostile configs stay bounded).
const MAX_PATTERN_LEN: usize = 1_000;

/// A rule option's value.
#[derive(Clone, Debug, PartialEq)]
pub enum OptValue {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
}

impl OptValue {
    /// Parse an option default as written in a rule's metadata.
    pub fn parse_default(s: &str) -> OptValue {
        let s = s.trim();
        match s {
            "true" => return OptValue::Bool(true),
            "false" => return OptValue::Bool(false),
            _ => {}
        }
        if let Ok(i) = s.parse() {
            return OptValue::Int(i);
        }
        if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            return OptValue::List(
                inner
                    .split(',')
                    .map(|x| x.trim().trim_matches('"').to_string())
                    .filter(|x| !x.is_empty())
                    .collect(),
            );
        }
        OptValue::Str(s.trim_matches('"').to_string())
    }
}

/// A config error: exit 2, with the place in the config file.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl std::error::Error for ConfigError {}

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
                "unknown rule, pack or pattern \"{s}\" (see `plumb rules`)"
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

/// The whole configuration, merged from the file and the command line.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it came from (None: defaults).
    pub path: Option<PathBuf>,
    /// `None`: the default set.
    pub select: Option<Vec<Selector>>,
    pub ignore: Vec<Selector>,
    /// Later entries win. `None` severity: off.
    pub severity: Vec<(Selector, Option<Severity>)>,
    pub exclude: Vec<String>,
    pub kinds: Vec<(GlobMatcher, Kind)>,
    pub overrides: Vec<Override>,
    pub rule_options: BTreeMap<String, BTreeMap<String, OptValue>>,
    /// `None`: not set; `Some(None)`: never fail.
    pub fail_on: Option<Option<Severity>>,
    /// Extra names that look secret (issue: one secrets engine).
    pub secret_names: Vec<String>,
}

impl Config {
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
            .filter(|r| r.applies_to(kind))
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

    pub fn rule_options(&self, id: &str) -> Option<&BTreeMap<String, OptValue>> {
        self.rule_options.get(id)
    }

    /// Find `.plumb.yml` walking up from `start` to the repository root (the first
    /// directory holding `.git`), or to the file system root.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).ok()?;
        let mut dir = if start.is_dir() {
            start.as_path()
        } else {
            start.parent()?
        };
        loop {
            for name in CONFIG_NAMES {
                let p = dir.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
            if dir.join(".git").exists() {
                return None;
            }
            dir = dir.parent()?;
        }
    }

    /// Load and validate a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("cannot read config: {e}"),
        })?;
        Config::parse(path, &text)
    }

    /// Parse config text; `path` is for messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let p = Parser {
            path,
            text,
            lines: LineIndex::new(text),
        };
        let yaml = YamlFile::parse(text);
        if let Some(e) = yaml.errors.first() {
            return Err(p.err(e.span, format!("invalid YAML: {}", e.message)));
        }
        let mut config = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        let Some(root) = yaml.documents().next() else {
            return Ok(config);
        };
        if root.is_null() {
            return Ok(config);
        }
        if !root.is_map() {
            return Err(p.err(root.span(), "the config must be a mapping".into()));
        }
        let mut select: Vec<Selector> = Vec::new();
        let mut has_select = false;
        for (k, v) in root.entries() {
            let key = k.scalar().unwrap_or("");
            match key {
                "packs" => {
                    has_select = true;
                    for (s, span) in p.strings(v)? {
                        if !PACKS.iter().any(|(n, _)| *n == s) {
                            return Err(p.err(
                                span,
                                format!("unknown pack \"{s}\"; packs are: {}", pack_names()),
                            ));
                        }
                        select.push(Selector::Pack(s.to_string()));
                    }
                }
                "select" => {
                    has_select = true;
                    select.extend(p.selectors(v)?);
                }
                "ignore" => config.ignore = p.selectors(v)?,
                "severity" => config.severity = p.severities(v)?,
                "exclude" => {
                    for (g, span) in p.strings(v)? {
                        p.glob(g, span)?;
                        config.exclude.push(g.to_string());
                    }
                }
                "kinds" => {
                    p.map(v)?;
                    for (gk, kv) in v.entries() {
                        let g = gk.scalar().unwrap_or("");
                        let m = p.glob(g, gk.span())?.compile_matcher();
                        let kname = p.string(kv)?;
                        let kind = Kind::from_name(kname).ok_or_else(|| {
                            p.err(kv.span(), format!("unknown kind \"{kname}\"; kinds are: workflow, action, dockerfile, compose, k8s, terraform"))
                        })?;
                        config.kinds.push((m, kind));
                    }
                }
                "overrides" => {
                    if !v.is_seq() {
                        return Err(p.err(v.span(), "`overrides` must be a list".into()));
                    }
                    for item in v.items() {
                        config.overrides.push(p.override_entry(item)?);
                    }
                }
                "rules" => p.rule_options(v, &mut config.rule_options)?,
                "fail-on" => {
                    let s = p.string(v)?;
                    config.fail_on = Some(match s {
                        "never" => None,
                        _ => Some(Severity::from_name(s).ok_or_else(|| {
                            p.err(
                                v.span(),
                                format!(
                                    "`fail-on` must be error, warning, note or never, not \"{s}\""
                                ),
                            )
                        })?),
                    });
                }
                "secret-names" => {
                    config.secret_names = p
                        .strings(v)?
                        .into_iter()
                        .map(|(s, _)| s.to_string())
                        .collect();
                }
                other => {
                    return Err(p.err(
                        k.span(),
                        format!(
                            "unknown key \"{other}\"; known keys: packs, select, ignore, severity, exclude, kinds, overrides, rules, fail-on, secret-names"
                        ),
                    ));
                }
            }
        }
        if has_select {
            config.select = Some(select);
        }
        Ok(config)
    }
}

fn pack_names() -> String {
    PACKS.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", ")
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
    lines: LineIndex,
}

impl Parser<'_> {
    fn err(&self, span: Span, message: String) -> ConfigError {
        let (line, column) = self.lines.position(self.text, span.start);
        ConfigError {
            file: self.path.to_path_buf(),
            line,
            column,
            message,
        }
    }

    fn map(&self, v: Yaml<'_>) -> Result<(), ConfigError> {
        if v.is_map() || v.is_null() {
            Ok(())
        } else {
            Err(self.err(v.span(), "expected a mapping".into()))
        }
    }

    fn string<'y>(&self, v: Yaml<'y>) -> Result<&'y str, ConfigError> {
        v.scalar()
            .filter(|_| v.is_scalar())
            .ok_or_else(|| self.err(v.span(), "expected a string".into()))
    }

    /// A string or a list of strings.
    fn strings<'y>(&self, v: Yaml<'y>) -> Result<Vec<(&'y str, Span)>, ConfigError> {
        if v.is_null() {
            return Ok(Vec::new());
        }
        if v.is_scalar() {
            return Ok(vec![(v.scalar().unwrap_or(""), v.span())]);
        }
        if !v.is_seq() {
            return Err(self.err(v.span(), "expected a list of strings".into()));
        }
        v.items()
            .map(|i| {
                if i.is_scalar() {
                    Ok((i.scalar().unwrap_or(""), i.span()))
                } else {
                    Err(self.err(i.span(), "expected a string".into()))
                }
            })
            .collect()
    }

    fn selectors(&self, v: Yaml<'_>) -> Result<Vec<Selector>, ConfigError> {
        self.strings(v)?
            .into_iter()
            .map(|(s, span)| Selector::parse(s).map_err(|m| self.err(span, m)))
            .collect()
    }

    fn glob(&self, g: &str, span: Span) -> Result<Glob, ConfigError> {
        if g.len() > MAX_PATTERN_LEN {
            return Err(self.err(
                span,
                format!("glob longer than {MAX_PATTERN_LEN} characters"),
            ));
        }
        GlobBuilder::new(g)
            .literal_separator(true)
            .build()
            .map_err(|e| self.err(span, format!("bad glob \"{g}\": {e}")))
    }

    fn severities(&self, v: Yaml<'_>) -> Result<Vec<(Selector, Option<Severity>)>, ConfigError> {
        self.map(v)?;
        let mut out = Vec::new();
        for (k, val) in v.entries() {
            let sel =
                Selector::parse(k.scalar().unwrap_or("")).map_err(|m| self.err(k.span(), m))?;
            let level = self.string(val)?;
            let sev = match level {
                "off" => None,
                _ => Some(Severity::from_name(level).ok_or_else(|| {
                    self.err(
                        val.span(),
                        format!("severity must be error, warning, note or off, not \"{level}\""),
                    )
                })?),
            };
            out.push((sel, sev));
        }
        Ok(out)
    }

    fn override_entry(&self, item: Yaml<'_>) -> Result<Override, ConfigError> {
        if !item.is_map() {
            return Err(self.err(
                item.span(),
                "each override must be a mapping with `files`".into(),
            ));
        }
        let mut files = GlobSetBuilder::new();
        let mut has_files = false;
        let mut o = Override {
            files: GlobSet::empty(),
            select: Vec::new(),
            ignore: Vec::new(),
            severity: Vec::new(),
        };
        for (k, v) in item.entries() {
            match k.scalar().unwrap_or("") {
                "files" => {
                    for (g, span) in self.strings(v)? {
                        files.add(self.glob(g, span)?);
                        has_files = true;
                    }
                }
                "select" => o.select = self.selectors(v)?,
                "ignore" => o.ignore = self.selectors(v)?,
                "severity" => o.severity = self.severities(v)?,
                other => {
                    return Err(self.err(k.span(), format!("unknown key \"{other}\" in override; known keys: files, select, ignore, severity")));
                }
            }
        }
        if !has_files {
            return Err(self.err(item.span(), "override without `files`".into()));
        }
        o.files = files
            .build()
            .map_err(|e| self.err(item.span(), format!("bad globs: {e}")))?;
        Ok(o)
    }

    fn rule_options(
        &self,
        v: Yaml<'_>,
        out: &mut BTreeMap<String, BTreeMap<String, OptValue>>,
    ) -> Result<(), ConfigError> {
        self.map(v)?;
        for (k, opts) in v.entries() {
            let id = k.scalar().unwrap_or("");
            let rule = rules::find(id).ok_or_else(|| {
                self.err(
                    k.span(),
                    format!("unknown rule \"{id}\" (see `plumb rules`)"),
                )
            })?;
            self.map(opts)?;
            let entry = out.entry(rule.id.to_string()).or_default();
            for (ok, ov) in opts.entries() {
                let name = ok.scalar().unwrap_or("");
                let Some(decl) = rule.option(name) else {
                    let known: Vec<&str> = rule.options.iter().map(|o| o.name).collect();
                    return Err(self.err(
                        ok.span(),
                        if known.is_empty() {
                            format!("rule {} has no options", rule.id)
                        } else {
                            format!(
                                "unknown option \"{name}\" for {}; options: {}",
                                rule.id,
                                known.join(", ")
                            )
                        },
                    ));
                };
                let value = match decl.ty {
                    OptionType::Bool => ov.as_bool().map(OptValue::Bool),
                    OptionType::Int => ov.as_i64().map(OptValue::Int),
                    OptionType::Str => ov
                        .as_str()
                        .filter(|_| ov.is_scalar())
                        .map(|s| OptValue::Str(s.into())),
                    OptionType::StrList => {
                        let items = self.strings(ov)?;
                        if decl.name == "allow" {
                            for (re, span) in &items {
                                regex::RegexBuilder::new(re)
                                    .size_limit(1 << 20)
                                    .build()
                                    .map_err(|e| self.err(*span, format!("bad regex: {e}")))?;
                            }
                        }
                        Some(OptValue::List(
                            items.into_iter().map(|(s, _)| s.to_string()).collect(),
                        ))
                    }
                }
                .ok_or_else(|| {
                    self.err(
                        ov.span(),
                        format!(
                            "option \"{name}\" of {} must be a {}",
                            rule.id,
                            decl.ty.name()
                        ),
                    )
                })?;
                entry.insert(name.to_string(), value);
            }
        }
        Ok(())
    }
}

/// The starter config `plumb init` writes.
pub const STARTER: &str = concat!(
    "# plumb configuration: ",
    env!("CARGO_PKG_REPOSITORY"),
    "\n",
    r#"# Every key is optional. `plumb rules` lists rule ids and packs.

# Run only these packs (default: every rule that is on by default).
# packs: [non-root, healthchecks, resource-limits, tls, secrets, supply-chain]

# Add or remove rules by id, glob (`k8s/*`, `*/plaintext-secret`) or pack.
# select: [all]
# ignore: [docker/missing-healthcheck]

# Change a rule's severity: error, warning, note, or off.
# severity:
#   docker/missing-healthcheck: warning

# Paths never scanned (globs, relative to the repository root).
exclude:
  - "**/node_modules/**"
  - "**/vendor/**"

# Read more files as a kind: workflow, action, dockerfile, compose, k8s, terraform.
# kinds:
#   "deploy/*.yml": k8s

# Per-path changes.
# overrides:
#   - files: ["test/**"]
#     ignore: [secrets]

# Rule options.
# rules:
#   docker/unpinned-base-image:
#     require-digest: true

# Exit 1 when a finding at or above this severity remains: error, warning, note, never.
# fail-on: warning
"#
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_points_at_line() {
        let e = Config::parse(Path::new(".plumb.yml"), "select: [all]\nbogus: 1\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.message.contains("unknown key \"bogus\""));
    }

    #[test]
    fn unknown_rule_and_wrong_type() {
        let e = Config::parse(Path::new("c"), "ignore:\n  - docker/nope\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = Config::parse(
            Path::new("c"),
            "rules:\n  docker/non-root-user:\n    nonsense: true\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("no options") || e.message.contains("unknown option"));
    }

    #[test]
    fn starter_config_parses() {
        Config::parse(Path::new("c"), STARTER).unwrap();
    }

    #[test]
    fn selection_by_pack_glob_and_ignore() {
        let c = Config::parse(Path::new("c"), "select: [non-root, '*/unpinned-action']\n").unwrap();
        let on: Vec<&str> = Kind::ALL
            .iter()
            .flat_map(|k| c.rules_for("x", *k))
            .map(|(r, _)| r.id)
            .collect();
        assert!(on.contains(&"docker/non-root-user"));
        assert!(on.contains(&"gha/unpinned-action"));
        assert!(!on.contains(&"tf/plaintext-secret"));
        let c = Config::parse(
            Path::new("c"),
            "ignore: [docker]\nseverity: {'k8s/*': note}\n",
        )
        .unwrap();
        assert!(
            c.rules_for("Dockerfile", Kind::Dockerfile)
                .iter()
                .all(|(r, _)| r.prefix() != "docker")
        );
        let k = c.rules_for("m.yaml", Kind::K8s);
        assert!(
            k.iter()
                .any(|(r, s)| r.prefix() == "k8s" && *s == Some(Severity::Note))
        );
    }

    #[test]
    fn overrides_apply_by_path() {
        let c = Config::parse(
            Path::new("c"),
            "overrides:\n  - files: ['test/**']\n    ignore: [secrets]\n",
        )
        .unwrap();
        let test = c.rules_for("test/a/main.tf", Kind::Terraform);
        let prod = c.rules_for("prod/main.tf", Kind::Terraform);
        assert!(!test.iter().any(|(r, _)| r.id == "tf/plaintext-secret"));
        assert!(prod.iter().any(|(r, _)| r.id == "tf/plaintext-secret"));
    }
}
