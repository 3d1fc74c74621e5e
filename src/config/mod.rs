//! `.plumb.yml`: which rules run where, at what severity, with which options. The file is
//! read in `file.rs` (every error with its line and column), the selection in
//! `selection.rs`.

mod file;
mod selection;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use globset::GlobMatcher;

pub use selection::{Override, Selection, Selector};

use crate::api::{Rule, RuleOptions, Severity};
use crate::rules::REGISTRY;
use crate::source::Kind;

pub use file::STARTER;

/// The names plumb looks for, walking up from the scanned path.
pub const CONFIG_NAMES: &[&str] = &[".plumb.yml", ".plumb.yaml"];

/// Longest glob or selector accepted from a config file (hostile configs stay bounded).
const MAX_PATTERN_LEN: usize = 1_000;

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

/// The whole configuration, merged from the file and the command line.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it came from (None: defaults).
    pub path: Option<PathBuf>,
    pub selection: Selection,
    pub exclude: Vec<String>,
    pub kinds: Vec<(GlobMatcher, Kind)>,
    /// Option values of the rules the config sets options for (defaults filled in).
    pub rule_options: HashMap<&'static str, RuleOptions>,
    /// `None`: not set; `Some(None)`: never fail.
    pub fail_on: Option<Option<Severity>>,
    /// Extra names that look secret (issue: one secrets engine).
    pub secret_names: Vec<String>,
}

/// Every rule's declared option defaults, built once.
static DEFAULT_OPTIONS: LazyLock<crate::hash::FxMap<&'static str, RuleOptions>> =
    LazyLock::new(|| {
        REGISTRY
            .iter()
            .map(|r| (r.id, RuleOptions::defaults(r.options)))
            .collect()
    });

impl Config {
    /// Enabled rules for a file, each with its severity override.
    pub fn rules_for(&self, rel: &str, kind: Kind) -> Vec<(&'static Rule, Option<Severity>)> {
        self.selection.rules_for(rel, kind)
    }

    /// A rule's option values: the config's, else the declared defaults.
    pub fn rule_options(&self, rule: &Rule) -> &RuleOptions {
        static NONE: LazyLock<RuleOptions> = LazyLock::new(RuleOptions::default);
        self.rule_options
            .get(rule.id)
            .or_else(|| DEFAULT_OPTIONS.get(rule.id))
            .unwrap_or(&NONE)
    }

    /// The config for a file at `start`, as `plumb check` picks it: the `.plumb.yml` at the
    /// root of the repository holding it (the nearest ancestor with `.git`), never one in a
    /// directory below (a pull request could switch its own checks off with it). Outside any
    /// repository, the nearest `.plumb.yml` walking up.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).ok()?;
        let first = if start.is_dir() {
            start.as_path()
        } else {
            start.parent()?
        };
        let at = |dir: &Path| {
            CONFIG_NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file())
        };
        match first.ancestors().find(|d| d.join(".git").exists()) {
            Some(root) => at(root),
            None => first.ancestors().find_map(at),
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
}

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
    fn unknown_option_value_is_refused_with_a_suggestion() {
        // `require: [tests, lnt]` once ran as `[tests]`: the misspelt gate was dropped
        let e = Config::parse(
            Path::new(".plumb.yml"),
            "rules:\n  gha/deploy-without-tests:\n    require: [tests, lnt]\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 22), "{}", e.message);
        assert!(e.message.contains("unknown value \"lnt\""), "{}", e.message);
        assert!(e.message.contains("did you mean \"lint\""), "{}", e.message);
        assert!(
            e.message
                .contains("values: tests, lint, security-scan, build"),
            "{}",
            e.message
        );
        // a single string is a list of one, and checked the same
        let e = Config::parse(
            Path::new("c"),
            "rules:\n  gha/deploy-without-tests:\n    require: securityscan\n",
        )
        .unwrap_err();
        assert!(
            e.message.contains("did you mean \"security-scan\""),
            "{}",
            e.message
        );
        let c = Config::parse(
            Path::new("c"),
            "rules:\n  gha/deploy-without-tests:\n    require: [tests, lint, security-scan, build]\n",
        );
        assert!(c.is_ok());
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
