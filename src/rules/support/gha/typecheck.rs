//! The expression checker: walks a parsed `${{ }}` body ([`Ex`]) against the typed contexts
//! in scope and the availability row of the key it sits in, and reports what GitHub rejects
//! (unknown contexts and functions, wrong argument counts, contexts or functions not
//! available at that key: errors) and what runs but is wrong (unknown properties of typed
//! contexts, `steps` and `needs` that do not exist here, outputs never declared, properties
//! of strings, objects compared with strings: warnings).

use std::sync::Arc;

use super::contexts::{self, CONTEXTS, ObjTy, Ret, Row, Ty};
use super::hint;
use crate::source::Span;
use crate::source::expr::{Ex, ExKind};

/// One problem, with its span in the coordinates the expression was parsed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    pub span: Span,
    pub message: String,
    /// GitHub refuses the workflow (otherwise it runs, but not as written).
    pub error: bool,
}

/// The contexts in scope at one place, by lowercase name. A context with no entry has no
/// model here and reads as untyped.
#[derive(Clone, Default)]
pub struct Scope {
    pub types: Vec<(&'static str, Ty)>,
}

impl Scope {
    pub fn get(&self, name: &str) -> Option<&Ty> {
        self.types.iter().find(|(n, _)| *n == name).map(|(_, t)| t)
    }
    pub fn set(&mut self, name: &'static str, ty: Ty) {
        match self.types.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = ty,
            None => self.types.push((name, ty)),
        }
    }
}

/// Checks expressions at one place: its scope and availability row.
pub struct Checker<'a> {
    pub scope: &'a Scope,
    pub row: Option<&'static Row>,
    pub diags: Vec<Diag>,
}

impl<'a> Checker<'a> {
    pub fn new(scope: &'a Scope, row: Option<&'static Row>) -> Self {
        Checker {
            scope,
            row,
            diags: Vec::new(),
        }
    }

    fn error(&mut self, span: Span, message: String) {
        self.diags.push(Diag {
            span,
            message,
            error: true,
        });
    }

    fn warn(&mut self, span: Span, message: String) {
        self.diags.push(Diag {
            span,
            message,
            error: false,
        });
    }

    /// Check `ex` and return its type.
    pub fn check(&mut self, ex: &Ex) -> Ty {
        match &ex.kind {
            ExKind::Null => Ty::Null,
            ExKind::Bool(_) => Ty::Bool,
            ExKind::Number(_) => Ty::Number,
            ExKind::Str(_) => Ty::Str,
            ExKind::Var(name) => self.var(name, ex.span),
            ExKind::Prop(recv, name, span) => {
                let t = self.check(recv);
                self.prop(&t, name, *span, recv)
            }
            ExKind::Index(recv, index) => {
                let t = self.check(recv);
                let i = self.check(index);
                match &index.kind {
                    ExKind::Str(name) => self.prop(&t, name, index.span, recv),
                    _ => match (&t, &i) {
                        (Ty::Array(e), _) => (**e).clone(),
                        (Ty::Obj(o), _) => o.rest.clone().unwrap_or(Ty::Any),
                        _ => Ty::Any,
                    },
                }
            }
            ExKind::Filter(recv) => {
                let t = self.check(recv);
                match t {
                    Ty::Obj(o) => Ty::Array(Arc::new(match (&o.rest, o.props.len()) {
                        (Some(r), 0) => r.clone(),
                        _ => Ty::Any,
                    })),
                    _ => Ty::Array(Arc::new(Ty::Any)),
                }
            }
            ExKind::Call {
                name,
                name_span,
                args,
            } => self.call(name, *name_span, args),
            ExKind::Not(x) => {
                self.check(x);
                Ty::Bool
            }
            ExKind::Binary(l, op, op_span, r) => {
                let lt = self.check(l);
                let rt = self.check(r);
                match *op {
                    "&&" | "||" => match (&lt, &rt) {
                        (Ty::Str, Ty::Str) => Ty::Str,
                        (Ty::Bool, Ty::Bool) => Ty::Bool,
                        (Ty::Number, Ty::Number) => Ty::Number,
                        _ => Ty::Any,
                    },
                    _ => {
                        let (obj, other) = if lt.is_composite() {
                            (&lt, &rt)
                        } else {
                            (&rt, &lt)
                        };
                        if obj.is_composite() && other.is_scalar() {
                            let verdict = if *op == "!=" { "true" } else { "false" };
                            self.warn(
                                *op_span,
                                format!(
                                    "`{op}` compares {} with {}: objects and arrays never equal or order against scalars, so this is always {verdict}",
                                    obj.name(),
                                    other.name()
                                ),
                            );
                        }
                        Ty::Bool
                    }
                }
            }
        }
    }

    fn var(&mut self, name: &str, span: Span) -> Ty {
        let lower = name.to_ascii_lowercase();
        let Some(&known) = CONTEXTS.iter().find(|c| **c == lower) else {
            let also = if contexts::function(&lower).is_some() {
                format!("; `{name}` is a function: call it as `{name}()`")
            } else {
                hint(&lower, CONTEXTS.iter().copied())
            };
            self.error(
                span,
                format!(
                    "unknown context `{name}`: GitHub rejects the workflow (contexts are {}){also}",
                    CONTEXTS.join(", ")
                ),
            );
            return Ty::Any;
        };
        if let Some(row) = self.row {
            if !row.contexts.contains(&known) {
                self.error(
                    span,
                    format!(
                        "the `{known}` context is not available in `{}`: GitHub rejects the workflow (available there: {})",
                        row.key,
                        row.contexts.join(", ")
                    ),
                );
                return Ty::Any;
            }
        }
        self.scope.get(known).cloned().unwrap_or(Ty::Any)
    }

    fn prop(&mut self, t: &Ty, name: &str, span: Span, recv: &Ex) -> Ty {
        match t {
            Ty::Any => Ty::Any,
            Ty::Array(e) => match &**e {
                // `a.*.b`: the filter maps the property over the elements
                Ty::Obj(_) | Ty::Array(_) => {
                    let inner = self.prop(e, name, span, recv);
                    Ty::Array(Arc::new(inner))
                }
                _ => Ty::Array(Arc::new(Ty::Any)),
            },
            Ty::Obj(o) => {
                if let Some(t) = o.get(name) {
                    return t.clone();
                }
                if let Some(r) = &o.rest {
                    return r.clone();
                }
                self.unknown_prop(o, name, span);
                Ty::Any
            }
            Ty::Null | Ty::Bool | Ty::Number | Ty::Str => {
                let shown = shown_path(recv);
                self.warn(
                    span,
                    format!(
                        "`{shown}` is {}; it has no property `{name}`, so this is always empty",
                        t.name()
                    ),
                );
                Ty::Any
            }
        }
    }

    fn unknown_prop(&mut self, o: &ObjTy, name: &str, span: Span) {
        let lower = name.to_ascii_lowercase();
        if let Some((_, why)) = o
            .absent
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(&lower))
        {
            self.warn(span, why.clone());
            return;
        }
        let names: Vec<&str> = o.props.iter().map(|(n, _)| n.as_str()).collect();
        let known = if names.is_empty() {
            String::new()
        } else if names.len() <= 12 {
            format!(" (known: {})", names.join(", "))
        } else {
            format!(" ({} known)", names.len())
        };
        let h = hint(&lower, names.iter().copied());
        self.warn(
            span,
            format!("`{name}` is not a property of {}{known}{h}", o.what),
        );
    }

    fn call(&mut self, name: &str, name_span: Span, args: &[Ex]) -> Ty {
        let lower = name.to_ascii_lowercase();
        let types: Vec<Ty> = args.iter().map(|a| self.check(a)).collect();
        let Some(f) = contexts::function(&lower) else {
            let h = hint(&lower, contexts::FUNCTIONS.iter().map(|f| f.shown));
            self.error(
                name_span,
                format!("unknown function `{name}()`: GitHub rejects the workflow{h}"),
            );
            return Ty::Any;
        };
        let job_if = self.row.is_some_and(|r| r.key == "jobs.<job_id>.if");
        let status = matches!(f.name, "success" | "always" | "cancelled" | "failure");
        let max = if job_if && matches!(f.name, "success" | "failure") {
            usize::MAX
        } else {
            f.max
        };
        if args.len() < f.min || args.len() > max {
            let want = if f.min == max {
                format!("{}", f.min)
            } else if max == usize::MAX {
                format!("at least {}", f.min)
            } else {
                format!("{} to {}", f.min, max)
            };
            self.error(
                name_span,
                format!(
                    "`{}()` takes {want} argument{}, not {}: GitHub rejects the workflow",
                    f.shown,
                    if want == "1" { "" } else { "s" },
                    args.len()
                ),
            );
        }
        if contexts::is_special(f.name) {
            if let Some(row) = self.row {
                if !row.functions.contains(&f.name) {
                    let where_ = if status {
                        "only in `if:` conditions"
                    } else {
                        "only in step keys"
                    };
                    self.error(
                        name_span,
                        format!(
                            "`{}()` can be used {where_}, not in `{}`: GitHub rejects the workflow",
                            f.shown, row.key
                        ),
                    );
                }
            }
        }
        if f.name == "format" {
            if let Some(Ex {
                kind: ExKind::Str(fmt),
                span,
            }) = args.first()
            {
                if let Some(m) = format_problem(fmt, args.len() - 1) {
                    self.warn(*span, m);
                }
            }
        }
        if f.name == "case" && args.len() >= 3 && args.len() % 2 == 0 {
            self.warn(
                name_span,
                "`case()` takes predicate/value pairs and a default: an even number of arguments leaves the last predicate without a value".into(),
            );
        }
        let _ = types;
        match f.ret {
            Ret::Bool => Ty::Bool,
            Ret::Str => Ty::Str,
            Ret::Any => Ty::Any,
        }
    }
}

/// A context path as written (`steps.build.outputs`), for messages.
pub fn shown_path(ex: &Ex) -> String {
    match &ex.kind {
        ExKind::Var(n) => n.clone(),
        ExKind::Prop(r, n, _) => format!("{}.{n}", shown_path(r)),
        ExKind::Filter(r) => format!("{}.*", shown_path(r)),
        ExKind::Index(r, i) => match &i.kind {
            ExKind::Str(s) => format!("{}['{s}']", shown_path(r)),
            _ => format!("{}[...]", shown_path(r)),
        },
        ExKind::Call { name, .. } => format!("{name}(...)"),
        _ => "the value".into(),
    }
}

/// What is wrong with a `format()` string given `values` replacement values.
pub fn format_problem(fmt: &str, values: usize) -> Option<String> {
    let b = fmt.as_bytes();
    let mut i = 0;
    let mut max: Option<usize> = None;
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => i += 2,
            b'}' if b.get(i + 1) == Some(&b'}') => i += 2,
            b'{' => {
                let rest = &fmt[i + 1..];
                let close = rest.find('}')?;
                let n: usize = match rest[..close].parse() {
                    Ok(n) => n,
                    Err(_) => {
                        return Some(format!(
                            "`{{{}}}` is not a placeholder: format() takes `{{0}}`, `{{1}}`... and `{{{{`/`}}}}` for braces; it fails at run time",
                            &rest[..close]
                        ));
                    }
                };
                max = Some(max.map_or(n, |m: usize| m.max(n)));
                i += close + 2;
            }
            b'}' => {
                return Some(
                    "a lone `}` in a format() string fails at run time: write `}}` for a brace"
                        .into(),
                );
            }
            _ => i += 1,
        }
    }
    match max {
        Some(m) if m >= values => Some(format!(
            "format() uses `{{{m}}}` but is given {values} value{}: it fails at run time",
            if values == 1 { "" } else { "s" }
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::expr::parse_spanned;

    fn run(src: &str, row: Option<&'static Row>, scope: &Scope) -> Vec<Diag> {
        let ex = parse_spanned(src, 0).expect("parses");
        let mut c = Checker::new(scope, row);
        c.check(&ex);
        c.diags
    }

    fn scope() -> Scope {
        let mut s = Scope::default();
        s.set("github", contexts::GITHUB.clone());
        s.set("runner", contexts::RUNNER.clone());
        s.set("env", Ty::map_of("env", Ty::Str));
        s
    }

    #[test]
    fn unknown_names() {
        let s = scope();
        let d = run("github.nope.x", None, &s);
        assert_eq!(d.len(), 1);
        assert!(!d[0].error);
        assert_eq!(d[0].span, Span::new(7, 11));
        let d = run("githb.sha", None, &s);
        assert!(d[0].error && d[0].message.contains("did you mean \"github\""));
        let d = run("toJosn(github)", None, &s);
        assert!(d[0].error && d[0].message.contains("toJSON"), "{d:?}");
        let d = run("contains('a')", None, &s);
        assert!(d[0].error && d[0].message.contains("takes 2 arguments"));
        assert!(
            run(
                "toJson(github.event.commits.*.message) && env.X == 'a'",
                None,
                &s
            )
            .is_empty()
        );
        let d = run("github.sha.length", None, &s);
        assert!(d[0].message.contains("is a string"), "{d:?}");
    }

    #[test]
    fn availability_rows() {
        let s = scope();
        let row = contexts::availability("jobs.<job_id>.if");
        let d = run("matrix.os == 'x' && success()", row, &s);
        assert_eq!(d.len(), 1);
        assert!(d[0].error && d[0].message.contains("not available"));
        let row = contexts::availability("jobs.<job_id>.runs-on");
        let d = run("hashFiles('x')", row, &s);
        assert!(d[0].error && d[0].message.contains("step keys"), "{d:?}");
        let row = contexts::availability("jobs.<job_id>.if");
        assert!(run("failure('build') || always()", row, &s).is_empty());
    }

    #[test]
    fn comparisons_and_format() {
        let s = scope();
        let d = run("github == 'x'", None, &s);
        assert!(d[0].message.contains("always false"), "{d:?}");
        assert_eq!(
            format_problem("{0} {1}", 1).map(|m| m.contains("{1}")),
            Some(true)
        );
        assert_eq!(format_problem("{{0}} {0}", 1), None);
        assert!(format_problem("{x}", 1).is_some());
        assert!(format_problem("a } b", 0).is_some());
    }
}
