//! What a rule sees while it checks one file: the file, the project for reading across
//! files, its own options and the secret-name settings. Never the whole config.

use std::path::Path;

use super::finding::Finding;
use super::options::{Opt, OptKind, RuleOptions};
use super::rule::Rule;
use crate::project::{ParsedFile, Project, TfDirs, TfModule};
use crate::source::shell::Script;
use crate::source::yaml::Yaml;
use crate::source::{Kind, Span};

/// The rule context: one per rule and file.
pub struct Cx<'a> {
    pub(crate) rule: &'static Rule,
    pub(crate) file: &'a ParsedFile,
    pub(crate) project: &'a Project,
    pub(crate) options: &'a RuleOptions,
    pub(crate) secret_names: &'a [String],
    pub(crate) tf_dirs: &'a TfDirs<'a>,
}

impl<'a> Cx<'a> {
    /// A finding of this rule at its default severity.
    pub fn finding(&self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.rule, span, message)
    }

    /// The rule being run.
    pub fn rule(&self) -> &'static Rule {
        self.rule
    }

    /// The file's text.
    pub fn text(&self) -> &'a str {
        &self.file.src.text
    }

    /// The path plumb read the file from.
    pub fn path(&self) -> &'a Path {
        &self.file.src.path
    }

    /// The path shown in output (relative to the repository root).
    pub fn rel(&self) -> &'a str {
        &self.file.src.rel
    }

    pub fn kind(&self) -> Kind {
        self.file.src.kind
    }

    /// The file being checked.
    pub fn file(&self) -> &'a ParsedFile {
        self.file
    }

    /// Every file of the check, and files read on demand (a compose service's Dockerfile,
    /// a coverage config).
    pub fn project(&self) -> &'a Project {
        self.project
    }

    /// The value of one of this rule's options.
    pub fn opt<T: OptKind>(&self, opt: &Opt<T>) -> T::Out<'a> {
        self.options.read(opt)
    }

    /// Names configured to look secret (`secret-names:`), besides the built-in words.
    pub fn secret_names(&self) -> &'a [String] {
        self.secret_names
    }

    /// The script a YAML node of this file holds (a `run:` value, a compose `command`, a
    /// container's `command`+`args` by the container node), lexed when the file was loaded,
    /// with file spans.
    pub fn script(&self, node: Yaml<'_>) -> Option<&'a Script> {
        self.file.scripts()?.get(node.id)
    }

    /// The Terraform module (the `*.tf` files of this file's directory) with variable
    /// defaults and locals resolvable across its files.
    pub fn tf_module(&self) -> Option<TfModule<'a>> {
        self.tf_dirs.module_of(self.file)
    }

    /// The module as each local caller (`module "x" { source = "./dir" }` in a checked
    /// file) instantiates it, the caller's arguments substituted for its variables; the
    /// module alone when nothing calls it. Empty for a file outside the check (stdin).
    pub fn tf_instances(&self) -> Vec<TfModule<'a>> {
        self.tf_dirs.instances_of(self.file)
    }
}
