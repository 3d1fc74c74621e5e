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

/// How sure a rule is that a finding is real, when it can tell: `high` for facts it read
/// (attacker-controlled event text pasted into a script), `medium` for values that may carry
/// the problem (a step's output, a caller's input), `low` where it guesses. Written to JSON
/// and SARIF (`properties.confidence`); ordered `Low < Medium < High`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
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
    /// Text edits in this file that remove the finding, when the rule knows them.
    pub fix: Option<Fix>,
    /// The object it is about (`Deployment/prod/web container app`, `service db`, `job build
    /// step id test`), set by the engine's walk: its fingerprint keys on this, not on where
    /// it points.
    pub object: Option<std::sync::Arc<str>>,
    /// How sure the rule is, when it can tell (see [`Confidence`]).
    pub confidence: Option<Confidence>,
}

/// Whether applying a fix keeps what the file means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The meaning cannot change (a flag that only saves space, a key Compose ignores):
    /// `plumb check --fix` applies it.
    Safe,
    /// It changes behaviour on purpose (a stricter securityContext, exec form): applied only
    /// with `--unsafe-fixes`, and offered in editors as a choice.
    Unsafe,
}

impl Applicability {
    pub fn name(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One text edit: replace the bytes of `span` with `text` (an empty span inserts, an empty
/// text deletes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// A fix: edits of the finding's own file, applied together or not at all.
///
/// Built with [`Fix::safe`] or [`Fix::unsafe_`] and the `insert`/`replace`/`delete`
/// builder methods:
///
/// ```ignore
/// cx.finding(span, "...").fix(Fix::safe("add --no-install-recommends").insert(at, " --no-install-recommends"))
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What applying it does, as an editor shows it: `add --no-cache-dir`.
    pub title: String,
    pub applicability: Applicability,
    /// Sorted by position, never overlapping (the builder keeps them so).
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix that cannot change what the file means.
    pub fn safe(title: impl Into<String>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits: Vec::new(),
        }
    }

    /// A fix that changes behaviour on purpose.
    pub fn unsafe_(title: impl Into<String>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            edits: Vec::new(),
        }
    }

    /// Insert `text` at byte `at`.
    pub fn insert(self, at: usize, text: impl Into<String>) -> Fix {
        self.replace(Span::empty(at), text)
    }

    /// Delete the bytes of `span`.
    pub fn delete(self, span: Span) -> Fix {
        self.replace(span, "")
    }

    /// Replace the bytes of `span` with `text`.
    pub fn replace(mut self, span: Span, text: impl Into<String>) -> Fix {
        self.edits.push(Edit {
            span,
            text: text.into(),
        });
        self.edits.sort_by_key(|e| (e.span.start, e.span.end));
        self
    }

    /// The whole byte range the edits touch.
    pub fn range(&self) -> Option<Span> {
        let start = self.edits.iter().map(|e| e.span.start).min()?;
        let end = self.edits.iter().map(|e| e.span.end).max()?;
        Some(Span::new(start, end))
    }

    /// Whether the edits are well formed for `text`: in bounds, on character boundaries, not
    /// overlapping (two insertions at one point are allowed, applied in the order given).
    pub fn valid_for(&self, text: &str) -> bool {
        let mut last_end = 0;
        for (i, e) in self.edits.iter().enumerate() {
            if e.span.start > e.span.end
                || e.span.end > text.len()
                || !text.is_char_boundary(e.span.start)
                || !text.is_char_boundary(e.span.end)
                || (i > 0 && e.span.start < last_end)
            {
                return false;
            }
            last_end = e.span.end;
        }
        true
    }
}

/// Apply edits (sorted, not overlapping) to `text`.
pub fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        if e.span.start < at || e.span.end > text.len() {
            continue;
        }
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
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
            fix: None,
            object: None,
            confidence: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// How sure the rule is that this finding is real (see [`Confidence`]).
    pub fn confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = Some(confidence);
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

    /// Attach a fix (see [`Fix`]). A fix whose edits overlap or fall outside the file is
    /// dropped by the engine, never applied.
    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Attach a fix when there is one.
    pub fn fix_opt(mut self, fix: Option<Fix>) -> Self {
        if fix.is_some() {
            self.fix = fix;
        }
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
