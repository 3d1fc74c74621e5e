//! What rules produce: findings with one primary span and labelled related spans.

use std::path::PathBuf;

use crate::rules::Rule;
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
    /// The rule's id (`docker/non-root-user`) or an engine id (`plumb/parse-error`).
    pub rule: &'static str,
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
}

impl Finding {
    /// A finding of `rule` at its default severity.
    pub fn new(rule: &Rule, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.id,
            severity: rule.severity,
            message: message.into(),
            span,
            related: Vec::new(),
            help: None,
            secrets: Vec::new(),
        }
    }

    /// An engine finding (`plumb/...`) that belongs to no registered rule.
    pub fn engine(id: &'static str, severity: Severity, span: Span, message: String) -> Finding {
        Finding {
            rule: id,
            severity,
            message,
            span,
            related: Vec::new(),
            help: None,
            secrets: Vec::new(),
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
}

/// The redacted form of a secret value: its first two characters and its length.
/// `hunter22` -> `hu…(8 chars)`. Values of four characters or fewer show nothing.
pub fn redact(value: &str) -> String {
    let n = value.chars().count();
    if n <= 4 {
        return format!("…({n} chars)");
    }
    let head: String = value.chars().take(2).collect();
    format!("{head}…({n} chars)")
}

/// Mask the secret spans of a text in place of their characters, keeping byte offsets
/// valid: every byte after the first two characters of each span becomes `*`.
pub fn mask_secrets(text: &str, secrets: &[Span]) -> String {
    if secrets.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    for s in secrets {
        let Some(value) = text.get(s.start..s.end) else {
            continue;
        };
        let keep: usize = if value.chars().count() <= 4 {
            0
        } else {
            value.chars().take(2).map(char::len_utf8).sum()
        };
        for b in &mut bytes[s.start + keep..s.end] {
            *b = b'*';
        }
    }
    // Each masked span covered whole characters and became ASCII, so this is UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_two_chars_and_length() {
        assert_eq!(redact("hunter22"), "hu…(8 chars)");
        assert_eq!(redact("abc"), "…(3 chars)");
        assert!(!redact("s3cr3t-value").contains("cr3t"));
    }

    #[test]
    fn masking_keeps_offsets() {
        let text = "PASSWORD=hunter22 # ok\nnext";
        let masked = mask_secrets(text, &[Span::new(9, 17)]);
        assert_eq!(masked, "PASSWORD=hu****** # ok\nnext");
        assert_eq!(masked.len(), text.len());
        let text = "p: pässwörd!";
        let masked = mask_secrets(text, &[Span::new(3, text.len())]);
        assert!(!masked.contains("sswörd"));
        assert_eq!(masked.len(), text.len());
    }
}
