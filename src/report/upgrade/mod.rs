//! The upgrade compatibility report (`upshift report`) and the rollout plan (`upshift plan`).
//!
//! A run becomes an [`UpgradeReport`]: the projects found, the findings with everything the
//! analysis needs (versions, effort, owners), and the known releases of each framework. It is
//! the JSON format itself (schema in `docs/report.md`), so shards of a run, each saved as JSON,
//! merge into exactly the report a single run gives. Every other format is computed from it:
//! [`analysis`] derives upgrade steps, effort and hot spots, then [`markdown`], [`html`] and
//! [`csv`] render, and [`plan`] splits the fixable work into batches.

pub mod analysis;
pub mod csv;
pub mod html;
pub mod markdown;
pub mod plan;
pub mod runtimes;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::owners::CodeOwners;
use super::{Entry, Fixability};
use crate::detect::compat::fetch::Fetcher;
use crate::detect::compat::registries::{self, Registries};
use crate::detect::compat::{self, Check, Status};
use crate::detect::manifests::{Dependency, Ecosystem};
use crate::detect::projects::{self, Project};
use crate::rules::{RuleSet, Target};

/// The version of the report document; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// Minutes a person needs per finding when a rule gives no estimate.
pub const DEFAULT_EFFORT_MINUTES: u32 = 5;

/// The whole report, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpgradeReport {
    pub version: u32,
    pub tool_version: String,
    /// The `--target` values, as given.
    pub targets: Vec<String>,
    /// Source files examined.
    pub files: usize,
    pub projects: Vec<ProjectEntry>,
    /// Per framework, its feature releases, oldest first.
    pub releases: BTreeMap<String, Vec<String>>,
    pub findings: Vec<ReportFinding>,
    /// Whether each dependency supports the target (empty when not checked).
    #[serde(default)]
    pub dependencies: Vec<DependencyEntry>,
}

/// A dependency of a project, and what its registry says about the target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DependencyEntry {
    pub project: String,
    pub ecosystem: Ecosystem,
    pub name: String,
    /// The requirement as written; empty when none is.
    pub spec: String,
    /// The release in use, when locked or pinned.
    pub current: Option<String>,
    /// Only for development or tests.
    pub dev: bool,
    /// `path:line`.
    pub source: String,
    /// The framework target it was checked against.
    pub target: String,
    pub status: Status,
    /// The release that supports the target (`upgrade`), or the newest one (`incompatible`).
    pub version: Option<String>,
    pub note: String,
}

impl DependencyEntry {
    /// The entry for `dependency` of the project at `root`, checked against `target`.
    pub fn of(
        root: &str,
        dependency: &Dependency,
        target: &Target,
        check: Check,
    ) -> DependencyEntry {
        DependencyEntry {
            project: root.to_string(),
            ecosystem: dependency.ecosystem,
            name: dependency.name.clone(),
            spec: dependency.spec.clone(),
            current: dependency.locked.clone(),
            dev: dependency.dev,
            source: format!("{}:{}", display(&dependency.path), dependency.line),
            target: target.to_string(),
            status: check.status,
            version: check.version,
            note: check.note,
        }
    }
}

/// A project and the versions it is on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProjectEntry {
    pub root: String,
    pub versions: Vec<VersionEntry>,
}

/// One framework or language version, and where it was read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VersionEntry {
    pub framework: String,
    /// `None` when the manifest names the framework without a version.
    pub version: Option<String>,
    /// The requirement as written (`>=3.2,<4`).
    pub spec: String,
    pub pinned: bool,
    /// Only suggested (classifiers, tox environments), not required.
    #[serde(default)]
    pub hint: bool,
    /// `path:line`.
    pub source: String,
}

impl VersionEntry {
    /// `pinned`, `range`, `hint`, or `no version`.
    pub fn kind(&self) -> &'static str {
        match (self.version.is_some(), self.hint, self.pinned) {
            (false, _, _) => "no version",
            (true, true, _) => "hint",
            (true, false, true) => "pinned",
            (true, false, false) => "range",
        }
    }
}

/// One finding with what planning needs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ReportFinding {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub rule: String,
    pub severity: String,
    pub message: String,
    pub docs: String,
    pub fix: Fixability,
    /// The framework the rule's versions refer to.
    pub framework: Option<String>,
    pub deprecated_in: Option<String>,
    pub removed_in: Option<String>,
    pub fixable_from: Option<String>,
    /// Minutes per occurrence for a person.
    pub effort_minutes: u32,
    /// The root of the project the file belongs to.
    pub project: Option<String>,
    pub owners: Vec<String>,
}

impl ProjectEntry {
    pub fn of(project: &Project) -> ProjectEntry {
        let mut versions: Vec<VersionEntry> = project
            .versions
            .iter()
            .map(|d| VersionEntry {
                framework: d.framework.clone(),
                version: d.version.as_ref().map(ToString::to_string),
                spec: d.spec.clone(),
                pinned: d.pinned,
                hint: d.hint,
                source: format!("{}:{}", display(&d.path), d.line),
            })
            .collect();
        versions.sort();
        ProjectEntry {
            root: display(&project.root),
            versions,
        }
    }

    /// The version this project is on for `framework`.
    pub fn version_of(&self, framework: &str) -> Option<&VersionEntry> {
        self.versions.iter().find(|v| v.framework == framework)
    }
}

/// A path as reports show it: relative to the working directory when under it, `/`-separated,
/// without a leading `./`.
pub fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let path = path.strip_prefix(&cwd).unwrap_or(path);
    let path = path.strip_prefix(".").unwrap_or(path);
    let text = path.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

impl UpgradeReport {
    /// The report of a run: its findings, the projects under its paths and their owners.
    pub fn build(
        entries: &[Entry],
        files: usize,
        targets: &[String],
        set: &RuleSet,
        projects: &[Project],
        owners: Option<&CodeOwners>,
    ) -> UpgradeReport {
        let findings = entries
            .iter()
            .map(|entry| {
                let versions = &entry.rule.versions;
                ReportFinding {
                    path: display(entry.path),
                    line: entry.finding.start.line,
                    column: entry.finding.start.column,
                    rule: entry.rule.id.clone(),
                    severity: entry.severity.as_str().to_string(),
                    message: entry.finding.message.clone(),
                    docs: entry.rule.docs.clone(),
                    fix: entry.fixability,
                    framework: versions.framework.clone(),
                    deprecated_in: versions.deprecated_in.as_ref().map(ToString::to_string),
                    removed_in: versions.removed_in.as_ref().map(ToString::to_string),
                    fixable_from: versions.fixable_from.as_ref().map(ToString::to_string),
                    effort_minutes: entry.rule.effort_minutes.unwrap_or(DEFAULT_EFFORT_MINUTES),
                    project: projects::owning(projects, entry.path).map(|p| display(&p.root)),
                    owners: owners.map_or_else(Vec::new, |o| o.owners_of(entry.path).to_vec()),
                }
            })
            .filter(|f: &ReportFinding| analysis::in_scope(targets, &analysis::scope_framework(f)))
            .collect::<Vec<_>>();
        // With targets, the projects on a targeted framework and those with findings in scope.
        let named: Vec<&str> = targets
            .iter()
            .map(|t| t.split('@').next().unwrap_or(""))
            .collect();
        let projects: Vec<ProjectEntry> = projects
            .iter()
            .map(ProjectEntry::of)
            .filter(|p| {
                named.is_empty()
                    || p.versions
                        .iter()
                        .any(|v| named.contains(&v.framework.as_str()))
                    || findings.iter().any(|f| f.project.as_ref() == Some(&p.root))
            })
            .collect();
        let releases = set
            .packs
            .values()
            .filter(|p| !p.releases.is_empty())
            .filter_map(|p| Some((p.framework.clone()?, p.releases.clone())))
            .collect();
        UpgradeReport {
            version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            targets: targets.to_vec(),
            files,
            projects,
            releases,
            findings,
            dependencies: Vec::new(),
        }
        .normalized()
    }

    /// Combines the reports of the shards of one run into the report of the whole run.
    pub fn merge(parts: Vec<UpgradeReport>) -> Result<UpgradeReport, String> {
        let mut parts = parts.into_iter();
        let mut merged = parts.next().ok_or("no reports to merge")?;
        for part in parts {
            if part.version != merged.version {
                return Err(format!(
                    "reports of schema versions {} and {} cannot be merged",
                    merged.version, part.version
                ));
            }
            if part.targets != merged.targets {
                return Err(format!(
                    "the reports were made for different targets ({} and {})",
                    merged.targets.join(" "),
                    part.targets.join(" ")
                ));
            }
            merged.files += part.files;
            merged.projects.extend(part.projects);
            merged.releases.extend(part.releases);
            merged.findings.extend(part.findings);
            merged.dependencies.extend(part.dependencies);
        }
        Ok(merged.normalized())
    }

    /// Sorted and without duplicates, so equal runs give equal documents.
    fn normalized(mut self) -> UpgradeReport {
        self.projects.sort();
        self.projects.dedup();
        self.findings.sort();
        self.findings.dedup();
        self.dependencies.sort();
        self.dependencies.dedup();
        self
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("report serializes")
    }

    pub fn from_json(text: &str) -> Result<UpgradeReport, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    pub fn project(&self, root: &str) -> Option<&ProjectEntry> {
        self.projects.iter().find(|p| p.root == root)
    }

    /// Checks the dependencies of the report's projects (those of `found`) against the targets
    /// of their ecosystems, with `fetcher`. Frameworks' own packages, and Maven dependencies
    /// whose version a BOM manages, are left out: they move with the framework.
    pub fn check_dependencies(
        &mut self,
        found: &[Project],
        fetcher: &Fetcher,
        registries: &Registries,
    ) {
        let targets: Vec<Target> = self.targets.iter().filter_map(|t| t.parse().ok()).collect();
        let mut work = Vec::new();
        let mut roots = Vec::new();
        for project in found {
            let root = display(&project.root);
            if self.project(&root).is_none() {
                continue;
            }
            for dependency in &project.dependencies {
                let Some(target) = compat::target_for(dependency.ecosystem, &targets) else {
                    continue;
                };
                let managed =
                    dependency.ecosystem == Ecosystem::Maven && dependency.locked.is_none();
                if managed
                    || registries::is_framework_itself(dependency.ecosystem, &dependency.name)
                {
                    continue;
                }
                let runtime = runtimes::requirement(&target.framework, &target.version)
                    .and_then(|r| r.minimum.parse().ok());
                work.push((dependency.clone(), target.clone(), runtime));
                roots.push(root.clone());
            }
        }
        let checks = compat::check_all(fetcher, registries, &work);
        self.dependencies = work
            .iter()
            .zip(roots)
            .zip(checks)
            .map(|(((dependency, target, _), root), check)| {
                DependencyEntry::of(&root, dependency, target, check)
            })
            .collect();
        self.dependencies.sort();
        self.dependencies.dedup();
    }
}
