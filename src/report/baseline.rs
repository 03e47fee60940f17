//! Baselines: today's findings recorded so that only new ones are reported, which lets a team
//! switch upshift on in CI on day one of a large legacy code base.
//!
//! A finding is identified by a fingerprint that survives unrelated edits: the rule, the file
//! (relative to the baseline file's folder), a hash of the matched text with its white space
//! folded, and which occurrence of that same text in that file it is. Line numbers are left out
//! on purpose, so code moving up or down keeps its findings baselined.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Entry;
use crate::fingerprint::{SEED, fnv1a};

/// The version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Fingerprint>,
}

/// What identifies one finding across unrelated edits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Fingerprint {
    pub rule: String,
    pub path: String,
    /// FNV-1a of the matched text with white space folded, in hex.
    pub text: String,
    /// 0 for the first finding of this rule on this text in this file, 1 for the second, ...
    pub occurrence: usize,
}

/// Errors reading a baseline.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read the baseline: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a baseline file: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: baseline version {found} is not supported (expected {BASELINE_VERSION})")]
    Version { path: PathBuf, found: u32 },
}

fn fold_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The path as recorded: relative to `base` when under it, with `/` separators.
fn relative(path: &Path, base: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    let shown = absolute
        .strip_prefix(&base)
        .map(Path::to_path_buf)
        .unwrap_or(absolute);
    shown.to_string_lossy().replace('\\', "/")
}

/// The fingerprints of `entries`, in order, with paths relative to `base`.
pub fn fingerprints(entries: &[Entry], base: &Path) -> Vec<Fingerprint> {
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    let mut paths: HashMap<&Path, String> = HashMap::new();
    entries
        .iter()
        .map(|entry| {
            let path = paths
                .entry(entry.path)
                .or_insert_with(|| relative(entry.path, base))
                .clone();
            let text = format!(
                "{:016x}",
                fnv1a(
                    SEED,
                    fold_whitespace(&entry.text[entry.finding.range.clone()]).as_bytes()
                )
            );
            let count = seen
                .entry((entry.rule.id.clone(), path.clone(), text.clone()))
                .or_default();
            let occurrence = *count;
            *count += 1;
            Fingerprint {
                rule: entry.rule.id.clone(),
                path,
                text,
                occurrence,
            }
        })
        .collect()
}

impl Baseline {
    /// The baseline of `entries`, for a file in `base`.
    pub fn of(entries: &[Entry], base: &Path) -> Baseline {
        let mut findings = fingerprints(entries, base);
        findings.sort();
        Baseline {
            version: BASELINE_VERSION,
            findings,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.into(),
            source,
        })?;
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|source| BaselineError::Parse {
                path: path.into(),
                source,
            })?;
        if baseline.version != BASELINE_VERSION {
            return Err(BaselineError::Version {
                path: path.into(),
                found: baseline.version,
            });
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("baseline serializes") + "\n"
    }

    /// Which of `entries` are new: not in the baseline (`base` is the baseline file's folder).
    pub fn new_entries(&self, entries: &[Entry], base: &Path) -> Vec<bool> {
        let known: std::collections::HashSet<&Fingerprint> = self.findings.iter().collect();
        fingerprints(entries, base)
            .iter()
            .map(|f| !known.contains(f))
            .collect()
    }
}
