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
    if paths.iter().any(|p| p == Path::new("-")) {
        let name = args
            .stdin_filename
            .clone()
            .ok_or("reading standard input (`-`) needs --stdin-filename to know the file's kind")?;
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
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
        Some(p) => Config::load(p).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    if !args.select.is_empty() {
        let sel: Result<Vec<Selector>, String> =
            args.select.iter().map(|s| Selector::parse(s)).collect();
        config.selection.select = Some(sel.map_err(|e| format!("--select: {e}"))?);
    }
    for s in &args.ignore {
        config.selection.ignore.push(
            Selector::parse(s)
                .and_then(Selector::not_parse_error)
                .map_err(|e| format!("--ignore: {e}"))?,
        );
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
        engine::check(&opts)
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
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let human = HumanOptions {
        color,
        width: if to_terminal { 100 } else { 120 },
    };
    match &args.output {
        Some(path) => {
            let mut file = std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            output::write(&report, format, &human, &mut file)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            // the summary still reaches the person running it
            if format != Format::Human {
                eprintln!("{}", report.summary_line());
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            output::write(&report, format, &human, &mut out)
                .map_err(|e| format!("cannot write output: {e}"))?;
        }
    }
    for note in &gating_notes {
        eprintln!("plumb: {note}");
    }
    if !report.errors.is_empty() && format != Format::Human {
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
            return Err(format!("unknown pack \"{p}\""));
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
    let rule =
        rules::find(id).ok_or_else(|| format!("unknown rule \"{id}\" (see `plumb rules`)"))?;
    println!("{}", rule.doc.trim_end());
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
