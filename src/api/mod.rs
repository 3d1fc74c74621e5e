//! The rule API: the one layer a rule is written against. Rule metadata and hooks
//! ([`Rule`], [`rule!`](crate::rule)), the context a check runs in ([`Cx`]), what it
//! produces ([`Finding`], [`Severity`]) and typed options ([`Opt`]).
//!
//! A rule imports from here, from the parsed models in `source/` and from the shared
//! detectors in `detect/`; never from config, discovery, the engine or output.

mod context;
mod finding;
mod options;
mod rule;

pub use context::Cx;
pub use finding::{Applicability, Confidence, Edit, Finding, Fix, Related, Severity, apply_edits};
pub use options::{
    Opt, OptDefault, OptKind, OptValue, OptionDecl, OptionType, Regexes, RuleOptions, Str, StrList,
};
pub use rule::{Hooks, Out, PACKS, Rule};
