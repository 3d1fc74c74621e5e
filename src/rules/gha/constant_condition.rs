//! gha/constant-condition: an `if:` whose value never changes: `true`, `false`, a literal,
//! `${{ true }}`, or text around `${{ }}` that makes the whole condition a non-empty string.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::gha::{has_expr, is_whole_expr};
use crate::source::expr::{self, Ex, ExKind};
use crate::source::workflow::{Job, Step, Workflow};
use crate::source::yaml::Yaml;

pub static RULE: Rule = rule!("gha/constant-condition")
    .summary("an if: condition that is always true or always false")
    .packs(&["reliability"])
    .severity(Severity::Warning)
    .on_job(check_job)
    .on_step(check_step);

fn check_job(cx: &Cx<'_>, _wf: &Workflow<'_>, job: &Job<'_>, out: &mut Vec<Finding>) {
    if let Some(c) = job.condition() {
        check(cx, c, &format!("job \"{}\"", job.id), "job", out);
    }
}

fn check_step(
    cx: &Cx<'_>,
    _wf: &Workflow<'_>,
    _job: Option<&Job<'_>>,
    step: &Step<'_>,
    out: &mut Vec<Finding>,
) {
    if let Some(c) = step.condition() {
        check(cx, c, &step.display(), "step", out);
    }
}

fn check(cx: &Cx<'_>, node: Yaml<'_>, who: &str, kind: &str, out: &mut Vec<Finding>) {
    let Some(s) = node.scalar() else { return };
    if s.trim().is_empty() {
        return;
    }
    if has_expr(s) && !is_whole_expr(s) {
        out.push(cx.finding(
            node.span(),
            format!("the `if:` of {who} puts text around `${{{{ }}}}`, so GitHub reads it as a string, which is always true: put the whole condition inside one `${{{{ }}}}`, or leave `${{{{ }}}}` out"),
        ));
        return;
    }
    let body = if has_expr(s) {
        match expr::locate(s).first() {
            Some((_, b, true)) => b.text(s),
            _ => return,
        }
    } else {
        s
    };
    let Ok(ex) = expr::parse_spanned(body, 0) else {
        return;
    };
    let Some(v) = eval(&ex) else { return };
    let shown = body.trim();
    let msg = if v.truthy() {
        format!("the `if: {shown}` of {who} is always true: it changes nothing; remove it")
    } else {
        format!(
            "the `if: {shown}` of {who} is always false: the {kind} never runs; remove the {kind}, or disable the workflow instead"
        )
    };
    out.push(cx.finding(node.span(), msg));
}

/// A literal value of the expression language.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

impl Val {
    fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
        }
    }
    /// GitHub's conversion to a number for loose comparison.
    fn num(&self) -> f64 {
        match self {
            Val::Null => 0.0,
            Val::Bool(b) => f64::from(u8::from(*b)),
            Val::Num(n) => *n,
            Val::Str(s) if s.trim().is_empty() => 0.0,
            Val::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
        }
    }
    fn loose_eq(&self, o: &Val) -> bool {
        match (self, o) {
            (Val::Str(a), Val::Str(b)) => a.eq_ignore_ascii_case(b),
            (Val::Null, Val::Null) => true,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            _ => self.num() == o.num(),
        }
    }
}

/// The value of an expression that reads no context and calls no function; `None` when it
/// depends on the run. `false && x` and `true || x` are constant whatever `x` is.
fn eval(ex: &Ex) -> Option<Val> {
    Some(match &ex.kind {
        ExKind::Null => Val::Null,
        ExKind::Bool(b) => Val::Bool(*b),
        ExKind::Number(n) => Val::Num(*n),
        ExKind::Str(s) => Val::Str(s.clone()),
        ExKind::Not(x) => Val::Bool(!eval(x)?.truthy()),
        ExKind::Binary(l, "&&", _, r) => {
            let lv = eval(l)?;
            if !lv.truthy() {
                return Some(lv);
            }
            eval(r)?
        }
        ExKind::Binary(l, "||", _, r) => {
            let lv = eval(l)?;
            if lv.truthy() {
                return Some(lv);
            }
            eval(r)?
        }
        ExKind::Binary(l, op, _, r) => {
            let (a, b) = (eval(l)?, eval(r)?);
            Val::Bool(match *op {
                "==" => a.loose_eq(&b),
                "!=" => !a.loose_eq(&b),
                "<" => a.num() < b.num(),
                "<=" => a.num() <= b.num(),
                ">" => a.num() > b.num(),
                ">=" => a.num() >= b.num(),
                _ => return None,
            })
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Option<bool> {
        eval(&expr::parse_spanned(s, 0).unwrap()).map(|v| v.truthy())
    }

    #[test]
    fn constants() {
        assert_eq!(v("true"), Some(true));
        assert_eq!(v("false"), Some(false));
        assert_eq!(v("'x'"), Some(true));
        assert_eq!(v("''"), Some(false));
        assert_eq!(v("!false"), Some(true));
        assert_eq!(v("1 == 1"), Some(true));
        assert_eq!(v("'A' == 'a'"), Some(true));
        assert_eq!(v("false && github.x"), Some(false));
        assert_eq!(v("true || github.x"), Some(true));
        assert_eq!(v("github.x && false"), None);
        assert_eq!(v("always()"), None);
        assert_eq!(v("github.event_name == 'push'"), None);
    }
}
