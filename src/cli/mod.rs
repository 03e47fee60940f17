//! The command-line edge: arguments ([`args`]) become settings ([`settings`]), commands run,
//! and every error becomes a message and exit code 2. Exit codes: 0 clean, 1 findings (or a
//! failing fixture), 2 usage, rule or I/O error.

pub mod args;
pub mod config_cmd;
pub mod diagnostics;
pub mod git;
pub mod info;
pub mod output;
pub mod report_cmd;
pub mod run;
pub mod settings;
pub mod test;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use output::BrokenPipe;
use run::{FixFlags, Mode};

/// `upshift undo`: restores the last fix run's files, refusing those edited since. The journal
/// is the newest in the nearest folder at or above `start` that holds one.
fn undo(args: &args::UndoArgs) -> anyhow::Result<ExitCode> {
    let start = args.path.as_deref().unwrap_or(std::path::Path::new("."));
    let (path, journal) = upshift::engine::undo::Journal::find(start)?;
    let (restored, refused) = journal.restore();
    for file in &restored {
        eprintln!("restored {}", file.display());
    }
    for (file, why) in &refused {
        eprintln!("not restored: {}: {why}", file.display());
    }
    if refused.is_empty() {
        std::fs::remove_file(&path)?;
        eprintln!("Undid the last fix: {} files.", restored.len());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} files restored, {} left as they are; the journal {} is kept.",
            restored.len(),
            refused.len(),
            path.display()
        );
        Ok(ExitCode::from(1))
    }
}

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => run::execute(&args.rules, &args.run, Mode::Check),
        Command::Fix(args) => run::execute(
            &args.rules,
            &args.run,
            Mode::Fix(FixFlags {
                unsafe_fixes: args.unsafe_fixes,
                diff: args.diff,
                allow_dirty: args.allow_dirty,
                backup_patch: args.backup_patch.as_deref(),
            }),
        ),
        Command::Detect(args) => report_cmd::detect(args),
        Command::Report(args) => report_cmd::report(args),
        Command::Plan(args) => report_cmd::plan(args),
        Command::Rules(args) => info::rules(args),
        Command::Explain(args) => info::explain(args),
        Command::Parse(args) => info::parse_files(args),
        Command::Test(args) => test::test(args),
        Command::Config(args) => config_cmd::show(args),
        Command::Undo(args) => undo(args),
    };
    match result {
        Ok(code) => code,
        Err(err) if err.is::<BrokenPipe>() => ExitCode::SUCCESS,
        Err(err) if err.is::<diagnostics::RuleErrors>() => {
            eprintln!("{err}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
