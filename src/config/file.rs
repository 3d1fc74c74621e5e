//! Reading `.plumb.yml` with the same YAML layer as the scanned files, so every error
//! points at its line and column.

use std::collections::HashMap;
use std::path::Path;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use super::selection::{Override, Selector};
use super::{Config, ConfigError, MAX_PATTERN_LEN};
use crate::api::{OptValue, OptionDecl, OptionType, PACKS, RuleOptions, Severity};
use crate::rules;
use crate::source::yaml::{Yaml, YamlFile};
use crate::source::{Kind, LineIndex, Span};

/// The most a regex option's compiled set may take; past it the config is refused at load
/// (never silently dropped).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl Config {
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
                                format!(
                                    "unknown pack \"{s}\"{}; packs are: {}",
                                    crate::rules::suggest::hint(crate::rules::suggest::closest(
                                        s,
                                        PACKS.iter().map(|(n, _)| *n)
                                    )),
                                    pack_names()
                                ),
                            ));
                        }
                        select.push(Selector::Pack(s.to_string()));
                    }
                }
                "select" => {
                    has_select = true;
                    select.extend(p.selectors(v)?);
                }
                "ignore" => config.selection.ignore = p.ignores(v)?,
                "severity" => config.selection.severity = p.severities(v)?,
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
                        config.selection.overrides.push(p.override_entry(item)?);
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
                            "unknown key \"{other}\"{}; known keys: {}",
                            crate::rules::suggest::hint(crate::rules::suggest::closest(
                                other,
                                TOP_KEYS.iter().copied()
                            )),
                            TOP_KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
        if has_select {
            config.selection.select = Some(select);
        }
        Ok(config)
    }
}

/// The keys of a config file's top level.
const TOP_KEYS: [&str; 10] = [
    "packs",
    "select",
    "ignore",
    "severity",
    "exclude",
    "kinds",
    "overrides",
    "rules",
    "fail-on",
    "secret-names",
];

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

    /// Selectors of rules to leave out: `plumb/parse-error` cannot be one of them.
    fn ignores(&self, v: Yaml<'_>) -> Result<Vec<Selector>, ConfigError> {
        self.strings(v)?
            .into_iter()
            .map(|(s, span)| {
                Selector::parse(s)
                    .and_then(Selector::not_parse_error)
                    .map_err(|m| self.err(span, m))
            })
            .collect()
    }

    fn severities(&self, v: Yaml<'_>) -> Result<Vec<(Selector, Option<Severity>)>, ConfigError> {
        self.map(v)?;
        let mut out = Vec::new();
        for (k, val) in v.entries() {
            let sel = Selector::parse(k.scalar().unwrap_or(""))
                .and_then(Selector::not_parse_error)
                .map_err(|m| self.err(k.span(), m))?;
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
                "ignore" => o.ignore = self.ignores(v)?,
                "severity" => o.severity = self.severities(v)?,
                other => {
                    return Err(self.err(k.span(), format!("unknown key \"{other}\" in override{}; known keys: files, select, ignore, severity", crate::rules::suggest::hint(crate::rules::suggest::closest(other, ["files", "select", "ignore", "severity"])))));
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
        out: &mut HashMap<&'static str, RuleOptions>,
    ) -> Result<(), ConfigError> {
        self.map(v)?;
        for (k, opts) in v.entries() {
            let id = k.scalar().unwrap_or("");
            let rule = rules::find(id).ok_or_else(|| {
                self.err(
                    k.span(),
                    format!(
                        "unknown rule \"{id}\"{} (see `plumb rules`)",
                        crate::rules::suggest::hint(crate::rules::suggest::rule_or_pack(id))
                    ),
                )
            })?;
            self.map(opts)?;
            let entry = out
                .entry(rule.id)
                .or_insert_with(|| RuleOptions::defaults(rule.options));
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
                        for (s, span) in &items {
                            self.choice(rule.id, decl, s, *span)?;
                        }
                        Some(OptValue::List(
                            items.into_iter().map(|(s, _)| s.to_string()).collect(),
                        ))
                    }
                    OptionType::RegexList => Some(self.regexes(ov)?),
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
                if let OptValue::Str(s) = &value {
                    self.choice(rule.id, decl, s, ov.span())?;
                }
                entry.set(decl.name, value);
            }
        }
        Ok(())
    }

    /// A value of an option that accepts only some (`OptionDecl::choices`): another is
    /// refused with the closest accepted one, never silently ignored by the rule.
    fn choice(
        &self,
        rule: &str,
        decl: &OptionDecl,
        value: &str,
        span: Span,
    ) -> Result<(), ConfigError> {
        if decl.choices.is_empty() || decl.choices.contains(&value) {
            return Ok(());
        }
        Err(self.err(
            span,
            format!(
                "unknown value \"{value}\" for option \"{}\" of {rule}{}; values: {}",
                decl.name,
                crate::rules::suggest::hint(crate::rules::suggest::closest(
                    value,
                    decl.choices.iter().copied()
                )),
                decl.choices.join(", ")
            ),
        ))
    }

    /// A list of regexes, each checked and the whole compiled into one set now: a set over
    /// the size limit is refused here, at its line, never dropped later.
    fn regexes(&self, v: Yaml<'_>) -> Result<OptValue, ConfigError> {
        let items = self.strings(v)?;
        for (re, span) in &items {
            regex::RegexBuilder::new(re)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| self.err(*span, format!("bad regex: {e}")))?;
        }
        let pats: Vec<String> = items.iter().map(|(s, _)| s.to_string()).collect();
        if pats.is_empty() {
            return Ok(OptValue::Regexes(pats, None));
        }
        let set = regex::RegexSetBuilder::new(&pats)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                self.err(
                    v.span(),
                    format!("these regexes together are too large to compile: {e}"),
                )
            })?;
        Ok(OptValue::Regexes(pats, Some(set)))
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
