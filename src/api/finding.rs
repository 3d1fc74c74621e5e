//! What rules produce: findings with one primary span and labelled related spans.

use std::path::PathBuf;

use super::Rule;
use crate::source::Span;

/// How bad a finding is. Ordered: `Note < Warning < Error`. Maps to SARIF `level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn from_name(s: &str) -> Option<Severity> {
        Some(match s {
            "note" | "info" => Severity::Note,
            "warning" | "warn" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

/// A secondary place that explains a finding ("the stage that runs as root").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Another file (as a path the engine can read), or `None` for the finding's own file.
    pub file: Option<PathBuf>,
    pub span: Span,
    pub label: String,
}

/// One problem found by one rule in one file. Rules build these and nothing else.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The rule that found it (engine findings have their own `plumb/*` rules).
    pub rule: &'static Rule,
    pub severity: Severity,
    /// Lowercase, no trailing period: what is wrong and where to go.
    pub message: String,
    /// The smallest thing that is wrong.
    pub span: Span,
    pub related: Vec<Related>,
    /// How to fix this instance, when it says more than the rule's summary.
    pub help: Option<String>,
    /// Spans of secret values in this file: masked in every snippet and never quoted.
    pub secrets: Vec<Span>,
    /// Spans of secret values in other files (a variable's default that a related place
    /// points at): masked there too.
    pub secrets_in: Vec<(PathBuf, Span)>,
}

impl Finding {
    /// A finding of `rule` at its default severity.
    pub fn new(rule: &'static Rule, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            message: message.into(),
            span,
            related: Vec::new(),
            help: None,
            secrets: Vec::new(),
            secrets_in: Vec::new(),
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// A related location in the same file.
    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            file: None,
            span,
            label: label.into(),
        });
        self
    }

    /// A related location in another file.
    pub fn related_in(mut self, file: PathBuf, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            file: Some(file),
            span,
            label: label.into(),
        });
        self
    }

    /// Mark a span of this file as a secret value: it is masked wherever it could show.
    pub fn secret(mut self, span: Span) -> Self {
        self.secrets.push(span);
        self
    }

    /// Mark a span of another file as a secret value: it is masked wherever that file shows.
    pub fn secret_in(mut self, file: PathBuf, span: Span) -> Self {
        self.secrets_in.push((file, span));
        self
    }
}
