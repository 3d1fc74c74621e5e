//! gha/invalid-expression: `${{ }}` expressions GitHub rejects (syntax, unknown contexts and
//! functions, argument counts, contexts used where GitHub does not provide them) or that
//! do not read what they seem to (unknown properties of typed contexts, steps and jobs that
//! are not there, undeclared outputs and inputs, objects compared with strings).

use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::api::{Cx, Finding, Opt, Rule, Severity, StrList};
use crate::rule;
use crate::rules::support::gha::contexts::{self, Row, Ty};
use crate::rules::support::gha::local;
use crate::rules::support::gha::typecheck::{Checker, Scope};
use crate::rules::support::gha::{has_expr, is_whole_expr};
use crate::source::expr;
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;
use crate::source::{OffsetMap, Span};

const CONFIG_VARIABLES: Opt<StrList> = Opt::list(
    "config-variables",
    &[],
    "configuration variables (`vars.*`) known to exist; when set, any other `vars.NAME` is reported",
);

pub static RULE: Rule = rule!("gha/invalid-expression")
    .summary("a ${{ }} expression GitHub rejects, or that reads a context, property, step, job, input or output that is not there")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .options(&[CONFIG_VARIABLES.decl])
    .on_workflow(check_workflow)
    .on_action(check_action);

fn row(key: &str) -> Option<&'static Row> {
    let r = contexts::availability(key);
    debug_assert!(r.is_some(), "no availability row {key}");
    r
}

/// Where expressions are checked, and with what.
struct X<'a, 'c> {
    cx: &'c Cx<'a>,
    out: &'c mut Vec<Finding>,
    /// Whether the file uses YAML aliases (text then comes from elsewhere).
    aliases: bool,
    /// Where the file's text holds `${{` and `if:`, found in one pass: whether a node may
    /// hold an expression is then a binary search, not a scan of its text.
    exprs: Vec<usize>,
    ifs: Vec<usize>,
    /// Where `steps.`/`steps[` and `needs.`/`needs[` are read (any case of the first letter).
    steps: Vec<usize>,
    needs: Vec<usize>,
}

/// One pass over the text: the offsets of `${{`, `if:`, and reads of `steps` and `needs`
/// (`steps.` or `steps[`, the first letter in either case). A literal search (the regex
/// crate's vectorised one): a loop testing every byte was 2.4% of a check of real-world
/// workflows. No match can start inside another, so the non-overlapping search finds them
/// all.
fn scan(text: &str) -> [Vec<usize>; 4] {
    static MARKS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\$\{\{|if:|[sS]teps[.\[]|[nN]eeds[.\[]").expect("expression marks")
    });
    let mut out: [Vec<usize>; 4] = Default::default();
    for m in MARKS.find_iter(text) {
        let i = m.start();
        let k = match text.as_bytes()[i] {
            b'$' => 0,
            b'i' => 1,
            b's' | b'S' => 2,
            _ => 3,
        };
        out[k].push(i);
    }
    out
}

/// Whether a sorted list of offsets has one inside `span`.
fn any_in(list: &[usize], span: Span) -> bool {
    let i = list.partition_point(|&o| o < span.start);
    list.get(i).is_some_and(|&o| o < span.end)
}

/// Whether a file holds any alias node.
fn has_aliases(cx: &Cx<'_>) -> bool {
    match &cx.file().model {
        crate::project::Model::Yaml(y) => (0..y.node_count())
            .any(|i| matches!(y.node(i).kind, crate::source::yaml::NodeKind::Alias(_))),
        _ => false,
    }
}

impl X<'_, '_> {
    /// Check every expression of a scalar value.
    fn scalar(&mut self, node: Yaml<'_>, row: Option<&'static Row>, scope: &Scope) {
        let Some(s) = node.scalar() else { return };
        if !has_expr(s) {
            return;
        }
        let map = node.value_map(self.cx.text());
        for (whole, body, closed) in expr::locate(s) {
            if !closed {
                self.push(
                    map.span(Span::new(whole.start, whole.start + 3)),
                    "`${{` is not closed by `}}`: GitHub rejects the workflow".into(),
                    true,
                );
                continue;
            }
            self.body(s, body, &map, row, scope);
        }
    }

    /// Check one expression body (`body` indexes `s`, which `map` maps to the file).
    fn body(
        &mut self,
        s: &str,
        body: Span,
        map: &OffsetMap,
        row: Option<&'static Row>,
        scope: &Scope,
    ) {
        let text = body.text(s);
        match &*expr::parse_spanned_shared(text, body.start) {
            Err(e) => {
                self.push(
                    map.span(e.span),
                    format!(
                        "invalid expression: {}: GitHub rejects the workflow",
                        e.message
                    ),
                    true,
                );
            }
            Ok(ex) => {
                let mut c = Checker::new(scope, row);
                c.check(ex);
                for d in c.diags {
                    self.push(map.span(d.span), d.message, d.error);
                }
            }
        }
    }

    /// An `if:` value: an expression with or without `${{ }}`.
    fn condition(&mut self, node: Yaml<'_>, row: Option<&'static Row>, scope: &Scope) {
        let Some(s) = node.scalar() else { return };
        if has_expr(s) && !is_whole_expr(s) {
            // a template: its pieces are checked; gha/constant-condition reports the rest
            return self.scalar(node, row, scope);
        }
        let map = node.value_map(self.cx.text());
        let body = if has_expr(s) {
            match expr::locate(s).first() {
                Some((_, b, true)) => *b,
                _ => return self.scalar(node, row, scope),
            }
        } else {
            Span::new(0, s.len())
        };
        if body.text(s).trim().is_empty() {
            return;
        }
        self.body(s, body, &map, row, scope);
    }

    /// Every scalar below `node` (values only, not keys), with one row.
    fn subtree(&mut self, node: Yaml<'_>, row: Option<&'static Row>, scope: &Scope) {
        if !self.may_hold_expr(node) {
            return;
        }
        let mut stack = vec![(node, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            if depth > 64 {
                continue;
            }
            if n.is_map() {
                stack.extend(n.entries().into_iter().map(|(_, v)| (v, depth + 1)));
            } else if n.is_seq() {
                stack.extend(n.items().map(|v| (v, depth + 1)));
            } else {
                self.scalar(n, row, scope);
            }
        }
    }

    /// The values of a mapping (`env`, `with`, `outputs`), each with `row`.
    fn values(&mut self, node: Yaml<'_>, row: Option<&'static Row>, scope: &Scope) {
        if !self.may_hold_expr(node) {
            return;
        }
        if node.is_map() {
            for (_, v) in node.entries() {
                self.subtree(v, row, scope);
            }
        } else {
            self.subtree(node, row, scope);
        }
    }

    /// Whether the text of `node` may hold `${{`: most values hold none, and their text
    /// is searched once instead of walking them. Through an alias the text is elsewhere.
    fn may_hold_expr(&self, node: Yaml<'_>) -> bool {
        self.aliases || any_in(&self.exprs, node.span())
    }

    /// Whether `node` may hold an expression or an `if:` condition (which needs no `${{`).
    fn may_check(&self, node: Yaml<'_>) -> bool {
        self.aliases || any_in(&self.exprs, node.span()) || any_in(&self.ifs, node.span())
    }

    /// Whether the text of `node` reads context `word` (`steps` or `needs`, as `word.x` or
    /// `word[...]`): a cheap test before building a context type nothing reads. Through an
    /// alias the text is elsewhere: say yes.
    fn mentions(&self, node: Yaml<'_>, word: &str) -> bool {
        let list = if word == "steps" {
            &self.steps
        } else {
            &self.needs
        };
        self.aliases || any_in(list, node.span())
    }

    fn push(&mut self, span: Span, message: String, error: bool) {
        let f = self.cx.finding(span, message);
        self.out.push(if error {
            f
        } else {
            f.severity(Severity::Warning)
        });
    }
}

/// What the workflow declares, for typing `inputs`, `needs` and `jobs`.
struct Info {
    inputs: Ty,
    /// Job id and the type of its outputs.
    jobs: Vec<(String, Ty)>,
}

fn vars_type(cx: &Cx<'_>) -> Ty {
    let known = cx.opt(&CONFIG_VARIABLES);
    if known.is_empty() {
        return Ty::map_of("vars", Ty::Str);
    }
    Ty::object(
        "the configuration variables (the rule's config-variables option)",
        known
            .iter()
            .map(|n| (n.to_ascii_lowercase(), Ty::Str))
            .collect(),
    )
}

fn base_scope(cx: &Cx<'_>, inputs: Ty) -> Scope {
    let mut s = Scope::default();
    s.set("github", contexts::GITHUB.clone());
    s.set("runner", contexts::RUNNER.clone());
    s.set("job", contexts::JOB.clone());
    s.set("strategy", contexts::STRATEGY.clone());
    s.set("env", Ty::map_of("env", Ty::Str));
    s.set("secrets", Ty::map_of("secrets", Ty::Str));
    s.set("vars", vars_type(cx));
    s.set("inputs", inputs);
    s
}

fn input_type(t: Option<&str>) -> Ty {
    match t {
        Some("boolean") => Ty::Bool,
        Some("number") => Ty::Number,
        _ => Ty::Str,
    }
}

fn inputs_of(wf: &Workflow<'_>) -> Ty {
    let Some(on) = wf.root.get("on") else {
        return Ty::Any;
    };
    let mut props: Vec<(String, Ty)> = Vec::new();
    let mut triggered = false;
    for trigger in ["workflow_dispatch", "workflow_call"] {
        let node = if on.is_map() {
            match on.get(trigger) {
                Some(n) => Some(n),
                None => continue,
            }
        } else if on.str_or_list().iter().any(|(s, _)| *s == trigger) {
            None
        } else {
            continue;
        };
        triggered = true;
        let Some(inputs) = node.and_then(|n| n.get("inputs")) else {
            continue;
        };
        if inputs.is_null() {
            continue;
        }
        if !inputs.is_map() {
            return Ty::Any;
        }
        for (k, v) in inputs.entries() {
            let Some(name) = k.as_str() else { continue };
            let t = input_type(v.get("type").and_then(|t| t.as_str()));
            props.push((name.to_ascii_lowercase(), t));
        }
    }
    if !triggered {
        return Ty::object(
            "the inputs context (the workflow has no workflow_dispatch or workflow_call trigger, so no inputs)",
            Vec::new(),
        );
    }
    Ty::object("the inputs of this workflow", props)
}

/// The type of a job's outputs: its `outputs:` keys, or the called workflow's outputs.
fn outputs_of(cx: &Cx<'_>, id: &str, job: Yaml<'_>) -> Ty {
    let what = format!("the outputs of job \"{id}\"");
    if let Some(u) = job.get("uses").and_then(|u| u.as_str()) {
        if u.starts_with("./") {
            if let Some(meta) = local::workflow(cx, u) {
                if let Some(outs) = meta.outputs {
                    return Ty::object(
                        format!("{what} (from {u})"),
                        outs.into_iter().map(|o| (o, Ty::Str)).collect(),
                    );
                }
            }
        }
        return Ty::map_of(what, Ty::Str);
    }
    match job.get("outputs") {
        None => Ty::object(format!("{what} (it declares none)"), Vec::new()),
        Some(o) if o.is_map() => Ty::object(
            what,
            o.keys()
                .into_iter()
                .map(|k| (k.to_ascii_lowercase(), Ty::Str))
                .collect(),
        ),
        Some(_) => Ty::map_of(what, Ty::Str),
    }
}

fn matrix_of(id: &str, job: Yaml<'_>) -> Ty {
    let Some(strategy) = job.get("strategy") else {
        return Ty::object(
            format!("the matrix context (job \"{id}\" has no strategy.matrix)"),
            Vec::new(),
        );
    };
    let Some(m) = strategy.get("matrix") else {
        if strategy.is_map() {
            return Ty::object(
                format!("the matrix context (job \"{id}\" has no strategy.matrix)"),
                Vec::new(),
            );
        }
        return Ty::Any;
    };
    if !m.is_map() {
        return Ty::Any;
    }
    // each variable's values: Some(keys) when every value is a mapping (a typed object),
    // None when any value is a scalar, a list or an expression (untyped)
    let mut vars: Vec<(String, Option<Vec<String>>)> = Vec::new();
    let mut add = |name: &str, value: Option<Yaml<'_>>| {
        let l = name.to_ascii_lowercase();
        let keys = value.and_then(|v| {
            v.is_map().then(|| {
                v.keys()
                    .into_iter()
                    .map(|k| k.to_ascii_lowercase())
                    .collect::<Vec<_>>()
            })
        });
        match vars.iter_mut().find(|(n, _)| *n == l) {
            Some((_, slot)) => match (slot.as_mut(), keys) {
                (Some(known), Some(more)) => known.extend(more),
                _ => *slot = None,
            },
            None => vars.push((l, keys)),
        }
    };
    for (k, v) in m.entries() {
        let Some(name) = k.as_str() else { continue };
        match name {
            "include" => {
                if !v.is_seq() {
                    return Ty::Any;
                }
                for item in v.items() {
                    if !item.is_map() {
                        return Ty::Any;
                    }
                    for (ik, iv) in item.entries() {
                        if let Some(n) = ik.as_str() {
                            add(n, Some(iv));
                        }
                    }
                }
            }
            "exclude" => {}
            _ => {
                let items: Vec<Yaml<'_>> = if v.is_seq() {
                    v.items().collect()
                } else {
                    Vec::new()
                };
                if items.is_empty() {
                    add(name, None);
                }
                for item in items {
                    add(name, Some(item));
                }
            }
        }
    }
    let props = vars
        .into_iter()
        .map(|(n, keys)| {
            let t = match keys {
                Some(keys) => {
                    let what = format!("the values of matrix `{n}` of job \"{id}\"");
                    let mut props: Vec<(String, Ty)> = Vec::new();
                    for k in keys {
                        if !props.iter().any(|(p, _)| *p == k) {
                            props.push((k, Ty::Any));
                        }
                    }
                    Ty::object(what, props)
                }
                None => Ty::Any,
            };
            (n, t)
        })
        .collect();
    Ty::object(format!("the matrix of job \"{id}\""), props)
}

fn needs_of(info: &Info, id: &str, job: Yaml<'_>) -> Ty {
    let needs: Vec<String> = job
        .get("needs")
        .map(|n| {
            n.str_or_list()
                .into_iter()
                .map(|(s, _)| s.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let mut props = Vec::new();
    let mut absent = Vec::new();
    for (jid, outs) in &info.jobs {
        let l = jid.to_ascii_lowercase();
        if needs.contains(&l) {
            props.push((l, contexts::job_entry(format!("needs.{jid}"), outs.clone())));
        } else if l != id.to_ascii_lowercase() {
            absent.push((
                l,
                format!("job \"{jid}\" is not in the `needs` of job \"{id}\", so `needs.{jid}` is always empty: add it to `needs`"),
            ));
        }
    }
    Ty::Obj(Arc::new(contexts::ObjTy {
        props,
        rest: None,
        absent,
        what: format!("the needs context of job \"{id}\""),
    }))
}

fn jobs_of(info: &Info) -> Ty {
    Ty::object(
        "the jobs context",
        info.jobs
            .iter()
            .map(|(j, o)| {
                (
                    j.to_ascii_lowercase(),
                    contexts::job_entry(format!("jobs.{j}"), o.clone()),
                )
            })
            .collect(),
    )
}

/// Step ids in order (steps of `parallel` groups flattened).
fn step_ids<'a>(steps: &[Yaml<'a>]) -> Vec<Option<&'a str>> {
    let mut out = Vec::new();
    for s in steps {
        if let Some(p) = s.get("parallel").filter(|p| p.is_seq()) {
            let inner: Vec<Yaml<'a>> = p.items().collect();
            out.extend(step_ids(&inner));
        } else {
            out.push(s.get("id").and_then(|i| i.as_str()));
        }
    }
    out
}

/// The steps context seen by step `at` (all steps when `at` is past the end).
fn steps_type(owner: &str, ids: &[Option<&str>], at: usize) -> Ty {
    let mut props = Vec::new();
    let mut absent = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let Some(id) = id else { continue };
        let l = id.to_ascii_lowercase();
        if i < at {
            props.push((l, contexts::STEP.clone()));
        } else if i == at {
            absent.push((l, format!("`steps.{id}` is this step's own id: its outcome and outputs exist only after it ends")));
        } else {
            absent.push((
                l,
                format!("step \"{id}\" runs after this one, so `steps.{id}` is empty here"),
            ));
        }
    }
    Ty::Obj(Arc::new(contexts::ObjTy {
        props,
        rest: None,
        absent,
        what: format!("the steps context of {owner}"),
    }))
}

/// Flatten `parallel` groups: every step in run order.
fn flat_steps<'a>(steps: Yaml<'a>) -> Vec<Yaml<'a>> {
    let mut out = Vec::new();
    for s in steps.items() {
        if let Some(p) = s.get("parallel").filter(|p| p.is_seq()) {
            out.extend(flat_steps(p));
        } else {
            out.push(s);
        }
    }
    out
}

fn check_steps(x: &mut X<'_, '_>, steps: Yaml<'_>, scope: &Scope, owner: &str, composite: bool) {
    let flat = flat_steps(steps);
    let ids = step_ids(&flat);
    let (if_row, rows): (&str, [(&str, &str); 7]) = if composite {
        (
            "runs.steps.if",
            [
                ("name", "runs.steps"),
                ("run", "runs.steps"),
                ("env", "runs.steps"),
                ("with", "runs.steps"),
                ("working-directory", "runs.steps"),
                ("continue-on-error", "runs.steps"),
                ("timeout-minutes", "runs.steps"),
            ],
        )
    } else {
        (
            "jobs.<job_id>.steps.if",
            [
                ("name", "jobs.<job_id>.steps.name"),
                ("run", "jobs.<job_id>.steps.run"),
                ("env", "jobs.<job_id>.steps.env"),
                ("with", "jobs.<job_id>.steps.with"),
                ("working-directory", "jobs.<job_id>.steps.working-directory"),
                ("continue-on-error", "jobs.<job_id>.steps.continue-on-error"),
                ("timeout-minutes", "jobs.<job_id>.steps.timeout-minutes"),
            ],
        )
    };
    let if_row = row(if_row);
    let rows: Vec<(&str, Option<&'static Row>)> = rows.iter().map(|(n, r)| (*n, row(r))).collect();
    for (i, step) in flat.iter().enumerate() {
        if !step.is_map() || !x.may_check(*step) {
            continue;
        }
        let mut sc = scope.clone();
        // building the steps context costs a message per other step: only when it is read
        if x.mentions(*step, "steps") {
            sc.set("steps", steps_type(owner, &ids, i));
        }
        for (k, v) in step.entries() {
            let Some(name) = k.as_str() else { continue };
            if name == "if" {
                x.condition(v, if_row, &sc);
                continue;
            }
            match rows.iter().find(|(n, _)| *n == name) {
                Some((_, r)) => x.values(v, *r, &sc),
                // uses and id are literal (gha/invalid-workflow); shell has no row
                None if matches!(name, "uses" | "id") => {}
                None => x.subtree(v, None, &sc),
            }
        }
    }
}

fn check_workflow(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    if cx.file().load_errors.iter().any(|e| e.fatal) {
        return;
    }
    let root = wf.root;
    let jobs: Vec<(&str, Yaml<'_>)> = root
        .get("jobs")
        .filter(|j| j.is_map())
        .map(|j| {
            j.entries()
                .into_iter()
                .filter_map(|(k, v)| Some((k.as_str()?, v)))
                .collect()
        })
        .unwrap_or_default();
    let info = Info {
        inputs: inputs_of(wf),
        jobs: jobs
            .iter()
            .map(|(id, j)| (id.to_string(), outputs_of(cx, id, *j)))
            .collect(),
    };
    let base = base_scope(cx, info.inputs.clone());
    let [exprs, ifs, steps_read, needs_read] = scan(cx.text());
    let mut x = X {
        cx,
        out,
        aliases: has_aliases(cx),
        exprs,
        ifs,
        steps: steps_read,
        needs: needs_read,
    };
    for (k, v) in root.entries() {
        match k.as_str() {
            Some("run-name") => x.subtree(v, row("run-name"), &base),
            Some("env") => x.values(v, row("env"), &base),
            Some("concurrency") => x.subtree(v, row("concurrency"), &base),
            Some("name") | Some("defaults") => x.subtree(v, None, &base),
            Some("on") => {
                let Some(call) = v.get("workflow_call").filter(|c| c.is_map()) else {
                    continue;
                };
                if let Some(inputs) = call.get("inputs").filter(|i| i.is_map()) {
                    for (_, d) in inputs.entries() {
                        if let Some(def) = d.get("default") {
                            x.subtree(
                                def,
                                row("on.workflow_call.inputs.<inputs_id>.default"),
                                &base,
                            );
                        }
                    }
                }
                if let Some(outputs) = call.get("outputs").filter(|o| o.is_map()) {
                    let mut sc = base.clone();
                    sc.set("jobs", jobs_of(&info));
                    for (_, d) in outputs.entries() {
                        if let Some(value) = d.get("value") {
                            x.subtree(
                                value,
                                row("on.workflow_call.outputs.<output_id>.value"),
                                &sc,
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (id, job) in &jobs {
        if job.is_map() {
            check_job(&mut x, &info, &base, id, *job);
        }
    }
}

fn check_job(x: &mut X<'_, '_>, info: &Info, base: &Scope, id: &str, job: Yaml<'_>) {
    if !x.may_check(job) {
        return;
    }
    let mut scope = base.clone();
    scope.set("matrix", matrix_of(id, job));
    if x.mentions(job, "needs") {
        scope.set("needs", needs_of(info, id, job));
    }
    let owner = format!("job \"{id}\"");
    let all_steps = job
        .get("steps")
        .filter(|s| s.is_seq())
        .map(|s| step_ids(&flat_steps(s)))
        .unwrap_or_default();
    let mut job_scope = scope.clone();
    if x.mentions(job, "steps") {
        job_scope.set("steps", steps_type(&owner, &all_steps, usize::MAX));
    }
    for (k, v) in job.entries() {
        let Some(name) = k.as_str() else { continue };
        match name {
            "if" => x.condition(v, row("jobs.<job_id>.if"), &scope),
            "name" => x.subtree(v, row("jobs.<job_id>.name"), &scope),
            "runs-on" => x.subtree(v, row("jobs.<job_id>.runs-on"), &scope),
            "concurrency" => x.subtree(v, row("jobs.<job_id>.concurrency"), &scope),
            "timeout-minutes" => x.subtree(v, row("jobs.<job_id>.timeout-minutes"), &scope),
            "continue-on-error" => x.subtree(v, row("jobs.<job_id>.continue-on-error"), &scope),
            "strategy" => x.subtree(v, row("jobs.<job_id>.strategy"), &scope),
            "env" => x.values(v, row("jobs.<job_id>.env"), &scope),
            "outputs" => x.values(v, row("jobs.<job_id>.outputs.<output_id>"), &job_scope),
            "with" => x.values(v, row("jobs.<job_id>.with.<with_id>"), &scope),
            "secrets" => x.values(v, row("jobs.<job_id>.secrets.<secrets_id>"), &scope),
            "defaults" => {
                if let Some(run) = v.get("run") {
                    x.subtree(run, row("jobs.<job_id>.defaults.run"), &scope);
                }
            }
            "environment" => {
                if v.is_map() {
                    for (ek, ev) in v.entries() {
                        let r = if ek.as_str() == Some("url") {
                            "jobs.<job_id>.environment.url"
                        } else {
                            "jobs.<job_id>.environment"
                        };
                        x.subtree(ev, row(r), &job_scope);
                    }
                } else {
                    x.subtree(v, row("jobs.<job_id>.environment"), &scope);
                }
            }
            "container" => {
                if v.is_map() {
                    for (ck, cv) in v.entries() {
                        match ck.as_str() {
                            Some("image") => {
                                x.subtree(cv, row("jobs.<job_id>.container.image"), &scope)
                            }
                            Some("credentials") => {
                                x.subtree(cv, row("jobs.<job_id>.container.credentials"), &scope)
                            }
                            Some("env") => {
                                x.values(cv, row("jobs.<job_id>.container.env.<env_id>"), &scope)
                            }
                            _ => x.subtree(cv, row("jobs.<job_id>.container"), &scope),
                        }
                    }
                } else {
                    x.subtree(v, row("jobs.<job_id>.container"), &scope);
                }
            }
            "services" => {
                if !v.is_map() {
                    x.subtree(v, row("jobs.<job_id>.services"), &scope);
                    continue;
                }
                for (_, sv) in v.entries() {
                    if !sv.is_map() {
                        x.subtree(sv, row("jobs.<job_id>.services"), &scope);
                        continue;
                    }
                    for (ck, cv) in sv.entries() {
                        match ck.as_str() {
                            Some("credentials") => x.subtree(
                                cv,
                                row("jobs.<job_id>.services.<service_id>.credentials"),
                                &scope,
                            ),
                            Some("env") => x.values(
                                cv,
                                row("jobs.<job_id>.services.<service_id>.env.<env_id>"),
                                &scope,
                            ),
                            _ => x.subtree(cv, row("jobs.<job_id>.services"), &scope),
                        }
                    }
                }
            }
            "steps" => {
                if v.is_seq() {
                    check_steps(x, v, &scope, &owner, false);
                }
            }
            // literal keys (gha/invalid-workflow), or keys with no availability row
            "uses" | "needs" | "permissions" => {}
            _ => x.subtree(v, None, &scope),
        }
    }
}

fn check_action(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    if cx.file().load_errors.iter().any(|e| e.fatal) {
        return;
    }
    let root = wf.root;
    let inputs = match root.get("inputs") {
        Some(i) if i.is_map() => Ty::object(
            "the inputs of this action",
            i.keys()
                .into_iter()
                .map(|k| (k.to_ascii_lowercase(), Ty::Str))
                .collect(),
        ),
        None => Ty::object("the inputs of this action (it declares none)", Vec::new()),
        Some(_) => Ty::Any,
    };
    let mut scope = base_scope(cx, inputs);
    // the caller's matrix and strategy are not known here
    scope.set("matrix", Ty::Any);
    let steps = root.path(&["runs", "steps"]).filter(|s| s.is_seq());
    let all = steps.map(|s| step_ids(&flat_steps(s))).unwrap_or_default();
    let mut out_scope = scope.clone();
    out_scope.set(
        "steps",
        steps_type("the composite action", &all, usize::MAX),
    );
    let composite = root.path(&["runs", "using"]).and_then(|u| u.as_str()) == Some("composite");
    let start = out.len();
    let [exprs, ifs, steps_read, needs_read] = scan(cx.text());
    let mut x = X {
        cx,
        out,
        aliases: has_aliases(cx),
        exprs,
        ifs,
        steps: steps_read,
        needs: needs_read,
    };
    for (k, v) in root.entries() {
        match k.as_str() {
            // only a composite action evaluates `outputs.<id>.value`
            Some("outputs") if v.is_map() && composite => {
                for (_, o) in v.entries() {
                    if let Some(value) = o.get("value") {
                        x.subtree(value, row("outputs.<output_id>.value"), &out_scope);
                    }
                }
            }
            Some("inputs") if v.is_map() => {
                for (_, d) in v.entries() {
                    if let Some(def) = d.get("default") {
                        x.subtree(def, None, &scope);
                    }
                }
            }
            Some("runs") if v.is_map() => {
                for (rk, rv) in v.entries() {
                    match rk.as_str() {
                        Some("steps") if rv.is_seq() => {
                            check_steps(&mut x, rv, &scope, "the composite action", true);
                        }
                        Some("pre-if") => x.condition(rv, row("runs.pre-if"), &scope),
                        Some("post-if") => x.condition(rv, row("runs.post-if"), &scope),
                        Some("using" | "main" | "pre" | "post" | "image") => {}
                        _ => x.subtree(rv, None, &scope),
                    }
                }
            }
            _ => {}
        }
    }
    for f in &mut out[start..] {
        f.message = f
            .message
            .replace("rejects the workflow", "rejects the action");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte loop `scan` replaced, as the oracle.
    fn scan_bytes(text: &str) -> [Vec<usize>; 4] {
        let b = text.as_bytes();
        let mut out: [Vec<usize>; 4] = Default::default();
        let read = |i: usize, w: &[u8]| {
            b.len() > i + w.len()
                && b[i + 1..i + w.len()] == w[1..]
                && matches!(b[i + w.len()], b'.' | b'[')
        };
        for i in 0..b.len() {
            match b[i] {
                b'$' if b.get(i + 1..i + 3) == Some(b"{{") => out[0].push(i),
                b'i' if b.get(i + 1..i + 3) == Some(b"f:") => out[1].push(i),
                b's' | b'S' if read(i, b"steps") => out[2].push(i),
                b'n' | b'N' if read(i, b"needs") => out[3].push(i),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn scan_finds_what_the_byte_loop_found() {
        for text in [
            "",
            "if: ${{ steps.a.outputs.x && needs.b.result }}",
            "run: echo ${{steps['a'].outputs.x}} Needs.x Steps[0] stepsx needs steps.",
            "${{${{ if:if: ${ {{ needs.steps. needs[steps.",
            "é ${{ needs.ü }} ß if: x",
            "steps",
            "needs[",
        ] {
            assert_eq!(scan(text), scan_bytes(text), "{text:?}");
        }
    }
}
