//! Rule options, declared with their type and read through typed handles.
//!
//! A rule declares each option once, as a constant:
//!
//! ```ignore
//! const REQUIRE_DIGEST: Opt<bool> = Opt::bool("require-digest", false, "pin by digest, not tag");
//! ```
//!
//! lists its declaration in its metadata (`.options(&[REQUIRE_DIGEST.decl])`), and reads it
//! with `cx.opt(&REQUIRE_DIGEST)`, which returns a `bool`. The name is written once, so a
//! misspelt option is a compile error, not a silent default. Config validates every value
//! against the declaration when it loads, and compiles regex options then, once.

use std::marker::PhantomData;

use regex::RegexSet;

/// The type of an option, for config validation and documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionType {
    Bool,
    Int,
    Str,
    StrList,
    /// A list of regexes, compiled into one set at config load.
    RegexList,
}

impl OptionType {
    pub fn name(self) -> &'static str {
        match self {
            OptionType::Bool => "boolean",
            OptionType::Int => "integer",
            OptionType::Str => "string",
            OptionType::StrList => "list of strings",
            OptionType::RegexList => "list of regexes",
        }
    }
}

/// An option's default, as declared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptDefault {
    Bool(bool),
    Int(i64),
    Str(&'static str),
    List(&'static [&'static str]),
}

impl OptDefault {
    /// The default as it would be written in YAML (`false`, `80`, `[]`).
    pub fn text(&self) -> String {
        match self {
            OptDefault::Bool(b) => b.to_string(),
            OptDefault::Int(i) => i.to_string(),
            OptDefault::Str(s) => format!("\"{s}\""),
            OptDefault::List(l) => format!(
                "[{}]",
                l.iter()
                    .map(|x| format!("\"{x}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// One option a rule reads from `rules: {<id>: {<name>: value}}`.
#[derive(Clone, Copy, Debug)]
pub struct OptionDecl {
    pub name: &'static str,
    pub ty: OptionType,
    pub default: OptDefault,
    pub help: &'static str,
    /// The values a string or list option accepts (each item of a list); empty: any. Config
    /// refuses any other at load, with its line and the closest accepted one.
    pub choices: &'static [&'static str],
}

/// An option's value once config has loaded: the declared default unless config set it.
#[derive(Clone, Debug)]
pub enum OptValue {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<String>),
    /// The patterns and their compiled set (`None` for an empty list).
    Regexes(Vec<String>, Option<RegexSet>),
}

impl OptValue {
    /// The value of a declaration's default.
    pub fn default_of(decl: &OptionDecl) -> OptValue {
        match (decl.ty, decl.default) {
            (_, OptDefault::Bool(b)) => OptValue::Bool(b),
            (_, OptDefault::Int(i)) => OptValue::Int(i),
            (_, OptDefault::Str(s)) => OptValue::Str(s.to_string()),
            (OptionType::RegexList, OptDefault::List(l)) => {
                let pats: Vec<String> = l.iter().map(|s| s.to_string()).collect();
                let set = (!pats.is_empty())
                    .then(|| RegexSet::new(&pats).ok())
                    .flatten();
                OptValue::Regexes(pats, set)
            }
            (_, OptDefault::List(l)) => OptValue::List(l.iter().map(|s| s.to_string()).collect()),
        }
    }
}

/// A typed handle on one option (see the module docs).
pub struct Opt<T: OptKind> {
    pub decl: OptionDecl,
    kind: PhantomData<fn() -> T>,
}

const fn decl(
    name: &'static str,
    ty: OptionType,
    default: OptDefault,
    help: &'static str,
) -> OptionDecl {
    OptionDecl {
        name,
        ty,
        default,
        help,
        choices: &[],
    }
}

impl<T: OptKind> Opt<T> {
    /// Accept only these values (each item of a list option): anything else is a config
    /// error at load, never silently ignored.
    pub const fn one_of(mut self, choices: &'static [&'static str]) -> Self {
        self.decl.choices = choices;
        self
    }
}

impl Opt<bool> {
    pub const fn bool(name: &'static str, default: bool, help: &'static str) -> Self {
        Opt {
            decl: decl(name, OptionType::Bool, OptDefault::Bool(default), help),
            kind: PhantomData,
        }
    }
}

impl Opt<i64> {
    pub const fn int(name: &'static str, default: i64, help: &'static str) -> Self {
        Opt {
            decl: decl(name, OptionType::Int, OptDefault::Int(default), help),
            kind: PhantomData,
        }
    }
}

impl Opt<Str> {
    pub const fn str(name: &'static str, default: &'static str, help: &'static str) -> Self {
        Opt {
            decl: decl(name, OptionType::Str, OptDefault::Str(default), help),
            kind: PhantomData,
        }
    }
}

impl Opt<StrList> {
    pub const fn list(
        name: &'static str,
        default: &'static [&'static str],
        help: &'static str,
    ) -> Self {
        Opt {
            decl: decl(name, OptionType::StrList, OptDefault::List(default), help),
            kind: PhantomData,
        }
    }
}

impl Opt<Regexes> {
    pub const fn regexes(name: &'static str, help: &'static str) -> Self {
        Opt {
            decl: decl(name, OptionType::RegexList, OptDefault::List(&[]), help),
            kind: PhantomData,
        }
    }
}

/// A string option (read as `&str`).
pub struct Str;
/// A list-of-strings option (read as `&[String]`).
pub struct StrList;
/// A list-of-regexes option (read as an optional compiled set).
pub struct Regexes;

/// How an option type is read from its value.
pub trait OptKind {
    type Out<'a>;
    fn read<'a>(value: Option<&'a OptValue>, decl: &OptionDecl) -> Self::Out<'a>;
}

impl OptKind for bool {
    type Out<'a> = bool;
    fn read(value: Option<&OptValue>, decl: &OptionDecl) -> bool {
        match (value, decl.default) {
            (Some(OptValue::Bool(b)), _) => *b,
            (_, OptDefault::Bool(b)) => b,
            _ => false,
        }
    }
}

impl OptKind for i64 {
    type Out<'a> = i64;
    fn read(value: Option<&OptValue>, decl: &OptionDecl) -> i64 {
        match (value, decl.default) {
            (Some(OptValue::Int(i)), _) => *i,
            (_, OptDefault::Int(i)) => i,
            _ => 0,
        }
    }
}

impl OptKind for Str {
    type Out<'a> = &'a str;
    fn read<'a>(value: Option<&'a OptValue>, decl: &OptionDecl) -> &'a str {
        match (value, decl.default) {
            (Some(OptValue::Str(s)), _) => s,
            (_, OptDefault::Str(s)) => s,
            _ => "",
        }
    }
}

impl OptKind for StrList {
    type Out<'a> = &'a [String];
    fn read<'a>(value: Option<&'a OptValue>, _decl: &OptionDecl) -> &'a [String] {
        match value {
            Some(OptValue::List(l)) => l,
            _ => &[],
        }
    }
}

impl OptKind for Regexes {
    type Out<'a> = Option<&'a RegexSet>;
    fn read<'a>(value: Option<&'a OptValue>, _decl: &OptionDecl) -> Option<&'a RegexSet> {
        match value {
            Some(OptValue::Regexes(_, set)) => set.as_ref(),
            _ => None,
        }
    }
}

/// The option values of one rule, defaults filled in.
#[derive(Clone, Debug, Default)]
pub struct RuleOptions {
    values: Vec<(&'static str, OptValue)>,
}

impl RuleOptions {
    /// The declared defaults.
    pub fn defaults(decls: &[OptionDecl]) -> RuleOptions {
        RuleOptions {
            values: decls
                .iter()
                .map(|d| (d.name, OptValue::default_of(d)))
                .collect(),
        }
    }

    /// Set a declared option's value.
    pub fn set(&mut self, name: &'static str, value: OptValue) {
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.values.push((name, value)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&OptValue> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Read an option through its typed handle. A rule reading an option it did not
    /// declare gets the handle's default (and a debug build stops, to catch the omission).
    pub fn read<'a, T: OptKind>(&'a self, opt: &Opt<T>) -> T::Out<'a> {
        let value = self.get(opt.decl.name);
        debug_assert!(
            value.is_some(),
            "option {} read but not declared in the rule's options",
            opt.decl.name
        );
        T::read(value, &opt.decl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLAG: Opt<bool> = Opt::bool("flag", true, "a flag");
    const MIN: Opt<i64> = Opt::int("min", 80, "a minimum");
    const NAMES: Opt<StrList> = Opt::list("names", &["a"], "names");
    const ALLOW: Opt<Regexes> = Opt::regexes("allow", "patterns");

    #[test]
    fn defaults_then_config_values() {
        let mut o = RuleOptions::defaults(&[FLAG.decl, MIN.decl, NAMES.decl, ALLOW.decl]);
        assert!(o.read(&FLAG));
        assert_eq!(o.read(&MIN), 80);
        assert_eq!(o.read(&NAMES), ["a".to_string()]);
        assert!(o.read(&ALLOW).is_none());
        o.set("min", OptValue::Int(90));
        o.set(
            "allow",
            OptValue::Regexes(vec!["^x".into()], RegexSet::new(["^x"]).ok()),
        );
        assert_eq!(o.read(&MIN), 90);
        assert!(o.read(&ALLOW).is_some_and(|s| s.is_match("xy")));
    }

    #[test]
    fn default_text_is_yaml() {
        assert_eq!(FLAG.decl.default.text(), "true");
        assert_eq!(NAMES.decl.default.text(), "[\"a\"]");
        assert_eq!(ALLOW.decl.default.text(), "[]");
    }
}
