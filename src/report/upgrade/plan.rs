//! `upshift plan`: the upgrade as an ordered list of steps a person can take one pull request
//! at a time. Steps go release by release (every 4.0 change before any 4.1 change); within a
//! release: the language upgrade it needs first, then safe fixes, unsafe fixes, and the
//! blockers a person must change, each rule its own step. Fix batches are split by owner and
//! directory, none touching more than `max_files` files, and each carries the command that
//! applies exactly it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use super::UpgradeReport;
use super::analysis::{self, Kind, UNOWNED, UNVERSIONED};
use super::runtimes;
use crate::detect::compat::Status;
use crate::report::Fixability;
use crate::rules::Version;

/// What a step asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Move to the language version the release needs.
    Runtime,
    /// Upgrade or replace a dependency that does not support the target as it is.
    Dependency,
    /// Apply fixes with `upshift fix`, then review.
    Fix,
    /// Change code by hand: the fix is a person's.
    Manual,
}

/// One reviewable change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub number: usize,
    pub kind: StepKind,
    pub project: String,
    pub framework: String,
    pub step: String,
    /// `safe` or `unsafe` for fixes; `none` for the other kinds.
    pub safety: &'static str,
    pub owner: String,
    pub directory: String,
    pub rules: Vec<String>,
    pub files: Vec<String>,
    pub findings: usize,
    /// Review minutes for fixes, the rules' estimates for manual work.
    pub minutes: u64,
    /// What to do, in a sentence.
    pub summary: String,
    /// The command that applies (fixes) or lists (manual work) exactly this step; empty for a
    /// runtime upgrade.
    pub command: String,
    /// Where the requirement comes from (runtime steps), or the rule's documentation.
    pub docs: String,
}

/// The batch a finding goes to, in rollout order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    /// Findings without versions (`-`) come after every release step.
    unversioned: bool,
    step: Option<Version>,
    step_text: String,
    project: String,
    framework: String,
    kind: StepKind,
    unsafe_fix: bool,
    owner: String,
    directory: String,
    /// Manual steps are one per rule.
    rule: String,
}

#[derive(Default)]
struct Group {
    /// Per file: its rules, findings and manual minutes.
    files: BTreeMap<String, (BTreeSet<String>, usize, u64)>,
    summary: String,
    docs: String,
}

fn step_key(step: &str) -> (bool, Option<Version>) {
    (step == UNVERSIONED, step.parse().ok())
}

/// The dependencies of `root` that do not support the upgrade's target as they are: one step
/// each, before the fixes of the target's release.
fn dependency_steps(
    report: &UpgradeReport,
    root: &str,
    upgrade: &analysis::Upgrade,
    groups: &mut BTreeMap<Key, Group>,
) {
    let Some(target) = &upgrade.target else {
        return;
    };
    let named = format!("{}@{target}", upgrade.framework);
    let step = upgrade
        .steps
        .last()
        .map_or(target.clone(), |s| s.version.clone());
    for dependency in analysis::dependencies_of(report, root) {
        if dependency.target != named
            || !matches!(dependency.status, Status::Upgrade | Status::Incompatible)
        {
            continue;
        }
        let (unversioned, version) = step_key(&step);
        let group = groups
            .entry(Key {
                unversioned,
                step: version,
                step_text: step.clone(),
                project: root.to_string(),
                framework: upgrade.framework.clone(),
                kind: StepKind::Dependency,
                unsafe_fix: false,
                owner: String::new(),
                directory: root.to_string(),
                rule: dependency.name.clone(),
            })
            .or_default();
        let framework = format!("{} {target}", runtimes::display_name(&upgrade.framework));
        let in_use = dependency
            .current
            .as_deref()
            .unwrap_or("the version in use");
        group.summary = match dependency.status {
            Status::Upgrade => format!(
                "Upgrade `{}` from {in_use} to {} (the newest release that supports {framework}){}.",
                dependency.name,
                dependency.version.as_deref().unwrap_or("?"),
                if dependency.note.is_empty() {
                    String::new()
                } else {
                    format!("; {}", dependency.note)
                }
            ),
            _ => format!(
                "Replace or drop `{}`: no release supports {framework} ({}).",
                dependency.name, dependency.note
            ),
        };
        group.docs = dependency.source.clone();
    }
}

/// The report's work as ordered steps: fix batches of at most `max_files` files, the manual
/// blockers per rule, and the runtime upgrades the targets need.
pub fn batches(report: &UpgradeReport, max_files: usize) -> Vec<Batch> {
    let analysis = analysis::analyse(report);
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    for project in &analysis.projects {
        for upgrade in &project.upgrades {
            if let Some(runtime) = upgrade.runtime.as_ref().filter(|r| !r.met()) {
                let step = runtime
                    .before_step
                    .clone()
                    .or_else(|| upgrade.steps.first().map(|s| s.version.clone()))
                    .or_else(|| upgrade.target.clone())
                    .unwrap_or("-".into());
                let (unversioned, version) = step_key(&step);
                let requirement = runtime.requirement;
                let group = groups
                    .entry(Key {
                        unversioned,
                        step: version,
                        step_text: step,
                        project: project.root.clone(),
                        framework: upgrade.framework.clone(),
                        kind: StepKind::Runtime,
                        unsafe_fix: false,
                        owner: String::new(),
                        directory: project.root.clone(),
                        rule: String::new(),
                    })
                    .or_default();
                group.summary = format!(
                    "Move to {} {} or newer: {}.",
                    runtimes::display_name(requirement.language),
                    requirement.minimum,
                    runtime.sentence(upgrade.target.as_deref().unwrap_or("?"))
                );
                group.docs = requirement.source.to_string();
            }
            dependency_steps(report, &project.root, upgrade, &mut groups);
            for step in &upgrade.steps {
                for placed in &step.findings {
                    let f = placed.finding;
                    let manual = f.fix == Fixability::None;
                    if manual && placed.kind != Kind::Blocker {
                        continue;
                    }
                    let (unversioned, version) = step_key(&step.version);
                    let key = Key {
                        unversioned,
                        step: version,
                        step_text: step.version.clone(),
                        project: project.root.clone(),
                        framework: upgrade.framework.clone(),
                        kind: if manual {
                            StepKind::Manual
                        } else {
                            StepKind::Fix
                        },
                        unsafe_fix: f.fix == Fixability::Unsafe,
                        owner: f.owners.first().cloned().unwrap_or(UNOWNED.to_string()),
                        directory: if manual {
                            String::new()
                        } else {
                            f.path
                                .rsplit_once('/')
                                .map_or(".".to_string(), |(d, _)| d.to_string())
                        },
                        rule: if manual {
                            f.rule.clone()
                        } else {
                            String::new()
                        },
                    };
                    let group = groups.entry(key).or_default();
                    if manual {
                        group.docs.clone_from(&f.docs);
                    }
                    let entry = group.files.entry(f.path.clone()).or_default();
                    entry.0.insert(f.rule.clone());
                    entry.1 += 1;
                    entry.2 += u64::from(analysis::manual_minutes(f));
                }
            }
        }
    }
    let targets: String = report
        .targets
        .iter()
        .map(|t| format!(" --target {t}"))
        .collect();
    let mut out = Vec::new();
    for (key, group) in groups {
        let base = Batch {
            number: 0,
            kind: key.kind,
            project: key.project.clone(),
            framework: key.framework.clone(),
            step: key.step_text.clone(),
            safety: match (key.kind, key.unsafe_fix) {
                (StepKind::Fix, true) => "unsafe",
                (StepKind::Fix, false) => "safe",
                _ => "none",
            },
            owner: key.owner.clone(),
            directory: key.directory.clone(),
            rules: Vec::new(),
            files: Vec::new(),
            findings: 0,
            minutes: 0,
            summary: group.summary.clone(),
            command: String::new(),
            docs: group.docs.clone(),
        };
        if matches!(key.kind, StepKind::Runtime | StepKind::Dependency) {
            out.push(Batch {
                number: out.len() + 1,
                ..base
            });
            continue;
        }
        let files: Vec<_> = group.files.into_iter().collect();
        for chunk in files.chunks(max_files.max(1)) {
            let rules: BTreeSet<String> =
                chunk.iter().flat_map(|(_, (r, _, _))| r.clone()).collect();
            let rules: Vec<String> = rules.into_iter().collect();
            let paths: Vec<String> = chunk.iter().map(|(p, _)| p.clone()).collect();
            let words = paths
                .iter()
                .map(|p| shell_word(p))
                .collect::<Vec<_>>()
                .join(" ");
            let findings: usize = chunk.iter().map(|(_, (_, n, _))| n).sum();
            let (command, minutes, summary) = if key.kind == StepKind::Manual {
                (
                    format!(
                        "upshift check{targets} --select {} {words}",
                        rules.join(",")
                    ),
                    chunk.iter().map(|(_, (_, _, m))| m).sum(),
                    format!(
                        "Change by hand: `{}` ({}) blocks {} {}.",
                        key.rule,
                        crate::report::text::count(findings, "finding"),
                        runtimes::display_name(&key.framework),
                        key.step_text
                    ),
                )
            } else {
                let per_file = if key.unsafe_fix {
                    analysis::REVIEW_UNSAFE_MINUTES
                } else {
                    analysis::REVIEW_SAFE_MINUTES
                };
                (
                    format!(
                        "upshift fix{targets} --select {}{} {words}",
                        rules.join(","),
                        if key.unsafe_fix {
                            " --unsafe-fixes"
                        } else {
                            ""
                        },
                    ),
                    u64::from(per_file) * paths.len() as u64,
                    format!(
                        "Apply {findings} {} fixes, then review.",
                        if key.unsafe_fix { "unsafe" } else { "safe" }
                    ),
                )
            };
            out.push(Batch {
                number: out.len() + 1,
                rules,
                files: paths,
                findings,
                minutes,
                summary,
                command,
                ..base.clone()
            });
        }
    }
    out
}

/// `path` quoted for a POSIX shell when it needs to be.
fn shell_word(path: &str) -> String {
    if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+@=:,".contains(c))
    {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

/// The plan as Markdown.
pub fn markdown(report: &UpgradeReport, batches: &[Batch], max_files: usize) -> String {
    let mut out = String::new();
    let manual = batches
        .iter()
        .filter(|b| b.kind == StepKind::Manual)
        .count();
    let runtime = batches
        .iter()
        .filter(|b| b.kind == StepKind::Runtime)
        .count();
    let dependency = batches
        .iter()
        .filter(|b| b.kind == StepKind::Dependency)
        .count();
    let _ = writeln!(
        out,
        "# Upgrade plan\n\nTarget: {}. {}, release by release: {} of fixes (at most {max_files} files each, safe fixes first), {} for manual blockers, {} for dependencies and {} for runtime upgrades. Take each, review, merge, then the next.\n",
        super::markdown::targets_line(report),
        crate::report::text::count(batches.len(), "step"),
        crate::report::text::count(batches.len() - manual - runtime - dependency, "batch")
            .replace("batchs", "batches"),
        crate::report::text::count(manual, "step"),
        crate::report::text::count(dependency, "step"),
        crate::report::text::count(runtime, "step"),
    );
    for batch in batches {
        let title = match batch.kind {
            StepKind::Runtime => "runtime".to_string(),
            StepKind::Dependency => "dependency".to_string(),
            StepKind::Fix => format!("{} fixes, {}", batch.safety, batch.owner),
            StepKind::Manual => format!("manual, {}", batch.owner),
        };
        let _ = writeln!(
            out,
            "## {}. `{}` {} {}: {title}\n",
            batch.number, batch.project, batch.framework, batch.step
        );
        match batch.kind {
            StepKind::Runtime => {
                let _ = writeln!(out, "{} Source: {}\n", batch.summary, batch.docs);
            }
            StepKind::Dependency => {
                let _ = writeln!(out, "{} Declared in `{}`.\n", batch.summary, batch.docs);
            }
            StepKind::Fix => {
                let _ = writeln!(
                    out,
                    "{} in {} under `{}`; review about {}. Rules: {}.\n",
                    crate::report::text::count(batch.findings, "finding"),
                    crate::report::text::count(batch.files.len(), "file"),
                    batch.directory,
                    analysis::duration(batch.minutes),
                    rule_list(&batch.rules)
                );
            }
            StepKind::Manual => {
                let _ = writeln!(
                    out,
                    "{} In {}; about {}. Docs: {}\n",
                    batch.summary,
                    crate::report::text::count(batch.files.len(), "file"),
                    analysis::duration(batch.minutes),
                    batch.docs
                );
            }
        }
        if !batch.command.is_empty() {
            let _ = writeln!(out, "```sh\n{}\n```\n", batch.command);
        }
    }
    out
}

fn rule_list(rules: &[String]) -> String {
    rules
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(shell_word("shop/views.py"), "shop/views.py");
        assert_eq!(shell_word("my app/it's.py"), "'my app/it'\\''s.py'");
    }
}
