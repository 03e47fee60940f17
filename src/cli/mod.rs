//! The command-line edge: arguments ([`args`]) become settings ([`settings`]), commands run,
//! and every error becomes a message and exit code 2. Exit codes: 0 clean, 1 findings (or a
//! failing fixture), 2 usage, rule or I/O error.

pub mod args;
pub mod config_cmd;
pub mod diagnostics;
pub mod git;
pub mod info;
pub mod output;
pub mod run;
pub mod settings;
pub mod test;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use output::BrokenPipe;
use run::FixFlags;

/// Runs the command line and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => run::execute(&args.rules, &args.run, None),
        Command::Fix(args) => run::execute(
            &args.rules,
            &args.run,
            Some(FixFlags {
                unsafe_fixes: args.unsafe_fixes,
                diff: args.diff,
                allow_dirty: args.allow_dirty,
            }),
        ),
        Command::Rules(args) => info::rules(args),
        Command::Explain(args) => info::explain(args),
        Command::Parse(args) => info::parse_files(args),
        Command::Test(args) => test::test(args),
        Command::Config(args) => config_cmd::show(args),
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
