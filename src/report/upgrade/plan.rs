//! `upshift plan`: the auto-fixable work split into batches a person can review in one pull
//! request. Batches go step by step (every 4.0 change before any 4.1 change), safe fixes before
//! unsafe ones within a step, then by owner and directory; none touches more than `max_files`
//! files. Each carries the command that applies exactly it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;

use super::UpgradeReport;
use super::analysis::{self, UNOWNED, UNVERSIONED};
use crate::report::Fixability;
use crate::rules::Version;

/// One reviewable change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub number: usize,
    pub project: String,
    pub framework: String,
    pub step: String,
    pub safety: &'static str,
    pub owner: String,
    pub directory: String,
    pub rules: Vec<String>,
    pub files: Vec<String>,
    pub findings: usize,
    pub review_minutes: u64,
    pub command: String,
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
    unsafe_fix: bool,
    owner: String,
    directory: String,
}

#[derive(Default)]
struct Group {
    files: BTreeMap<String, (BTreeSet<String>, usize, u64)>,
}

/// Splits the report's fixable findings into batches of at most `max_files` files.
pub fn batches(report: &UpgradeReport, max_files: usize) -> Vec<Batch> {
    let analysis = analysis::analyse(report);
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    for project in &analysis.projects {
        for upgrade in &project.upgrades {
            for step in &upgrade.steps {
                for placed in &step.findings {
                    let f = placed.finding;
                    if f.fix == Fixability::None {
                        continue;
                    }
                    let key = Key {
                        unversioned: step.version == UNVERSIONED,
                        step: step.version.parse().ok(),
                        step_text: step.version.clone(),
                        project: project.root.clone(),
                        framework: upgrade.framework.clone(),
                        unsafe_fix: f.fix == Fixability::Unsafe,
                        owner: f.owners.first().cloned().unwrap_or(UNOWNED.to_string()),
                        directory: f
                            .path
                            .rsplit_once('/')
                            .map_or(".".to_string(), |(d, _)| d.to_string()),
                    };
                    let entry = groups
                        .entry(key)
                        .or_default()
                        .files
                        .entry(f.path.clone())
                        .or_default();
                    entry.0.insert(f.rule.clone());
                    entry.1 += 1;
                    entry.2 += u64::from(analysis::minutes(f));
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
        let files: Vec<_> = group.files.into_iter().collect();
        for chunk in files.chunks(max_files.max(1)) {
            let rules: BTreeSet<String> =
                chunk.iter().flat_map(|(_, (r, _, _))| r.clone()).collect();
            let rules: Vec<String> = rules.into_iter().collect();
            let paths: Vec<String> = chunk.iter().map(|(p, _)| p.clone()).collect();
            let command = format!(
                "upshift fix{targets} --select {}{} {}",
                rules.join(","),
                if key.unsafe_fix {
                    " --unsafe-fixes"
                } else {
                    ""
                },
                paths
                    .iter()
                    .map(|p| shell_word(p))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            out.push(Batch {
                number: out.len() + 1,
                project: key.project.clone(),
                framework: key.framework.clone(),
                step: key.step_text.clone(),
                safety: if key.unsafe_fix { "unsafe" } else { "safe" },
                owner: key.owner.clone(),
                directory: key.directory.clone(),
                findings: chunk.iter().map(|(_, (_, n, _))| n).sum(),
                review_minutes: chunk.iter().map(|(_, (_, _, m))| m).sum(),
                rules,
                files: paths,
                command,
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
    let _ = writeln!(
        out,
        "# Upgrade plan\n\nTarget: {}. {} batches of at most {max_files} files, step by step, safe fixes first; apply each with its command, review, merge, then the next.\n",
        super::markdown::targets_line(report),
        batches.len()
    );
    for batch in batches {
        let _ = writeln!(
            out,
            "## {}. `{}` {} {}: {} fixes, {}\n",
            batch.number, batch.project, batch.framework, batch.step, batch.safety, batch.owner
        );
        let _ = writeln!(
            out,
            "{} in {} under `{}`; review about {}. Rules: {}.\n",
            crate::report::text::count(batch.findings, "finding"),
            crate::report::text::count(batch.files.len(), "file"),
            batch.directory,
            analysis::duration(batch.review_minutes),
            batch
                .rules
                .iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(out, "```sh\n{}\n```\n", batch.command);
    }
    out
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
