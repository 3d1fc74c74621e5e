//! Evaluation across the files of one module: variable defaults, locals, operators.

use std::collections::HashMap;

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

/// The `.tf` files of one directory, with their `variable` and `locals` blocks indexed so that
/// `var.x` and `local.x` resolve across files. The first definition of a name wins (Terraform
/// rejects duplicates anyway).
#[derive(Debug, Clone)]
pub struct Module<'a> {
    files: Vec<(usize, &'a TfFile)>,
    variables: HashMap<&'a str, (usize, &'a Block)>,
    locals: HashMap<&'a str, (usize, &'a Attribute)>,
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
        }
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

    /// Evaluate `expr`, written in file `file`, as far as the text allows: literals, `var.x`
    /// (its `default`), `local.x` (recursively), templates, collections, conditionals with a
    /// known condition and simple operators. Everything else is [`Resolved::Unknown`].
    pub fn resolve(&self, file: usize, expr: &Expr) -> Resolved {
        let mut visiting = Vec::new();
        match self.eval(file, expr, &mut visiting, 0) {
            Some((value, origin)) => Resolved::Known { value, origin },
            None => Resolved::Unknown,
        }
    }

    fn eval(
        &self,
        file: usize,
        expr: &Expr,
        visiting: &mut Vec<&'a str>,
        depth: usize,
    ) -> Option<(Value, Option<(usize, Span)>)> {
        if depth > MAX_RESOLVE_DEPTH {
            return None;
        }
        let here = Some((file, expr.span));
        let value_of = |e: &Expr, visiting: &mut Vec<&'a str>| {
            self.eval(file, e, visiting, depth + 1).map(|(v, _)| v)
        };
        let value = match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::String(s) => Value::String(s.clone()),
            ExprKind::Template { parts } => {
                // "${x}" alone is x itself, with its type and origin
                if let [TemplatePart::Interp(inner)] = parts.as_slice() {
                    return self.eval(file, inner, visiting, depth + 1);
                }
                let mut s = String::new();
                for part in parts {
                    match part {
                        TemplatePart::Literal(l) => s.push_str(l),
                        TemplatePart::Interp(e) => {
                            s.push_str(&value_of(e, visiting)?.to_template_string()?);
                        }
                        TemplatePart::Directive(_) => return None,
                    }
                }
                Value::String(s)
            }
            ExprKind::Array(items) => Value::List(
                items
                    .iter()
                    .map(|e| value_of(e, visiting))
                    .collect::<Option<_>>()?,
            ),
            ExprKind::Object(items) => {
                let mut entries = Vec::with_capacity(items.len());
                for (key, e) in items {
                    if key.computed {
                        return None;
                    }
                    entries.push((key.name.clone(), value_of(e, visiting)?));
                }
                Value::Map(entries)
            }
            ExprKind::Traversal { root, path } => {
                return self.eval_traversal(file, root, path, visiting, depth);
            }
            ExprKind::Conditional {
                cond,
                then,
                otherwise,
            } => {
                let chosen = if value_of(cond, visiting)?.as_bool()? {
                    then
                } else {
                    otherwise
                };
                return self.eval(file, chosen, visiting, depth + 1);
            }
            ExprKind::Operation { op, operands } => {
                let values = operands
                    .iter()
                    .map(|e| value_of(e, visiting))
                    .collect::<Option<Vec<_>>>()?;
                operate(op, &values)?
            }
            ExprKind::FuncCall { .. } | ExprKind::Other => return None,
        };
        Some((value, here))
    }

    fn eval_traversal(
        &self,
        file: usize,
        root: &str,
        path: &[TraversalStep],
        visiting: &mut Vec<&'a str>,
        depth: usize,
    ) -> Option<(Value, Option<(usize, Span)>)> {
        let (TraversalStep::Attr(name), rest) = path.split_first()? else {
            return None;
        };
        let (value, origin) = match root {
            "var" => {
                let (var_file, block) = self.variable(name)?;
                let default = block.attr("default")?;
                self.eval(var_file, &default.value, visiting, depth + 1)?
            }
            "local" => {
                let (local_file, attr) = self.local(name)?;
                let key = attr.key.as_str();
                if visiting.contains(&key) {
                    return None; // a cycle: Terraform rejects it, we know nothing
                }
                visiting.push(key);
                let found = self.eval(local_file, &attr.value, visiting, depth + 1);
                visiting.pop();
                found?
            }
            _ => return None,
        };
        if rest.is_empty() {
            return Some((value, origin));
        }
        // `var.cfg.port`, `local.list[0]`: walk into the known value; the origin stays the
        // literal the whole value came from
        let mut current = value;
        for step in rest {
            current = match step {
                TraversalStep::Attr(key) => current.get(key)?.clone(),
                TraversalStep::Index(ix) => {
                    let ix = self.eval(file, ix, visiting, depth + 1)?.0;
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
