//! Rule fixtures: the proof that each rule does what it says (`upshift test`, and `cargo test`
//! over every built-in rule).
//!
//! Rule `pack/name` has its cases in `fixtures/<pack>/<name>/`, any folder depth (a case's path
//! there is the path its rule's `files:` globs see, less the set-up folders: `@VERSION` runs the
//! cases below it at that target, `+NAME` with the pack's option `NAME` on; `_project` holds the
//! project files that the scripts of the cases beside and below it read). A case named `ok*`
//! must produce no finding.
//! Any other case must produce at least one; when the rule has a fix, `<stem>.fixed.<ext>` next
//! to it holds the exact text after fixing. The harness also checks, for every case, what must
//! hold for any rule: the fix verifies (no new syntax error), the fixed text has nothing left
//! for the rule to fix (it converged), and the literal prefilter skipped nothing that matches.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::engine::fix_loop::FixProblem;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{self, FileStatus, FixMode, Options};
use crate::language;
use crate::rules::{Rule, RuleSet, Selection, Selector};

/// A fixture case that did not behave.
#[derive(Debug, Clone)]
pub struct Failure {
    pub rule: String,
    pub case: PathBuf,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.rule,
            self.case.display(),
            self.message
        )
    }
}

/// The result of running fixtures.
#[derive(Debug, Default)]
pub struct Outcome {
    pub rules: usize,
    pub cases: usize,
    pub failures: Vec<Failure>,
}

/// A folder of a rule's fixtures holding the project files (`project_file()`) of the cases
/// beside and below it; its files are not cases.
const PROJECT: &str = "_project";

/// The project folder of `case`: the nearest `_project` beside it or in a folder above it,
/// within the rule's fixture folder `dir` (a folder that does not exist when there is none, so
/// that a case never reads the files around the fixtures).
fn project_root(dir: &Path, case: &Path) -> PathBuf {
    let mut folder = dir.join(case);
    while folder.pop() && folder.starts_with(dir) {
        let candidate = folder.join(PROJECT);
        if candidate.is_dir() {
            return candidate;
        }
    }
    dir.join(PROJECT)
}

/// The expected-output path for a case: `a/b.py` -> `a/b.fixed.py`.
pub fn fixed_path(case: &Path) -> PathBuf {
    let stem = case
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match case.extension() {
        Some(ext) if !stem.is_empty() => format!("{stem}.fixed.{}", ext.to_string_lossy()),
        _ => format!(
            "{}.fixed",
            case.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ),
    };
    case.with_file_name(name)
}

fn is_expected_output(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.ends_with(".fixed") || name.contains(".fixed.")
}

/// The case files under a rule's fixture folder, relative to it, sorted.
pub fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walk_files(dir)
        .into_iter()
        .filter(|p| !is_expected_output(p))
        .filter_map(|p| p.strip_prefix(dir).ok().map(Path::to_path_buf))
        .filter(|p| !p.components().any(|c| c.as_os_str() == PROJECT))
        .collect();
    out.sort();
    out
}

fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Runs the fixtures under `root` (`root/<pack>/<name>/`) for every rule of `set` that `filter`
/// keeps.
pub fn run(set: &RuleSet, root: &Path, filter: impl Fn(&Rule) -> bool) -> Outcome {
    let mut outcome = Outcome::default();
    for rule in set.rules.iter().filter(|r| filter(r)) {
        outcome.rules += 1;
        let dir = root.join(&rule.pack).join(rule.name());
        let fail = |case: &Path, message: String| Failure {
            rule: rule.id.clone(),
            case: case.to_path_buf(),
            message,
        };
        let cases = cases(&dir);
        if !cases.iter().any(|c| !is_ok_case(c)) || !cases.iter().any(|c| is_ok_case(c)) {
            outcome.failures.push(fail(
                &dir,
                "needs at least one case that must match and one `ok*` case that must not".into(),
            ));
        }
        for case in cases {
            outcome.cases += 1;
            if let Err(message) = check_case(set, rule, &dir, &case) {
                outcome.failures.push(fail(&dir.join(&case), message));
            }
            let errors = crate::engine::script::take_errors_of(&rule.id);
            if !errors.is_empty() {
                let message = format!("the rule's script failed: {}", errors.join("; "));
                outcome.failures.push(fail(&dir.join(&case), message));
            }
        }
    }
    outcome
}

/// A case that must produce no finding: its file name, or a folder on its path inside the
/// rule's fixture folder, starts with `ok` (`ok_jdk/META-INF/services/javax.script...`, for a
/// file whose name is fixed).
fn is_ok_case(case: &Path) -> bool {
    case.components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with("ok"))
}

/// The target a rule that renders `{{$target}}` is tested at: the newest release its
/// framework's pack lists, else the version its fix needs.
fn fixture_target(set: &RuleSet, rule: &Rule) -> Option<crate::rules::Target> {
    if !rule.uses_target() {
        return None;
    }
    let framework = rule.versions.framework.as_deref()?;
    let newest = set
        .packs
        .values()
        .filter(|pack| pack.framework.as_deref() == Some(framework))
        .find_map(|pack| pack.releases.last().cloned())
        .or_else(|| rule.versions.fixable_from.as_ref().map(|v| v.to_string()))?;
    format!("{framework}@{newest}").parse().ok()
}

/// The database a rule's fixtures run against: one it is about, old enough for it to apply.
fn fixture_database(rule: &Rule) -> Option<crate::rules::Target> {
    let kind = rule.databases.first().map_or("postgresql", String::as_str);
    let version = match &rule.database_before {
        Some(before) => before
            .parts()
            .first()
            .copied()
            .unwrap_or(1)
            .saturating_sub(1)
            .max(1)
            .to_string(),
        None => "0".to_string(),
    };
    format!("{kind}@{version}").parse().ok()
}

/// How a case's folders set up its run: a folder `@VERSION` on its path runs it at that target
/// of the rule's framework (`@3.8/future_annotations.py`), a folder `+NAME` with the pack's
/// option `NAME` switched on (`+keep-runtime-typing/ok_annotations.py`). The path the rule's
/// `files:` globs see leaves these folders out.
struct CaseSetup {
    path: PathBuf,
    target: Option<String>,
    options: std::collections::BTreeSet<String>,
}

fn case_setup(set: &RuleSet, rule: &Rule, case: &Path) -> Result<CaseSetup, String> {
    let mut setup = CaseSetup {
        path: PathBuf::new(),
        target: None,
        options: Default::default(),
    };
    for component in case.components() {
        let text = component.as_os_str().to_string_lossy();
        if let Some(version) = text.strip_prefix('@') {
            let framework = rule
                .versions
                .framework
                .as_deref()
                .ok_or("an `@VERSION` folder needs a rule with a framework")?;
            setup.target = Some(format!("{framework}@{version}"));
        } else if let Some(option) = text.strip_prefix('+') {
            let declared = set
                .packs
                .get(&rule.pack)
                .is_some_and(|p| p.options.contains_key(option));
            if !declared {
                return Err(format!("the `{}` pack has no option `{option}`", rule.pack));
            }
            setup.options.insert(option.to_string());
        } else {
            setup.path.push(component);
        }
    }
    Ok(setup)
}

fn check_case(set: &RuleSet, rule: &Rule, dir: &Path, case: &Path) -> Result<(), String> {
    let setup = case_setup(set, rule, case)?;
    let targets = match &setup.target {
        Some(target) => vec![target.parse().map_err(|e| format!("{target}: {e}"))?],
        None => fixture_target(set, rule).into_iter().collect(),
    };
    let language =
        language::for_path(&setup.path).ok_or("no language is known for this file name")?;
    if language.id != rule.language {
        return Err(format!(
            "is a {} file, but the rule is for {}",
            language.name,
            language::get(rule.language).name
        ));
    }
    let bytes = std::fs::read(dir.join(case)).map_err(|err| format!("cannot read: {err}"))?;
    let source =
        Source::decode(&setup.path, bytes, u64::MAX).map_err(|reason| reason.to_string())?;
    let selection = Selection {
        select: vec![Selector::parse(&rule.id)?],
        database: fixture_database(rule),
        targets: crate::rules::select::with_implied(targets, set),
        options: setup.options,
        ..Selection::default()
    };
    let mut plan = Plan::new(set, &selection);
    let checking = Options {
        project_root: Some(project_root(dir, case)),
        ..Options::default()
    };
    let check = |plan: &Plan| -> Result<usize, String> {
        // The rule does not run at the case's target: nothing of its language is checked.
        if plan.language(language.id).is_none() {
            return Ok(0);
        }
        match engine::process_source(plan, source.clone(), language.id, &checking).status {
            FileStatus::Analyzed(analysis) => Ok(analysis.findings.len()),
            FileStatus::Skipped(reason) => Err(reason.to_string()),
        }
    };
    let found = check(&plan)?;
    plan.prefilter = false;
    let found_without_prefilter = check(&plan)?;
    plan.prefilter = true;
    if found != found_without_prefilter {
        return Err(format!(
            "the literal prefilter hides findings: {found} with it, {found_without_prefilter} without (check the query's #eq?/#any-of? captures)"
        ));
    }
    let expected_path = dir.join(fixed_path(case));
    if is_ok_case(case) {
        if found > 0 {
            return Err(format!("must not match, but has {found} finding(s)"));
        }
        return Ok(());
    }
    if found == 0 {
        return Err("must match, but has no finding".into());
    }
    if !rule.is_fixable() {
        if expected_path.exists() {
            return Err(format!(
                "{} exists, but the rule has no fix",
                expected_path.display()
            ));
        }
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).map_err(|err| {
        format!(
            "the rule has a fix, so {} must hold the fixed text ({err})",
            expected_path.display()
        )
    })?;
    let fixing = Options {
        fix: Some(FixMode { unsafe_fixes: true }),
        ..checking.clone()
    };
    let FileStatus::Analyzed(fixed) =
        engine::process_source(&plan, source.clone(), language.id, &fixing).status
    else {
        return Err("skipped while fixing".into());
    };
    if let Some(problem) = fixed.problems.first() {
        return Err(match problem {
            FixProblem::Unverified {
                compiler_error: None,
                ..
            } => "the fix introduces a syntax error".to_string(),
            FixProblem::Unverified {
                compiler_error: Some(kind),
                ..
            } => format!("the fix introduces an error the compiler reports ({kind})"),
            FixProblem::Cycle { .. } => "the fix undoes itself (cycle)".to_string(),
            FixProblem::NotConverged { .. } => "the fix does not converge".to_string(),
        });
    }
    if fixed.text != expected {
        return Err(format!(
            "fixed text differs from {}:\n{}",
            expected_path.display(),
            crate::report::diff::unified(case, &expected, &fixed.text)
        ));
    }
    // Fixing the fixed text again must change nothing.
    let again = Source {
        text: fixed.text.clone(),
        ..source
    };
    if let FileStatus::Analyzed(second) =
        engine::process_source(&plan, again, language.id, &fixing).status
        && second.changed()
    {
        return Err("fixing the fixed text changes it again (not idempotent)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expected_output_sits_beside_the_case() {
        assert_eq!(
            fixed_path(Path::new("a/urls.py")),
            PathBuf::from("a/urls.fixed.py")
        );
        assert_eq!(
            fixed_path(Path::new("Gemfile")),
            PathBuf::from("Gemfile.fixed")
        );
        assert!(is_expected_output(Path::new("x.fixed.rb")));
        assert!(!is_expected_output(Path::new("fixedness.rb")));
    }
}
