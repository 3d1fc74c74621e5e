//! The command line: parse arguments (clap, in `args.rs`), run the command, map the result
//! to an exit code. The binary's `main` only calls [`main`].

mod args;

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use args::{CheckArgs, Cli, ColorArg, Command, FailOn, RulesArgs, RulesFormat};

use crate::api::{Applicability, Rule, Severity};
use crate::config::{Config, Selector};
use crate::engine::{self, CheckOptions};
use crate::gate;
use crate::output::{self, Format, HumanOptions};
use crate::rules::{self, REGISTRY};

/// Run plumb with the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules(args) => list_rules(args),
        Command::Explain { rule } => explain(&rule),
        Command::Server => crate::server::run().map(|()| ExitCode::SUCCESS),
        Command::Init { path, force } => init(&path, force),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("plumb: {message}");
            ExitCode::from(2)
        }
    }
}

/// The repository root: the nearest directory above the working directory holding `.git`,
/// else the working directory. Output paths are relative to it, and the config is read
/// from it.
fn repo_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut dir = cwd.as_path();
    loop {
        if dir.join(".git").exists() {
            return dir.to_path_buf();
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => return cwd,
        }
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, String> {
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let mut stdin = None;
    let mut stdin_kind = None;
    if paths.iter().any(|p| p == Path::new("-")) {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        let name = match args.stdin_filename.clone() {
            Some(name) => name,
            None => {
                // no name: the kind from the content, shown as `-`
                let kind = crate::discover::sniff_content(&text).ok_or(
                    "cannot tell the kind of standard input from its content: name it with --stdin-filename (deploy.yaml, Dockerfile, main.tf...)",
                )?;
                stdin_kind = Some(kind);
                PathBuf::from("-")
            }
        };
        stdin = Some((name, text));
        paths.retain(|p| p != Path::new("-"));
    }

    // one config per run: --config, else the repository root's; never one a scanned
    // directory holds (a pull request could switch its own checks off with it)
    let root = repo_root();
    let config_path = if args.no_config {
        None
    } else if let Some(p) = &args.config {
        Some(p.clone())
    } else {
        crate::config::CONFIG_NAMES
            .iter()
            .map(|n| root.join(n))
            .find(|p| p.is_file())
    };
    let mut config = match &config_path {
        Some(p) => match Config::load(p) {
            Ok(c) => c,
            Err(e) => {
                let error = crate::report::ToolError {
                    file: Some(crate::paths::rel_path(&root, &e.file)),
                    position: Some((e.line, e.column)),
                    message: e.message.clone(),
                };
                return config_failure(&args, &root, config_path.as_deref(), error);
            }
        },
        None => Config::default(),
    };
    let cli_error = |message: String| crate::report::ToolError {
        file: None,
        position: None,
        message,
    };
    if !args.select.is_empty() {
        let sel: Result<Vec<Selector>, String> =
            args.select.iter().map(|s| Selector::parse(s)).collect();
        match sel {
            Ok(sel) => config.selection.select = Some(sel),
            Err(e) => {
                let error = cli_error(format!("--select: {e}"));
                return config_failure(&args, &root, config_path.as_deref(), error);
            }
        }
    }
    for s in &args.ignore {
        match Selector::parse(s).and_then(Selector::not_parse_error) {
            Ok(sel) => config.selection.ignore.push(sel),
            Err(e) => {
                let error = cli_error(format!("--ignore: {e}"));
                return config_failure(&args, &root, config_path.as_deref(), error);
            }
        }
    }
    if let Some(kind) = stdin_kind {
        // the unnamed buffer's kind, as a `kinds:` entry for its name only
        let rel = crate::paths::rel_path(&root, Path::new("-"));
        let glob = globset::Glob::new(&globset::escape(&rel))
            .map_err(|e| format!("standard input: {e}"))?
            .compile_matcher();
        config.kinds.insert(0, (glob, kind));
    }
    let fail_on: Option<Severity> = match args.fail_on {
        Some(FailOn::Error) => Some(Severity::Error),
        Some(FailOn::Warning) => Some(Severity::Warning),
        Some(FailOn::Note) => Some(Severity::Note),
        Some(FailOn::Never) => None,
        None => config.fail_on.unwrap_or(Some(Severity::Warning)),
    };

    if let Some(n) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .map_err(|e| format!("--jobs: {e}"))?;
    }

    match &config_path {
        Some(p) => eprintln!("plumb: config {}", crate::paths::display(p)),
        None if args.no_config => eprintln!("plumb: no config (--no-config): the defaults apply"),
        None => eprintln!(
            "plumb: no config at the repository root ({}): the defaults apply",
            crate::paths::display(&root)
        ),
    }
    if args.list_files {
        let found = crate::discover::discover(
            &paths,
            &root,
            &config,
            &args.exclude,
            args.no_ignore,
            args.max_file_size,
            config_path.as_deref(),
        );
        let mut out = std::io::stdout().lock();
        for c in &found.candidates {
            let kind = match c.kind {
                Some(k) => k.name().to_string(),
                None => {
                    let text = std::fs::read_to_string(&c.path).unwrap_or_default();
                    let chart = crate::discover::in_helm_chart(&c.path);
                    match crate::discover::classify(&c.rel, &text, chart) {
                        Ok(Some(k)) => k.name().to_string(),
                        Ok(None) | Err(_) => continue,
                    }
                }
            };
            let _ = writeln!(out, "{kind}\t{}", c.rel);
        }
        return Ok(ExitCode::SUCCESS);
    }

    let opts = CheckOptions {
        paths,
        stdin,
        config,
        root,
        no_ignore: args.no_ignore,
        exclude: args.exclude.clone(),
        max_file_size: args.max_file_size,
        config_file: config_path.clone(),
        no_inline_ignores: args.no_ignores,
    };
    let fixing = args.fix || args.unsafe_fixes || args.diff;
    let mut report = if fixing {
        let level = if args.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        if opts.stdin.is_some() && !args.diff {
            return Err(
                "--fix cannot write standard input back: use --diff to see the fixes".into(),
            );
        }
        let outcome = engine::fix::fix(&opts, level);
        if args.diff {
            let mut out = std::io::stdout().lock();
            for f in &outcome.files {
                out.write_all(
                    output::diff::unified(&f.rel, &f.masked_before, &f.masked_after).as_bytes(),
                )
                .map_err(|e| format!("cannot write output: {e}"))?;
            }
            let n: usize = outcome.files.iter().map(|f| f.applied).sum();
            eprintln!(
                "plumb: {n} fixes in {} files would be applied{}",
                outcome.files.len(),
                if args.unsafe_fixes {
                    ""
                } else {
                    " (more may come with --unsafe-fixes)"
                }
            );
            return Ok(if outcome.files.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        for f in &outcome.files {
            std::fs::write(&f.path, &f.after)
                .map_err(|e| format!("cannot write {}: {e}", f.path.display()))?;
        }
        let n: usize = outcome.files.iter().map(|f| f.applied).sum();
        eprintln!("plumb: applied {n} fixes in {} files", outcome.files.len());
        outcome.report
    } else {
        engine::check_then_exit(&opts)
    };

    if let Some(path) = &args.write_baseline {
        std::fs::write(path, gate::baseline::render(&report))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!(
            "plumb: recorded {} findings in {}",
            report.findings.len(),
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut gating_notes = Vec::new();
    if let Some(path) = &args.baseline {
        let baseline = gate::baseline::load(path)?;
        let scope = gate::baseline::Scope::of_paths(
            &opts.root,
            &opts.paths,
            opts.stdin.as_ref().map(|(name, _)| name.as_path()),
        );
        let stats = gate::baseline::apply(&mut report, &baseline, &scope);
        gating_notes.push(format!(
            "{} findings baselined in {}, {} baseline entries now fixed",
            stats.baselined,
            path.display(),
            stats.stale
        ));
    }
    if let Some(base) = &args.new_only_since {
        let files: Vec<String> = report
            .findings
            .iter()
            .map(|f| f.location.file.clone())
            .collect();
        let changes =
            gate::diff::changes_since(&opts.root, base, files.iter().map(String::as_str))?;
        let dropped = gate::diff::keep_changed(&mut report, &changes);
        gating_notes.push(format!(
            "{dropped} findings on lines unchanged since {base} not reported"
        ));
    }

    let format = args.format;
    if args.statistics && output::write_statistics(&report, format, &mut std::io::sink()).is_none()
    {
        return Err(format!(
            "--statistics works with --format human, concise or json, not {}",
            format.name()
        ));
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let env = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    let human = HumanOptions {
        color: use_color(args.color, to_terminal, env),
        width: output_width(to_terminal, env),
    };
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        if args.statistics {
            output::write_statistics(&report, format, out).unwrap_or(Ok(()))
        } else {
            output::write(&report, format, &human, out)
        }
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            // one write call per 64 KiB, not per line
            let mut file = std::io::BufWriter::with_capacity(1 << 16, file);
            write(&mut file)
                .and_then(|()| file.flush())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            // the summary still reaches the person running it
            if !matches!(format, Format::Human | Format::Concise) {
                eprintln!("{}", report.summary_line());
            }
        }
        None => {
            // stdout is line-buffered: without this, one write syscall (and a newline scan)
            // per output line was ~12% of a JSON run on 10,000 files
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write(&mut out)
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write output: {e}"))?;
        }
    }
    for note in &gating_notes {
        eprintln!("plumb: {note}");
    }
    if !report.errors.is_empty() && !matches!(format, Format::Human | Format::Concise) {
        for e in &report.errors {
            eprintln!(
                "plumb: {}{}",
                e.file
                    .as_deref()
                    .map(|f| format!("{f}: "))
                    .unwrap_or_default(),
                e.message
            );
        }
    }

    Ok(ExitCode::from(gate::outcome(&report, fail_on).code()))
}

/// A config or selection error, before anything was checked: exit 2. The machine formats
/// (json, sarif, github, gitlab) still write their document, the error in its documented
/// place (JSON `errors`, SARIF `toolExecutionNotifications`), so a pipeline reading them
/// sees why; every format says it on standard error too.
fn config_failure(
    args: &CheckArgs,
    root: &Path,
    config_path: Option<&Path>,
    error: crate::report::ToolError,
) -> Result<ExitCode, String> {
    let shown = format!(
        "{}{}",
        error
            .file
            .as_deref()
            .map_or_else(String::new, |f| match error.position {
                Some((l, c)) => format!("{f}:{l}:{c}: "),
                None => format!("{f}: "),
            }),
        error.message
    );
    if matches!(args.format, Format::Human | Format::Concise) || args.statistics {
        return Err(shown);
    }
    let report = crate::report::Report {
        errors: vec![error],
        config: config_path.map(|p| crate::paths::rel_path(root, p)),
        ..crate::report::Report::default()
    };
    let human = HumanOptions::default();
    let written = match &args.output {
        Some(path) => std::fs::File::create(path)
            .and_then(|mut f| output::write(&report, args.format, &human, &mut f)),
        None => output::write(&report, args.format, &human, &mut std::io::stdout().lock()),
    };
    eprintln!("plumb: {shown}");
    if let Err(e) = written {
        eprintln!("plumb: cannot write output: {e}");
    }
    Ok(ExitCode::from(2))
}

/// Whether human output gets colours. `--color always|never` decides; with `auto`, a
/// non-empty `NO_COLOR` turns them off, then a `FORCE_COLOR` or `CLICOLOR_FORCE` other than
/// empty or `0` turns them on (a CI log that renders ANSI), then `CLICOLOR=0` turns them
/// off, else a terminal gets them unless `TERM` is `dumb`. (The order of anstream's, which
/// cargo and ruff use.)
fn use_color(arg: ColorArg, to_terminal: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty() && v != "0");
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                false
            } else if set("FORCE_COLOR") || set("CLICOLOR_FORCE") {
                true
            } else if env("CLICOLOR").as_deref() == Some("0") {
                false
            } else {
                to_terminal && env("TERM").as_deref() != Some("dumb")
            }
        }
    }
}

/// The width human output wraps at: `COLUMNS` when set to a number, else the terminal's
/// width, else 120 columns (a log or a file).
fn output_width(to_terminal: bool, env: impl Fn(&str) -> Option<String>) -> usize {
    if let Some(n) = env("COLUMNS").and_then(|v| v.trim().parse::<usize>().ok()) {
        if n > 0 {
            return n.clamp(40, 1000);
        }
    }
    if to_terminal {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            if w > 0 {
                return usize::from(w).clamp(40, 1000);
            }
        }
    }
    120
}

fn list_rules(args: RulesArgs) -> Result<ExitCode, String> {
    let kind = match &args.kind {
        Some(k) => Some(
            crate::source::Kind::from_name(k)
                .ok_or_else(|| format!("unknown kind \"{k}\"; kinds are: workflow, action, dockerfile, compose, k8s, terraform"))?,
        ),
        None => None,
    };
    if let Some(p) = &args.pack {
        if !crate::api::PACKS.iter().any(|(n, _)| n == p) {
            return Err(format!(
                "unknown pack \"{p}\"{}; packs are: {}",
                rules::suggest::hint(rules::suggest::closest(
                    p,
                    crate::api::PACKS.iter().map(|(n, _)| *n)
                )),
                crate::api::PACKS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let selected: Vec<&Rule> = REGISTRY
        .iter()
        .copied()
        .filter(|r| kind.is_none_or(|k| r.applies_to(k)))
        .filter(|r| {
            args.pack
                .as_ref()
                .is_none_or(|p| r.packs.contains(&p.as_str()))
        })
        .collect();
    let text = match args.format {
        RulesFormat::Table => crate::output::rules_table(&selected),
        RulesFormat::Markdown => crate::output::rules_markdown(&selected),
        RulesFormat::Json => crate::output::rules_json(&selected),
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn explain(id: &str) -> Result<ExitCode, String> {
    let rule = rules::find(id).ok_or_else(|| {
        format!(
            "unknown rule \"{id}\"{} (see `plumb rules`)",
            rules::suggest::hint(rules::suggest::rule_or_pack(id))
        )
    })?;
    if let Some(p) = rules::peers::find(id).filter(|p| p.rule == rule.id && p.id != rule.id) {
        println!(
            "{} ({}) is covered by plumb's {}; its page follows.\n",
            p.id, p.tool, rule.id
        );
    }
    println!("{}", rule.doc.trim_end());
    if let Some(d) = rule.data_date {
        println!("\n## Data\n\nJudged by a table bundled with this plumb, dated {d}.");
    }
    if !rule.options.is_empty() && !rule.doc.contains("## Options") {
        println!("\n## Options\n");
        for o in rule.options {
            println!(
                "- `{}` ({}, default `{}`): {}",
                o.name,
                o.ty.name(),
                o.default.text(),
                o.help
            );
        }
    }
    // the page's "## Peers" section is generated from src/rules/peers.rs and checked
    // against it (tests/registry.rs), so the page and the alias table cannot drift
    Ok(ExitCode::SUCCESS)
}

fn init(path: &Path, force: bool) -> Result<ExitCode, String> {
    if path.exists() && !force {
        return Err(format!(
            "{} exists; use --force to overwrite it",
            path.display()
        ));
    }
    std::fs::write(path, crate::config::STARTER)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_string())
        }
    }

    #[test]
    fn colour_follows_the_conventions() {
        use ColorArg::*;
        // a terminal gets colour, a pipe none
        assert!(use_color(Auto, true, env(&[])));
        assert!(!use_color(Auto, false, env(&[])));
        // TERM=dumb: a terminal that cannot show it
        assert!(!use_color(Auto, true, env(&[("TERM", "dumb")])));
        assert!(use_color(Auto, true, env(&[("TERM", "xterm-256color")])));
        // forced into a pipe (a CI log that renders ANSI), even with TERM=dumb
        assert!(use_color(Auto, false, env(&[("FORCE_COLOR", "1")])));
        assert!(use_color(Auto, false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(use_color(
            Auto,
            true,
            env(&[("FORCE_COLOR", "1"), ("TERM", "dumb")])
        ));
        assert!(!use_color(Auto, false, env(&[("FORCE_COLOR", "0")])));
        assert!(!use_color(Auto, false, env(&[("CLICOLOR_FORCE", "")])));
        // NO_COLOR wins over forcing; the flag wins over both
        assert!(!use_color(
            Auto,
            true,
            env(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")])
        ));
        assert!(use_color(Auto, true, env(&[("NO_COLOR", "")])));
        assert!(!use_color(Auto, true, env(&[("CLICOLOR", "0")])));
        assert!(use_color(Always, false, env(&[("NO_COLOR", "1")])));
        assert!(!use_color(Never, true, env(&[("FORCE_COLOR", "1")])));
    }

    #[test]
    fn width_from_columns_else_a_log_width() {
        assert_eq!(output_width(false, env(&[])), 120);
        assert_eq!(output_width(false, env(&[("COLUMNS", "80")])), 80);
        assert_eq!(output_width(true, env(&[("COLUMNS", "200")])), 200);
        assert_eq!(output_width(false, env(&[("COLUMNS", "5")])), 40);
        assert_eq!(output_width(false, env(&[("COLUMNS", "wide")])), 120);
    }
}
