//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning reads it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Entry;
use crate::rules::Severity;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Renders the findings as a SARIF log with one run.
pub fn document(entries: &[Entry]) -> String {
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    let mut descriptors: Vec<Value> = Vec::new();
    for entry in entries {
        if !rules.contains_key(entry.rule.id.as_str()) {
            rules.insert(&entry.rule.id, descriptors.len());
            descriptors.push(json!({
                "id": entry.rule.id,
                "name": entry.rule.name(),
                "shortDescription": { "text": entry.rule.description.as_deref().unwrap_or(&entry.rule.id) },
                "helpUri": entry.rule.docs,
                "defaultConfiguration": { "level": level(entry.rule.severity) },
            }));
        }
    }
    let results: Vec<Value> = entries
        .iter()
        .map(|entry| {
            let uri = entry.path.display().to_string().replace('\\', "/");
            json!({
                "ruleId": entry.rule.id,
                "ruleIndex": rules[entry.rule.id.as_str()],
                "level": level(entry.severity),
                "message": { "text": entry.finding.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri.trim_start_matches("./") },
                        "region": {
                            "startLine": entry.finding.start.line,
                            "startColumn": entry.finding.start.column,
                            "endLine": entry.finding.end.line,
                            "endColumn": entry.finding.end.column,
                        }
                    }
                }],
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "upshift",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&log).expect("SARIF serializes")
}
