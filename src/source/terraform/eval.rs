//! Evaluation across the files of one module: variable defaults, locals, operators.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;

/// A value known without running Terraform.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    /// Entries in source order.
    Map(Vec<(String, Value)>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A bool, or the strings `"true"` / `"false"`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) => str_bool(s),
            _ => None,
        }
    }

    /// A number, or a string that reads as one.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => str_number(s),
            _ => None,
        }
    }

    /// The entry `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A scalar as it reads inside a string template; `None` for null and collections.
    fn to_template_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(number_text(*n)),
            Value::Null | Value::List(_) | Value::Map(_) => None,
        }
    }
}

/// What an expression evaluates to, when that is knowable from the module's text alone.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Known {
        value: Value,
        /// Where the value was written: `(file id, span)` of the literal (a variable's default,
        /// the expression a local holds, or the expression itself). A value assembled from
        /// several places (a template, a list) points at the assembling expression.
        origin: Option<(usize, Span)>,
    },
    /// Depends on something outside the text: a variable without default (or set by
    /// `.tfvars`), a resource attribute, a function call, a cycle.
    Unknown,
}

impl Resolved {
    pub fn value(&self) -> Option<&Value> {
        match self {
            Resolved::Known { value, .. } => Some(value),
            Resolved::Unknown => None,
        }
    }

    pub fn origin(&self) -> Option<(usize, Span)> {
        match self {
            Resolved::Known { origin, .. } => *origin,
            Resolved::Unknown => None,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Resolved::Known { .. })
    }

    pub fn as_bool(&self) -> Option<bool> {
        self.value().and_then(Value::as_bool)
    }

    pub fn as_str(&self) -> Option<&str> {
        self.value().and_then(Value::as_str)
    }

    pub fn as_number(&self) -> Option<f64> {
        self.value().and_then(Value::as_number)
    }
}

/// Evaluation steps one [`Module::resolve`] may take before it answers
/// [`Resolved::Unknown`].
pub const MAX_EVAL_STEPS: usize = 100_000;
/// Bytes of values one [`Module::resolve`] may build or copy (templates joined, values of
/// locals and defaults reused) before it answers [`Resolved::Unknown`].
pub const MAX_EVAL_BYTES: usize = 4 << 20;
/// The largest value kept: a bigger one is [`Resolved::Unknown`].
pub const MAX_VALUE_BYTES: usize = 64 << 10;

/// Where a value was written: `(file id, span)`.
pub type Origin = Option<(usize, Span)>;

/// The `.tf` files of one directory, with their `variable` and `locals` blocks indexed so that
/// `var.x` and `local.x` resolve across files. The first definition of a name wins (Terraform
/// rejects duplicates anyway).
#[derive(Debug, Clone)]
pub struct Module<'a> {
    files: Vec<(usize, &'a TfFile)>,
    variables: HashMap<&'a str, (usize, &'a Block)>,
    locals: HashMap<&'a str, (usize, &'a Attribute)>,
    /// Values that `terraform.tfvars` and `*.auto.tfvars` give variables: they replace the
    /// default wherever `var.x` is read.
    overrides: HashMap<&'a str, (usize, &'a Attribute)>,
    /// Values a caller passes (`module "x" { source = "./dir", name = ... }`), evaluated in
    /// the caller's module: they replace defaults and tfvars; `None` is a value the caller
    /// passes but the text does not tell (a reference, a call). The origin's file id is the
    /// caller's id for the place (see [`Module::with_passed`]).
    passed: HashMap<String, Option<(Value, Origin)>>,
    /// Set when an evaluation ran past [`MAX_EVAL_STEPS`], [`MAX_EVAL_BYTES`] or
    /// [`MAX_VALUE_BYTES`] (and answered `Unknown`).
    limited: Arc<AtomicBool>,
}

impl<'a> Module<'a> {
    /// `files` pairs each parsed file with the caller's opaque id for it.
    pub fn new(files: &[(usize, &'a TfFile)]) -> Self {
        let mut variables = HashMap::new();
        let mut locals = HashMap::new();
        for &(id, file) in files {
            for block in &file.body.blocks {
                match block.ident.as_str() {
                    "variable" => {
                        if let Some(name) = block.label(0) {
                            variables.entry(name).or_insert((id, block));
                        }
                    }
                    "locals" => {
                        for attr in &block.body.attributes {
                            locals.entry(attr.key.as_str()).or_insert((id, attr));
                        }
                    }
                    _ => {}
                }
            }
        }
        Module {
            files: files.to_vec(),
            variables,
            locals,
            overrides: HashMap::new(),
            passed: HashMap::new(),
            limited: Arc::default(),
        }
    }

    /// Add the variable values of the files Terraform loads by itself, `terraform.tfvars`
    /// then `*.auto.tfvars` in lexical order of `names`, a later file winning as in Terraform.
    /// `tfvars` pairs each file's caller id with its name (the file name, not the path).
    pub fn with_tfvars(mut self, tfvars: &[(usize, &'a str, &'a TfFile)]) -> Self {
        let mut loaded: Vec<&(usize, &str, &TfFile)> = tfvars
            .iter()
            .filter(|(_, name, _)| *name == "terraform.tfvars" || name.ends_with(".auto.tfvars"))
            .collect();
        // terraform.tfvars first, then the auto files by name
        loaded.sort_by_key(|(_, name, _)| (*name != "terraform.tfvars", *name));
        for &&(id, _, file) in &loaded {
            for attr in &file.body.attributes {
                self.overrides.insert(attr.key.as_str(), (id, attr));
            }
        }
        self
    }

    /// This module as one caller instantiates it: `passed` maps variable names to the values
    /// the caller gives them (`None`: given, but unknown), with their origins.
    pub fn with_passed(&self, passed: HashMap<String, Option<(Value, Origin)>>) -> Self {
        let mut m = self.clone();
        m.passed = passed;
        m
    }

    /// The attribute of an auto-loaded tfvars file that sets variable `name`, and its file id.
    pub fn tfvars_value(&self, name: &str) -> Option<(usize, &'a Attribute)> {
        self.overrides.get(name).copied()
    }

    /// The files, with their ids, in the order given.
    pub fn files(&self) -> impl Iterator<Item = (usize, &'a TfFile)> + '_ {
        self.files.iter().copied()
    }

    /// The `variable "name"` block and the id of its file.
    pub fn variable(&self, name: &str) -> Option<(usize, &'a Block)> {
        self.variables.get(name).copied()
    }

    /// The `name = ...` attribute of a `locals` block and the id of its file.
    pub fn local(&self, name: &str) -> Option<(usize, &'a Attribute)> {
        self.locals.get(name).copied()
    }

    /// Whether some evaluation ran past the limits and answered `Unknown` for it.
    pub fn hit_limits(&self) -> bool {
        self.limited.load(Ordering::Relaxed)
    }

    /// Evaluate `expr`, written in file `file`, as far as the text allows: literals, `var.x`
    /// (its `default`), `local.x` (recursively, each local once per call), templates,
    /// collections, conditionals with a known condition and simple operators. Everything
    /// else is [`Resolved::Unknown`], and so is a value past the limits ([`MAX_EVAL_STEPS`],
    /// [`MAX_EVAL_BYTES`], [`MAX_VALUE_BYTES`]): a chain of locals that each use the previous
    /// one twice costs linear time, and a value that doubles at each step stops at the cap.
    pub fn resolve(&self, file: usize, expr: &Expr) -> Resolved {
        let mut ev = Eval {
            module: self,
            visiting: Vec::new(),
            locals: HashMap::new(),
            defaults: HashMap::new(),
            steps: 0,
            bytes: 0,
            exhausted: false,
        };
        let found = ev.eval(file, expr, 0);
        if ev.exhausted {
            self.limited.store(true, Ordering::Relaxed);
            return Resolved::Unknown;
        }
        match found {
            Some((value, origin)) => Resolved::Known { value, origin },
            None => Resolved::Unknown,
        }
    }
}

/// The bytes a value holds, roughly: what copying it costs.
fn size(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len() + 1,
        Value::List(items) => items.iter().map(size).sum::<usize>() + 1,
        Value::Map(entries) => {
            entries
                .iter()
                .map(|(k, v)| k.len() + size(v))
                .sum::<usize>()
                + 1
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => 1,
    }
}

/// One [`Module::resolve`]: each local and variable default evaluated at most once, and a
/// budget of steps and bytes.
struct Eval<'m, 'a> {
    module: &'m Module<'a>,
    /// Locals being evaluated (a cycle is unknown).
    visiting: Vec<&'a str>,
    locals: HashMap<&'a str, Option<(Value, Origin)>>,
    defaults: HashMap<&'a str, Option<(Value, Origin)>>,
    steps: usize,
    bytes: usize,
    exhausted: bool,
}

impl<'a> Eval<'_, 'a> {
    /// Count `n` bytes built or copied; `false` (and the budget spent) past a limit.
    fn charge(&mut self, n: usize) -> bool {
        self.bytes = self.bytes.saturating_add(n);
        if n > MAX_VALUE_BYTES || self.bytes > MAX_EVAL_BYTES {
            self.exhausted = true;
        }
        !self.exhausted
    }

    /// A value reused (a local's or a default's, or part of one): its copy is charged.
    fn reuse(&mut self, found: &Option<(Value, Origin)>) -> Option<(Value, Origin)> {
        let (value, origin) = found.as_ref()?;
        if !self.charge(size(value)) {
            return None;
        }
        Some((value.clone(), *origin))
    }

    fn eval(&mut self, file: usize, expr: &Expr, depth: usize) -> Option<(Value, Origin)> {
        self.steps += 1;
        if self.steps > MAX_EVAL_STEPS {
            self.exhausted = true;
        }
        if self.exhausted || depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        let here = Some((file, expr.span));
        let value = match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::String(s) => Value::String(s.clone()),
            ExprKind::Template { parts } => {
                // "${x}" alone is x itself, with its type and origin
                if let [TemplatePart::Interp(inner)] = parts.as_slice() {
                    return self.eval(file, inner, depth + 1);
                }
                let mut s = String::new();
                for part in parts {
                    match part {
                        TemplatePart::Literal(l) => s.push_str(l),
                        TemplatePart::Interp(e) => {
                            let v = self.eval(file, e, depth + 1)?.0;
                            s.push_str(&v.to_template_string()?);
                        }
                        TemplatePart::Directive(_) => return None,
                    }
                    if !self.charge(0) || s.len() > MAX_VALUE_BYTES {
                        self.exhausted = true;
                        return None;
                    }
                }
                if !self.charge(s.len()) {
                    return None;
                }
                Value::String(s)
            }
            ExprKind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for e in items {
                    out.push(self.eval(file, e, depth + 1)?.0);
                }
                Value::List(out)
            }
            ExprKind::Object(items) => {
                let mut entries = Vec::with_capacity(items.len());
                for (key, e) in items {
                    if key.computed {
                        return None;
                    }
                    entries.push((key.name.clone(), self.eval(file, e, depth + 1)?.0));
                }
                Value::Map(entries)
            }
            ExprKind::Traversal { root, path } => {
                return self.traversal(file, root, path, depth);
            }
            ExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                let chosen = if self.eval(file, cond, depth + 1)?.0.as_bool()? {
                    then
                } else {
                    otherwise
                };
                return self.eval(file, chosen, depth + 1);
            }
            ExprKind::Operation { op, operands } => {
                let mut values = Vec::with_capacity(operands.len());
                for e in operands {
                    values.push(self.eval(file, e, depth + 1)?.0);
                }
                operate(op, &values)?
            }
            ExprKind::FuncCall { .. } | ExprKind::Other => return None,
        };
        Some((value, here))
    }

    fn traversal(
        &mut self,
        file: usize,
        root: &str,
        path: &[TraversalStep],
        depth: usize,
    ) -> Option<(Value, Origin)> {
        let (TraversalStep::Attr(name), rest) = path.split_first()? else {
            return None;
        };
        let module = self.module;
        let (value, origin) = match root {
            "var" => {
                if let Some(given) = module.passed.get(name.as_str()) {
                    let given = given.clone();
                    let found = self.reuse(&given)?;
                    return self.walk(file, found, rest, depth);
                }
                let (var_file, block) = module.variable(name)?;
                let key = block.label(0)?;
                let found = match self.defaults.get(key) {
                    Some(found) => found.clone(),
                    None => {
                        let (value_file, value) = match module.tfvars_value(key) {
                            Some((id, attr)) => (id, &attr.value),
                            None => (var_file, &block.attr("default")?.value),
                        };
                        let found = self.eval(value_file, value, depth + 1);
                        self.defaults.insert(key, found.clone());
                        return found.and_then(|f| self.walk(file, f, rest, depth));
                    }
                };
                self.reuse(&found)?
            }
            "local" => {
                let (local_file, attr) = module.local(name)?;
                let key = attr.key.as_str();
                if let Some(found) = self.locals.get(key) {
                    let found = found.clone();
                    self.reuse(&found)?
                } else {
                    if self.visiting.contains(&key) {
                        return None; // a cycle: Terraform rejects it, we know nothing
                    }
                    self.visiting.push(key);
                    let found = self.eval(local_file, &attr.value, depth + 1);
                    self.visiting.pop();
                    if self.exhausted {
                        return None;
                    }
                    self.locals.insert(key, found.clone());
                    found?
                }
            }
            _ => return None,
        };
        self.walk(file, (value, origin), rest, depth)
    }

    /// `var.cfg.port`, `local.list[0]`: walk into a known value; the origin stays the literal
    /// the whole value came from.
    fn walk(
        &mut self,
        file: usize,
        (value, origin): (Value, Origin),
        rest: &[TraversalStep],
        depth: usize,
    ) -> Option<(Value, Origin)> {
        let mut current = value;
        for step in rest {
            current = match step {
                TraversalStep::Attr(key) => current.get(key)?.clone(),
                TraversalStep::Index(ix) => {
                    let ix = self.eval(file, ix, depth + 1)?.0;
                    match (&current, &ix) {
                        (Value::List(items), _) => {
                            let n = ix.as_number()?;
                            if n < 0.0 || n.fract() != 0.0 {
                                return None;
                            }
                            items.get(n as usize)?.clone()
                        }
                        (Value::Map(_), Value::String(k)) => current.get(k)?.clone(),
                        _ => return None,
                    }
                }
                TraversalStep::Splat => return None,
            };
        }
        Some((current, origin))
    }
}

/// Terraform's operators on known values; `None` where the result is not a plain value or the
/// types do not fit.
fn operate(op: &str, values: &[Value]) -> Option<Value> {
    Some(match (op, values) {
        ("!", [v]) => Value::Bool(!v.as_bool()?),
        ("-", [v]) => Value::Number(-v.as_number()?),
        ("==", [a, b]) => Value::Bool(a == b),
        ("!=", [a, b]) => Value::Bool(a != b),
        ("&&", [a, b]) => Value::Bool(a.as_bool()? && b.as_bool()?),
        ("||", [a, b]) => Value::Bool(a.as_bool()? || b.as_bool()?),
        (_, [a, b]) => {
            let (a, b) = (a.as_number()?, b.as_number()?);
            match op {
                "+" => Value::Number(a + b),
                "-" => Value::Number(a - b),
                "*" => Value::Number(a * b),
                "/" if b != 0.0 => Value::Number(a / b),
                "%" if b != 0.0 => Value::Number(a % b),
                "<" => Value::Bool(a < b),
                "<=" => Value::Bool(a <= b),
                ">" => Value::Bool(a > b),
                ">=" => Value::Bool(a >= b),
                _ => return None,
            }
        }
        _ => return None,
    })
}
