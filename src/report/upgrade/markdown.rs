//! The report as Markdown, short enough for a pull request description.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::analysis::{
    self, Analysis, REVIEW_SAFE_MINUTES, REVIEW_UNSAFE_MINUTES, Totals, Upgrade, duration,
};
use super::{DependencyEntry, UpgradeReport};
use crate::detect::compat::Status;
use crate::report::Fixability;

const TOTALS_HEADER: &str = "| Findings | Blockers | Deprecations | Modernisations | Auto-fixable | Manual | Manual work | Review | Effort |";
const TOTALS_RULE: &str = "|:--|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

fn totals_cells(t: &Totals) -> String {
    format!(
        "{} | {} | {} | {} | {} | {} | {} | {} | {}",
        t.findings,
        t.blockers,
        t.deprecations,
        t.modernisations,
        t.fixable(),
        t.manual,
        duration(t.manual_minutes),
        duration(t.review_minutes),
        duration(t.minutes())
    )
}

/// `3 incompatible, 2 to upgrade, 1 unknown, 12 compatible, 30 independent`.
pub fn dependency_summary(counts: &BTreeMap<Status, usize>) -> String {
    counts
        .iter()
        .map(|(status, n)| match status {
            Status::Upgrade => format!("{n} to upgrade"),
            other => format!("{n} {}", other.as_str()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a dependency's status means, for a table cell.
pub fn status_text(dependency: &DependencyEntry) -> String {
    let version = dependency.version.as_deref().unwrap_or("?");
    match dependency.status {
        Status::Compatible => "supports the target".into(),
        Status::Upgrade => format!("upgrade to {version}"),
        Status::Incompatible => "no release supports the target".into(),
        Status::Independent => "does not depend on the framework".into(),
        Status::Unknown => "unknown".into(),
    }
}

/// The effort model, in a paragraph.
pub fn effort_model() -> String {
    format!(
        "A finding a person must change costs its rule's estimate (minutes per occurrence, shown by `upshift explain`): manual work. What `upshift fix` changes costs review time, per file and step rather than per finding: {REVIEW_SAFE_MINUTES} min for a file of safe fixes, {REVIEW_UNSAFE_MINUTES} min for a file with an unsafe one. Migrations that the configuration marks as applied (`[migrations] start-after` in `upshift.toml`) are not examined. A finding is placed on the first step at or after the release that removed the old form (a blocker), else the one that deprecated it, else the one where the new form exists (a modernisation)."
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
    Some(format!(
        "`{}` ({}) in `{}`",
        version.spec,
        version.kind(),
        version.source
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
        "Target: {}. {} files examined in {} projects; {} findings, {} of them fixed automatically by `upshift fix`; estimated effort **{}**: {} of manual work and {} reviewing {} changed by fixes.\n",
        targets_line(report),
        report.files,
        report.projects.len(),
        t.findings,
        t.fixable(),
        duration(t.minutes()),
        duration(t.manual_minutes),
        duration(t.review_minutes),
        crate::report::text::count(t.reviewed_files(), "file"),
    );
    if !analysis.dependency_counts.is_empty() {
        let _ = writeln!(
            out,
            "Dependencies: {} ({} checked).\n",
            dependency_summary(&analysis.dependency_counts),
            report.dependencies.len()
        );
    }
    render_history(&mut out, &analysis);
    let _ = writeln!(out, "| Project {TOTALS_HEADER}");
    let _ = writeln!(out, "{TOTALS_RULE}");
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
                        .map(|v| {
                            format!(
                                "{} {}",
                                v.framework,
                                v.version.as_deref().unwrap_or("(version unknown)")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let _ = writeln!(out, "On {versions}. No findings.\n");
        }
        for upgrade in &project.upgrades {
            render_upgrade(&mut out, report, &project.root, upgrade);
        }
        render_dependencies(&mut out, report, &project.root);
    }
    render_owners(&mut out, &analysis);
    render_hot_spots(&mut out, &analysis);
    let _ = writeln!(out, "## Effort model\n\n{}", effort_model());
    out
}

/// The note on migration findings: if those migrations have run, the configuration can say so.
fn render_history(out: &mut String, analysis: &Analysis) {
    for (app, totals) in &analysis.migrations {
        let _ = writeln!(
            out,
            "{} ({}) are in the migrations of `{app}`. If they have already run in production, `[migrations] start-after = {{ {app} = \"<the last applied migration>\" }}` in `upshift.toml` leaves them out (see docs/configuration.md).\n",
            crate::report::text::count(totals.findings, "finding"),
            duration(totals.minutes())
        );
    }
}

/// A project's dependencies: those that need attention in a table, the rest in a line.
fn render_dependencies(out: &mut String, report: &UpgradeReport, root: &str) {
    let list = analysis::dependencies_of(report, root);
    if list.is_empty() {
        return;
    }
    let target = &list[0].target;
    let (quiet, listed): (Vec<&DependencyEntry>, Vec<&DependencyEntry>) = list
        .iter()
        .partition(|d| matches!(d.status, Status::Independent | Status::Compatible));
    let _ = writeln!(out, "### Dependencies (`{target}`)\n");
    if !listed.is_empty() {
        let _ = writeln!(out, "| Package | In use | Status | Why | Read from |");
        let _ = writeln!(out, "|:--|:--|:--|:--|:--|");
        for d in &listed {
            let _ = writeln!(
                out,
                "| `{}`{} | {} | {} | {} | `{}` |",
                d.name,
                if d.dev { " (dev)" } else { "" },
                d.current
                    .as_deref()
                    .unwrap_or(if d.spec.is_empty() { "any" } else { &d.spec }),
                status_text(d),
                d.note.replace('|', "\\|"),
                d.source
            );
        }
        let _ = writeln!(out);
    }
    for (status, label) in [
        (Status::Compatible, "Support the target as they are"),
        (Status::Independent, "Do not depend on the framework"),
    ] {
        let names: Vec<String> = quiet
            .iter()
            .filter(|d| d.status == status)
            .map(|d| format!("`{}`", d.name))
            .collect();
        if !names.is_empty() {
            let _ = writeln!(out, "{label}: {}.\n", names.join(", "));
        }
    }
}

fn render_upgrade(out: &mut String, report: &UpgradeReport, root: &str, upgrade: &Upgrade) {
    let _ = writeln!(out, "### {}: {}\n", upgrade.framework, upgrade.path());
    if let Some(runtime) = &upgrade.runtime {
        let _ = writeln!(
            out,
            "**Runtime{}:** {} ([source]({})).\n",
            match (&runtime.before_step, runtime.met()) {
                (_, true) => String::new(),
                (Some(step), false) => format!(", before {step}"),
                (None, false) => ", first".to_string(),
            },
            runtime.sentence(upgrade.target.as_deref().unwrap_or("?")),
            runtime.requirement.source
        );
    }
    if let Some(source) = source_of(report, root, upgrade) {
        let _ = writeln!(out, "Current version from {source}.\n");
    } else if report.releases.contains_key(&upgrade.framework) {
        let _ = writeln!(
            out,
            "Current version not found in the project's manifests: every step up to the target is listed.\n"
        );
    }
    let _ = writeln!(out, "| Step {TOTALS_HEADER}");
    let _ = writeln!(out, "{TOTALS_RULE}");
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
                duration(group.totals.minutes())
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
    let _ = writeln!(out, "{TOTALS_RULE}");
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
