//! The report as Markdown, short enough for a pull request description.

use std::fmt::Write;

use super::UpgradeReport;
use super::analysis::{
    self, Analysis, REVIEW_SAFE_MINUTES, REVIEW_UNSAFE_MINUTES, Totals, Upgrade, duration,
};
use crate::report::Fixability;

const TOTALS_HEADER: &str =
    "| Findings | Blockers | Deprecations | Modernisations | Auto-fixable | Manual | Effort |";

fn totals_cells(t: &Totals) -> String {
    format!(
        "{} | {} | {} | {} | {} | {} | {}",
        t.findings,
        t.blockers,
        t.deprecations,
        t.modernisations,
        t.fixable(),
        t.manual,
        duration(t.minutes)
    )
}

/// The targets, or a note that each project's latest known release is the goal.
pub fn targets_line(report: &UpgradeReport) -> String {
    if report.targets.is_empty() {
        "the latest known release of each framework".to_string()
    } else {
        report
            .targets
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where the current version of an upgrade was read, if known.
pub fn source_of(report: &UpgradeReport, root: &str, upgrade: &Upgrade) -> Option<String> {
    let version = report.project(root)?.version_of(&upgrade.framework)?;
    let kind = if version.pinned { "pinned" } else { "range" };
    Some(format!(
        "`{}` ({kind}) in `{}`",
        version.spec, version.source
    ))
}

pub fn fix_label(fix: Fixability) -> &'static str {
    match fix {
        Fixability::Safe => "auto-fix",
        Fixability::Unsafe => "auto-fix (unsafe)",
        Fixability::None => "manual",
    }
}

/// Renders the report.
pub fn render(report: &UpgradeReport) -> String {
    let analysis = analysis::analyse(report);
    let mut out = String::new();
    let t = &analysis.totals;
    let _ = writeln!(out, "# Upgrade compatibility report\n");
    let _ = writeln!(
        out,
        "Target: {}. {} files examined in {} projects; {} findings, {} of them fixed automatically by `upshift fix`; estimated effort **{}**.\n",
        targets_line(report),
        report.files,
        report.projects.len(),
        t.findings,
        t.fixable(),
        duration(t.minutes)
    );
    let _ = writeln!(out, "| Project {TOTALS_HEADER}");
    let _ = writeln!(out, "|:--|---:|---:|---:|---:|---:|---:|---:|");
    for project in &analysis.projects {
        let _ = writeln!(
            out,
            "| `{}` | {} |",
            project.root,
            totals_cells(&project.totals)
        );
    }
    let _ = writeln!(out, "| **Total** | {} |\n", totals_cells(t));

    for project in &analysis.projects {
        let _ = writeln!(out, "## `{}`\n", project.root);
        if project.upgrades.is_empty() {
            let versions = report
                .project(&project.root)
                .map(|p| {
                    p.versions
                        .iter()
                        .map(|v| format!("{} {}", v.framework, v.version))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let _ = writeln!(out, "On {versions}. No findings.\n");
        }
        for upgrade in &project.upgrades {
            render_upgrade(&mut out, report, &project.root, upgrade);
        }
    }
    render_owners(&mut out, &analysis);
    render_hot_spots(&mut out, &analysis);
    let _ = writeln!(
        out,
        "## Effort model\n\nA finding a person must change costs its rule's estimate (minutes per occurrence, shown by `upshift explain`). A finding `upshift fix` resolves costs review time only: {REVIEW_SAFE_MINUTES} min for a safe fix, {REVIEW_UNSAFE_MINUTES} min for an unsafe one. A finding is placed on the first step at or after the release that removed the old form (a blocker), else the one that deprecated it, else the one where the new form exists (a modernisation)."
    );
    out
}

fn render_upgrade(out: &mut String, report: &UpgradeReport, root: &str, upgrade: &Upgrade) {
    let _ = writeln!(out, "### {}: {}\n", upgrade.framework, upgrade.path());
    if let Some(source) = source_of(report, root, upgrade) {
        let _ = writeln!(out, "Current version from {source}.\n");
    } else if report.releases.contains_key(&upgrade.framework) {
        let _ = writeln!(
            out,
            "Current version not found in the project's manifests: every step up to the target is listed.\n"
        );
    }
    let _ = writeln!(out, "| Step {TOTALS_HEADER}");
    let _ = writeln!(out, "|:--|---:|---:|---:|---:|---:|---:|---:|");
    for step in &upgrade.steps {
        let _ = writeln!(out, "| {} | {} |", step.version, totals_cells(&step.totals));
    }
    let _ = writeln!(out);
    for step in upgrade.steps.iter().filter(|s| !s.findings.is_empty()) {
        let _ = writeln!(out, "**{} {}**\n", upgrade.framework, step.version);
        for group in step.by_rule() {
            let _ = writeln!(
                out,
                "- [`{}`]({}) × {}: {}, {}, {}",
                group.rule,
                group.docs,
                group.count,
                group.kind.as_str(),
                fix_label(group.fix),
                duration(group.minutes)
            );
        }
        let _ = writeln!(out);
    }
}

fn render_owners(out: &mut String, analysis: &Analysis) {
    if analysis.owners.iter().all(|(o, _)| o == analysis::UNOWNED) {
        return;
    }
    let _ = writeln!(out, "## Owners\n");
    let _ = writeln!(out, "| Owner {TOTALS_HEADER}");
    let _ = writeln!(out, "|:--|---:|---:|---:|---:|---:|---:|---:|");
    for (owner, totals) in &analysis.owners {
        let _ = writeln!(out, "| {owner} | {} |", totals_cells(totals));
    }
    let _ = writeln!(out);
}

fn render_hot_spots(out: &mut String, analysis: &Analysis) {
    if analysis.totals.findings == 0 {
        return;
    }
    let _ = writeln!(out, "## Hot spots\n");
    for (title, list) in [
        ("Files", &analysis.hot_files),
        ("Directories", &analysis.hot_dirs),
        ("Rules", &analysis.top_rules),
    ] {
        let _ = writeln!(out, "| {title} | Findings |\n|:--|---:|");
        for (name, count) in list {
            let _ = writeln!(out, "| `{name}` | {count} |");
        }
        let _ = writeln!(out);
    }
}
