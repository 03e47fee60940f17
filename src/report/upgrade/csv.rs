//! The report as CSV: one row per finding, with its project, step and kind, for spreadsheets.

use super::UpgradeReport;
use super::analysis;

const HEADER: &[&str] = &[
    "project",
    "framework",
    "step",
    "kind",
    "path",
    "line",
    "column",
    "rule",
    "severity",
    "fix",
    "minutes",
    "owners",
    "message",
    "docs",
];

/// A field quoted when it holds a comma, quote or line break (RFC 4180).
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

pub fn render(report: &UpgradeReport) -> String {
    let analysis = analysis::analyse(report);
    let mut out = HEADER.join(",");
    out.push_str("\r\n");
    for project in &analysis.projects {
        for upgrade in &project.upgrades {
            for step in &upgrade.steps {
                for placed in &step.findings {
                    let f = placed.finding;
                    let row = [
                        project.root.clone(),
                        upgrade.framework.clone(),
                        step.version.clone(),
                        placed.kind.as_str().to_string(),
                        f.path.clone(),
                        f.line.to_string(),
                        f.column.to_string(),
                        f.rule.clone(),
                        f.severity.clone(),
                        serde_json::to_value(f.fix)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        analysis::manual_minutes(f).to_string(),
                        f.owners.join(" "),
                        f.message.clone(),
                        f.docs.clone(),
                    ];
                    let cells: Vec<String> = row.iter().map(|c| field(c)).collect();
                    out.push_str(&cells.join(","));
                    out.push_str("\r\n");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_separators_are_quoted() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
