//! The undo journal: every `fix` that writes files records, under `.upshift/undo/`, each file's
//! text before and after, so `upshift undo` can put the last run's files back. A file edited
//! again since is never overwritten: undo names it and leaves it alone.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::write::{WriteError, write_atomic};

/// The journal format's version.
const JOURNAL_VERSION: u32 = 1;

/// What one `fix` run changed.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    pub version: u32,
    pub files: Vec<JournalEntry>,
    /// Files the run created, with their contents.
    #[serde(default)]
    pub created: Vec<JournalEntry>,
}

/// One file's bytes before and after the run (`before` is empty for a created file).
#[derive(Debug, Serialize, Deserialize)]
pub struct JournalEntry {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
}

/// Errors reading or writing the journal.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("no fix run to undo: {0} holds no journal")]
    Nothing(PathBuf),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not an undo journal: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// The folder journals live in, under `root`; created with a `.gitignore` of its own.
pub fn journal_dir(root: &Path) -> PathBuf {
    root.join(".upshift").join("undo")
}

impl Journal {
    pub fn new() -> Journal {
        Journal {
            version: JOURNAL_VERSION,
            ..Journal::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.created.is_empty()
    }

    /// Writes the journal as the newest under `root`'s `.upshift/undo/`; returns its path.
    pub fn save(&self, root: &Path) -> Result<PathBuf, UndoError> {
        let dir = journal_dir(root);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| UndoError::Io { path, source }
        };
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let ignore = root.join(".upshift").join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "*\n").map_err(io(&ignore))?;
        }
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = dir.join(format!("{stamp:032}.json"));
        let text = serde_json::to_string(self).expect("journal serializes");
        std::fs::write(&path, text).map_err(io(&path))?;
        Ok(path)
    }

    /// The newest journal under `root`, with its path.
    pub fn latest(root: &Path) -> Result<(PathBuf, Journal), UndoError> {
        let dir = journal_dir(root);
        let mut journals: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|_| UndoError::Nothing(dir.clone()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        journals.sort();
        let path = journals.pop().ok_or(UndoError::Nothing(dir))?;
        let text = std::fs::read_to_string(&path).map_err(|source| UndoError::Io {
            path: path.clone(),
            source,
        })?;
        let journal = serde_json::from_str(&text).map_err(|source| UndoError::Parse {
            path: path.clone(),
            source,
        })?;
        Ok((path, journal))
    }

    /// Restores every file still as the run left it; returns the restored files and, for the
    /// others, why they were left alone.
    pub fn restore(&self) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
        let mut restored = Vec::new();
        let mut refused = Vec::new();
        for entry in &self.files {
            match write_atomic(&entry.path, entry.after.as_bytes(), entry.before.as_bytes()) {
                Ok(()) => restored.push(entry.path.clone()),
                Err(WriteError::ChangedOnDisk { .. }) => refused.push((
                    entry.path.clone(),
                    "edited since the fix; left as it is".to_string(),
                )),
                Err(err) => refused.push((entry.path.clone(), err.to_string())),
            }
        }
        for entry in &self.created {
            match std::fs::read_to_string(&entry.path) {
                Ok(text) if text == entry.after => match std::fs::remove_file(&entry.path) {
                    Ok(()) => restored.push(entry.path.clone()),
                    Err(err) => refused.push((entry.path.clone(), err.to_string())),
                },
                Ok(_) => refused.push((
                    entry.path.clone(),
                    "edited since the fix created it; left as it is".to_string(),
                )),
                Err(_) => {}
            }
        }
        (restored, refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_run_is_restored_and_later_edits_are_kept() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a.py");
        let b = root.path().join("b.py");
        std::fs::write(&a, "new a\n").unwrap();
        std::fs::write(&b, "edited b\n").unwrap();
        let mut journal = Journal::new();
        journal.files.push(JournalEntry {
            path: a.clone(),
            before: "old a\n".into(),
            after: "new a\n".into(),
        });
        journal.files.push(JournalEntry {
            path: b.clone(),
            before: "old b\n".into(),
            after: "new b\n".into(),
        });
        journal.save(root.path()).unwrap();
        let (_, loaded) = Journal::latest(root.path()).unwrap();
        let (restored, refused) = loaded.restore();
        assert_eq!(restored, vec![a.clone()]);
        assert_eq!(refused.len(), 1);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "edited b\n");
        assert_eq!(
            std::fs::read_to_string(root.path().join(".upshift/.gitignore")).unwrap(),
            "*\n"
        );
    }
}
