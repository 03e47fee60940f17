//! `upshift test [DIR]`: the rules in DIR/rules against their fixtures in DIR/fixtures.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow};

use super::args::TestArgs;
use super::diagnostics::RuleErrors;
use super::output::Output;
use upshift::fixtures;
use upshift::rules::{RuleSet, Selector};

pub fn test(args: &TestArgs) -> Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let rules_dir = dir.join("rules");
    let fixtures_dir = dir.join("fixtures");
    if !rules_dir.is_dir() {
        return Err(anyhow!(
            "{}: no rules/ folder here (upshift test expects DIR/rules and DIR/fixtures)",
            dir.display()
        ));
    }
    let set = RuleSet::load_from(false, &[rules_dir]).map_err(RuleErrors)?;
    let selectors = args
        .select
        .iter()
        .map(|s| Selector::parse(s).map_err(|e| anyhow!(e)))
        .collect::<Result<Vec<_>>>()?;
    let outcome = fixtures::run(&set, &fixtures_dir, |rule| {
        selectors.is_empty() || selectors.iter().any(|s| s.matches(rule))
    });
    let mut out = Output::stdout();
    for failure in &outcome.failures {
        out.line(&format!("FAIL {failure}"))?;
    }
    let failed_rules: std::collections::BTreeSet<&str> =
        outcome.failures.iter().map(|f| f.rule.as_str()).collect();
    out.line(&format!(
        "rules: {} passed, {} failed ({} cases)",
        outcome.rules - failed_rules.len(),
        failed_rules.len(),
        outcome.cases
    ))?;
    Ok(if outcome.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
