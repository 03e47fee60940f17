//! `--format json`: a stable, versioned document (schema in `docs/json.md`).

use serde::Serialize;

use super::{Entry, Fixability, Summary};
use crate::engine::matcher::Position;

/// The version of the JSON document; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: &'static str,
    tool_version: &'static str,
    findings: Vec<JsonFinding<'a>>,
    notes: &'a [Note],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: String,
    start: Position,
    end: Position,
    fix: Fixability,
    docs: &'a str,
}

/// A file skipped or not written, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub path: String,
    pub message: String,
}

/// Renders the whole run as JSON.
pub fn document(entries: &[Entry], notes: &[Note], summary: &Summary) -> String {
    let findings = entries
        .iter()
        .map(|e| JsonFinding {
            rule: &e.rule.id,
            severity: e.severity.as_str(),
            message: &e.finding.message,
            path: e.path.display().to_string(),
            start: e.finding.start,
            end: e.finding.end,
            fix: e.fixability,
            docs: &e.rule.docs,
        })
        .collect();
    let doc = Document {
        version: SCHEMA_VERSION,
        tool: "upshift",
        tool_version: env!("CARGO_PKG_VERSION"),
        findings,
        notes,
        summary,
    };
    serde_json::to_string_pretty(&doc).expect("report serializes")
}
