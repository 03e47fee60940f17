//! The command line as typed: clap's derive structs, checked for shape only. `settings` turns
//! them into what the commands run on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use upshift::engine::shard::Shard;

/// upshift finds legacy patterns in Python, Django, Spring and Rails code and rewrites them
/// for a target version.
#[derive(Parser, Debug)]
#[command(name = "upshift", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Report legacy patterns. Exit 0: none; 1: findings; 2: error.
    Check(CheckArgs),
    /// Rewrite legacy patterns in place (safe fixes; add --unsafe-fixes for the rest).
    Fix(FixArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Show one rule: what it finds, why, its versions and an example.
    Explain(ExplainArgs),
    /// Print a file's syntax tree, for rule authors.
    Parse(ParseArgs),
    /// Run rule fixtures: DIR/rules against DIR/fixtures.
    Test(TestArgs),
    /// Show the configuration that applies to a path, and where each value comes from.
    Config(ConfigArgs),
    /// Put back the files the last `upshift fix` changed in this repository (or PATH's).
    Undo(UndoArgs),
    /// Find the projects in a tree, and the framework and language versions each is on.
    Detect(DetectArgs),
    /// Write an upgrade compatibility report: steps, blockers, effort, owners, hot spots.
    Report(ReportArgs),
    /// Split the auto-fixable work into reviewable batches, each with the command that
    /// applies it.
    Plan(PlanArgs),
}

/// `upshift undo [PATH]`.
#[derive(Args, Debug)]
pub struct UndoArgs {
    /// A file or folder of the repository whose last fix to undo (default: the current folder).
    /// The journal is looked for there and in every folder above it.
    pub path: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DetectArgs {
    /// Directories to search [default: .]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// The same as `--format json` (kept for scripts written before `--format`).
    #[arg(long, hide = true)]
    pub json: bool,
}

/// The format of `detect` and `rules`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    /// A table.
    Text,
    /// A versioned JSON document.
    Json,
}

impl ListFormat {
    /// The format asked for, with the hidden `--json` alias.
    pub fn with_alias(self, json: bool) -> ListFormat {
        if json { ListFormat::Json } else { self }
    }
}

/// What `report` and `plan` examine.
#[derive(Args, Debug, Clone)]
pub struct ScanArgs {
    /// Files and directories to examine [default: .]
    pub paths: Vec<PathBuf>,
    /// Worker threads [default: the number of cores].
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,
    /// Only the files of shard K of N (see `report merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Also examine hidden files and directories.
    #[arg(long)]
    pub hidden: bool,
    /// Do not respect .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: Option<ReportCommand>,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub scan: ScanArgs,
    #[command(flatten)]
    pub output: ReportOutput,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Combine the JSON reports of the shards of one run into the report of the whole run.
    Merge(MergeArgs),
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The shards' JSON reports.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub output: ReportOutput,
}

#[derive(Args, Debug, Clone)]
pub struct ReportOutput {
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// For a pull request or a wiki (also `md`).
    #[value(alias = "md")]
    Markdown,
    /// One self-contained page with charts.
    Html,
    /// The versioned report document (what `report merge` reads).
    Json,
    /// One row per finding.
    Csv,
}

#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub scan: ScanArgs,
    /// At most this many files per batch.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_files: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
    pub format: PlanFormat,
    /// The same as `--format json` (kept for scripts written before `--format`).
    #[arg(long, hide = true)]
    pub json: bool,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// The format of `plan`.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFormat {
    /// The steps with their commands (also `md`).
    #[value(alias = "md")]
    Markdown,
    /// A versioned JSON document.
    Json,
}

/// How `report` and `plan` look up dependencies in the package registries.
#[derive(Args, Debug, Clone, Default)]
pub struct RegistryArgs {
    /// Do not ask the package registries: use what is cached, and report the rest as unknown.
    #[arg(long)]
    pub offline: bool,
    /// Do not check the dependencies at all.
    #[arg(long, conflicts_with = "offline")]
    pub no_dependencies: bool,
}

#[derive(Args, Debug)]
pub struct ConfigArgs {
    /// A file or folder [default: .]
    pub path: Option<PathBuf>,
}

/// Which rules run.
#[derive(Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// Add the rules in DIR (laid out as DIR/<pack>/<name>.yml). Repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    pub rule_dirs: Vec<PathBuf>,
    /// Leave out the built-in rules: only those of --rules DIR (and the configuration) run.
    #[arg(long)]
    pub no_builtin_rules: bool,
    /// The version to upgrade to, as FRAMEWORK@VERSION (python@3.10, django@4.2,
    /// spring-boot@3.2, rails@7.1). Repeatable.
    #[arg(long = "target", value_name = "FRAMEWORK@VERSION")]
    pub targets: Vec<String>,
    /// Only these rules: ids, packs or globs (django/url*). Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Leave out these rules: ids, packs or globs. Comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// The database migrations run on: postgresql (default) or mysql, optionally with the
    /// server version (postgresql@11).
    #[arg(long, value_name = "DATABASE[@VERSION]")]
    pub database: Option<String>,
    /// Switch on a rule pack's option (keep-runtime-typing, keep-percent-format; `upshift
    /// rules` lists each pack's). Comma-separated or repeated.
    #[arg(long = "option", value_delimiter = ',', value_name = "NAME")]
    pub options: Vec<String>,
}

/// Which files, and how the run goes.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Files and directories to process [default: .]
    pub paths: Vec<PathBuf>,
    /// Worker threads [default: the number of cores].
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,
    /// Skip files larger than this many bytes [default: 10 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Read the source from standard input, as if it were the file NAME.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// Also process hidden files and directories.
    #[arg(long)]
    pub hidden: bool,
    /// Do not respect .gitignore and .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file, and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings on lines changed since this git revision (and in new files).
    #[arg(long, value_name = "REV")]
    pub diff_base: Option<String>,
    /// Give up on a file (and report it skipped) after this many seconds of parsing and
    /// matching.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub file_timeout: f64,
    /// Do not read or write the result cache (in the user's cache folder).
    #[arg(long)]
    pub no_cache: bool,
    /// Do not show a progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Only the files of shard K of N: N jobs, one shard each, cover every file once.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

impl RunArgs {
    /// The run that `report` and `plan` make: a check of `scan`'s files, without the cache.
    pub fn scan(scan: &ScanArgs) -> RunArgs {
        RunArgs {
            paths: scan.paths.clone(),
            threads: scan.threads,
            max_file_size: None,
            stdin_filename: None,
            hidden: scan.hidden,
            no_ignore: scan.no_ignore,
            format: Format::Json,
            exit_zero: true,
            baseline: None,
            write_baseline: None,
            diff_base: None,
            file_timeout: 10.0,
            no_cache: false,
            quiet: true,
            shard: scan.shard,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with the source line.
    Text,
    /// One line per finding.
    Concise,
    /// A versioned JSON document.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// GitHub Actions annotations.
    Github,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Args, Debug)]
pub struct FixArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub run: RunArgs,
    /// Also apply fixes that may change behaviour.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of the fixes and write nothing.
    #[arg(long)]
    pub diff: bool,
    /// Fix files that have uncommitted changes in git.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Also write the reverse of the fixes as a unified diff to FILE (`git apply` undoes them).
    #[arg(long, value_name = "FILE")]
    pub backup_patch: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Only this pack.
    #[arg(long)]
    pub pack: Option<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// The same as `--format json` (kept for scripts written before `--format`).
    #[arg(long, hide = true)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The rule id, such as django/url-to-re-path.
    pub rule: String,
    #[command(flatten)]
    pub rules: RuleArgs,
}

#[derive(Args, Debug)]
pub struct ParseArgs {
    /// The files (with --stats: files and directories) to parse.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Walk, read and parse only, and print counts: the floor any tree-sitter tool pays.
    #[arg(long, hide = true)]
    pub stats: bool,
    /// With --stats: walk and read only, without parsing (the floor of a cached re-run).
    #[arg(long, hide = true, requires = "stats")]
    pub read_only: bool,
    /// Worker threads, with --stats.
    #[arg(short = 'j', long = "threads", value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Args, Debug)]
pub struct TestArgs {
    /// A folder with rules/ and fixtures/ [default: .]
    pub dir: Option<PathBuf>,
    /// Only rules matching these ids, packs or globs.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
}
