//! From findings to a plan: per project and framework, the upgrade path in release steps, what
//! blocks each step, the effort, the owners and the hot spots.
//!
//! A finding belongs to the first step on the path at or after the version that matters for
//! it: the release that removed the old form (a *blocker* once the target reaches it), else the
//! one that deprecated it (a *deprecation*), else the one where the new form exists (a
//! *modernisation*, optional). What is already removed in the current version is due at the
//! first step.
//!
//! Effort model: a finding a person must change costs its rule's `effort_minutes` (manual
//! work); what `upshift fix` changes costs review time, per file and step rather than per
//! finding (a file with 400 reordered assertions is read once): [`REVIEW_SAFE_MINUTES`] per
//! file of safe fixes, [`REVIEW_UNSAFE_MINUTES`] per file with a fix that may change behaviour.
//!
//! Scope: with targets, a report covers the frameworks they name, the language each runs on
//! (up to the version the target needs, [`runtimes`]) and their companions (JUnit for Spring
//! Boot); a Rails-only target gives no Python findings.

use std::collections::BTreeMap;

use super::runtimes::{self, Requirement};
use super::{DependencyEntry, ReportFinding, UpgradeReport};
use crate::detect::compat::Status;
use crate::report::Fixability;
use crate::rules::Version;

/// Review minutes per file (and step) that safe fixes change.
pub const REVIEW_SAFE_MINUTES: u32 = 1;
/// Review minutes per file (and step) that an unsafe fix changes.
pub const REVIEW_UNSAFE_MINUTES: u32 = 3;
/// How many entries each hot-spot list shows.
pub const HOT_SPOTS: usize = 10;

/// What a finding means for the upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Removed at or before the target: the upgrade cannot go past this step without it.
    Blocker,
    /// Deprecated at or before the target, still working there.
    Deprecation,
    /// A newer form exists; nothing breaks without the change.
    Modernisation,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Blocker => "blocker",
            Kind::Deprecation => "deprecation",
            Kind::Modernisation => "modernisation",
        }
    }
}

/// Counts and minutes for a set of findings.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub findings: usize,
    pub blockers: usize,
    pub deprecations: usize,
    pub modernisations: usize,
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
    pub manual: usize,
    /// Minutes of manual work.
    pub manual_minutes: u64,
    /// Minutes of reviewing what `upshift fix` changes.
    pub review_minutes: u64,
    /// Per step and file that fixes change: whether an unsafe fix is among them.
    #[serde(skip)]
    reviewed: BTreeMap<(String, String), bool>,
}

impl Totals {
    /// Counts `finding`, placed as `kind` on the step `step` (files are reviewed once per step).
    pub fn add(&mut self, finding: &ReportFinding, kind: Kind, step: &str) {
        self.findings += 1;
        match kind {
            Kind::Blocker => self.blockers += 1,
            Kind::Deprecation => self.deprecations += 1,
            Kind::Modernisation => self.modernisations += 1,
        }
        match finding.fix {
            Fixability::Safe => self.safe_fixes += 1,
            Fixability::Unsafe => self.unsafe_fixes += 1,
            Fixability::None => self.manual += 1,
        }
        if finding.fix == Fixability::None {
            self.manual_minutes += u64::from(finding.effort_minutes);
            return;
        }
        let key = (step.to_string(), finding.path.clone());
        let before = self.reviewed.get(&key).map(|u| review_minutes(*u));
        let any_unsafe = self.reviewed.entry(key).or_default();
        *any_unsafe |= finding.fix == Fixability::Unsafe;
        let now = review_minutes(*any_unsafe);
        self.review_minutes += now - before.unwrap_or(0);
    }

    /// Findings upshift fixes (with `--unsafe-fixes` for some).
    pub fn fixable(&self) -> usize {
        self.safe_fixes + self.unsafe_fixes
    }

    /// Files (per step) that fixes change, to be reviewed.
    pub fn reviewed_files(&self) -> usize {
        self.reviewed.len()
    }

    /// Manual work and review together.
    pub fn minutes(&self) -> u64 {
        self.manual_minutes + self.review_minutes
    }
}

fn review_minutes(any_unsafe: bool) -> u64 {
    u64::from(if any_unsafe {
        REVIEW_UNSAFE_MINUTES
    } else {
        REVIEW_SAFE_MINUTES
    })
}

/// The manual minutes one finding costs (review of fixes is counted per file, not here).
pub fn manual_minutes(finding: &ReportFinding) -> u32 {
    match finding.fix {
        Fixability::None => finding.effort_minutes,
        _ => 0,
    }
}

/// A finding placed on the path.
#[derive(Debug, Clone)]
pub struct Placed<'r> {
    pub finding: &'r ReportFinding,
    pub kind: Kind,
}

/// One release step of an upgrade.
#[derive(Debug, Clone)]
pub struct Step<'r> {
    /// The release this step arrives at; `-` for findings without versions.
    pub version: String,
    pub totals: Totals,
    pub findings: Vec<Placed<'r>>,
}

/// The findings of one rule within a step.
#[derive(Debug, Clone)]
pub struct RuleGroup<'r> {
    pub rule: &'r str,
    pub kind: Kind,
    pub fix: Fixability,
    pub docs: &'r str,
    pub count: usize,
    /// The rule's own effort: manual minutes, or reviewing the files its fixes change.
    pub totals: Totals,
}

impl<'r> Step<'r> {
    /// The step's findings by rule: blockers first, then by count.
    pub fn by_rule(&self) -> Vec<RuleGroup<'r>> {
        let mut groups: Vec<RuleGroup<'r>> = Vec::new();
        for placed in &self.findings {
            let f = placed.finding;
            let index = match groups.iter().position(|g| g.rule == f.rule) {
                Some(i) => i,
                None => {
                    groups.push(RuleGroup {
                        rule: &f.rule,
                        kind: placed.kind,
                        fix: f.fix,
                        docs: &f.docs,
                        count: 0,
                        totals: Totals::default(),
                    });
                    groups.len() - 1
                }
            };
            groups[index].count += 1;
            groups[index].totals.add(f, placed.kind, &self.version);
        }
        groups.sort_by(|a, b| (a.kind, b.count, a.rule).cmp(&(b.kind, a.count, b.rule)));
        groups
    }
}

/// `95 min` as `1 h 35 min`.
pub fn duration(minutes: u64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// One framework of one project, from its current version to the target.
#[derive(Debug, Clone)]
pub struct Upgrade<'r> {
    pub framework: String,
    pub current: Option<String>,
    pub target: Option<String>,
    /// The language version the target needs, and whether the project is on it.
    pub runtime: Option<RuntimeStep>,
    pub steps: Vec<Step<'r>>,
    pub totals: Totals,
}

/// The language upgrade a framework target needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeStep {
    pub requirement: Requirement,
    /// The language version the project declares, if it does.
    pub current: Option<String>,
    /// The first release step on the path that needs it.
    pub before_step: Option<String>,
}

impl RuntimeStep {
    /// Whether the declared version already meets the requirement.
    pub fn met(&self) -> bool {
        let minimum = self.requirement.minimum.parse::<Version>().ok();
        self.current
            .as_ref()
            .and_then(|c| c.parse::<Version>().ok())
            .zip(minimum)
            .is_some_and(|(current, minimum)| current >= minimum)
    }

    /// `Django 5.0 needs Python 3.10 or newer; the project is on 3.8`.
    pub fn sentence(&self, framework_target: &str) -> String {
        let r = &self.requirement;
        let on = match &self.current {
            Some(current) if self.met() => format!("the project is on {current}"),
            Some(current) => format!("the project is on {current}: upgrade it first"),
            None => format!(
                "the project does not declare its {} version",
                runtimes::display_name(r.language)
            ),
        };
        format!(
            "{} {framework_target} needs {} {} or newer; {on}",
            runtimes::display_name(r.framework),
            runtimes::display_name(r.language),
            r.minimum
        )
    }
}

impl Upgrade<'_> {
    /// `3.2 -> 4.0 -> 4.1 -> 4.2`; the `-` step of findings without versions is no release.
    pub fn path(&self) -> String {
        if self.steps.iter().all(|s| s.version == UNVERSIONED) {
            return "no version steps".to_string();
        }
        let mut parts: Vec<String> = vec![self.current.clone().unwrap_or("?".into())];
        parts.extend(
            self.steps
                .iter()
                .filter(|s| s.version != UNVERSIONED)
                .map(|s| s.version.clone()),
        );
        parts.join(" -> ")
    }
}

/// A project's upgrades.
#[derive(Debug, Clone)]
pub struct ProjectPlan<'r> {
    /// The project root; `(no project)` for files outside every project.
    pub root: String,
    pub upgrades: Vec<Upgrade<'r>>,
    pub totals: Totals,
}

/// Everything the rendered reports show.
#[derive(Debug, Clone)]
pub struct Analysis<'r> {
    pub totals: Totals,
    pub projects: Vec<ProjectPlan<'r>>,
    /// Per owner (from CODEOWNERS); `(unowned)` for files no line covers.
    pub owners: Vec<(String, Totals)>,
    pub hot_files: Vec<(String, usize)>,
    pub hot_dirs: Vec<(String, usize)>,
    pub top_rules: Vec<(String, usize)>,
    /// Per app (the folder above `migrations/`, `db` for Rails), what the migration checks
    /// found: work that disappears if those migrations have already run and the configuration
    /// says so (`[migrations] start-after`).
    pub migrations: Vec<(String, Totals)>,
    /// How many dependencies have each status.
    pub dependency_counts: BTreeMap<Status, usize>,
}

/// The app a migration file belongs to, as `[migrations] start-after` names it.
fn migration_app(path: &str) -> Option<String> {
    let mut parts = path.rsplit('/');
    parts.next()?;
    parts.next()?;
    parts.next().map(str::to_string)
}

/// A project's dependencies, those that need attention first (incompatible, to upgrade,
/// unknown), then by name.
pub fn dependencies_of<'r>(report: &'r UpgradeReport, root: &str) -> Vec<&'r DependencyEntry> {
    let mut list: Vec<&DependencyEntry> = report
        .dependencies
        .iter()
        .filter(|d| d.project == root)
        .collect();
    list.sort_by(|a, b| (a.status, a.dev, &a.name).cmp(&(b.status, b.dev, &b.name)));
    list
}

pub const NO_PROJECT: &str = "(no project)";
/// The step of findings whose rule names no version (checks that hold at every release, such
/// as zero-downtime rollout checks): listed first, and no release of the path.
pub const UNVERSIONED: &str = "-";
pub const UNOWNED: &str = "(unowned)";

fn parse(version: Option<&String>) -> Option<Version> {
    version.and_then(|v| v.parse().ok())
}

/// The framework a finding is about: its rule's, or its pack for rules without versions.
pub fn framework_of(finding: &ReportFinding) -> String {
    finding.framework.clone().unwrap_or_else(|| {
        finding
            .rule
            .split_once('/')
            .map_or(finding.rule.clone(), |(pack, _)| pack.to_string())
    })
}

/// The framework whose projects a finding of a rule without versions concerns: a migration
/// check names it (`migrations/rails-add-index` is about Rails).
pub fn scope_framework(finding: &ReportFinding) -> String {
    let framework = framework_of(finding);
    if framework != "migrations" {
        return framework;
    }
    let name = finding.rule.split_once('/').map_or("", |(_, n)| n);
    match name.split('-').next() {
        Some("rails") => "rails",
        Some("django") => "django",
        Some("alembic") => "python",
        // Plain SQL migrations are Flyway's and Liquibase's as often as anyone's.
        _ => "migrations",
    }
    .to_string()
}

/// The `--target` version of each framework named.
fn targets(report: &UpgradeReport) -> Vec<(String, Version)> {
    report
        .targets
        .iter()
        .filter_map(|t| t.split_once('@'))
        .filter_map(|(f, v)| Some((f.to_ascii_lowercase(), v.parse().ok()?)))
        .collect()
}

/// Frameworks that come with a target's: their findings belong to its report.
const COMPANIONS: &[(&str, &str)] = &[("spring-boot", "junit")];

/// Whether a finding of `framework` belongs to a report for `targets`: every one without
/// targets; else those of the frameworks named, their companions and the languages they run on.
pub fn in_scope(targets: &[String], framework: &str) -> bool {
    let named: Vec<String> = targets
        .iter()
        .map(|t| t.split('@').next().unwrap_or("").to_ascii_lowercase())
        .collect();
    named.is_empty()
        || framework == "migrations"
        || named.iter().any(|n| {
            n == framework
                || COMPANIONS.contains(&(n.as_str(), framework))
                || runtimes::language_of(n) == Some(framework)
        })
}

/// The `--target` version for `framework`; for a language no target names, the version the
/// named frameworks need; else the framework's latest known release.
fn target_for(report: &UpgradeReport, framework: &str) -> Option<Version> {
    let named = targets(report);
    named
        .iter()
        .find(|(f, _)| f == framework)
        .map(|(_, v)| v.clone())
        .or_else(|| {
            named
                .iter()
                .filter_map(|(f, v)| runtimes::requirement(f, v))
                .filter(|r| r.language == framework)
                .filter_map(|r| r.minimum.parse::<Version>().ok())
                .max()
        })
        .or_else(|| {
            report
                .releases
                .get(framework)
                .and_then(|r| r.last())
                .and_then(|v| v.parse().ok())
        })
}

/// Where a finding falls: its kind and the version that decides its step.
pub fn classify(finding: &ReportFinding, target: Option<&Version>) -> (Kind, Option<Version>) {
    let reached = |v: &Option<Version>| match (v, target) {
        (Some(v), Some(t)) => v <= t,
        (Some(_), None) => true,
        _ => false,
    };
    let removed = parse(finding.removed_in.as_ref());
    let deprecated = parse(finding.deprecated_in.as_ref());
    if reached(&removed) {
        (Kind::Blocker, removed)
    } else if reached(&deprecated) {
        (Kind::Deprecation, deprecated)
    } else {
        (Kind::Modernisation, parse(finding.fixable_from.as_ref()))
    }
}

/// Analyses a report.
pub fn analyse(report: &UpgradeReport) -> Analysis<'_> {
    let mut by_project: BTreeMap<String, BTreeMap<String, Vec<&ReportFinding>>> = BTreeMap::new();
    for project in &report.projects {
        by_project.entry(project.root.clone()).or_default();
    }
    // A project on a targeted framework has an upgrade of it, with findings or not.
    let named = targets(report);
    for project in &report.projects {
        for (framework, _) in &named {
            if project.version_of(framework).is_some() {
                by_project
                    .entry(project.root.clone())
                    .or_default()
                    .entry(framework.clone())
                    .or_default();
            }
        }
    }
    for finding in &report.findings {
        let root = finding.project.clone().unwrap_or(NO_PROJECT.to_string());
        by_project
            .entry(root)
            .or_default()
            .entry(framework_of(finding))
            .or_default()
            .push(finding);
    }
    let mut totals = Totals::default();
    let mut owners: BTreeMap<String, Totals> = BTreeMap::new();
    let mut projects = Vec::new();
    for (root, frameworks) in by_project {
        let mut project = ProjectPlan {
            root: root.clone(),
            upgrades: Vec::new(),
            totals: Totals::default(),
        };
        for (framework, findings) in frameworks {
            let upgrade = upgrade(report, &root, &framework, &findings);
            for step in &upgrade.steps {
                let key = format!("{root} {framework} {}", step.version);
                for placed in &step.findings {
                    totals.add(placed.finding, placed.kind, &key);
                    project.totals.add(placed.finding, placed.kind, &key);
                    let names = if placed.finding.owners.is_empty() {
                        vec![UNOWNED.to_string()]
                    } else {
                        placed.finding.owners.clone()
                    };
                    for owner in names {
                        owners
                            .entry(owner)
                            .or_default()
                            .add(placed.finding, placed.kind, &key);
                    }
                }
            }
            project.upgrades.push(upgrade);
        }
        projects.push(project);
    }
    let count = |key: &dyn Fn(&ReportFinding) -> String| {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for finding in &report.findings {
            *counts.entry(key(finding)).or_default() += 1;
        }
        let mut list: Vec<(String, usize)> = counts.into_iter().collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.truncate(HOT_SPOTS);
        list
    };
    let mut migrations: BTreeMap<String, Totals> = BTreeMap::new();
    for project in &projects {
        for upgrade in &project.upgrades {
            for step in &upgrade.steps {
                for placed in step
                    .findings
                    .iter()
                    .filter(|p| p.finding.rule.starts_with("migrations/"))
                {
                    if let Some(app) = migration_app(&placed.finding.path) {
                        migrations.entry(app).or_default().add(
                            placed.finding,
                            placed.kind,
                            &step.version,
                        );
                    }
                }
            }
        }
    }
    let mut dependency_counts = BTreeMap::new();
    for dependency in &report.dependencies {
        *dependency_counts.entry(dependency.status).or_default() += 1;
    }
    Analysis {
        totals,
        projects,
        migrations: migrations.into_iter().collect(),
        dependency_counts,
        owners: owners.into_iter().collect(),
        hot_files: count(&|f| f.path.clone()),
        hot_dirs: count(&|f| {
            f.path
                .rsplit_once('/')
                .map_or(".".to_string(), |(dir, _)| dir.to_string())
        }),
        top_rules: count(&|f| f.rule.clone()),
    }
}

fn upgrade<'r>(
    report: &'r UpgradeReport,
    root: &str,
    framework: &str,
    findings: &[&'r ReportFinding],
) -> Upgrade<'r> {
    let current = report
        .project(root)
        .and_then(|p| p.version_of(framework))
        .and_then(|v| v.version.clone());
    let current_version = parse(current.as_ref());
    let target = target_for(report, framework);
    let releases: Vec<Version> = report
        .releases
        .get(framework)
        .into_iter()
        .flatten()
        .filter_map(|r| r.parse().ok())
        .filter(|r: &Version| current_version.as_ref().is_none_or(|c| r > c))
        .filter(|r| target.as_ref().is_none_or(|t| r <= t))
        .collect();
    // Every release on the path is a step, with findings or not.
    let mut steps: Vec<Step<'r>> = releases
        .iter()
        .map(|r| Step {
            version: r.to_string(),
            totals: Totals::default(),
            findings: Vec::new(),
        })
        .collect();
    for finding in findings {
        let (kind, decisive) = classify(finding, target.as_ref());
        let unversioned = finding.removed_in.is_none()
            && finding.deprecated_in.is_none()
            && finding.fixable_from.is_none();
        let step = match (&decisive, releases.first()) {
            _ if unversioned => UNVERSIONED.to_string(),
            (_, None) => target
                .as_ref()
                .map_or(UNVERSIONED.to_string(), ToString::to_string),
            (Some(v), Some(first)) => releases
                .iter()
                .find(|r| *r >= v)
                .unwrap_or(if v < first {
                    first
                } else {
                    releases.last().unwrap_or(first)
                })
                .to_string(),
            (None, Some(first)) => first.to_string(),
        };
        let index = match steps.iter().position(|s| s.version == step) {
            Some(i) => i,
            None => {
                steps.push(Step {
                    version: step,
                    totals: Totals::default(),
                    findings: Vec::new(),
                });
                steps.len() - 1
            }
        };
        let key = steps[index].version.clone();
        steps[index].totals.add(finding, kind, &key);
        steps[index].findings.push(Placed { finding, kind });
    }
    steps.sort_by(|a, b| {
        let key = |s: &Step| s.version.parse::<Version>().ok();
        key(a).cmp(&key(b))
    });
    let mut totals = Totals::default();
    for step in &steps {
        for placed in &step.findings {
            totals.add(placed.finding, placed.kind, &step.version);
        }
    }
    let named = targets(report).iter().any(|(f, _)| f == framework);
    let runtime = target
        .as_ref()
        .filter(|_| named)
        .and_then(|t| runtimes::requirement(framework, t))
        .map(|requirement| {
            let current = report
                .project(root)
                .and_then(|p| p.version_of(requirement.language))
                .and_then(|v| v.version.clone());
            let current_version = parse(current.as_ref());
            let before_step = releases
                .iter()
                .find(|r| {
                    runtimes::requirement(framework, r)
                        .and_then(|needed| needed.minimum.parse::<Version>().ok())
                        .is_some_and(|needed| match &current_version {
                            Some(c) => needed > *c,
                            None => needed.to_string() == requirement.minimum,
                        })
                })
                .map(ToString::to_string);
            RuntimeStep {
                requirement,
                current,
                before_step,
            }
        });
    Upgrade {
        framework: framework.to_string(),
        current,
        target: target.map(|t| t.to_string()),
        runtime,
        steps,
        totals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::upgrade::{ProjectEntry, VersionEntry};

    fn finding(
        rule: &str,
        removed: Option<&str>,
        deprecated: Option<&str>,
        fix: Fixability,
    ) -> ReportFinding {
        ReportFinding {
            path: "shop/views.py".into(),
            line: 1,
            column: 1,
            rule: rule.into(),
            severity: "warning".into(),
            message: String::new(),
            docs: String::new(),
            fix,
            framework: Some("django".into()),
            deprecated_in: deprecated.map(Into::into),
            removed_in: removed.map(Into::into),
            fixable_from: None,
            effort_minutes: 10,
            project: Some("shop".into()),
            owners: vec!["@shop".into()],
        }
    }

    fn report(findings: Vec<ReportFinding>) -> UpgradeReport {
        UpgradeReport {
            version: 1,
            tool_version: String::new(),
            targets: vec!["django@4.2".into()],
            files: 3,
            projects: vec![ProjectEntry {
                root: "shop".into(),
                versions: vec![VersionEntry {
                    framework: "django".into(),
                    version: Some("3.2.20".into()),
                    spec: "==3.2.20".into(),
                    pinned: true,
                    hint: false,
                    source: "shop/requirements.txt:1".into(),
                }],
            }],
            releases: BTreeMap::from([(
                "django".into(),
                ["3.1", "3.2", "4.0", "4.1", "4.2", "5.0"]
                    .map(String::from)
                    .to_vec(),
            )]),
            findings,
            dependencies: Vec::new(),
        }
    }

    #[test]
    fn findings_without_versions_come_first_and_are_no_step_of_the_path() {
        let report = report(vec![
            finding("django/a", Some("4.0"), None, Fixability::Safe),
            finding("django/checks", None, None, Fixability::None),
        ]);
        let analysis = analyse(&report);
        let upgrade = &analysis.projects[0].upgrades[0];
        assert_eq!(upgrade.path(), "3.2.20 -> 4.0 -> 4.1 -> 4.2");
        let steps: Vec<(&str, usize)> = upgrade
            .steps
            .iter()
            .map(|s| (s.version.as_str(), s.findings.len()))
            .collect();
        assert_eq!(steps, vec![("-", 1), ("4.0", 1), ("4.1", 0), ("4.2", 0)]);
        assert_eq!(upgrade.totals.findings, 2);
    }

    #[test]
    fn findings_fall_on_the_step_that_removes_or_deprecates_them() {
        let report = report(vec![
            finding("django/a", Some("4.0"), Some("3.0"), Fixability::Safe),
            finding("django/b", Some("5.0"), Some("4.1"), Fixability::None),
            finding("django/c", Some("3.1"), None, Fixability::Unsafe),
        ]);
        let analysis = analyse(&report);
        let upgrade = &analysis.projects[0].upgrades[0];
        assert_eq!(upgrade.path(), "3.2.20 -> 4.0 -> 4.1 -> 4.2");
        let steps: Vec<(&str, Vec<(&str, Kind)>)> = upgrade
            .steps
            .iter()
            .map(|s| {
                (
                    s.version.as_str(),
                    s.findings
                        .iter()
                        .map(|p| (p.finding.rule.as_str(), p.kind))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            vec![
                (
                    "4.0",
                    vec![("django/a", Kind::Blocker), ("django/c", Kind::Blocker)]
                ),
                ("4.1", vec![("django/b", Kind::Deprecation)]),
                ("4.2", vec![]),
            ]
        );
        // 10 (manual) + 3 (one file reviewed in step 4.0, with an unsafe fix among its two).
        assert_eq!(analysis.totals.minutes(), 13);
        assert_eq!(
            analysis.owners,
            vec![("@shop".to_string(), analysis.totals)]
        );
        assert_eq!(analysis.hot_files, vec![("shop/views.py".to_string(), 3)]);
    }
}
