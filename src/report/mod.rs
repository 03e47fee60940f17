//! Reports: what a run found and did, as terminal diagnostics ([`text`]), JSON ([`json`]),
//! SARIF ([`sarif`]) or a unified diff ([`diff`]).
//!
//! Every format reads the same flat list of [`Entry`] values built here from the engine's
//! results, so they cannot disagree about what was found.

pub mod baseline;
pub mod diff;
pub mod github;
pub mod json;
pub mod owners;
pub mod sarif;
pub mod text;
pub mod upgrade;

use std::path::Path;

use crate::engine::matcher::Finding;
use crate::engine::plan::Plan;
use crate::engine::{FileReport, FileStatus};
use crate::rules::{Rule, Safety, Severity};

/// Whether a finding can be fixed, and how.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Fixability {
    /// `upshift fix` fixes it.
    Safe,
    /// `upshift fix --unsafe-fixes` fixes it.
    Unsafe,
    /// A person must change it.
    None,
}

impl Fixability {
    fn of(finding: &Finding) -> Fixability {
        match finding.fix.as_ref().map(|f| f.safety) {
            Some(Safety::Safe) => Fixability::Safe,
            Some(Safety::Unsafe) => Fixability::Unsafe,
            None => Fixability::None,
        }
    }
}

/// One finding with everything a report shows about it.
pub struct Entry<'a> {
    pub path: &'a Path,
    /// The text the finding's positions refer to.
    pub text: &'a str,
    pub rule: &'a Rule,
    pub severity: Severity,
    pub finding: &'a Finding,
    pub fixability: Fixability,
}

/// Every finding of a run, in file order, then position.
pub fn entries<'a>(plan: &'a Plan, files: &'a [FileReport]) -> Vec<Entry<'a>> {
    let mut out = Vec::new();
    for file in files {
        let FileStatus::Analyzed(analysis) = &file.status else {
            continue;
        };
        for finding in &analysis.findings {
            let active = &plan.rules[finding.rule];
            out.push(Entry {
                path: &file.path,
                text: &analysis.text,
                rule: active.rule,
                severity: active.severity,
                finding,
                fixability: Fixability::of(finding),
            });
        }
    }
    out
}

/// Counts for the summary line and the exit code.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub skipped: usize,
    pub findings: usize,
    pub files_with_findings: usize,
    pub fixable: usize,
    pub unsafe_fixable: usize,
    pub fixed: usize,
    pub files_changed: usize,
}

impl Summary {
    pub fn of<'r>(files: impl IntoIterator<Item = &'r FileReport>, entries: &[Entry]) -> Summary {
        let mut summary = Summary {
            findings: entries.len(),
            ..Summary::default()
        };
        for entry in entries {
            match entry.fixability {
                Fixability::Safe => summary.fixable += 1,
                Fixability::Unsafe => summary.unsafe_fixable += 1,
                Fixability::None => {}
            }
        }
        for file in files {
            summary.files += 1;
            match &file.status {
                FileStatus::Skipped(_) => summary.skipped += 1,
                FileStatus::Analyzed(analysis) => {
                    summary.files_with_findings += usize::from(!analysis.findings.is_empty());
                    summary.fixed += analysis.applied.values().sum::<usize>();
                    summary.files_changed += usize::from(analysis.changed());
                }
            }
        }
        summary
    }
}
