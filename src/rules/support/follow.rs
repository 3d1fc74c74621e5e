//! What a command runs, followed into the repository's own files, without executing anything.
//!
//! `make test` counts as what its target runs, `./scripts/test.sh` as the commands in the
//! script, `npm test` as its package.json script: the gate rules judge those commands, and
//! point at the line of the Makefile or script where a test or a threshold is.
//!
//! Followed, from a command: a script file (`./scripts/test.sh`, `bash .ci/run`, `sh -e x.sh`;
//! a file whose `#!` line names a shell, or none), a Makefile target (prerequisites and recipe
//! lines; simple `NAME = value` variables expanded; `$(MAKE) x` and `make -C dir`), a justfile
//! recipe (dependencies and body), an npm/yarn/pnpm/bun script (with npm's `pre`/`post`
//! scripts), a tox environment's `commands` and a nox session's `session.run(...)` calls.
//! Wrappers (`uv run`, `poetry run`, `hatch run`, `pdm run`, `pipenv run`, `rye run`,
//! `bundle exec`) are looked through. A local composite action's run steps are read with
//! [`Follow::action`].
//!
//! Bounds: [`MAX_DEPTH`] files deep, each (file, entry) followed once per search (a cycle
//! stops where it closes), only files inside the repository, each read once per check
//! through the project's cache. A script is followed once per check for each place and
//! depth it is reached at; later searches replay what that reached ([`Trace`]).

use std::borrow::Cow;
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, OnceLock};

use regex::Regex;

use crate::paths::absolute;
use crate::project::Project;
use crate::rules::gha::common::{prog_args, prog_words, run_scripts_of, values};
use crate::source::Kind;
use crate::source::Span;
use crate::source::shell::{Command, Word, basename, parse_script};
use crate::source::workflow::Workflow;

/// How many files deep a command is followed.
pub const MAX_DEPTH: usize = 4;

/// A command that runs, directly or through the files a command runs. Its parts are shared
/// (a clone counts references): a followed file's commands are handed to every search that
/// reaches them.
#[derive(Debug, Clone)]
pub struct Ran {
    /// Spans are into `file`'s text (the checked file's when `file` is `None`).
    pub cmd: Arc<Command>,
    pub file: Option<Arc<Path>>,
    /// The command in the checked file this one was reached from.
    pub via: Span,
    /// 0 for a command of the checked file, 1 for one in a file it runs, ...
    pub depth: usize,
    /// The directory it runs in, relative to the repository root.
    pub dir: Arc<Path>,
}

impl Ran {
    /// Where this command is, for a related location: `None` in the checked file.
    pub fn place(&self) -> Option<(PathBuf, Span)> {
        self.file.as_ref().map(|f| (f.to_path_buf(), self.cmd.span))
    }
}

/// What following a script reached, recorded once per check for each (root, script,
/// directory, depth) and replayed into every search that follows the script again: the same
/// script run from many jobs and workflows was followed anew each time (7% of a check of
/// 1,080 real-world workflows).
///
/// A replay gives what following would have: an entry (a script, a Makefile target, a
/// package script) already followed in the search is skipped with everything under it, and
/// the depth and length bounds are applied to the search's own list. Where the recording
/// skipped an entry it had followed before and the search has not followed it (the search
/// skipped the earlier place), following would go into it: the replay is undone and the
/// script followed anew.
struct Trace {
    events: Vec<Event>,
    /// The recording met the length bound: its list is cut where a search's might not be, so
    /// the script is followed anew instead.
    cut: bool,
}

/// A followed entry: its file's path and the entry's name in it. The path is kept as its
/// bytes: `Path`'s hash walks its components (1,100 instructions for a repository path) and
/// every entry a search meets is hashed, 18M instructions in a check of 1,080 real-world
/// workflows. The paths come from one place ([`Follow::find`], made absolute and
/// normalized), so comparing bytes is comparing paths.
type EntryKey = (OsString, String);

enum Event {
    /// A command reached; the events up to `end` are what following it reached.
    Ran { ran: Ran, end: usize },
    /// An entry followed for the first time in the recording; its events run up to `end`.
    Entry { key: EntryKey, end: usize },
    /// An entry skipped: the recording had followed it before.
    Seen { key: EntryKey },
}

/// Where a relative name leads ([`Follow::find`]), kept per check.
struct Found(Option<(PathBuf, Arc<str>)>);

/// A script file's commands, or `None` for a file that is not a shell script.
struct ScriptFile(Option<Vec<Command>>);

/// One search: the commands reached so far and the entries already followed.
pub struct Follow<'p> {
    project: &'p Project,
    root: PathBuf,
    seen: HashSet<EntryKey>,
    pub ran: Vec<Ran>,
    /// The `uses:` spans of the local actions followed (their files are checked on their
    /// own too).
    pub actions: Vec<Span>,
    /// While a [`Trace`] is recorded: its events, the open ones' indexes, and whether a
    /// replay could differ from following ([`Trace::cut`]).
    events: Option<Vec<Event>>,
    open: Vec<usize>,
    cut: bool,
    /// Scripts replayed from their [`Trace`] (off only in the test that compares both ways).
    memo: bool,
}

/// Replays done and undone, in every search (recordings' included), for the test that
/// compares replaying with following.
#[cfg(test)]
static REPLAYS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
#[cfg(test)]
static UNDONE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl<'p> Follow<'p> {
    pub fn new(project: &'p Project, root: &Path) -> Follow<'p> {
        Follow {
            project,
            root: root.to_path_buf(),
            seen: HashSet::new(),
            ran: Vec::new(),
            actions: Vec::new(),
            events: None,
            open: Vec::new(),
            cut: false,
            memo: true,
        }
    }

    /// Follow a command of the checked file, run in `dir` (relative to the repository root).
    pub fn command(&mut self, cmd: &Command, dir: &Path) {
        self.go(cmd, None, cmd.span, dir, 0);
    }

    /// Follow the commands of a script of the checked file, run from `dir`: a `cd` to a
    /// literal directory moves the commands after it there.
    pub fn commands(&mut self, cmds: &[Command], dir: &Path) {
        let mut here = dir.to_path_buf();
        for c in cmds {
            self.go(c, None, c.span, &here, 0);
            here = after_cd(c, dir, &here);
        }
    }

    /// Follow the run steps of the local composite action at `path` (`./.github/actions/x`),
    /// reached from `via` in the checked file.
    pub fn action(&mut self, path: &str, via: Span) {
        let dir = self
            .root
            .join(path.trim_start_matches("./").trim_end_matches('/'));
        let Some(file) = ["action.yml", "action.yaml"]
            .iter()
            .find_map(|n| self.project.file(&dir.join(n), Kind::Action))
        else {
            return;
        };
        if !self
            .seen
            .insert((file.src.path.clone().into_os_string(), String::new()))
        {
            return;
        }
        let Some(wf) = file.yaml().and_then(Workflow::of) else {
            return;
        };
        let at = file.src.path.clone();
        self.actions.push(via);
        // a local action is run by many jobs of many workflows: followed once, replayed
        let scripts = run_scripts_of(&file, &wf);
        let key = trace_key("action", &self.root, &at, Path::new(""), 1, "");
        self.traced(&key, via, &|f: &mut Follow<'p>, via| {
            for r in &scripts {
                for c in &r.script.commands {
                    f.go(c, Some(&at), via, Path::new(""), 1);
                }
            }
        });
    }

    fn go(&mut self, cmd: &Command, file: Option<&Path>, via: Span, dir: &Path, depth: usize) {
        let cmd = unwrap(cmd);
        let ran = Ran {
            cmd: Arc::new(cmd.as_ref().clone()),
            file: file.map(Arc::from),
            via,
            depth,
            dir: Arc::from(dir),
        };
        if self.push(ran) {
            self.dispatch(&cmd, file, via, dir, depth);
        }
        self.close();
    }

    /// Add a reached command to the list (and to the recording); whether to follow it.
    fn push(&mut self, ran: Ran) -> bool {
        let depth = ran.depth;
        if let Some(events) = &mut self.events {
            self.open.push(events.len());
            events.push(Event::Ran {
                ran: ran.clone(),
                end: 0,
            });
        }
        self.ran.push(ran);
        if self.ran.len() > 2000 {
            self.cut = true;
        }
        depth < MAX_DEPTH && self.ran.len() <= 2000
    }

    /// Close the recording's innermost open command or entry.
    fn close(&mut self) {
        if let Some(events) = &mut self.events {
            let end = events.len();
            if let Some(i) = self.open.pop() {
                match &mut events[i] {
                    Event::Ran { end: e, .. } | Event::Entry { end: e, .. } => *e = end,
                    Event::Seen { .. } => {}
                }
            }
        }
    }

    fn dispatch(
        &mut self,
        cmd: &Command,
        file: Option<&Path>,
        via: Span,
        dir: &Path,
        depth: usize,
    ) {
        let Some((prog, words)) = prog_words(cmd) else {
            return;
        };
        // the arguments are collected only for the programs followed by name
        let args = || values(words);
        match prog {
            "make" | "gmake" | "$(MAKE)" | "${MAKE}" => {
                self.make(&args(), file, via, dir, depth);
            }
            "just" => self.just(&args(), via, dir, depth),
            "npm" | "yarn" | "pnpm" | "bun" => self.node(prog, &args(), via, dir, depth),
            "tox" => self.tox(&args(), via, dir, depth),
            "nox" => self.nox(&args(), via, dir, depth),
            _ => {
                if let Some(rel) = script_file(cmd) {
                    let here = file.and_then(Path::parent).map(Path::to_path_buf);
                    self.script(rel, here.as_deref(), via, dir, depth);
                }
            }
        }
    }

    /// A file of the repository at `rel`, tried from `dir`, the calling file's directory,
    /// then the root; the answer is kept for the whole check (every rule asks the same).
    fn find(&self, dir: &Path, from: Option<&Path>, rel: &str) -> Option<(PathBuf, Arc<str>)> {
        let rel = rel.trim_start_matches("./");
        if rel.is_empty() || rel.contains(['$', '{', '*']) || rel.starts_with('/') {
            return None;
        }
        // built by hand: `format!` with three `Path::display`s was 1.4% of a check of
        // real-world workflows (every rule asks this for every script and Makefile)
        let mut key = String::with_capacity(128);
        for part in [Some(self.root.as_path()), Some(dir), from] {
            if let Some(p) = part {
                key.push_str(&path_key(p));
            }
            key.push('\0');
        }
        key.push_str(rel);
        let found = self.project.derived::<Found>(&key, || {
            let root = absolute(&self.root);
            let mut bases = vec![self.root.join(dir)];
            if let Some(f) = from {
                bases.push(f.to_path_buf());
            }
            bases.push(self.root.clone());
            for b in bases {
                let p = absolute(&b.join(rel));
                if !p.starts_with(&root) {
                    continue;
                }
                if let Some(t) = self.project.read_text(&p) {
                    return Found(Some((p, t)));
                }
            }
            Found(None)
        });
        found.0.clone()
    }

    /// Whether an entry of a file is followed for the first time in this search; when it is,
    /// the caller follows its body and then calls [`Follow::close`].
    fn first_time(&mut self, p: &Path, entry: &str) -> bool {
        let key = (p.as_os_str().to_os_string(), entry.to_string());
        if !self.seen.insert(key.clone()) {
            if let Some(events) = &mut self.events {
                events.push(Event::Seen { key });
            }
            return false;
        }
        if let Some(events) = &mut self.events {
            self.open.push(events.len());
            events.push(Event::Entry { key, end: 0 });
        }
        true
    }

    /// Replay a trace reached from `via`; false, with the search as it was, where the replay
    /// would differ from following (see [`Trace`]).
    fn replay(&mut self, trace: &Trace, via: Span) -> bool {
        let (ran, events, open, cut) = (
            self.ran.len(),
            self.events.as_ref().map_or(0, Vec::len),
            self.open.len(),
            self.cut,
        );
        let mut entered = Vec::new();
        if self.replay_events(&trace.events, 0, trace.events.len(), via, &mut entered) {
            return true;
        }
        self.ran.truncate(ran);
        if let Some(e) = &mut self.events {
            e.truncate(events);
        }
        self.open.truncate(open);
        self.cut = cut;
        for key in entered {
            self.seen.remove(&key);
        }
        #[cfg(test)]
        UNDONE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        false
    }

    fn replay_events(
        &mut self,
        events: &[Event],
        from: usize,
        to: usize,
        via: Span,
        entered: &mut Vec<EntryKey>,
    ) -> bool {
        let mut i = from;
        while i < to {
            match &events[i] {
                Event::Ran { ran, end } => {
                    let mut ran = ran.clone();
                    ran.via = via;
                    if self.push(ran) && !self.replay_events(events, i + 1, *end, via, entered) {
                        return false;
                    }
                    self.close();
                    i = *end;
                }
                Event::Entry { key, end } => {
                    if self.first_time(Path::new(&key.0), &key.1) {
                        entered.push(key.clone());
                        if !self.replay_events(events, i + 1, *end, via, entered) {
                            return false;
                        }
                        self.close();
                    }
                    i = *end;
                }
                Event::Seen { key } => {
                    if !self.seen.contains(key) {
                        return false;
                    }
                    if let Some(e) = &mut self.events {
                        e.push(Event::Seen { key: key.clone() });
                    }
                    i += 1;
                }
            }
        }
        true
    }

    fn script(&mut self, rel: &str, from: Option<&Path>, via: Span, dir: &Path, depth: usize) {
        let Some((p, text)) = self.find(dir, from, rel) else {
            return;
        };
        let parsed = self.project.derived::<ScriptFile>(&path_key(&p), || {
            ScriptFile(shell_text(&text).then(|| parse_script(&text).commands))
        });
        let Some(commands) = &parsed.0 else { return };
        if self
            .seen
            .contains(&(p.as_os_str().to_os_string(), String::new()))
        {
            self.first_time(&p, ""); // skipped, as a recording notes
            return;
        }
        let key = trace_key("script", &self.root, &p, dir, depth, "");
        self.traced(&key, via, &|f: &mut Follow<'p>, via| {
            f.script_body(&p, commands, via, dir, depth);
        });
    }

    /// Follow what `body` follows, through the check's trace for `key` (see [`Trace`]):
    /// recorded the first time, replayed after that.
    fn traced(&mut self, key: &str, via: Span, body: &dyn Fn(&mut Follow<'p>, Span)) {
        if !self.memo {
            return body(self, via);
        }
        let trace = self.project.derived::<Trace>(key, || {
            let mut rec = Follow::new(self.project, &self.root);
            rec.events = Some(Vec::new());
            body(&mut rec, Span::default());
            Trace {
                events: rec.events.unwrap_or_default(),
                cut: rec.cut,
            }
        });
        if !trace.cut && self.replay(&trace, via) {
            #[cfg(test)]
            REPLAYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        } else {
            body(self, via);
        }
    }

    /// Follow a script's commands, as the entry `(p, "")`.
    fn script_body(&mut self, p: &Path, commands: &[Command], via: Span, dir: &Path, depth: usize) {
        if !self.first_time(p, "") {
            return;
        }
        let mut here = dir.to_path_buf();
        for c in commands {
            self.go(c, Some(p), via, &here, depth + 1);
            here = after_cd(c, dir, &here);
        }
        self.close();
    }

    fn make(&mut self, args: &[&str], file: Option<&Path>, via: Span, dir: &Path, depth: usize) {
        let mut dir = dir.to_path_buf();
        let mut makefile: Option<String> = None;
        let mut targets = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            i += 1;
            match a {
                "-C" | "--directory" => {
                    if let Some(d) = args.get(i) {
                        dir = dir.join(d);
                    }
                    i += 1;
                }
                "-f" | "--file" | "--makefile" => {
                    makefile = args.get(i).map(|s| (*s).to_string());
                    i += 1;
                }
                "-j" | "-l" | "-o" | "-W" | "-I" => {
                    // a value follows unless glued or absent (`-j` alone)
                    if args
                        .get(i)
                        .is_some_and(|v| v.parse::<u32>().is_ok() || a != "-j")
                    {
                        i += 1;
                    }
                }
                _ => {
                    if let Some(d) = a.strip_prefix("--directory=") {
                        dir = dir.join(d);
                    } else if !a.starts_with('-') && !a.contains('=') {
                        targets.push(a.to_string());
                    }
                }
            }
        }
        // `$(MAKE) x` inside a Makefile: the same Makefile
        let found = match (&makefile, file) {
            (Some(f), _) => self.find(&dir, None, f),
            (None, Some(f)) if args.iter().all(|a| *a != "-C") && is_makefile(f) => {
                self.project.read_text(f).map(|t| (f.to_path_buf(), t))
            }
            _ => ["GNUmakefile", "makefile", "Makefile"]
                .iter()
                .find_map(|n| self.find(&dir, None, n)),
        };
        let Some((p, text)) = found else { return };
        let mk = self
            .project
            .derived::<Makefile>(&path_key(&p), || Makefile::parse(&text));
        if targets.is_empty() {
            match mk.default_target() {
                Some(t) => targets.push(t.to_string()),
                None => return,
            }
        }
        // not traced: a Makefile target is rarely followed twice from the same place and
        // depth in a check, and recording one costs more than following it (measured)
        for t in targets {
            self.make_target(&mk, &p, &t, via, &dir, depth + 1, 0);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn make_target(
        &mut self,
        mk: &Makefile,
        p: &Path,
        target: &str,
        via: Span,
        dir: &Path,
        depth: usize,
        nest: usize,
    ) {
        if nest > 16 || !self.first_time(p, &format!("make:{target}")) {
            return;
        }
        for rule in mk.rules.iter().filter(|r| r.target == target) {
            for pre in &rule.prereqs {
                let pre = mk.expand(pre);
                self.make_target(mk, p, &pre, via, dir, depth, nest + 1);
            }
            for c in mk.commands(rule) {
                self.go(c, Some(p), via, dir, depth);
            }
        }
        self.close();
    }

    fn just(&mut self, args: &[&str], via: Span, dir: &Path, depth: usize) {
        let mut dir = dir.to_path_buf();
        let mut file: Option<String> = None;
        let mut recipe: Option<&str> = None;
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            i += 1;
            match a {
                "-f" | "--justfile" => {
                    file = args.get(i).map(|s| (*s).to_string());
                    i += 1;
                }
                "-d" | "--working-directory" => {
                    if let Some(d) = args.get(i) {
                        dir = dir.join(d);
                    }
                    i += 1;
                }
                _ if a.starts_with('-') || a.contains('=') => {}
                _ => {
                    recipe = Some(a);
                    break;
                }
            }
        }
        let found = match &file {
            Some(f) => self.find(&dir, None, f),
            None => ["justfile", "Justfile", ".justfile"]
                .iter()
                .find_map(|n| self.find(&dir, None, n)),
        };
        let Some((p, text)) = found else { return };
        let jf = self
            .project
            .derived::<Justfile>(&path_key(&p), || Justfile::parse(&text));
        let Some(name) = recipe.map(str::to_string).or_else(|| jf.first.clone()) else {
            return;
        };
        self.just_recipe(&jf, &p, &name, via, &dir, depth + 1, 0);
    }

    #[allow(clippy::too_many_arguments)]
    fn just_recipe(
        &mut self,
        jf: &Justfile,
        p: &Path,
        name: &str,
        via: Span,
        dir: &Path,
        depth: usize,
        nest: usize,
    ) {
        if nest > 16 || !self.first_time(p, &format!("just:{name}")) {
            return;
        }
        if let Some(r) = jf.recipes.iter().find(|r| r.name == name) {
            for d in &r.deps {
                self.just_recipe(jf, p, d, via, dir, depth, nest + 1);
            }
            for c in &r.commands {
                self.go(c, Some(p), via, dir, depth);
            }
        }
        self.close();
    }

    fn node(&mut self, prog: &str, args: &[&str], via: Span, dir: &Path, depth: usize) {
        let pos: Vec<&str> = args
            .iter()
            .copied()
            .filter(|a| !a.starts_with('-'))
            .collect();
        let name = match pos.as_slice() {
            ["test" | "t" | "tst", ..] => "test",
            ["start", ..] => "start",
            ["run" | "run-script", s, ..] => s,
            [s, ..]
                if prog != "npm"
                    && !matches!(
                        *s,
                        "install"
                            | "add"
                            | "remove"
                            | "i"
                            | "ci"
                            | "exec"
                            | "dlx"
                            | "x"
                            | "why"
                            | "list"
                            | "ls"
                            | "outdated"
                            | "publish"
                            | "pack"
                            | "version"
                            | "audit"
                            | "config"
                            | "set"
                            | "workspace"
                            | "workspaces"
                            | "create"
                            | "init"
                            | "link"
                            | "upgrade"
                            | "up"
                            | "update"
                            | "store"
                            | "cache"
                            | "info"
                    ) =>
            {
                s
            }
            _ => return,
        };
        let Some((p, text)) = self.find(dir, None, "package.json") else {
            return;
        };
        let json = self
            .project
            .derived::<Option<serde_json::Value>>(&path_key(&p), || {
                serde_json::from_str(&text).ok()
            });
        let Some(json) = json.as_ref() else { return };
        let mut names = vec![name.to_string()];
        if prog == "npm" || prog == "pnpm" {
            names.insert(0, format!("pre{name}"));
            names.push(format!("post{name}"));
        }
        for n in names {
            if !self.first_time(&p, &format!("npm:{n}")) {
                continue;
            }
            let body = json
                .get("scripts")
                .and_then(|s| s.get(&n))
                .and_then(|v| v.as_str());
            if let Some(body) = body {
                let (exact, lit) = json_string_span(&text, &n, body);
                let script = parse_script(body);
                for c in &script.commands {
                    let mut c = c.clone();
                    shift(&mut c, exact, lit);
                    self.go(&c, Some(&p), via, dir, depth + 1);
                }
            }
            self.close();
        }
    }

    fn tox(&mut self, args: &[&str], via: Span, dir: &Path, depth: usize) {
        let mut envs: Vec<String> = Vec::new();
        let mut conf: Option<String> = None;
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            i += 1;
            if a == "-e" || a == "--env" {
                if let Some(v) = args.get(i) {
                    envs.extend(v.split(',').map(|s| s.trim().to_string()));
                }
                i += 1;
            } else if a == "-c" || a == "--conf" {
                conf = args.get(i).map(|s| (*s).to_string());
                i += 1;
            } else if let Some(v) = a.strip_prefix("-e") {
                envs.extend(v.split(',').map(|s| s.trim().to_string()));
            }
        }
        let Some((p, text)) = self.find(dir, None, conf.as_deref().unwrap_or("tox.ini")) else {
            return;
        };
        for (section, key_lines) in ini_sections(&text, "commands") {
            let take = match section.strip_prefix("testenv:") {
                Some(name) => envs.is_empty() || envs.iter().any(|e| e == name),
                None => section == "testenv",
            };
            if !take || !self.first_time(&p, &format!("tox:{section}")) {
                continue;
            }
            for (line, start) in key_lines {
                let raw = line.trim_start_matches(['-', ' ', '\t']);
                let lead = line.len() - raw.len();
                let script = parse_script(raw);
                let line_span = Span::new(start + lead, start + line.len());
                for c in &script.commands {
                    let mut c = c.clone();
                    shift(&mut c, Some(start + lead), line_span);
                    self.go(&c, Some(&p), via, dir, depth + 1);
                }
            }
            self.close();
        }
    }

    fn nox(&mut self, args: &[&str], via: Span, dir: &Path, depth: usize) {
        static DEF: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"(?m)^def\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(").expect("def"));
        static RUN: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"session\.run\(([^)]*)\)").expect("run"));
        static STR: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r#""([^"\\]*)"|'([^'\\]*)'"#).expect("str"));
        let mut sessions: Vec<&str> = Vec::new();
        let mut file = "noxfile.py";
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            i += 1;
            if matches!(a, "-s" | "--session" | "--sessions" | "-e") {
                while let Some(v) = args.get(i).filter(|v| !v.starts_with('-')) {
                    sessions.push(v);
                    i += 1;
                }
            } else if a == "-f" || a == "--noxfile" {
                if let Some(v) = args.get(i) {
                    file = v;
                }
                i += 1;
            }
        }
        let Some((p, text)) = self.find(dir, None, file) else {
            return;
        };
        let defs: Vec<(usize, &str)> = DEF
            .captures_iter(&text)
            .filter_map(|c| Some((c.get(0)?.start(), c.get(1)?.as_str())))
            .collect();
        for (k, &(start, name)) in defs.iter().enumerate() {
            let base = name.split('(').next().unwrap_or(name);
            if !sessions.is_empty() && !sessions.iter().any(|s| s.split('(').next() == Some(base)) {
                continue;
            }
            if !self.first_time(&p, &format!("nox:{name}")) {
                continue;
            }
            let end = defs.get(k + 1).map_or(text.len(), |d| d.0);
            let body = &text[start..end];
            for call in RUN.captures_iter(body) {
                let (Some(whole), Some(inner)) = (call.get(0), call.get(1)) else {
                    continue;
                };
                let words: Vec<Word> = STR
                    .captures_iter(inner.as_str())
                    .filter_map(|s| {
                        let m = s.get(0)?;
                        let v = s.get(1).or(s.get(2))?.as_str();
                        let at = start + inner.start() + m.start();
                        Some(Word {
                            value: v.to_string(),
                            span: Span::new(at, at + m.len()),
                            quoted: true,
                        })
                    })
                    .collect();
                if words.is_empty() {
                    continue;
                }
                let c = Command {
                    words: words.into(),
                    span: Span::new(start + whole.start(), start + whole.end()),
                    op_before: None,
                    op_after: None,
                    pipeline: 0,
                    in_subshell: false,
                    ..Default::default()
                };
                self.go(&c, Some(&p), via, dir, depth + 1);
            }
            self.close();
        }
    }
}

/// The key of a [`Trace`]: what is followed (`kind`, `p`, `rest`), from where (`root`,
/// `dir`) and how deep.
fn trace_key(kind: &str, root: &Path, p: &Path, dir: &Path, depth: usize, rest: &str) -> String {
    let mut key = String::with_capacity(160);
    for part in [
        Cow::Borrowed(kind),
        path_key(root),
        path_key(p),
        path_key(dir),
    ] {
        key.push_str(&part);
        key.push('\0');
    }
    key.push_str(&depth.to_string());
    key.push('\0');
    key.push_str(rest);
    key
}

/// A path as a key of the project's derived values: the path's own text when it is UTF-8
/// (no copy, where `Path::display` and `to_string_lossy` ran the lossy decoder, 1.3% of a
/// check of real-world workflows), else its lossy form.
pub fn path_key(p: &Path) -> Cow<'_, str> {
    match p.to_str() {
        Some(s) => Cow::Borrowed(s),
        None => p.to_string_lossy(),
    }
}

/// The directory after `c` runs: `cd x` / `pushd x` with a literal relative `x` moves there,
/// any other `cd` (home, `-`, a variable, an absolute path) goes back to where the script
/// started, as the only place plumb can name.
fn after_cd(c: &Command, start: &Path, here: &Path) -> PathBuf {
    let Some((prog, args)) = prog_args(c) else {
        return here.to_path_buf();
    };
    if !matches!(prog, "cd" | "pushd") {
        return here.to_path_buf();
    }
    match args.iter().find(|a| !a.starts_with('-')) {
        Some(d) if !d.contains(['$', '~', '`']) && !d.starts_with('/') => {
            let d = d.trim_start_matches("./").trim_end_matches('/');
            let mut out = here.to_path_buf();
            for part in d.split('/') {
                match part {
                    "" | "." => {}
                    ".." => {
                        if !out.pop() {
                            return start.to_path_buf();
                        }
                    }
                    p => out.push(p),
                }
            }
            out
        }
        _ => start.to_path_buf(),
    }
}

/// `uv run pytest` -> `pytest`, `bundle exec rspec` -> `rspec`; any other command as it is
/// (borrowed: most are, and a followed check clones each command once, into its `Ran`).
fn unwrap(cmd: &Command) -> Cow<'_, Command> {
    let Some((w, i)) = cmd.program() else {
        return Cow::Borrowed(cmd);
    };
    let prog = basename(&w.value);
    let args = cmd.args_after(i);
    let first = args.first().map(|a| a.value.as_str());
    let skip = match (prog, first) {
        ("uv" | "poetry" | "pipenv" | "hatch" | "pdm" | "rye", Some("run")) => {
            // `uv run --with x pytest`: options of `run` up to the program
            let rest = &args[1..];
            let mut k = 0;
            while k < rest.len() && rest[k].value.starts_with('-') {
                let takes_value = matches!(
                    rest[k].value.as_str(),
                    "--with"
                        | "--python"
                        | "-p"
                        | "--group"
                        | "--extra"
                        | "--env"
                        | "-e"
                        | "--package"
                        | "--directory"
                );
                k += if takes_value { 2 } else { 1 };
            }
            i + 2 + k
        }
        ("bundle", Some("exec")) => i + 2,
        _ => return Cow::Borrowed(cmd),
    };
    if skip >= cmd.words.len() {
        return Cow::Borrowed(cmd);
    }
    Cow::Owned(cmd.with_words(cmd.words[skip..].to_vec()))
}

/// The script file a command runs: `./x.sh`, `scripts/x.sh`, `bash x.sh`, `sh -e x.sh`,
/// `.ci/run`.
pub fn script_file(c: &Command) -> Option<&str> {
    let (w, i) = c.program()?;
    let prog = w.value.as_str();
    let base = basename(prog);
    if matches!(base, "bash" | "sh" | "zsh" | "dash" | "ksh") {
        return c
            .args_after(i)
            .iter()
            .map(|a| a.value.as_str())
            .find(|a| !a.starts_with('-'))
            .filter(|a| a.ends_with(".sh") || a.contains('/'));
    }
    (prog.contains('/') || prog.ends_with(".sh")).then_some(prog)
}

/// A shell script: a `#!` line naming a shell, or none.
fn shell_text(text: &str) -> bool {
    match text.lines().next() {
        Some(l) if l.starts_with("#!") => ["sh", "bash", "zsh", "dash", "ksh"]
            .iter()
            .any(|s| l.split([' ', '/']).any(|w| w == *s)),
        _ => !text.contains('\0'),
    }
}

fn is_makefile(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.eq_ignore_ascii_case("makefile") || n == "GNUmakefile" || n.ends_with(".mk")
    })
}

/// Moves a command parsed from a piece of a file to the file's offsets: exactly by `at` when
/// the piece is the file's text from `at`, else every span becomes `whole`.
fn shift(c: &mut Command, at: Option<usize>, whole: Span) {
    let f = |s: Span| match at {
        Some(a) => Span::new(s.start + a, s.end + a),
        None => whole,
    };
    c.span = f(c.span);
    for w in c.words_mut() {
        w.span = f(w.span);
    }
}

/// The span of a package.json script's string literal, and its start when the literal has
/// no escapes (so offsets in the script are offsets in the file).
fn json_string_span(text: &str, name: &str, body: &str) -> (Option<usize>, Span) {
    let key = format!("\"{name}\"");
    let mut from = text.find("\"scripts\"").unwrap_or(0);
    while let Some(k) = text[from..].find(&key) {
        let after = from + k + key.len();
        let rest = &text[after..];
        let t = rest.trim_start();
        if let Some(t2) = t.strip_prefix(':') {
            let t3 = t2.trim_start();
            if t3.starts_with('"') {
                let open = after + (rest.len() - t3.len());
                let bytes = text.as_bytes();
                let mut j = open + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(text.len());
                let lit = Span::new(open, end);
                let exact = text.get(open + 1..j) == Some(body);
                return (exact.then_some(open + 1), lit);
            }
        }
        from = after;
    }
    (None, Span::new(0, 0))
}

/// The lines of `key =` in each section of an INI text: (section, [(line, start)]), the
/// first line's value and its indented continuation lines, comments left out.
fn ini_sections<'t>(text: &'t str, key: &str) -> Vec<(String, Vec<(&'t str, usize)>)> {
    let mut out: Vec<(String, Vec<(&'t str, usize)>)> = Vec::new();
    let mut section = String::new();
    let mut in_key = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let l = line.trim_end_matches(['\n', '\r']);
        let t = l.trim();
        if in_key {
            if l.starts_with([' ', '\t']) && !t.is_empty() {
                if !t.starts_with('#') {
                    let lead = l.len() - l.trim_start().len();
                    if let Some(last) = out.last_mut() {
                        last.1.push((t, start + lead));
                    }
                }
                continue;
            }
            if t.is_empty() {
                continue;
            }
            in_key = false;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        if let Some(eq) = l.find('=') {
            if l[..eq].trim() == key && !l.starts_with([' ', '\t']) {
                in_key = true;
                let v = &l[eq + 1..];
                let vt = v.trim();
                let mut lines = Vec::new();
                if !vt.is_empty() {
                    let lead = v.len() - v.trim_start().len();
                    lines.push((vt, start + eq + 1 + lead));
                }
                out.push((section.clone(), lines));
            }
        }
    }
    out
}

/// A Makefile's rules, with recipe lines and their offsets, and its simple variables.
pub struct Makefile {
    pub rules: Vec<MakeRule>,
    vars: Vec<(String, String)>,
}

pub struct MakeRule {
    pub target: String,
    pub prereqs: Vec<String>,
    /// (line without the leading tab, its start offset)
    pub recipe: Vec<(String, usize)>,
    /// [`Makefile::commands`].
    commands: OnceLock<Vec<Command>>,
}

impl Makefile {
    pub fn parse(text: &str) -> Makefile {
        let mut rules: Vec<MakeRule> = Vec::new();
        let mut vars = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let l = line.trim_end_matches(['\n', '\r']);
            if let Some(recipe) = l.strip_prefix('\t') {
                for &i in &current {
                    rules[i].recipe.push((recipe.to_string(), start + 1));
                }
                continue;
            }
            let t = l.trim_end();
            if t.is_empty() || t.trim_start().starts_with('#') {
                continue;
            }
            current.clear();
            // NAME = v, NAME := v, NAME ?= v, NAME ::= v, export NAME = v
            if let Some(e) = t.find('=') {
                let op = &t[..e];
                let lhs = op.trim_end_matches([':', '?', '+']).trim();
                let lhs = lhs.strip_prefix("export ").unwrap_or(lhs).trim();
                if !lhs.is_empty() && !lhs.contains([' ', ':', '$', '\t']) {
                    if op.ends_with('?') && vars.iter().any(|(n, _): &(String, String)| n == lhs) {
                        continue;
                    }
                    vars.retain(|(n, _)| n != lhs);
                    vars.push((lhs.to_string(), t[e + 1..].trim().to_string()));
                    continue;
                }
            }
            let Some((lhs, rhs)) = t.split_once(':') else {
                continue;
            };
            if rhs.starts_with('=') || lhs.contains('=') || lhs.trim_start().starts_with('.') {
                continue;
            }
            let (rhs, inline) = match rhs.split_once(';') {
                Some((r, cmd)) => (r, Some(cmd)),
                None => (rhs, None),
            };
            let prereqs: Vec<String> = rhs
                .split_whitespace()
                .filter(|p| *p != "|")
                .map(str::to_string)
                .collect();
            for target in lhs.split_whitespace() {
                current.push(rules.len());
                let mut recipe = Vec::new();
                if let Some(cmd) = inline {
                    let c = cmd.trim_start();
                    let at = start + (t.len() - cmd.len()) + (cmd.len() - c.len());
                    if !c.is_empty() {
                        recipe.push((c.to_string(), at));
                    }
                }
                rules.push(MakeRule {
                    target: target.to_string(),
                    prereqs: prereqs.clone(),
                    recipe,
                    commands: OnceLock::new(),
                });
            }
        }
        Makefile { rules, vars }
    }

    fn recipe_commands(&self, rule: &MakeRule) -> Vec<Command> {
        let mut out = Vec::new();
        for (line, start) in &rule.recipe {
            let raw = line.trim_start_matches(['@', '-', '+', ' ', '\t']);
            let lead = line.len() - raw.len();
            let expanded = self.expand(raw);
            let exact = expanded == raw;
            let line_span = Span::new(start + lead, start + line.len());
            for mut c in parse_script(&expanded).commands {
                shift(
                    &mut c,
                    if exact { Some(start + lead) } else { None },
                    line_span,
                );
                out.push(c);
            }
        }
        out
    }

    /// The first target that does not start with `.` and holds no `%`.
    pub fn default_target(&self) -> Option<&str> {
        self.rules
            .iter()
            .map(|r| r.target.as_str())
            .find(|t| !t.starts_with('.') && !t.contains('%'))
    }

    /// `$(NAME)` and `${NAME}` of simple variables replaced, a few rounds deep.
    pub fn expand(&self, s: &str) -> String {
        let mut out = s.to_string();
        for _ in 0..4 {
            if !out.contains('$') {
                break;
            }
            let mut next = String::with_capacity(out.len());
            let mut changed = false;
            let mut rest = out.as_str();
            while let Some(i) = rest.find('$') {
                next.push_str(&rest[..i]);
                let after = &rest[i + 1..];
                let close = match after.as_bytes().first() {
                    Some(b'(') => ')',
                    Some(b'{') => '}',
                    _ => {
                        next.push('$');
                        rest = after;
                        continue;
                    }
                };
                let value = after[1..].find(close).and_then(|j| {
                    let name = &after[1..1 + j];
                    let v = self.vars.iter().rev().find(|(n, _)| n == name)?;
                    Some((&v.1, j + 2))
                });
                match value {
                    Some((v, len)) => {
                        next.push_str(v);
                        changed = true;
                        rest = &after[len..];
                    }
                    None => {
                        next.push('$');
                        rest = after;
                    }
                }
            }
            next.push_str(rest);
            out = next;
            if !changed {
                break;
            }
        }
        out
    }

    /// A rule's recipe commands, variables expanded, spans in the Makefile's text: exact where
    /// expanding changed nothing, else the whole line. Built on first use.
    pub fn commands<'a>(&self, rule: &'a MakeRule) -> &'a [Command] {
        rule.commands.get_or_init(|| self.recipe_commands(rule))
    }
}

/// A justfile's recipes: name, dependencies, body lines with offsets.
struct Justfile {
    recipes: Vec<JustRecipe>,
    first: Option<String>,
}

struct JustRecipe {
    name: String,
    deps: Vec<String>,
    /// (line, its start offset)
    body: Vec<(String, usize)>,
    /// The body's commands, spans in the justfile's text.
    commands: Vec<Command>,
}

impl Justfile {
    fn parse(text: &str) -> Justfile {
        static HEAD: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^@?([A-Za-z_][A-Za-z0-9_-]*)((?:\s+[^:=]*)?):([^=].*)?$").expect("just")
        });
        let mut recipes: Vec<JustRecipe> = Vec::new();
        let mut in_recipe = false;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let l = line.trim_end_matches(['\n', '\r']);
            if l.starts_with([' ', '\t']) {
                if in_recipe {
                    let t = l.trim_start();
                    if !t.is_empty() && !t.starts_with('#') {
                        if let Some(r) = recipes.last_mut() {
                            r.body.push((t.to_string(), start + (l.len() - t.len())));
                        }
                    }
                }
                continue;
            }
            in_recipe = false;
            if l.is_empty() || l.starts_with(['#', '[']) || l.contains(":=") {
                continue;
            }
            let Some(c) = HEAD.captures(l) else { continue };
            let name = c.get(1).map_or("", |m| m.as_str()).to_string();
            if matches!(name.as_str(), "set" | "alias" | "export" | "import" | "mod") {
                continue;
            }
            let deps = c
                .get(3)
                .map(|m| {
                    m.as_str()
                        .split("&&")
                        .next()
                        .unwrap_or("")
                        .split_whitespace()
                        .map(|d| d.trim_matches(['(', ')']).to_string())
                        .filter(|d| !d.is_empty() && !d.starts_with('#'))
                        .collect()
                })
                .unwrap_or_default();
            recipes.push(JustRecipe {
                name,
                deps,
                body: Vec::new(),
                commands: Vec::new(),
            });
            in_recipe = true;
        }
        for r in &mut recipes {
            for (line, start) in &r.body {
                let raw = line.trim_start_matches(['@', '-', ' ', '\t']);
                let lead = line.len() - raw.len();
                let line_span = Span::new(start + lead, start + line.len());
                for mut c in parse_script(raw).commands {
                    shift(&mut c, Some(start + lead), line_span);
                    r.commands.push(c);
                }
            }
        }
        let first = recipes.first().map(|r| r.name.clone());
        Justfile { recipes, first }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replayed_script_reaches_what_following_it_reaches() {
        let root = std::env::temp_dir().join(format!("plumb-follow-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let files = [
            (
                "scripts/ci.sh",
                "set -e\n./scripts/lint.sh\nmake test\ncd sub\n./run.sh\nbash ../scripts/ci.sh\ncd ..\nnpm test\njust check\n",
            ),
            (
                "scripts/lint.sh",
                "ruff check .\n./scripts/ci.sh\nsh ./scripts/leaf.sh\n",
            ),
            ("scripts/leaf.sh", "echo leaf\ngo vet ./...\n"),
            ("sub/run.sh", "pytest -q\nmake -C .. build\n"),
            (
                "Makefile",
                "all: test\ntest: build\n\tgo test ./...\n\t./scripts/lint.sh\nbuild:\n\tgo build\n\t$(MAKE) lint\nlint:\n\t./scripts/leaf.sh\n",
            ),
            (
                "package.json",
                "{\"scripts\": {\"pretest\": \"./scripts/leaf.sh\", \"test\": \"jest && ./scripts/ci.sh\"}}\n",
            ),
            (
                "justfile",
                "check: lint\n    ./scripts/leaf.sh\nlint:\n    ./scripts/lint.sh\n",
            ),
            (
                ".github/actions/setup/action.yml",
                "runs:\n  using: composite\n  steps:\n    - run: ./scripts/lint.sh\n      shell: bash\n    - run: make test && pytest\n      shell: bash\n",
            ),
        ];
        for (rel, text) in files {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, text).expect("write");
        }
        // jobs as a workflow runs them: each one search, in one check (one project)
        let jobs = [
            "./scripts/ci.sh\n",
            "./scripts/lint.sh\n./scripts/ci.sh\nmake all\n",
            "sh scripts/leaf.sh && ./scripts/ci.sh\nbash scripts/ci.sh\n",
            "cd sub && ./run.sh\n./scripts/ci.sh\n",
            "npm test\njust check\nmake -C sub -f ../Makefile lint\n",
        ];
        let shape = |f: &Follow<'_>| -> Vec<String> {
            f.ran
                .iter()
                .map(|r| {
                    let words: Vec<&str> = r.cmd.words.iter().map(|w| w.value.as_str()).collect();
                    format!(
                        "{words:?} {:?} {:?} {:?} {} {:?}",
                        r.cmd.span,
                        r.file.as_deref(),
                        r.via,
                        r.depth,
                        r.dir
                    )
                })
                .collect()
        };
        let project = Project::new(root.clone(), Vec::new(), 1 << 20);
        let fresh = Project::new(root.clone(), Vec::new(), 1 << 20);
        for round in 0..2 {
            for text in jobs {
                let script = parse_script(text);
                let mut memo = Follow::new(&project, &root);
                memo.commands(&script.commands, Path::new(""));
                let mut live = Follow::new(&fresh, &root);
                live.memo = false;
                live.commands(&script.commands, Path::new(""));
                assert_eq!(shape(&memo), shape(&live), "round {round}: {text}");
                assert!(live.ran.len() > script.commands.len(), "{text}");
                // a local action, followed before or after the job's commands (what the
                // replay finds seen differs), as a live search follows it
                for action_first in [true, false] {
                    let mut memo = Follow::new(&project, &root);
                    let mut live = Follow::new(&fresh, &root);
                    live.memo = false;
                    for f in [&mut memo, &mut live] {
                        if action_first {
                            f.action("./.github/actions/setup", Span::new(1, 2));
                        }
                        f.commands(&script.commands, Path::new(""));
                        if !action_first {
                            f.action("./.github/actions/setup", Span::new(1, 2));
                        }
                    }
                    assert_eq!(shape(&memo), shape(&live), "round {round}: {text}");
                    assert_eq!(memo.actions, live.actions);
                    assert!(
                        live.ran
                            .iter()
                            .any(|r| r.file.as_deref().is_some_and(|p| p.ends_with("action.yml"))),
                        "the action was not followed"
                    );
                }
            }
        }
        let replays = REPLAYS.load(std::sync::atomic::Ordering::Relaxed);
        assert!(replays > jobs.len(), "{replays} replays");
        assert!(
            UNDONE.load(std::sync::atomic::Ordering::Relaxed) > 0,
            "no replay was undone"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn makefile_rules_and_variables() {
        let t = "GO ?= go\nPY := python3\n\nall: lint test\n\ntest: build\n\t@$(GO) test ./... -cover\nlint:\n\t${PY} -m flake8\ncheck: ; pytest -q  \n";
        let mk = Makefile::parse(t);
        assert_eq!(mk.default_target(), Some("all"));
        let test = mk.rules.iter().find(|r| r.target == "test").unwrap();
        assert_eq!(test.prereqs, vec!["build".to_string()]);
        let (line, at) = &test.recipe[0];
        assert_eq!(&t[*at..at + line.len()], "@$(GO) test ./... -cover");
        assert_eq!(mk.commands(test)[0].words[1].value, "test");
        assert_eq!(mk.expand("$(GO) test"), "go test");
        assert_eq!(mk.expand("${PY} -m x"), "python3 -m x");
        assert_eq!(
            mk.expand("$(shell $(GO) env) $$HOME $(NOPE)"),
            "$(shell go env) $$HOME $(NOPE)"
        );
        let check = mk.rules.iter().find(|r| r.target == "check").unwrap();
        let (line, at) = &check.recipe[0];
        assert_eq!(&t[*at..at + line.len()], "pytest -q");
        let c = &mk.commands(check)[0];
        assert_eq!(c.span.text(t), "pytest -q");
    }

    #[test]
    fn justfile_recipes() {
        let t = "set shell := [\"bash\", \"-c\"]\nversion := \"1\"\n\n# the tests\ntest *args: build\n    cargo test {{args}}\n\n@build:\n  cargo build\n";
        let jf = Justfile::parse(t);
        assert_eq!(jf.first.as_deref(), Some("test"));
        let r = &jf.recipes[0];
        assert_eq!(r.deps, vec!["build".to_string()]);
        let (line, at) = &r.body[0];
        assert_eq!(&t[*at..at + line.len()], "cargo test {{args}}");
        assert_eq!(r.commands[0].words[0].span.text(t), "cargo");
        assert_eq!(jf.recipes[1].name, "build");
    }

    #[test]
    fn tox_commands() {
        let t = "[tox]\nenvlist = py\n\n[testenv]\ndeps = pytest\ncommands =\n    pytest --cov {posargs}\n    # a comment\n    coverage report\n[testenv:lint]\ncommands = ruff check .\n";
        let s = ini_sections(t, "commands");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].0, "testenv");
        let (line, at) = s[0].1[1];
        assert_eq!(&t[at..at + line.len()], "coverage report");
        assert_eq!(s[1].1[0].0, "ruff check .");
    }

    #[test]
    fn package_json_literal() {
        let t = "{\n  \"scripts\": {\n    \"test\": \"jest --coverage\"\n  }\n}\n";
        let (exact, lit) = json_string_span(t, "test", "jest --coverage");
        let at = exact.unwrap();
        assert_eq!(&t[at..at + 4], "jest");
        assert_eq!(lit.text(t), "\"jest --coverage\"");
    }
}
