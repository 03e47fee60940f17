//! The git check behind `fix`: files with uncommitted changes are not rewritten without
//! `--allow-dirty`, so a user's own edits and upshift's never mix in one unreviewable diff.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files among `files` that git reports as modified, staged or untracked. Files outside a
/// git work tree (or without git installed) are never dirty.
pub fn dirty(files: &[&Path]) -> Vec<PathBuf> {
    let mut by_repo: HashMap<PathBuf, HashSet<PathBuf>> = HashMap::new();
    let mut dirty = Vec::new();
    for file in files {
        let Ok(file_abs) = std::fs::canonicalize(file) else {
            continue;
        };
        let Some(dir) = file_abs.parent() else {
            continue;
        };
        let Some(top) = toplevel(dir) else { continue };
        let changed = by_repo.entry(top.clone()).or_insert_with(|| status(&top));
        if changed.contains(&file_abs) {
            dirty.push(file.to_path_buf());
        }
    }
    dirty
}

fn toplevel(dir: &Path) -> Option<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    std::fs::canonicalize(text.trim_end_matches(['\n', '\r'])).ok()
}

fn status(top: &Path) -> HashSet<PathBuf> {
    let Ok(out) = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["status", "--porcelain=v1", "-z", "--untracked-files=all"])
        .output()
    else {
        return HashSet::new();
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut entries = text.split('\0');
    let mut changed = HashSet::new();
    while let Some(entry) = entries.next() {
        if entry.len() < 4 {
            continue;
        }
        let (code, path) = entry.split_at(3);
        changed.insert(top.join(path));
        if code.starts_with('R') || code.starts_with('C') {
            // A rename is followed by its source path.
            entries.next();
        }
    }
    changed
}
