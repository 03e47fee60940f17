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

/// The lines (1-based, per file, as canonical paths) changed in the work tree since `rev`,
/// untracked files counting as changed throughout: what `--diff-base` keeps findings on.
pub fn changed_lines(rev: &str) -> Result<HashMap<PathBuf, Vec<std::ops::Range<usize>>>, String> {
    let top = toplevel(Path::new(".")).ok_or("--diff-base needs a git work tree")?;
    let out = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args([
            "diff",
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--no-renames",
            rev,
            "--",
        ])
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if !out.status.success() {
        return Err(format!(
            "git diff {rev}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let mut changed: HashMap<PathBuf, Vec<std::ops::Range<usize>>> = HashMap::new();
    let mut current: Option<PathBuf> = None;
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = path.strip_prefix("b/").map(|p| top.join(p));
        } else if let (Some(hunk), Some(file)) = (line.strip_prefix("@@ "), &current) {
            // `@@ -a,b +c,d @@`: d lines from c on the new side (d defaults to 1).
            let Some(new) = hunk.split_whitespace().find(|part| part.starts_with('+')) else {
                continue;
            };
            let mut numbers = new[1..].split(',').map(|n| n.parse::<usize>().unwrap_or(0));
            let start = numbers.next().unwrap_or(0);
            let count = numbers.next().unwrap_or(1);
            if count > 0 {
                changed
                    .entry(file.clone())
                    .or_default()
                    .push(start..start + count);
            }
        }
    }
    let untracked = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["ls-files", "--others", "--exclude-standard", "-z"])
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    for path in String::from_utf8_lossy(&untracked.stdout)
        .split('\0')
        .filter(|p| !p.is_empty())
    {
        changed
            .entry(top.join(path))
            .or_default()
            .push(1..usize::MAX);
    }
    Ok(changed)
}
