//! Engine rules: findings the engine itself makes (parse errors, suppression hygiene). They
//! are registered so they can be selected, ignored, re-levelled and explained like any rule;
//! the engine and the suppression reader build their findings from these statics.

use crate::api::{Rule, Severity};
use crate::rule;

pub static PARSE_ERROR: Rule = rule!("plumb/parse-error")
    .summary("a file that cannot be parsed, so no other rule could check it")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .engine();

pub static DUPLICATE_KEY: Rule = rule!("plumb/duplicate-key")
    .summary("a YAML mapping that writes the same key twice: only the last value is used")
    .packs(&["reliability"])
    .severity(Severity::Warning)
    .engine();

pub static SUPPRESSION_WITHOUT_REASON: Rule = rule!("plumb/suppression-without-reason")
    .summary("an inline suppression that does not say why")
    .packs(&["hygiene"])
    .severity(Severity::Warning)
    .engine();

pub static UNUSED_SUPPRESSION: Rule = rule!("plumb/unused-suppression")
    .summary("an inline suppression that suppresses nothing")
    .packs(&["hygiene"])
    .severity(Severity::Note)
    .engine();

pub static EXPIRED_SUPPRESSION: Rule = rule!("plumb/expired-suppression")
    .summary("an inline suppression past its until= date, or with an until= that is not a date")
    .packs(&["hygiene"])
    .severity(Severity::Warning)
    .engine();

pub static BLANKET_SUPPRESSION: Rule = rule!("plumb/blanket-suppression")
    .summary("a file-wide suppression of every rule, which plumb refuses")
    .packs(&["hygiene"])
    .severity(Severity::Warning)
    .engine();
