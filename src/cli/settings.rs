//! From the command line and configuration files to validated settings: rules loaded, and per
//! file the selection it is checked with. Every mistake found here is a usage, configuration or
//! rule error (exit 2) before any source file is read.
//!
//! Precedence, per setting: the command line, then the closest configuration file that sets it,
//! then the default. `per-file-ignores` of every layer add to the ignored rules.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

use super::args::{RuleArgs, RunArgs};
use super::diagnostics::RuleErrors;
use upshift::config::Layered;
use upshift::detect::Detected;
use upshift::engine::walk::WalkOptions;
use upshift::rules::{RuleSet, Selection, Selector, Target};

/// The default `--max-file-size`.
/// The pack whose fixes `fix` makes only in migrations that have not run yet.
const MIGRATIONS_PACK: &str = "migrations";

pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// What decides how one file is checked; files with equal settings share one rule plan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileSettings {
    pub targets: Vec<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Pack options switched on.
    pub options: Vec<String>,
    pub unsafe_fixes: bool,
    pub max_file_size: u64,
    /// `postgresql` or `mysql`, optionally `@VERSION`.
    pub database: Option<String>,
    /// A migration that `fix` leaves alone (it has probably run already): the migrations pack,
    /// whose fixes change how a migration locks, does not run on it.
    pub migration_history: bool,
}

impl FileSettings {
    /// The settings for `path`, whose folder's configuration is `config` and whose project is
    /// on the `detected` versions.
    pub fn resolve(
        rules: &RuleArgs,
        run: &RunArgs,
        unsafe_fixes: bool,
        config: &Layered,
        detected: &[Detected],
        path: &Path,
    ) -> FileSettings {
        let pick = |cli: &[String], file: Option<upshift::config::Setting<Vec<String>>>| {
            if cli.is_empty() {
                file.map(|s| s.value).unwrap_or_default()
            } else {
                cli.to_vec()
            }
        };
        let mut ignore = pick(&rules.ignore, config.ignore());
        ignore.extend(config.ignored_for(path));
        ignore.sort();
        ignore.dedup();
        FileSettings {
            targets: targets(&rules.targets, config, detected),
            select: pick(&rules.select, config.select()),
            ignore,
            options: pick(&rules.options, config.options()),
            unsafe_fixes: unsafe_fixes || config.unsafe_fixes().is_some_and(|s| s.value),
            max_file_size: run
                .max_file_size
                .or(config.max_file_size().map(|s| s.value))
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
            database: rules
                .database
                .clone()
                .or_else(|| config.migrations().and_then(|m| m.value.database)),
            migration_history: false,
        }
    }

    /// The rule selection these settings make, checked against the loaded rules.
    pub fn selection(&self, set: &RuleSet) -> Result<Selection> {
        let parse = |texts: &[String]| -> Result<Vec<Selector>> {
            texts
                .iter()
                .map(|t| {
                    let selector = Selector::parse(t.trim()).map_err(|e| anyhow!(e))?;
                    if !set.selects_any(&selector) {
                        return Err(anyhow!(
                            "`{}` matches no rule (see `upshift rules`)",
                            selector.as_str()
                        ));
                    }
                    Ok(selector)
                })
                .collect()
        };
        let targets = self
            .targets
            .iter()
            .map(|t| t.parse::<Target>().map_err(|e| anyhow!("target: {e}")))
            .collect::<Result<Vec<_>>>()?;
        let targets = upshift::rules::select::with_implied(targets, set);
        let database = self.database.as_deref().map(parse_database).transpose()?;
        let mut ignore = parse(&self.ignore)?;
        if self.migration_history {
            let pack = Selector::parse(MIGRATIONS_PACK).map_err(|e| anyhow!(e))?;
            if set.selects_any(&pack) {
                ignore.push(pack);
            }
        }
        Ok(Selection {
            select: parse(&self.select)?,
            ignore,
            targets,
            database,
            options: options(&self.options, set)?,
        })
    }
}

/// The named options, each checked to be one a loaded pack declares.
fn options(names: &[String], set: &RuleSet) -> Result<BTreeSet<String>> {
    let known: BTreeSet<&str> = set
        .packs
        .values()
        .flat_map(|p| p.options.keys().map(String::as_str))
        .collect();
    names
        .iter()
        .map(|name| {
            let name = name.trim();
            if known.contains(name) {
                Ok(name.to_string())
            } else if known.is_empty() {
                Err(anyhow!("option `{name}`: no loaded rule pack has options"))
            } else {
                let known: Vec<&str> = known.iter().copied().collect();
                Err(anyhow!(
                    "unknown option `{name}` (the loaded packs have: {})",
                    known.join(", ")
                ))
            }
        })
        .collect()
}

/// Per framework, the command line's target, else the configuration's, else the version the
/// project is on (from its manifests).
fn targets(cli: &[String], config: &Layered, detected: &[Detected]) -> Vec<String> {
    let framework = |t: &String| t.split('@').next().unwrap_or("").to_ascii_lowercase();
    let mut out: Vec<String> = cli.to_vec();
    let configured = config.target().map(|s| s.value).unwrap_or_default();
    let found: Vec<String> = detected
        .iter()
        .filter_map(|d| Some(d.target()?.to_string()))
        .collect();
    for target in configured.into_iter().chain(found) {
        if !out.iter().any(|t| framework(t) == framework(&target)) {
            out.push(target);
        }
    }
    out.sort();
    out
}

/// `postgresql`, `mysql@8.0`: the database kind, and its version when given (else `0`, unknown).
pub fn parse_database(text: &str) -> Result<Target> {
    let with_version = if text.contains('@') {
        text.to_string()
    } else {
        format!("{text}@0")
    };
    let database: Target = with_version.parse().map_err(|e| anyhow!("database: {e}"))?;
    if !["postgresql", "mysql"].contains(&database.framework.as_str()) {
        return Err(anyhow!(
            "database: `{}` is not supported (postgresql or mysql)",
            database.framework
        ));
    }
    Ok(database)
}

/// Loads the built-in rules (unless `built_in` is false) and those in `dirs` (command line
/// first, then configuration).
pub fn load_rules(dirs: &[PathBuf], built_in: bool) -> Result<RuleSet> {
    load_rules_for(dirs, built_in, None)
}

/// Like [`load_rules`], reading only the built-in rules of `languages` when given.
pub fn load_rules_for(
    dirs: &[PathBuf],
    built_in: bool,
    languages: Option<&[&str]>,
) -> Result<RuleSet> {
    let mut unique: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        if !unique.contains(dir) {
            unique.push(dir.clone());
        }
    }
    Ok(if built_in {
        match languages {
            Some(languages) => RuleSet::load_for(&unique, languages),
            None => RuleSet::load(&unique),
        }
    } else {
        RuleSet::load_from(false, &unique)
    }
    .map_err(RuleErrors)?)
}

/// Loads the rules `args` name and builds their selection, for commands without files.
pub fn rules(args: &RuleArgs) -> Result<(RuleSet, Selection)> {
    let set = load_rules(&args.rule_dirs, !args.no_builtin_rules)?;
    let settings = FileSettings {
        targets: args.targets.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        options: args.options.clone(),
        unsafe_fixes: false,
        max_file_size: DEFAULT_MAX_FILE_SIZE,
        database: args.database.clone(),
        migration_history: false,
    };
    let selection = settings.selection(&set)?;
    Ok((set, selection))
}

/// The paths to walk (`.` when none is given) and how.
pub fn walk(args: &RunArgs) -> (Vec<PathBuf>, WalkOptions) {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    (
        paths,
        WalkOptions {
            hidden: args.hidden,
            no_ignore: args.no_ignore,
        },
    )
}

/// A rayon pool with `threads` workers (all cores when `None`).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        if n == 0 {
            return Err(anyhow!("-j/--threads must be at least 1"));
        }
        builder = builder.num_threads(n);
    }
    Ok(builder.build()?)
}
