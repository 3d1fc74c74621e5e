//! gha/invalid-workflow: a workflow or action metadata file that GitHub rejects, or that
//! does not mean what it says, checked against the schema of `support::gha::schema`.

use crate::api::{Cx, Finding, Rule, Severity};
use crate::rule;
use crate::rules::support::gha::glob::{self, Target};
use crate::rules::support::gha::schema::{self, Key, Mapping, Ty, Types};
use crate::rules::support::gha::{cron, has_expr, hint, is_whole_expr, list};
use crate::source::workflow::Workflow;
use crate::source::yaml::Yaml;
use crate::source::{Kind, Span};

pub static RULE: Rule = rule!("gha/invalid-workflow")
    .summary("a workflow or action file GitHub rejects: unknown, missing or duplicate keys, wrong value types, bad events, cron, filters, shells, permissions or ids")
    .packs(&["reliability"])
    .severity(Severity::Error)
    .supersedes(&["plumb/parse-error"])
    .on_workflow(check_workflow)
    .on_action(check_action)
    .on_text(check_root);

/// The walker: the rule context and where findings go.
struct W<'a, 'c> {
    cx: &'c Cx<'a>,
    out: &'c mut Vec<Finding>,
    /// "workflow" or "action", for messages.
    doc: &'static str,
}

impl W<'_, '_> {
    fn error(&mut self, span: Span, message: String) {
        self.out.push(self.cx.finding(span, message));
    }
    fn warn(&mut self, span: Span, message: String) {
        self.out
            .push(self.cx.finding(span, message).severity(Severity::Warning));
    }

    /// Duplicate keys anywhere in the file (the YAML layer finds them; GitHub's parser
    /// rejects them).
    fn duplicates(&mut self) {
        let Some(y) = yaml(self.cx) else { return };
        for e in &y.errors {
            if !e.fatal && e.message.starts_with("duplicate key") {
                let key = e.message.split('"').nth(1).unwrap_or("");
                self.error(
                    e.span,
                    format!("key \"{key}\" is defined twice in the same mapping: GitHub rejects the file; keep one"),
                );
            }
        }
    }

    /// Check a mapping against `m`: unknown keys, missing required keys, and each known
    /// key's value shape. `at` is where to report a missing key (the mapping's own key).
    /// Returns the entries for the caller's own checks (`Ty::Own` keys).
    fn mapping<'y>(
        &mut self,
        node: Yaml<'y>,
        m: &'static Mapping,
        at: Span,
        where_: &str,
    ) -> Vec<(Yaml<'y>, Yaml<'y>, Option<&'static Key>)> {
        if !node.is_map() {
            if !node.is_null() {
                self.error(
                    node.span(),
                    format!(
                        "{where_} must be a mapping ({}), not {}",
                        m.what,
                        shape(node)
                    ),
                );
            }
            return Vec::new();
        }
        let mut out = Vec::new();
        for (k, v) in node.entries() {
            let Some(name) = k.as_str() else { continue };
            let key = m.key(name);
            match key {
                Some(key) => self.value(v, key, k.span(), name),
                None => self.unknown_key(k, name, m, where_),
            }
            out.push((k, v, key));
        }
        for key in m.keys.iter().filter(|k| k.required) {
            if node.get(key.name).is_none() && !typo_of(node, key.name) {
                self.error(
                    at,
                    format!("{where_} has no `{}`: GitHub requires it", key.name),
                );
            }
        }
        out
    }

    fn unknown_key(&mut self, k: Yaml<'_>, name: &str, m: &'static Mapping, where_: &str) {
        let h = hint(name, m.names());
        self.error(
            k.span(),
            format!(
                "unknown key `{name}` in {where_}: GitHub rejects the {} (expected one of {}){h}",
                self.doc,
                m.names().collect::<Vec<_>>().join(", ")
            ),
        );
    }

    /// Check a value's shape.
    fn value(&mut self, v: Yaml<'_>, key: &Key, key_span: Span, name: &str) {
        let expr_ok = key.expr && v.as_str().is_some_and(is_whole_expr) && !v.is_map();
        match key.ty {
            Ty::Any | Ty::Own => {}
            Ty::Str => {
                if v.is_map() || v.is_seq() {
                    self.error(
                        v.span(),
                        format!("`{name}` must be a string, not {}", shape(v)),
                    );
                }
            }
            Ty::NonEmpty => {
                if v.is_map() || v.is_seq() {
                    self.error(
                        v.span(),
                        format!("`{name}` must be a string, not {}", shape(v)),
                    );
                } else if v.as_str().is_none_or(|s| s.trim().is_empty()) {
                    self.error(
                        if v.is_null() { key_span } else { v.span() },
                        format!("`{name}` is empty: GitHub requires a value"),
                    );
                }
            }
            Ty::Bool => {
                let ok = v.as_bool().is_some()
                    || expr_ok
                    || v.as_str().is_some_and(|s| {
                        s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
                    });
                if !ok && !v.is_null() {
                    self.error(
                        v.span(),
                        format!(
                            "`{name}` must be a boolean (true or false){}, not {}",
                            if key.expr { " or an expression" } else { "" },
                            shape(v)
                        ),
                    );
                }
            }
            Ty::Number => {
                let ok = v.as_i64().is_some()
                    || v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok())
                    || expr_ok;
                if !ok && !v.is_null() {
                    self.error(
                        v.span(),
                        format!(
                            "`{name}` must be a number{}, not {}",
                            if key.expr { " or an expression" } else { "" },
                            shape(v)
                        ),
                    );
                }
            }
            Ty::StrOrList => {
                if v.is_map() {
                    self.error(
                        v.span(),
                        format!("`{name}` must be a string or a list of strings, not a mapping"),
                    );
                } else if v.is_seq() {
                    self.scalar_items(v, name);
                }
            }
            Ty::ListOfStr => {
                if v.is_seq() {
                    self.scalar_items(v, name);
                } else if !expr_ok && !v.is_null() {
                    self.error(
                        v.span(),
                        format!("`{name}` must be a list of strings, not {}", shape(v)),
                    );
                }
            }
            Ty::Word(words) => {
                if expr_ok {
                    return;
                }
                match v.as_str() {
                    Some(s) if words.contains(&s) => {}
                    Some(s) => {
                        let h = hint(s, words.iter().copied());
                        self.error(
                            v.span(),
                            format!(
                                "`{name}: {s}` is not valid: expected one of {}{h}",
                                list(words)
                            ),
                        );
                    }
                    None if v.is_null() => {}
                    None => self.error(
                        v.span(),
                        format!("`{name}` must be one of {}, not {}", list(words), shape(v)),
                    ),
                }
            }
            Ty::Map(m) => {
                if expr_ok {
                    return;
                }
                let what = format!("`{name}`");
                self.mapping(v, m, key_span, &what);
            }
            Ty::Vars => {
                if expr_ok || v.is_null() {
                    return;
                }
                if !v.is_map() {
                    self.error(
                        v.span(),
                        format!(
                            "`{name}` must be a mapping of names to values, not {}",
                            shape(v)
                        ),
                    );
                    return;
                }
                for (k, val) in v.entries() {
                    if val.is_map() || val.is_seq() {
                        let n = k.as_str().unwrap_or("?");
                        self.error(
                            val.span(),
                            format!(
                                "`{name}.{n}` must be a string, number or boolean, not {}",
                                shape(val)
                            ),
                        );
                    }
                }
            }
        }
    }

    fn scalar_items(&mut self, v: Yaml<'_>, name: &str) {
        for item in v.items() {
            if item.is_map() || item.is_seq() {
                self.error(
                    item.span(),
                    format!("items of `{name}` must be strings, not {}", shape(item)),
                );
            }
        }
    }

    // ---- on ----

    fn on(&mut self, k: Yaml<'_>, on: Yaml<'_>) {
        if on.is_map() {
            for (ek, ev) in on.entries() {
                let Some(name) = ek.as_str() else { continue };
                self.event(ek, name, ev);
            }
            if on.is_empty() {
                self.error(
                    k.span(),
                    "`on` names no event: GitHub cannot trigger the workflow".into(),
                );
            }
        } else if on.is_seq() {
            for item in on.items() {
                match item.as_str() {
                    Some(name) => {
                        self.event_name(item, name);
                    }
                    None => self.error(
                        item.span(),
                        format!("items of `on` must be event names, not {}", shape(item)),
                    ),
                }
            }
        } else if let Some(name) = on.as_str() {
            self.event_name(on, name);
        } else {
            self.error(
                k.span(),
                "`on` is empty: GitHub cannot trigger the workflow".into(),
            );
        }
    }

    /// Whether `name` is an event; reports it when not.
    fn event_name(&mut self, node: Yaml<'_>, name: &str) -> bool {
        if schema::event(name).is_some() {
            return true;
        }
        let h = hint(name, schema::EVENTS.iter().map(|e| e.name));
        self.error(
            node.span(),
            format!("unknown event `{name}`: GitHub rejects the workflow{h}"),
        );
        false
    }

    fn event(&mut self, ek: Yaml<'_>, name: &str, ev: Yaml<'_>) {
        if !self.event_name(ek, name) {
            return;
        }
        let event = schema::event(name).expect("checked");
        match name {
            "schedule" => return self.schedule(ek, ev),
            "workflow_call" => return self.workflow_call(ek, ev),
            "workflow_dispatch" => return self.workflow_dispatch(ek, ev),
            _ => {}
        }
        if ev.is_null() {
            return;
        }
        if !ev.is_map() {
            self.error(
                ev.span(),
                format!(
                    "`{name}` must be empty or a mapping of filters, not {}",
                    shape(ev)
                ),
            );
            return;
        }
        let mut allowed: Vec<&str> = event.filters.to_vec();
        if !matches!(event.types, Types::None) {
            allowed.push("types");
        }
        for (k, v) in ev.entries() {
            let Some(key) = k.as_str() else { continue };
            if !allowed.contains(&key) {
                let why = if allowed.is_empty() {
                    format!("`{name}` takes no types or filters")
                } else {
                    format!("`{name}` takes {}", allowed.join(", "))
                };
                let h = hint(key, allowed.iter().copied());
                self.error(
                    k.span(),
                    format!("unknown key `{key}` for event `{name}`: {why}{h}"),
                );
                continue;
            }
            if v.is_map() {
                self.error(
                    v.span(),
                    format!("`{name}.{key}` must be a string or a list of strings, not a mapping"),
                );
                continue;
            }
            if key == "types" {
                if let Types::Of(types) = event.types {
                    for (t, span) in v.str_or_list() {
                        if !types.contains(&t) {
                            let h = hint(t, types.iter().copied());
                            self.error(
                                span,
                                format!("`{t}` is not an activity type of `{name}`: GitHub rejects the workflow (types: {}){h}", types.join(", ")),
                            );
                        }
                    }
                }
                continue;
            }
            let target = match key {
                "branches" | "branches-ignore" | "tags" | "tags-ignore" => Some(Target::Ref),
                "paths" | "paths-ignore" => Some(Target::Path),
                _ => None,
            };
            let items: Vec<Yaml<'_>> = if v.is_seq() {
                v.items().collect()
            } else {
                vec![v]
            };
            for item in items {
                if item.is_map() || item.is_seq() {
                    self.error(
                        item.span(),
                        format!("items of `{name}.{key}` must be strings"),
                    );
                    continue;
                }
                let (Some(t), Some(pat)) = (target, item.as_str()) else {
                    continue;
                };
                if let Some(p) = glob::check(pat, t) {
                    let span = item
                        .value_map(self.cx.text())
                        .span(Span::new(p.start, p.end));
                    let msg = format!("`{name}.{key}` pattern `{pat}`: {}", p.message);
                    if p.fatal {
                        self.error(span, format!("{msg}: GitHub rejects the workflow"));
                    } else {
                        self.warn(span, msg);
                    }
                }
            }
        }
        for (a, b) in [
            ("branches", "branches-ignore"),
            ("tags", "tags-ignore"),
            ("paths", "paths-ignore"),
        ] {
            if let (Some(_), Some(kb)) = (ev.key(a), ev.key(b)) {
                self.error(
                    kb.span(),
                    format!("`{name}` has both `{a}` and `{b}`: GitHub rejects the workflow; use `{a}` with `!` patterns to leave some out"),
                );
            }
        }
    }

    fn schedule(&mut self, ek: Yaml<'_>, ev: Yaml<'_>) {
        if !ev.is_seq() {
            self.error(
                if ev.is_null() { ek.span() } else { ev.span() },
                "`schedule` must be a list of `- cron: ...` entries".into(),
            );
            return;
        }
        for item in ev.items() {
            let entries = self.mapping(item, &schema::SCHEDULE, item.span(), "a schedule entry");
            for (k, v, _) in entries {
                if k.as_str() != Some("cron") {
                    continue;
                }
                let Some(c) = v.as_str() else { continue };
                match cron::check(c) {
                    Err(e) => {
                        let span = v.value_map(self.cx.text()).span(Span::new(e.start, e.end));
                        self.error(
                            span,
                            format!("invalid cron `{c}`: {}: GitHub rejects the workflow", e.message),
                        );
                    }
                    Ok(()) if cron::too_frequent(c) => self.warn(
                        v.span(),
                        format!("cron `{c}` asks for runs more often than every 5 minutes, GitHub's shortest interval: it runs every 5 minutes at most"),
                    ),
                    Ok(()) => {}
                }
            }
        }
    }

    fn workflow_call(&mut self, ek: Yaml<'_>, ev: Yaml<'_>) {
        for (k, v, _) in self.mapping(ev, &schema::WORKFLOW_CALL, ek.span(), "`workflow_call`") {
            match k.as_str() {
                Some("inputs") => {
                    self.named_maps(v, &schema::CALL_INPUT, "workflow_call input", false);
                    self.required_with_default(v, "workflow_call");
                }
                Some("secrets") => {
                    self.named_maps(v, &schema::CALL_SECRET, "workflow_call secret", true)
                }
                Some("outputs") => {
                    self.named_maps(v, &schema::CALL_OUTPUT, "workflow_call output", false)
                }
                _ => {}
            }
        }
    }

    fn workflow_dispatch(&mut self, ek: Yaml<'_>, ev: Yaml<'_>) {
        for (k, v, _) in self.mapping(
            ev,
            &schema::WORKFLOW_DISPATCH,
            ek.span(),
            "`workflow_dispatch`",
        ) {
            if k.as_str() != Some("inputs") {
                continue;
            }
            self.named_maps(v, &schema::DISPATCH_INPUT, "workflow_dispatch input", false);
            for (ik, iv) in v.entries() {
                let name = ik.as_str().unwrap_or("?");
                if iv.get("type").and_then(|t| t.as_str()) != Some("choice") {
                    continue;
                }
                let options: Vec<&str> = iv
                    .get("options")
                    .map(|o| o.items().filter_map(|i| i.as_str()).collect())
                    .unwrap_or_default();
                if options.is_empty() {
                    self.error(
                        iv.key("type").map_or(ik.span(), |t| t.span()),
                        format!(
                            "choice input \"{name}\" has no `options`: GitHub rejects the workflow"
                        ),
                    );
                } else if let Some(d) = iv.get("default") {
                    if let Some(ds) = d.as_str() {
                        if !options.contains(&ds) {
                            self.warn(
                                d.span(),
                                format!("default `{ds}` of choice input \"{name}\" is not one of its options ({})", list(&options)),
                            );
                        }
                    }
                }
            }
        }
    }

    /// Reusable-workflow inputs that are `required: true` and have a `default`: every caller
    /// must pass the input, so the default is never used (GitHub accepts it; it runs, but not
    /// as written). Not for `workflow_dispatch`, where the default pre-fills the form and
    /// `required` only forbids clearing it (GitHub's own example does both).
    fn required_with_default(&mut self, inputs: Yaml<'_>, event: &str) {
        for (ik, iv) in inputs.entries() {
            let required = iv
                .get("required")
                .is_some_and(|r| r.as_bool() == Some(true));
            if let (true, Some(d)) = (required, iv.key("default")) {
                let name = ik.as_str().unwrap_or("?");
                self.warn(
                    d.span(),
                    format!("{event} input \"{name}\" is required and has a `default`: a required input is always given, so the default is never used; drop `required: true` or the default"),
                );
            }
        }
    }

    /// A mapping of ids to mappings of `m` (inputs, secrets, outputs); `null_ok`: an id may
    /// have no mapping.
    fn named_maps(&mut self, v: Yaml<'_>, m: &'static Mapping, what: &str, null_ok: bool) {
        if v.is_null() {
            return;
        }
        if !v.is_map() {
            self.error(
                v.span(),
                format!("{what}s must be a mapping of ids, not {}", shape(v)),
            );
            return;
        }
        for (k, d) in v.entries() {
            let Some(id) = k.as_str() else { continue };
            if !schema::valid_id(id) {
                self.error(
                    k.span(),
                    format!("{what} id `{id}` is not valid: ids start with a letter or `_` and hold only letters, digits, `-` and `_`"),
                );
            }
            if d.is_null() && null_ok {
                continue;
            }
            let where_ = format!("{what} \"{id}\"");
            self.mapping(d, m, k.span(), &where_);
        }
    }

    // ---- permissions, concurrency ----

    fn permissions(&mut self, k: Yaml<'_>, v: Yaml<'_>) {
        if let Some(s) = v.as_str() {
            if !matches!(s, "read-all" | "write-all") {
                let h = hint(s, ["read-all", "write-all"]);
                self.error(
                    v.span(),
                    format!("`permissions: {s}` is not valid: use read-all, write-all, {{}} or a mapping of scopes{h}"),
                );
            }
            return;
        }
        if v.is_null() {
            self.error(
                k.span(),
                "`permissions` is empty: GitHub rejects the workflow; write `permissions: {}` for no access".into(),
            );
            return;
        }
        if !v.is_map() {
            self.error(
                v.span(),
                format!(
                    "`permissions` must be read-all, write-all or a mapping of scopes, not {}",
                    shape(v)
                ),
            );
            return;
        }
        for (sk, sv) in v.entries() {
            let Some(name) = sk.as_str() else { continue };
            let Some(scope) = schema::scope(name) else {
                let h = hint(name, schema::SCOPES.iter().map(|s| s.name));
                self.error(
                    sk.span(),
                    format!("unknown permission scope `{name}`: GitHub rejects the workflow{h}"),
                );
                continue;
            };
            match sv.as_str() {
                Some(l) if scope.levels.contains(&l) => {}
                _ => self.error(
                    sv.span(),
                    format!(
                        "`{name}: {}` is not valid: `{name}` takes {}",
                        sv.as_str().unwrap_or("(not a word)"),
                        scope.levels.join(", ")
                    ),
                ),
            }
        }
    }

    fn concurrency(&mut self, k: Yaml<'_>, v: Yaml<'_>) {
        if v.is_map() {
            self.mapping(v, &schema::CONCURRENCY, k.span(), "`concurrency`");
        } else if v.is_seq() {
            self.error(
                v.span(),
                "`concurrency` must be a group name or a mapping with `group`".into(),
            );
        }
    }

    // ---- jobs ----

    fn jobs(&mut self, k: Yaml<'_>, jobs: Yaml<'_>) {
        if !jobs.is_map() {
            self.error(
                if jobs.is_null() {
                    k.span()
                } else {
                    jobs.span()
                },
                "`jobs` must be a mapping of job ids to jobs".into(),
            );
            return;
        }
        if jobs.is_empty() {
            self.error(
                k.span(),
                "`jobs` is empty: a workflow needs at least one job".into(),
            );
        }
        for (jk, jv) in jobs.entries() {
            let Some(id) = jk.as_str() else { continue };
            if !schema::valid_id(id) {
                self.error(
                    jk.span(),
                    format!("job id `{id}` is not valid: GitHub rejects the workflow; ids start with a letter or `_` and hold only letters, digits, `-` and `_`"),
                );
            }
            self.job(jk, id, jv);
        }
    }

    fn job(&mut self, jk: Yaml<'_>, id: &str, job: Yaml<'_>) {
        if !job.is_map() {
            self.error(
                if job.is_null() { jk.span() } else { job.span() },
                format!("job \"{id}\" must be a mapping"),
            );
            return;
        }
        let call = job.get("uses").is_some();
        let (m, other) = if call {
            (&schema::CALL_JOB, &schema::JOB)
        } else {
            (&schema::JOB, &schema::CALL_JOB)
        };
        for (k, v) in job.entries() {
            let Some(name) = k.as_str() else { continue };
            match m.key(name) {
                Some(key) => {
                    self.value(v, key, k.span(), name);
                    self.job_key(id, k, name, v, call);
                }
                None if other.key(name).is_some() => {
                    let msg = if call {
                        format!(
                            "`{name}` is not allowed in job \"{id}\", which calls a reusable workflow: GitHub rejects the workflow (such a job takes {})",
                            m.names().collect::<Vec<_>>().join(", ")
                        )
                    } else {
                        format!(
                            "`{name}` is only for a job that calls a reusable workflow with `uses:`; job \"{id}\" runs steps: GitHub rejects the workflow"
                        )
                    };
                    self.error(k.span(), msg);
                }
                None => {
                    let h = hint(name, m.names().chain(other.names()));
                    self.error(
                        k.span(),
                        format!(
                            "unknown key `{name}` in job \"{id}\": GitHub rejects the workflow{h}"
                        ),
                    );
                }
            }
        }
        if !call && job.get("runs-on").is_none() && !typo_of(job, "runs-on") {
            self.error(
                jk.span(),
                format!("job \"{id}\" has no `runs-on`: GitHub requires a runner for a job that runs steps"),
            );
        }
    }

    fn job_key(&mut self, id: &str, k: Yaml<'_>, name: &str, v: Yaml<'_>, call: bool) {
        match name {
            "permissions" => self.permissions(k, v),
            "concurrency" => self.concurrency(k, v),
            "runs-on" => self.runs_on(id, k, v),
            "snapshot" if v.is_map() => {
                self.mapping(v, &schema::SNAPSHOT, k.span(), "`snapshot`");
            }
            "environment" => {
                if v.is_map() {
                    self.mapping(v, &schema::ENVIRONMENT, k.span(), "`environment`");
                } else if v.is_seq() {
                    self.error(
                        v.span(),
                        "`environment` must be a name or a mapping with `name` and `url`".into(),
                    );
                }
            }
            "steps" => self.steps(&format!("job \"{id}\""), k, v, false),
            "strategy" => self.strategy(id, k, v),
            "container" => {
                if v.is_map() {
                    self.mapping(v, &schema::CONTAINER, k.span(), "`container`");
                } else if v.is_seq() {
                    self.error(
                        v.span(),
                        "`container` must be an image name or a mapping".into(),
                    );
                }
            }
            "services" => {
                if v.as_str().is_some_and(is_whole_expr) || v.is_null() {
                    return;
                }
                if !v.is_map() {
                    self.error(
                        v.span(),
                        "`services` must be a mapping of service ids to containers".into(),
                    );
                    return;
                }
                for (sk, sv) in v.entries() {
                    let sid = sk.as_str().unwrap_or("?");
                    if sv.is_map() {
                        let w = format!("service \"{sid}\"");
                        self.mapping(sv, &schema::SERVICE, sk.span(), &w);
                    } else if sv.is_seq() {
                        self.error(
                            sv.span(),
                            format!("service \"{sid}\" must be an image name or a mapping"),
                        );
                    }
                }
            }
            "secrets" if call => {
                if v.as_str() == Some("inherit") || v.is_null() {
                    return;
                }
                if let Some(s) = v.as_str() {
                    self.error(v.span(), format!("`secrets: {s}` is not valid: use `inherit` or a mapping of secret names"));
                    return;
                }
                let key = Key {
                    name: "secrets",
                    ty: Ty::Vars,
                    required: false,
                    expr: false,
                };
                self.value(v, &key, k.span(), "secrets");
            }
            "uses" if call => self.uses(v, true),
            _ => {}
        }
    }

    fn runs_on(&mut self, id: &str, k: Yaml<'_>, v: Yaml<'_>) {
        if v.is_map() {
            let e = self.mapping(v, &schema::RUNS_ON, k.span(), "`runs-on`");
            if !e.is_empty() && v.get("group").is_none() && v.get("labels").is_none() {
                self.error(
                    k.span(),
                    format!("`runs-on` of job \"{id}\" names neither a `group` nor `labels`"),
                );
            }
        } else if v.is_seq() {
            if v.is_empty() {
                self.error(
                    v.span(),
                    format!("`runs-on` of job \"{id}\" is an empty list"),
                );
            }
            self.scalar_items(v, "runs-on");
        } else if v.as_str().is_none_or(|s| s.trim().is_empty()) {
            self.error(
                if v.is_null() { k.span() } else { v.span() },
                format!("`runs-on` of job \"{id}\" is empty"),
            );
        }
    }

    fn strategy(&mut self, id: &str, k: Yaml<'_>, v: Yaml<'_>) {
        if v.as_str().is_some_and(is_whole_expr) {
            return;
        }
        let entries = self.mapping(v, &schema::STRATEGY, k.span(), "`strategy`");
        for (mk, mv, _) in entries {
            if mk.as_str() == Some("matrix") {
                self.matrix(id, mk, mv);
            }
        }
    }

    fn matrix(&mut self, id: &str, k: Yaml<'_>, m: Yaml<'_>) {
        if m.as_str().is_some_and(is_whole_expr) {
            return;
        }
        if !m.is_map() {
            self.error(
                if m.is_null() { k.span() } else { m.span() },
                format!("`matrix` of job \"{id}\" must be a mapping of variables to lists, or one `${{{{ }}}}` expression"),
            );
            return;
        }
        // the matrix variables and their literal values (None: not known statically)
        let mut vars: Vec<(&str, Option<Vec<Yaml<'_>>>)> = Vec::new();
        let mut dynamic = false;
        for (vk, vv) in m.entries() {
            let Some(name) = vk.as_str() else { continue };
            match name {
                "include" | "exclude" => {
                    if vv.as_str().is_some_and(is_whole_expr) {
                        dynamic = true;
                        continue;
                    }
                    if !vv.is_seq() {
                        self.error(
                            vv.span(),
                            format!("matrix `{name}` must be a list of mappings"),
                        );
                        continue;
                    }
                    for item in vv.items() {
                        if item.as_str().is_some_and(is_whole_expr) {
                            dynamic = true;
                        } else if !item.is_map() {
                            self.error(
                                item.span(),
                                format!(
                                    "items of matrix `{name}` must be mappings of matrix variables"
                                ),
                            );
                        }
                    }
                }
                _ => {
                    if vv.as_str().is_some_and(is_whole_expr) {
                        dynamic = true;
                        vars.push((name, None));
                    } else if vv.is_seq() {
                        let lits = vv.items().collect::<Vec<_>>();
                        if lits.iter().any(|i| i.as_str().is_some_and(has_expr)) {
                            vars.push((name, None));
                        } else {
                            vars.push((name, Some(lits)));
                        }
                    } else {
                        self.error(
                            if vv.is_null() { vk.span() } else { vv.span() },
                            format!("matrix variable `{name}` of job \"{id}\" must be a list of values (write `[{}]`), or one expression", vv.as_str().unwrap_or("...")),
                        );
                    }
                }
            }
        }
        if dynamic {
            return;
        }
        let Some(exclude) = m.get("exclude") else {
            return;
        };
        for item in exclude.items() {
            for (ek, ev) in item.entries() {
                let Some(name) = ek.as_str() else { continue };
                match vars.iter().find(|(n, _)| *n == name) {
                    None => {
                        let h = hint(name, vars.iter().map(|(n, _)| *n));
                        self.error(
                            ek.span(),
                            format!("matrix exclude key `{name}` is not a variable of the matrix of job \"{id}\": GitHub rejects the workflow{h}"),
                        );
                    }
                    Some((_, Some(values))) => {
                        let Some(want) = ev.scalar() else { continue };
                        if ev.as_str().is_some_and(has_expr) {
                            continue;
                        }
                        if !values
                            .iter()
                            .any(|x| x.is_map() || x.is_seq() || x.scalar() == Some(want))
                        {
                            self.warn(
                                ev.span(),
                                format!("matrix exclude `{name}: {want}` matches no value of `{name}` ({}): it excludes nothing", values.iter().filter_map(|x| x.scalar()).collect::<Vec<_>>().join(", ")),
                            );
                        }
                    }
                    Some((_, None)) => {}
                }
            }
        }
    }

    // ---- steps ----

    fn steps(&mut self, owner: &str, k: Yaml<'_>, v: Yaml<'_>, composite: bool) {
        if !v.is_seq() {
            self.error(
                if v.is_null() { k.span() } else { v.span() },
                format!("`steps` of {owner} must be a list of steps"),
            );
            return;
        }
        if v.is_empty() {
            self.error(k.span(), format!("`steps` of {owner} is empty"));
        }
        let mut ids: Vec<(String, Span)> = Vec::new();
        for (i, step) in v.items().enumerate() {
            self.step(owner, i, step, composite, &mut ids);
        }
    }

    fn step(
        &mut self,
        owner: &str,
        i: usize,
        step: Yaml<'_>,
        composite: bool,
        ids: &mut Vec<(String, Span)>,
    ) {
        if !step.is_map() {
            self.error(
                step.span(),
                format!("step {} of {owner} must be a mapping", i + 1),
            );
            return;
        }
        // built only when something is reported
        let label = || {
            step.get("name")
                .and_then(|n| n.as_str())
                .map_or_else(|| format!("step {}", i + 1), |n| format!("step \"{n}\""))
        };
        let has = |k: &str| step.get(k).is_some();
        let m: &'static Mapping = if composite {
            &schema::COMPOSITE_STEP
        } else if has("parallel") {
            return self.parallel(owner, step, ids);
        } else if has("wait") || has("wait-all") || has("cancel") {
            &schema::WAIT_STEP
        } else if has("uses") {
            &schema::USES_STEP
        } else {
            &schema::RUN_STEP
        };
        if has("run") && has("uses") {
            let at = step.key("uses").map_or(step.span(), |k| k.span());
            self.error(at, format!("{} has both `run` and `uses`: GitHub rejects the workflow; split it in two steps", label()));
        } else if !has("run") && !has("uses") && !std::ptr::eq(m, &schema::WAIT_STEP) {
            let at = step
                .entries()
                .first()
                .map_or(step.span(), |(k, _)| k.span());
            self.error(
                at,
                format!(
                    "{} has neither `run` nor `uses`: GitHub rejects the workflow",
                    label()
                ),
            );
        }
        for (k, v) in step.entries() {
            let Some(name) = k.as_str() else { continue };
            let Some(key) = m.key(name) else {
                // `run` next to `uses` is reported once, above
                if !(matches!(name, "run" | "uses") && has("run") && has("uses")) {
                    let where_ = format!("{} of {owner}", label());
                    self.step_unknown(k, name, m, &where_, composite);
                }
                continue;
            };
            self.value(v, key, k.span(), name);
            match name {
                "id" => {
                    if let Some(id) = v.as_str() {
                        if has_expr(id) {
                            self.error(v.span(), format!("step id `{id}` cannot be an expression"));
                        } else if !schema::valid_id(id) {
                            self.error(
                                v.span(),
                                format!("step id `{id}` is not valid: GitHub rejects the workflow; ids start with a letter or `_` and hold only letters, digits, `-` and `_`"),
                            );
                        } else if let Some((_, first)) =
                            ids.iter().find(|(x, _)| x.eq_ignore_ascii_case(id))
                        {
                            let first = *first;
                            self.out.push(
                                self.cx
                                    .finding(
                                        v.span(),
                                        format!("step id `{id}` is used twice in {owner}: GitHub rejects the workflow; step ids are unique within a job"),
                                    )
                                    .related(first, "the first step with this id"),
                            );
                        } else {
                            ids.push((id.to_string(), v.span()));
                        }
                    }
                }
                "shell" => self.shell(v),
                "uses" => self.uses(v, false),
                _ => {}
            }
        }
        if composite && has("run") && !has("shell") {
            let at = step.key("run").map_or(step.span(), |k| k.span());
            self.error(at, format!("{} of a composite action runs a command without `shell`: GitHub requires `shell` there", label()));
        }
    }

    fn parallel(&mut self, owner: &str, step: Yaml<'_>, ids: &mut Vec<(String, Span)>) {
        for (k, v) in step.entries() {
            match k.as_str() {
                Some("parallel") => {
                    if !v.is_seq() {
                        self.error(v.span(), "`parallel` must be a list of steps".into());
                        continue;
                    }
                    for (i, s) in v.items().enumerate() {
                        self.step(owner, i, s, false, ids);
                    }
                }
                Some(other) => self.error(
                    k.span(),
                    format!("a `parallel` step holds only `parallel`, not `{other}`: GitHub rejects the workflow"),
                ),
                None => {}
            }
        }
    }

    fn step_unknown(
        &mut self,
        k: Yaml<'_>,
        name: &str,
        m: &'static Mapping,
        where_: &str,
        composite: bool,
    ) {
        let others: &[&'static Mapping] = if composite {
            &[]
        } else {
            &[&schema::RUN_STEP, &schema::USES_STEP, &schema::WAIT_STEP]
        };
        if let Some(o) = others.iter().find(|o| o.key(name).is_some()) {
            self.error(
                k.span(),
                format!(
                    "`{name}` is for a {}, and {where_} is a {}: GitHub rejects the workflow",
                    o.what, m.what
                ),
            );
            return;
        }
        if composite && schema::RUN_STEP.key(name).is_some() {
            // a workflow step key the composite pages do not list (background, ...)
            return;
        }
        let h = hint(name, m.names().chain(others.iter().flat_map(|o| o.names())));
        self.error(
            k.span(),
            format!(
                "unknown key `{name}` in {where_}: GitHub rejects the workflow (a {} takes {}){h}",
                m.what,
                m.names().collect::<Vec<_>>().join(", ")
            ),
        );
    }

    fn shell(&mut self, v: Yaml<'_>) {
        let Some(s) = v.as_str() else { return };
        if has_expr(s) || schema::valid_shell(s.trim()) {
            return;
        }
        let h = hint(s, schema::SHELLS.iter().copied());
        self.error(
            v.span(),
            format!("`shell: {s}` is not a shell GitHub knows: use bash, pwsh, python, sh, cmd or powershell, or a command template with `{{0}}` (like `{s} {{0}}`){h}"),
        );
    }

    /// The syntax of `uses:`: `owner/repo[/path]@ref`, `./path`, `$/path`, `docker://image`
    /// (a job's: a workflow file path).
    fn uses(&mut self, v: Yaml<'_>, job: bool) {
        let Some(u) = v.as_str() else { return };
        let u = u.trim();
        if has_expr(u) {
            self.error(v.span(), format!("`uses: {u}` holds an expression: GitHub reads `uses` literally and rejects the workflow"));
            return;
        }
        if u.starts_with("docker://") {
            if job {
                self.error(
                    v.span(),
                    "a job's `uses` names a reusable workflow file, not a docker image".into(),
                );
            } else if u.len() == "docker://".len() {
                self.error(v.span(), "`uses: docker://` names no image".into());
            }
            return;
        }
        if let Some(rest) = u.strip_prefix("$/") {
            if rest.contains('@') {
                self.error(v.span(), format!("`uses: {u}`: a `$/` reference always runs at the workflow's own commit and cannot take `@ref`"));
            }
            return;
        }
        if u.starts_with("./") {
            if job && !(u.ends_with(".yml") || u.ends_with(".yaml")) {
                self.error(v.span(), format!("`uses: {u}`: a job's `uses` names a workflow file (`./.github/workflows/x.yml`)"));
            }
            return;
        }
        let (path, git_ref) = match u.split_once('@') {
            Some((p, r)) => (p, r),
            None => {
                self.error(
                    v.span(),
                    format!("`uses: {u}` has no `@ref`: GitHub rejects the workflow; pin a tag, branch or commit SHA (`{u}@<ref>`)"),
                );
                return;
            }
        };
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) || git_ref.is_empty() {
            self.error(
                v.span(),
                format!("`uses: {u}` is not `owner/repo@ref`, `owner/repo/path@ref`, `./path` or `docker://image`: GitHub rejects the workflow"),
            );
            return;
        }
        if job && !(path.ends_with(".yml") || path.ends_with(".yaml")) {
            self.error(
                v.span(),
                format!("`uses: {u}`: a job's `uses` names a reusable workflow file (`owner/repo/.github/workflows/x.yml@ref`); actions run as steps"),
            );
        }
    }
}

/// Whether a key of `node` is a likely typo of `name` (then only the typo is reported,
/// not the missing key).
fn typo_of(node: Yaml<'_>, name: &str) -> bool {
    node.keys()
        .iter()
        .any(|k| *k != name && crate::rules::support::gha::did_you_mean(k, [name]).is_some())
}

/// What a node is, for messages.
fn shape(v: Yaml<'_>) -> String {
    if v.is_map() {
        "a mapping".into()
    } else if v.is_seq() {
        "a list".into()
    } else if v.is_null() {
        "empty".into()
    } else {
        format!("`{}`", v.scalar().unwrap_or(""))
    }
}

fn yaml<'a>(cx: &Cx<'a>) -> Option<&'a crate::source::yaml::YamlFile> {
    match &cx.file().model {
        crate::project::Model::Yaml(y) => Some(y),
        _ => None,
    }
}

/// Whether the file failed to parse: parse-error reports it, nothing here would be sound.
fn broken(cx: &Cx<'_>) -> bool {
    cx.file().load_errors.iter().any(|e| e.fatal)
}

/// A workflow or action file that is empty, or whose top level is not a mapping: GitHub
/// rejects it, and the model's hooks never see it (they start from the mapping).
fn check_root(cx: &Cx<'_>, out: &mut Vec<Finding>) {
    if broken(cx) || !matches!(cx.kind(), Kind::Workflow | Kind::Action) {
        return;
    }
    let Some(y) = cx.file().yaml() else {
        return;
    };
    if Workflow::of(y).is_some() {
        return;
    }
    let (doc, keys) = if cx.kind() == Kind::Workflow {
        ("workflow", "`on:` and `jobs:`")
    } else {
        ("action metadata", "`name:` and `runs:`")
    };
    let (span, what) = match y.documents().next() {
        Some(root) if root.is_seq() => (root.span(), "a list"),
        Some(root) if !root.is_null() => (root.span(), "a single value"),
        _ => (Span::empty(0), "empty"),
    };
    out.push(cx.finding(
        span,
        format!(
            "the {doc} file is {what}, not a mapping of keys such as {keys}: GitHub rejects it"
        ),
    ));
}

fn check_workflow(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    if broken(cx) {
        return;
    }
    let mut w = W {
        cx,
        out,
        doc: "workflow",
    };
    w.duplicates();
    let root = wf.root;
    let entries = w.mapping(
        root,
        &schema::WORKFLOW,
        Span::empty(root.span().start),
        "the workflow",
    );
    for (k, v, key) in entries {
        if key.is_none() {
            continue;
        }
        match k.as_str() {
            Some("on") => w.on(k, v),
            Some("permissions") => w.permissions(k, v),
            Some("concurrency") => w.concurrency(k, v),
            Some("jobs") => w.jobs(k, v),
            Some("defaults") => {
                if let Some(sh) = v.path(&["run", "shell"]) {
                    w.shell(sh);
                }
            }
            _ => {}
        }
    }
    for j in wf.jobs() {
        if let Some(sh) = j.node.path(&["defaults", "run", "shell"]) {
            w.shell(sh);
        }
        call_permissions(&mut w, root, &j);
    }
}

/// The access a `permissions:` value gives `scope`: 0 none, 1 read, 2 write; `None` when
/// it is not literal.
fn level(perms: Yaml<'_>, scope: &str) -> Option<u8> {
    let rank = |s: &str| match s {
        "none" => Some(0),
        "read" | "read-all" => Some(1),
        "write" | "write-all" => Some(2),
        _ => None,
    };
    if let Some(s) = perms.as_str() {
        return if matches!(s, "read-all" | "write-all") {
            rank(s)
        } else {
            None
        };
    }
    if !perms.is_map() {
        return None;
    }
    match perms.get(scope) {
        None => Some(0),
        Some(v) => rank(v.as_str()?),
    }
}

/// A job calling a local reusable workflow whose jobs ask for more token access than the
/// caller grants (when the caller sets `permissions:` itself): GitHub fails the run.
fn call_permissions(w: &mut W<'_, '_>, root: Yaml<'_>, job: &crate::source::workflow::Job<'_>) {
    let Some(uses) = job.uses() else { return };
    let Some(u) = uses.as_str().map(str::trim) else {
        return;
    };
    if !u.starts_with("./") || has_expr(u) {
        return;
    }
    let Some(granted) = job
        .node
        .get("permissions")
        .or_else(|| root.get("permissions"))
    else {
        return; // the repository's default token permissions: not known here
    };
    let Some(meta) = crate::rules::support::gha::local::workflow(w.cx, u) else {
        return;
    };
    let crate::project::Model::Yaml(y) = &meta.file.model else {
        return;
    };
    let Some(callee) = Workflow::of(y) else {
        return;
    };
    let callee_default = callee.root.get("permissions");
    const NAMES: [&str; 3] = ["none", "read", "write"];
    for cj in callee.jobs() {
        let Some(asked) = cj.node.get("permissions").or(callee_default) else {
            continue;
        };
        let mut over: Vec<(&str, u8, u8)> = Vec::new();
        for scope in schema::SCOPES {
            let (Some(a), Some(g)) = (level(asked, scope.name), level(granted, scope.name)) else {
                continue;
            };
            if a > g {
                over.push((scope.name, a, g));
            }
        }
        if over.is_empty() {
            continue;
        }
        let asks = over
            .iter()
            .map(|(s, a, _)| format!("`{s}: {}`", NAMES[*a as usize]))
            .collect::<Vec<_>>()
            .join(", ");
        let gives = over
            .iter()
            .map(|(s, _, g)| format!("`{s}: {}`", NAMES[*g as usize]))
            .collect::<Vec<_>>()
            .join(", ");
        w.out.push(
            w.cx.finding(
                uses.span(),
                format!(
                    "job \"{}\" calls {u}, whose job \"{}\" asks for {asks}, but the caller grants only {gives}: GitHub fails the run; grant them in the calling job's `permissions:`",
                    job.id, cj.id
                ),
            )
            .related_in(meta.file.src.path.clone(), cj.key.span(), "the job asking for more"),
        );
    }
}

fn check_action(cx: &Cx<'_>, wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    if broken(cx) {
        return;
    }
    let start = out.len();
    let mut w = W {
        cx,
        out,
        doc: "action",
    };
    w.duplicates();
    let root = wf.root;
    for (k, v) in root.entries() {
        let Some(name) = k.as_str() else { continue };
        let Some(key) = schema::ACTION.key(name) else {
            let h = hint(name, schema::ACTION.names());
            w.warn(
                k.span(),
                format!("unknown key `{name}` in the action metadata: GitHub ignores it (expected one of {}){h}", schema::ACTION.names().collect::<Vec<_>>().join(", ")),
            );
            continue;
        };
        w.value(v, key, k.span(), name);
        match name {
            "outputs" => {
                if v.is_map() {
                    for (ok, ov) in v.entries() {
                        let id = ok.as_str().unwrap_or("?");
                        let wh = format!("action output \"{id}\"");
                        w.mapping(ov, &schema::ACTION_OUTPUT, ok.span(), &wh);
                    }
                } else if !v.is_null() {
                    w.error(v.span(), "`outputs` must be a mapping of output ids".into());
                }
            }
            "inputs" if !v.is_map() && !v.is_null() => {
                w.error(v.span(), "`inputs` must be a mapping of input ids".into());
            }
            "runs" => runs(&mut w, k, v),
            _ => {}
        }
    }
    if root.get("runs").is_none() {
        w.error(
            Span::empty(root.span().start),
            "the action metadata has no `runs`: GitHub cannot run the action".into(),
        );
    }
    // the step and mapping checks are shared with workflows
    for f in &mut out[start..] {
        f.message = f
            .message
            .replace("rejects the workflow", "rejects the action");
    }
}

fn runs(w: &mut W<'_, '_>, k: Yaml<'_>, v: Yaml<'_>) {
    if !v.is_map() {
        w.error(v.span(), "`runs` must be a mapping with `using`".into());
        return;
    }
    let Some(using_node) = v.get("using") else {
        w.error(
            k.span(),
            "`runs` has no `using`: GitHub cannot tell how to run the action".into(),
        );
        return;
    };
    let using = using_node.as_str().unwrap_or("");
    let m: &'static Mapping = match using {
        "composite" => &schema::RUNS_COMPOSITE,
        "docker" => &schema::RUNS_DOCKER,
        u if u.starts_with("node") && schema::USING.contains(&u) => &schema::RUNS_NODE,
        u => {
            let h = hint(u, schema::USING.iter().copied());
            w.error(
                using_node.span(),
                format!("`using: {u}` is not a runtime GitHub knows (node20, node24, docker or composite){h}"),
            );
            return;
        }
    };
    for (rk, rv, key) in w.mapping(v, m, k.span(), "`runs`") {
        if key.is_some() && rk.as_str() == Some("steps") {
            w.steps("the composite action", rk, rv, true);
        }
    }
}
