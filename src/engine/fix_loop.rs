//! The fix loop: match, apply the fixes that do not overlap, verify, and repeat on the new text
//! until nothing is left to fix, as Ruff does.
//!
//! Each pass re-parses and re-matches, so fixes deferred because of an overlap, and findings a
//! fix exposes, are handled in later passes. A pass whose result parses worse than the original
//! is not kept: each of its fixes is tried alone, and the rules whose fixes break the file are
//! not applied to it again (and are reported). A text seen before means two rules undo each
//! other; too many passes means no convergence: in both cases the file keeps its original
//! text, and the rules involved are named.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

use super::edit::{self, Fix, ImportChange};
use super::import_edit;
use super::matcher::Finding;
use super::suppress::SuppressionNotes;
use super::verify::{Baseline, Broken, still_parses};
use super::{Analyzer, FileAnalysis};
use crate::rules::Safety;

/// How many passes a file gets before upshift gives up on it.
pub const MAX_PASSES: usize = 10;

/// Why some or all fixes were not applied to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixProblem {
    /// These rules' fixes made the file fail to parse, or added an error the compiler reports
    /// (`compiler_error`, its kind); they were dropped for this file.
    Unverified {
        rules: Vec<usize>,
        compiler_error: Option<&'static str>,
    },
    /// These rules' fixes undo each other; the file was left as it was.
    Cycle { rules: Vec<usize> },
    /// Fixes kept producing changes after [`MAX_PASSES`] passes; the file was left as it was.
    NotConverged { rules: Vec<usize> },
}

/// The result of fixing one file.
pub struct FixOutcome {
    /// The final text, equal to the original when nothing was (or could be) applied.
    pub text: String,
    /// Rule -> number of fixes applied.
    pub applied: BTreeMap<usize, usize>,
    pub problems: Vec<FixProblem>,
    /// The findings on the final text.
    pub findings: Vec<Finding>,
    /// Bare and unused suppressions in the final text.
    pub suppressions: SuppressionNotes,
    /// Files the applied fixes create when missing: (path relative to the project, contents).
    pub creates: Vec<(String, String)>,
}

fn hash(text: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Fixes `original` as far as possible. Returns `None` when the file ran out of time.
pub fn fix(
    analyzer: &Analyzer,
    original: &str,
    unsafe_fixes: bool,
    deadline: Instant,
) -> Option<FixOutcome> {
    let first = analyzer.analyze(original, deadline)?;
    let FileAnalysis::Parsed {
        syntax_errors: baseline,
        findings,
        suppressions,
    } = first
    else {
        return Some(FixOutcome {
            text: original.to_string(),
            applied: BTreeMap::new(),
            problems: vec![],
            findings: vec![],
            suppressions: SuppressionNotes::default(),
            creates: Vec::new(),
        });
    };
    let baseline = Baseline::new(analyzer.language, analyzer.path, original, baseline);
    let mut suppressions = suppressions;
    let allowed = |fix: &Fix| fix.safety == Safety::Safe || unsafe_fixes;
    let mut text = original.to_string();
    let mut findings = findings;
    let mut applied: BTreeMap<usize, usize> = BTreeMap::new();
    let mut blocked: BTreeSet<usize> = BTreeSet::new();
    let mut problems = Vec::new();
    // Every text produced so far, with the pass that produced it, to detect cycles.
    let mut seen: HashMap<u64, usize> = HashMap::from([(hash(&text), 0)]);
    let mut rules_by_pass: Vec<Vec<usize>> = Vec::new();
    let mut creates: Vec<(String, String)> = Vec::new();

    for _pass in 0..MAX_PASSES {
        let candidates: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.fix.as_ref().is_some_and(allowed) && !blocked.contains(&f.rule))
            .collect();
        if candidates.is_empty() {
            return Some(FixOutcome {
                text,
                applied,
                problems,
                findings,
                suppressions,
                creates,
            });
        }
        let mut ordered = candidates.clone();
        ordered.sort_by_key(|f| (f.rule, f.range.start));
        let fixes: Vec<&Fix> = ordered.iter().filter_map(|f| f.fix.as_ref()).collect();
        let (edits, picked) = edit::select(fixes.iter().copied());
        let picked_findings: Vec<&Finding> = picked.iter().map(|&i| ordered[i]).collect();
        let imports: Vec<ImportChange> = picked_findings
            .iter()
            .flat_map(|f| f.fix.as_ref().unwrap().imports.clone())
            .collect();

        let next = apply_and_verify(analyzer, &text, &edits, &imports, &baseline, deadline)?;
        let next = match next {
            Ok(next) => next,
            Err(broken) => {
                // Find which fixes break the file on their own; never apply those rules again here.
                let mut culprits = Vec::new();
                let mut compiler_error = match broken {
                    Broken::Compiler(kind) => Some(kind),
                    Broken::Syntax => None,
                };
                for finding in &picked_findings {
                    let fix = finding.fix.as_ref().unwrap();
                    if let Err(alone) = apply_and_verify(
                        analyzer,
                        &text,
                        &fix.edits,
                        &fix.imports,
                        &baseline,
                        deadline,
                    )? {
                        if culprits.is_empty() {
                            compiler_error = match alone {
                                Broken::Compiler(kind) => Some(kind),
                                Broken::Syntax => None,
                            };
                        }
                        culprits.push(finding.rule);
                    }
                }
                if culprits.is_empty() {
                    // Each is fine alone but not together: keep only the first rule for this pass.
                    culprits.extend(
                        picked_findings
                            .iter()
                            .map(|f| f.rule)
                            .filter(|&r| r != picked_findings[0].rule),
                    );
                }
                culprits.sort();
                culprits.dedup();
                blocked.extend(culprits.iter().copied());
                problems.push(FixProblem::Unverified {
                    rules: culprits,
                    compiler_error,
                });
                continue;
            }
        };

        let pass_rules: Vec<usize> = {
            let mut rules: Vec<usize> = picked_findings.iter().map(|f| f.rule).collect();
            rules.dedup();
            rules
        };
        let key = hash(&next);
        if let Some(&pass) = seen.get(&key) {
            let mut rules: Vec<usize> = rules_by_pass[pass..]
                .iter()
                .flatten()
                .copied()
                .chain(pass_rules)
                .collect();
            rules.sort();
            rules.dedup();
            return Some(unchanged(
                analyzer,
                original,
                FixProblem::Cycle { rules },
                deadline,
            ));
        }
        for f in &picked_findings {
            *applied.entry(f.rule).or_default() += 1;
            for create in &f.fix.as_ref().unwrap().creates {
                if !creates.contains(create) {
                    creates.push(create.clone());
                }
            }
        }
        rules_by_pass.push(pass_rules);
        seen.insert(key, rules_by_pass.len());
        text = next;
        (findings, suppressions) = match analyzer.analyze(&text, deadline)? {
            FileAnalysis::Parsed {
                findings,
                suppressions,
                ..
            } => (findings, suppressions),
            FileAnalysis::NothingToMatch => Default::default(),
        };
    }
    if findings
        .iter()
        .any(|f| f.fix.as_ref().is_some_and(allowed) && !blocked.contains(&f.rule))
    {
        let mut rules: Vec<usize> = rules_by_pass.iter().flatten().copied().collect();
        rules.sort();
        rules.dedup();
        return Some(unchanged(
            analyzer,
            original,
            FixProblem::NotConverged { rules },
            deadline,
        ));
    }
    Some(FixOutcome {
        text,
        applied,
        problems,
        findings,
        suppressions,
        creates,
    })
}

/// The outcome that leaves the file as it was, with its original findings.
fn unchanged(
    analyzer: &Analyzer,
    original: &str,
    problem: FixProblem,
    deadline: Instant,
) -> FixOutcome {
    let (findings, suppressions) = match analyzer.analyze(original, deadline) {
        Some(FileAnalysis::Parsed {
            findings,
            suppressions,
            ..
        }) => (findings, suppressions),
        _ => Default::default(),
    };
    FixOutcome {
        text: original.to_string(),
        applied: BTreeMap::new(),
        problems: vec![problem],
        findings,
        suppressions,
        creates: Vec::new(),
    }
}

/// `text` with `edits` and then `imports` applied, if the result parses no worse than
/// `baseline` (see [`still_parses`]), else what it breaks. `None`: out of time.
fn apply_and_verify(
    analyzer: &Analyzer,
    text: &str,
    edits: &[edit::Edit],
    imports: &[ImportChange],
    baseline: &Baseline,
    deadline: Instant,
) -> Option<Result<String, Broken>> {
    let mut sorted = edits.to_vec();
    sorted.sort();
    let mut next = edit::apply(text, &sorted);
    if !imports.is_empty() {
        next = import_edit::apply_changes(
            analyzer.language,
            &next,
            imports,
            analyzer.newline,
            analyzer.budget(deadline),
        )?;
    }
    let next = edit::without_new_leading_blank_lines(text, next);
    let verdict = still_parses(&next, baseline, analyzer.budget(deadline))?;
    Some(verdict.map(|()| next))
}
