//! The result cache of `check`: findings keyed by a file's path and content, under a key for
//! the rule set, the selection and upshift's version, so an unchanged tree is checked again at
//! about the cost of reading it. Stored in the user's cache folder (`$UPSHIFT_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/upshift`, else `~/.cache/upshift`), never in the repository; safe to delete. Never
//! stale: a changed file misses, and any change to the rules, targets, version or binary changes the
//! key, so the old entries are never read. A damaged cache file is ignored.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::matcher::{Finding, Position};
use super::plan::Plan;
use super::project::{Anchor, Read};
use super::suppress::SuppressionNotes;
use crate::fingerprint::{SEED, content_hash, fnv1a};
use crate::rules::Safety;

/// What is remembered of one file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedFile {
    findings: Vec<CachedFinding>,
    warnings: Vec<(usize, String)>,
    /// The project files the rule scripts read, which must be unchanged for the entry to hold.
    #[serde(default)]
    reads: Vec<Read>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedFinding {
    rule: String,
    start_byte: usize,
    end_byte: usize,
    start: Position,
    end: Position,
    message: String,
    fix: Option<Safety>,
}

/// The cache for one rule plan.
pub struct Cache {
    path: PathBuf,
    entries: Mutex<HashMap<String, CachedFile>>,
    changed: Mutex<bool>,
}

/// The key of a plan: upshift's version and build, and every active rule as written (its
/// [`fingerprint`](crate::rules::Rule::fingerprint), not its compiled form, whose formatting
/// cost more than a cached re-run's reading), with its severity, target and options.
pub fn plan_key(plan: &Plan) -> u64 {
    let mut hash = fnv1a(SEED, env!("CARGO_PKG_VERSION").as_bytes());
    hash = fnv1a(hash, build_stamp().as_bytes());
    for active in &plan.rules {
        hash = fnv1a(hash, active.rule.id.as_bytes());
        hash = fnv1a(hash, &active.rule.fingerprint.to_le_bytes());
        hash = fnv1a(
            hash,
            format!(
                "{:?}{:?}{:?}",
                active.severity, active.target, active.options
            )
            .as_bytes(),
        );
    }
    hash
}

/// The size and modification time of the running binary, so that a rebuilt upshift of the same
/// version (a change to the engine between releases) does not read the findings of the old one.
fn build_stamp() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|meta| format!("{}:{:?}", meta.len(), meta.modified().ok()))
        .unwrap_or_default()
}

/// The key of one file: its path and its bytes.
pub fn file_key(path: &Path, bytes: &[u8]) -> String {
    format!(
        "{:016x}",
        content_hash(fnv1a(SEED, path.to_string_lossy().as_bytes()), bytes)
    )
}

impl Cache {
    /// The folder caches live in, if the environment names one.
    pub fn dir() -> Option<PathBuf> {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        var("UPSHIFT_CACHE_DIR")
            .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("upshift")))
            .or_else(|| var("HOME").map(|d| d.join(".cache").join("upshift")))
    }

    /// Opens (or starts) the cache for `plan` run from `root`, in `dir`.
    pub fn open(dir: &Path, root: &Path, plan: &Plan) -> Cache {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let key = fnv1a(plan_key(plan), root.to_string_lossy().as_bytes());
        let path = dir.join(format!("{key:016x}.json"));
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Cache {
            path,
            entries: Mutex::new(entries),
            changed: Mutex::new(false),
        }
    }

    /// The remembered findings of a file, rebuilt for `plan`, while the project files its
    /// scripts read (looked up from `anchor`) are unchanged.
    pub fn get(
        &self,
        key: &str,
        plan: &Plan,
        anchor: &Anchor,
    ) -> Option<(Vec<Finding>, SuppressionNotes)> {
        let reads = self.entries.lock().ok()?.get(key)?.reads.clone();
        if !reads.iter().all(|read| read.current(anchor)) {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let cached = entries.get(key)?;
        let mut findings = Vec::with_capacity(cached.findings.len());
        for f in &cached.findings {
            let rule = plan.rules.iter().position(|r| r.rule.id == f.rule)?;
            findings.push(Finding {
                rule,
                range: f.start_byte..f.end_byte,
                start: f.start,
                end: f.end,
                message: f.message.clone(),
                // Enough to report fixability; `check` never applies it.
                fix: f.fix.map(|safety| super::edit::Fix {
                    edits: vec![],
                    imports: vec![],
                    creates: vec![],
                    safety,
                }),
            });
        }
        let notes = SuppressionNotes {
            warnings: cached.warnings.clone(),
            silenced: 0,
        };
        Some((findings, notes))
    }

    /// Remembers a file's findings.
    pub fn put(&self, key: String, plan: &Plan, analysis: &super::Analysis) {
        let cached = CachedFile {
            findings: analysis
                .findings
                .iter()
                .map(|f| CachedFinding {
                    rule: plan.rules[f.rule].rule.id.clone(),
                    start_byte: f.range.start,
                    end_byte: f.range.end,
                    start: f.start,
                    end: f.end,
                    message: f.message.clone(),
                    fix: f.fix.as_ref().map(|fix| fix.safety),
                })
                .collect(),
            warnings: analysis.suppressions.warnings.clone(),
            reads: analysis.project_reads.clone(),
        };
        if let (Ok(mut entries), Ok(mut changed)) = (self.entries.lock(), self.changed.lock()) {
            entries.insert(key, cached);
            *changed = true;
        }
    }

    /// Writes the cache if anything was added; a failure only costs the next run its speed.
    pub fn save(&self) {
        if !self.changed.lock().is_ok_and(|c| *c) {
            return;
        }
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(entries) = self.entries.lock() else {
            return;
        };
        if let Ok(text) = serde_json::to_vec(&*entries) {
            let temp = self
                .path
                .with_extension(format!("{}.tmp", std::process::id()));
            if std::fs::write(&temp, text).is_ok() {
                let _ = std::fs::rename(&temp, &self.path);
            }
        }
    }
}
