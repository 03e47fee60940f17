//! From the command line as typed to validated settings: rules loaded, selectors and targets
//! parsed. Every mistake found here is a usage or rule error (exit 2) before any file is read.

use std::path::PathBuf;

use anyhow::{Result, anyhow};

use super::args::{RuleArgs, RunArgs};
use super::diagnostics::RuleErrors;
use upshift::engine::walk::WalkOptions;
use upshift::rules::{RuleSet, Selection, Selector, Target};

/// Loads the rules `args` name and builds the selection.
pub fn rules(args: &RuleArgs) -> Result<(RuleSet, Selection)> {
    let set = RuleSet::load(&args.rule_dirs).map_err(RuleErrors)?;
    let selection = selection(args)?;
    for selector in selection.select.iter().chain(&selection.ignore) {
        if !set.rules.iter().any(|rule| selector.matches(rule)) {
            return Err(anyhow!(
                "`{}` matches no rule (see `upshift rules`)",
                selector.as_str()
            ));
        }
    }
    Ok((set, selection))
}

fn selection(args: &RuleArgs) -> Result<Selection> {
    let parse = |texts: &[String]| -> Result<Vec<Selector>> {
        texts
            .iter()
            .map(|t| Selector::parse(t.trim()).map_err(|e| anyhow!(e)))
            .collect()
    };
    let targets = args
        .targets
        .iter()
        .map(|t| t.parse::<Target>().map_err(|e| anyhow!("--target: {e}")))
        .collect::<Result<Vec<_>>>()?;
    Ok(Selection {
        select: parse(&args.select)?,
        ignore: parse(&args.ignore)?,
        targets,
    })
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
