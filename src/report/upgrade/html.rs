//! The report as one self-contained HTML file: no scripts, fonts or images from elsewhere;
//! charts are inline SVG; it prints on paper as it shows on screen.

use std::fmt::Write;

use super::UpgradeReport;
use super::analysis::{self, Kind, Totals, duration};
use super::markdown::{dependency_summary, effort_model, fix_label, source_of, status_text};
use crate::detect::compat::Status;

const STYLE: &str = "
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d2330; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d8dce5; padding-bottom: .2rem; }
h3 { margin-bottom: .4rem; } code { font: .9em ui-monospace, 'SFMono-Regular', Menlo, monospace; }
table { border-collapse: collapse; margin: .6rem 0 1rem; } th, td { padding: .25rem .7rem; border-bottom: 1px solid #e3e6ee; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #f3f5f9; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid #d8dce5; border-radius: 6px; padding: .6rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.6rem; } .muted { color: #5b6475; }
.blocker { color: #b42318; } .deprecation { color: #b54708; } .modernisation { color: #175cd3; }
table.dependencies th, table.dependencies td { text-align: left; }
ul.rules { margin-top: .2rem; } svg text { font: 12px system-ui, sans-serif; fill: #1d2330; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } a { color: inherit; } }
";

const KIND_COLORS: [(Kind, &str); 3] = [
    (Kind::Blocker, "#d92d20"),
    (Kind::Deprecation, "#f79009"),
    (Kind::Modernisation, "#2e90fa"),
];

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn count_of(totals: &Totals, kind: Kind) -> usize {
    match kind {
        Kind::Blocker => totals.blockers,
        Kind::Deprecation => totals.deprecations,
        Kind::Modernisation => totals.modernisations,
    }
}

/// Horizontal stacked bars, one per row, split by kind.
fn stacked_bars(rows: &[(String, Totals)]) -> String {
    let label_width = 220.0;
    let bar_width = 460.0;
    let row_height = 26.0;
    let max = rows
        .iter()
        .map(|(_, t)| t.findings)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = row_height * rows.len() as f64 + 30.0;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"Findings per project by kind\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">",
        label_width + bar_width + 60.0,
        label_width + bar_width + 60.0
    );
    for (i, (label, totals)) in rows.iter().enumerate() {
        let y = i as f64 * row_height;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\">{}</text>",
            y + 17.0,
            escape(label)
        );
        let mut x = label_width;
        for (kind, color) in KIND_COLORS {
            let width = count_of(totals, kind) as f64 / max * bar_width;
            if width > 0.0 {
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"18\" fill=\"{color}\"><title>{}: {}</title></rect>",
                    y + 4.0,
                    kind.as_str(),
                    count_of(totals, kind)
                );
            }
            x += width;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\">{}</text>",
            x + 6.0,
            y + 17.0,
            totals.findings
        );
    }
    let legend_y = row_height * rows.len() as f64 + 18.0;
    let mut x = label_width;
    for (kind, color) in KIND_COLORS {
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{}\" y=\"{legend_y}\">{}</text>",
            legend_y - 9.0,
            x + 14.0,
            kind.as_str()
        );
        x += 120.0;
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars for counts.
fn bars(rows: &[(String, usize)], label: &str) -> String {
    let label_width = 320.0;
    let bar_width = 360.0;
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let height = 24.0 * rows.len() as f64;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\">",
        escape(label),
        label_width + bar_width + 50.0,
        label_width + bar_width + 50.0
    );
    for (i, (name, count)) in rows.iter().enumerate() {
        let y = i as f64 * 24.0;
        let width = *count as f64 / max * bar_width;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\">{}</text><rect x=\"{label_width}\" y=\"{}\" width=\"{width:.1}\" height=\"16\" fill=\"#6172f3\"/><text x=\"{:.1}\" y=\"{}\">{count}</text>",
            y + 15.0,
            escape(name),
            y + 3.0,
            label_width + width + 6.0,
            y + 15.0
        );
    }
    svg.push_str("</svg>");
    svg
}

fn totals_row(first: &str, t: &Totals) -> String {
    format!(
        "<tr><td>{first}</td><td>{}</td><td class=\"blocker\">{}</td><td class=\"deprecation\">{}</td><td class=\"modernisation\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
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

const TOTALS_HEAD: &str = "<th>Findings</th><th>Blockers</th><th>Deprecations</th><th>Modernisations</th><th>Auto-fixable</th><th>Manual</th><th>Manual work</th><th>Review</th><th>Effort</th></tr></thead>";

/// The class a dependency's status is shown with.
fn status_class(status: Status) -> &'static str {
    match status {
        Status::Incompatible => "blocker",
        Status::Upgrade | Status::Unknown => "deprecation",
        Status::Compatible | Status::Independent => "muted",
    }
}

/// A project's dependency table: every dependency, those that need attention first.
fn dependency_table(out: &mut String, report: &UpgradeReport, root: &str) {
    let list = analysis::dependencies_of(report, root);
    let Some(first) = list.first() else {
        return;
    };
    let _ = write!(
        out,
        "<h3>Dependencies (<code>{}</code>)</h3><table class=\"dependencies\"><thead><tr><th>Package</th><th>In use</th><th>Status</th><th>Why</th><th>Read from</th></tr></thead><tbody>",
        escape(&first.target)
    );
    for d in list {
        let in_use =
            d.current
                .as_deref()
                .unwrap_or(if d.spec.is_empty() { "any" } else { &d.spec });
        let _ = write!(
            out,
            "<tr data-status=\"{}\"><td><code>{}</code>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td><code>{}</code></td></tr>",
            d.status.as_str(),
            escape(&d.name),
            if d.dev {
                " <span class=\"muted\">(dev)</span>"
            } else {
                ""
            },
            escape(in_use),
            status_class(d.status),
            escape(&status_text(d)),
            escape(&d.note),
            escape(&d.source)
        );
    }
    out.push_str("</tbody></table>");
}

/// Renders the report.
pub fn render(report: &UpgradeReport) -> String {
    let analysis = analysis::analyse(report);
    let t = &analysis.totals;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Upgrade compatibility report</title><style>{STYLE}</style></head><body>\n"
    );
    let targets = if report.targets.is_empty() {
        "the latest known release of each framework".to_string()
    } else {
        report
            .targets
            .iter()
            .map(|t| escape(t))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "<h1>Upgrade compatibility report</h1><p class=\"muted\">Target: {targets}. {} files examined in {} projects.</p>",
        report.files,
        report.projects.len()
    );
    let _ = writeln!(
        out,
        "<div class=\"cards\"><div class=\"card\"><b id=\"total-findings\">{}</b>findings</div><div class=\"card\"><b id=\"total-blockers\" class=\"blocker\">{}</b>blockers</div><div class=\"card\"><b id=\"total-fixable\">{}</b>fixed by <code>upshift fix</code></div><div class=\"card\"><b id=\"total-manual\">{}</b>need a person</div><div class=\"card\"><b id=\"total-effort\">{}</b>estimated effort</div></div>",
        t.findings,
        t.blockers,
        t.fixable(),
        t.manual,
        duration(t.minutes())
    );
    let _ = writeln!(
        out,
        "<p>Estimated effort <b>{}</b>: <span id=\"manual-effort\">{}</span> of manual work and <span id=\"review-effort\">{}</span> reviewing {} changed by fixes.</p>",
        duration(t.minutes()),
        duration(t.manual_minutes),
        duration(t.review_minutes),
        crate::report::text::count(t.reviewed_files(), "file")
    );
    if !analysis.dependency_counts.is_empty() {
        let _ = writeln!(
            out,
            "<p id=\"dependency-summary\">Dependencies: {} ({} checked).</p>",
            escape(&dependency_summary(&analysis.dependency_counts)),
            report.dependencies.len()
        );
    }
    for (app, totals) in &analysis.migrations {
        let _ = writeln!(
            out,
            "<p class=\"muted\">{} ({}) are in the migrations of <code>{}</code>. If they have already run in production, <code>[migrations] start-after = {{ {} = \"&lt;the last applied migration&gt;\" }}</code> in <code>upshift.toml</code> leaves them out.</p>",
            crate::report::text::count(totals.findings, "finding"),
            duration(totals.minutes()),
            escape(app),
            escape(app)
        );
    }
    let rows: Vec<(String, Totals)> = analysis
        .projects
        .iter()
        .map(|p| (p.root.clone(), p.totals.clone()))
        .collect();
    let _ = write!(out, "<h2>Projects</h2>{}", stacked_bars(&rows));
    let _ = write!(
        out,
        "<table><thead><tr><th>Project</th>{TOTALS_HEAD}<tbody>"
    );
    for (root, totals) in &rows {
        out.push_str(&totals_row(
            &format!("<code>{}</code>", escape(root)),
            totals,
        ));
    }
    out.push_str(&totals_row("<b>Total</b>", t));
    out.push_str("</tbody></table>\n");

    for project in &analysis.projects {
        let _ = write!(out, "<h2><code>{}</code></h2>", escape(&project.root));
        if project.upgrades.is_empty() {
            out.push_str("<p>No findings.</p>");
        }
        for upgrade in &project.upgrades {
            let _ = write!(
                out,
                "<h3>{}: {}</h3>",
                escape(&upgrade.framework),
                escape(&upgrade.path())
            );
            if let Some(runtime) = &upgrade.runtime {
                let when = match (&runtime.before_step, runtime.met()) {
                    (_, true) => "met".to_string(),
                    (Some(step), false) => format!("before {step}"),
                    (None, false) => "first".to_string(),
                };
                let _ = write!(
                    out,
                    "<p class=\"runtime\" data-met=\"{}\"><b>Runtime ({}):</b> {} (<a href=\"{}\">source</a>).</p>",
                    runtime.met(),
                    escape(&when),
                    escape(&runtime.sentence(upgrade.target.as_deref().unwrap_or("?"))),
                    escape(runtime.requirement.source)
                );
            }
            match source_of(report, &project.root, upgrade) {
                Some(source) => {
                    let _ = write!(
                        out,
                        "<p class=\"muted\">Current version from {}.</p>",
                        escape(&source.replace('`', ""))
                    );
                }
                None if report.releases.contains_key(&upgrade.framework) => out.push_str(
                    "<p class=\"muted\">Current version not found in the project's manifests.</p>",
                ),
                None => {}
            }
            let _ = write!(out, "<table><thead><tr><th>Step</th>{TOTALS_HEAD}<tbody>");
            for step in &upgrade.steps {
                out.push_str(&totals_row(&escape(&step.version), &step.totals));
            }
            out.push_str("</tbody></table>");
            for step in upgrade.steps.iter().filter(|s| !s.findings.is_empty()) {
                let _ = write!(
                    out,
                    "<p><b>{} {}</b></p><ul class=\"rules\">",
                    escape(&upgrade.framework),
                    escape(&step.version)
                );
                for group in step.by_rule() {
                    let _ = write!(
                        out,
                        "<li><a href=\"{}\"><code>{}</code></a> × {}: <span class=\"{}\">{}</span>, {}, {}</li>",
                        escape(group.docs),
                        escape(group.rule),
                        group.count,
                        group.kind.as_str(),
                        group.kind.as_str(),
                        fix_label(group.fix),
                        duration(group.totals.minutes())
                    );
                }
                out.push_str("</ul>");
            }
        }
        dependency_table(&mut out, report, &project.root);
        out.push('\n');
    }
    if analysis.owners.iter().any(|(o, _)| o != analysis::UNOWNED) {
        let _ = write!(
            out,
            "<h2>Owners</h2><table><thead><tr><th>Owner</th>{TOTALS_HEAD}<tbody>"
        );
        for (owner, totals) in &analysis.owners {
            out.push_str(&totals_row(&escape(owner), totals));
        }
        out.push_str("</tbody></table>\n");
    }
    if t.findings > 0 {
        out.push_str("<h2>Hot spots</h2><h3>Rules</h3>");
        out.push_str(&bars(&analysis.top_rules, "Findings per rule"));
        for (title, list) in [
            ("Files", &analysis.hot_files),
            ("Directories", &analysis.hot_dirs),
        ] {
            let _ = write!(
                out,
                "<h3>{title}</h3><table><thead><tr><th>{title}</th><th>Findings</th></tr></thead><tbody>"
            );
            for (name, count) in list.iter() {
                let _ = write!(
                    out,
                    "<tr><td><code>{}</code></td><td>{count}</td></tr>",
                    escape(name)
                );
            }
            out.push_str("</tbody></table>");
        }
    }
    let model = escape(&effort_model());
    // The model's `code` spans, as HTML.
    let mut model_html = String::new();
    for (i, part) in model.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(model_html, "<code>{part}</code>");
        } else {
            model_html.push_str(part);
        }
    }
    let _ = writeln!(
        out,
        "<h2>Effort model</h2><p>{model_html}</p>\n</body></html>"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
