//! The undo journal: every `fix` that writes files records, under `.upshift/undo/`, each file's
//! text before and after, so `upshift undo` can put the last run's files back. A file edited
//! again since is never overwritten: undo names it and leaves it alone.
//!
//! The journal is written ahead: a file's record is appended and synced to disk (the journal
//! and its folder) before the file is replaced (`fix` records all its files, syncs once, then
//! writes them), so a run killed at any moment leaves a journal
//! that names every file it may have changed. A record whose file was never replaced is
//! harmless: undo finds the file still as it was before and has nothing to do. A torn last line
//! (a kill in the middle of appending) belongs to a file that was not written yet.
//!
//! Journals live at the root of the repository the files belong to (see [`journal_root`]), so
//! `undo` finds them from any folder of it.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::write::{WriteError, write_atomic};

/// The version of the written-ahead journal format (one JSON record a line, `.jsonl`).
/// Version 1 was a single JSON document (`.json`) written after the run; it is still read.
const JOURNAL_VERSION: u32 = 2;

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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JournalEntry {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
}

/// One line of a written-ahead journal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    /// The first line: the format's version.
    Header { version: u32 },
    /// `path` is about to be replaced: `before` by `after`.
    Replace(JournalEntry),
    /// `path` is about to be created with `after` (`before` is empty).
    Create(JournalEntry),
    /// The replacement or creation recorded for `path` did not happen.
    NotWritten { path: PathBuf },
}

/// Errors reading or writing the journal.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("no fix run to undo: no journal in {0} or any folder above it")]
    Nothing(PathBuf),
    #[error(
        "no fix run to undo in {start}: the nearest journal, {journal}, is of a run on other files \
         (name a file of that run: `upshift undo PATH`)"
    )]
    Elsewhere { journal: PathBuf, start: PathBuf },
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

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> UndoError + use<> {
    let path = path.to_path_buf();
    move |source| UndoError::Io { path, source }
}

/// The folder journals live in, under `root`; created with a `.gitignore` of its own.
pub fn journal_dir(root: &Path) -> PathBuf {
    root.join(".upshift").join("undo")
}

/// `path` absolute, with `..` and symbolic links resolved as far as it exists, so that one
/// file or folder has one name in journals and when looking for them.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(path) = std::fs::canonicalize(path) {
        return path;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => absolute,
    }
}

/// The git work tree `dir` is in: the nearest folder at or above it with a `.git`.
fn git_root(dir: &Path) -> Option<&Path> {
    dir.ancestors().find(|a| a.join(".git").exists())
}

/// Where the journal for a file in folder `dir` goes, so that one repository keeps one place
/// for its journals whichever folder `fix` ran in: the root of its git work tree, or else the
/// folder `fix` ran in (`cwd`) when `dir` is inside it, or else `dir`. A folder between `dir`
/// and that root with a `.upshift` folder of its own is nearer and wins. A `.upshift` above
/// the root (in `/tmp` or a home folder, say) belongs to something else and is not used.
pub fn journal_root(dir: &Path, cwd: &Path) -> PathBuf {
    let dir = canonical(dir);
    let cwd = canonical(cwd);
    let root = match git_root(&dir) {
        Some(root) => root.to_path_buf(),
        None if dir.starts_with(&cwd) => cwd,
        None => dir.clone(),
    };
    dir.ancestors()
        .take_while(|a| a.starts_with(&root))
        .find(|a| a.join(".upshift").is_dir())
        .map_or(root.clone(), Path::to_path_buf)
}

/// Syncs a folder, so that the entries created in it survive a crash.
fn sync_dir(dir: &Path) -> Result<(), UndoError> {
    // Windows cannot open a folder as a file; its rename and create are durable enough there.
    if cfg!(unix) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_error(dir))?;
    }
    Ok(())
}

/// A journal being written ahead of the files it records.
pub struct JournalWriter {
    path: PathBuf,
    file: File,
}

impl JournalWriter {
    /// Starts a new journal, the newest under `root`'s `.upshift/undo/`, and syncs it and the
    /// folders it was created in.
    pub fn create(root: &Path) -> Result<JournalWriter, UndoError> {
        let dir = journal_dir(root);
        std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
        let ignore = root.join(".upshift").join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "*\n").map_err(io_error(&ignore))?;
        }
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = dir.join(format!("{stamp:032}-{}.jsonl", std::process::id()));
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(io_error(&path))?;
        let mut writer = JournalWriter { path, file };
        writer.append(&Record::Header {
            version: JOURNAL_VERSION,
        })?;
        writer.sync()?;
        sync_dir(&dir)?;
        sync_dir(&root.join(".upshift"))?;
        sync_dir(root)?;
        Ok(writer)
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `record`; it is on disk once [`sync`](Self::sync) returns. Records are whole
    /// lines written at once, so a kill can only cut the last one short.
    pub fn append(&mut self, record: &Record) -> Result<(), UndoError> {
        let mut line = serde_json::to_string(record).expect("journal record serializes");
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .map_err(io_error(&self.path))
    }

    /// Syncs the records appended so far to disk.
    pub fn sync(&mut self) -> Result<(), UndoError> {
        self.file.sync_data().map_err(io_error(&self.path))
    }
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

    /// Reads a written-ahead journal. A last line cut short by a kill is left out: its file
    /// was not written yet.
    fn from_records(path: &Path, text: &str) -> Result<Journal, UndoError> {
        let mut journal = Journal::new();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let record = match serde_json::from_str::<Record>(line) {
                Ok(record) => record,
                Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => break,
                Err(source) => {
                    return Err(UndoError::Parse {
                        path: path.to_path_buf(),
                        source,
                    });
                }
            };
            match record {
                Record::Header { version } => journal.version = version,
                Record::Replace(entry) => journal.files.push(entry),
                Record::Create(entry) => journal.created.push(entry),
                Record::NotWritten { path } => {
                    journal.files.retain(|e| e.path != path);
                    journal.created.retain(|e| e.path != path);
                }
            }
        }
        Ok(journal)
    }

    /// The newest journal under `root`, with its path.
    pub fn latest(root: &Path) -> Result<(PathBuf, Journal), UndoError> {
        let dir = journal_dir(root);
        let mut journals: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|_| UndoError::Nothing(root.to_path_buf()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "jsonl"))
            .collect();
        // Names start with the time, zero-padded: the last in order is the newest.
        journals.sort_by_key(|p| p.file_name().map(|n| n.to_os_string()));
        let path = journals
            .pop()
            .ok_or(UndoError::Nothing(root.to_path_buf()))?;
        let text = std::fs::read_to_string(&path).map_err(io_error(&path))?;
        let journal = if path.extension().is_some_and(|e| e == "jsonl") {
            Journal::from_records(&path, &text)?
        } else {
            serde_json::from_str(&text).map_err(|source| UndoError::Parse {
                path: path.clone(),
                source,
            })?
        };
        Ok((path, journal))
    }

    /// The newest journal of the repository `start` (a file or folder) belongs to. It is looked
    /// for in the nearest folder at or above `start` that has a `.upshift` folder or is the
    /// root of a git work tree: that folder is the repository's, and if it holds no journal
    /// there is nothing to undo (another repository's journals above are not its own).
    /// Outside git, a journal found above `start` is used only if it records a file under
    /// `start`: an unrelated run's journal in `/tmp/.upshift` must not be undone from
    /// `/tmp/project`.
    pub fn find(start: &Path) -> Result<(PathBuf, Journal), UndoError> {
        let start = canonical(start);
        let dir = if start.is_dir() {
            start.as_path()
        } else {
            start.parent().unwrap_or(&start)
        };
        let top = git_root(dir);
        for ancestor in dir.ancestors() {
            if !ancestor.join(".upshift").is_dir() && Some(ancestor) != top {
                continue;
            }
            let (path, journal) = Journal::latest(ancestor)?;
            let here = |e: &JournalEntry| e.path.starts_with(dir);
            if top.is_none()
                && ancestor != dir
                && !journal.files.iter().chain(&journal.created).any(here)
            {
                return Err(UndoError::Elsewhere {
                    journal: path,
                    start: dir.to_path_buf(),
                });
            }
            return Ok((path, journal));
        }
        Err(UndoError::Nothing(dir.to_path_buf()))
    }

    /// Restores every file still as the run left it; returns the restored files and, for the
    /// others, why they were left alone. A file already as it was before the run (its write
    /// never happened, or an earlier undo was interrupted) counts as restored.
    pub fn restore(&self) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
        let mut restored = Vec::new();
        let mut refused = Vec::new();
        for entry in &self.files {
            if std::fs::read(&entry.path).is_ok_and(|now| now == entry.before.as_bytes()) {
                restored.push(entry.path.clone());
                continue;
            }
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
        let mut dirs: Vec<&Path> = self
            .files
            .iter()
            .chain(&self.created)
            .filter_map(|e| e.path.parent())
            .collect();
        dirs.sort();
        dirs.dedup();
        super::write::remove_stale_temp_files(dirs);
        (restored, refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &Path, before: &str, after: &str) -> JournalEntry {
        JournalEntry {
            path: path.to_path_buf(),
            before: before.into(),
            after: after.into(),
        }
    }

    #[test]
    fn the_last_run_is_restored_and_later_edits_are_kept() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a.py");
        let b = root.path().join("b.py");
        std::fs::write(&a, "new a\n").unwrap();
        std::fs::write(&b, "edited b\n").unwrap();
        let mut writer = JournalWriter::create(root.path()).unwrap();
        writer
            .append(&Record::Replace(entry(&a, "old a\n", "new a\n")))
            .unwrap();
        writer
            .append(&Record::Replace(entry(&b, "old b\n", "new b\n")))
            .unwrap();
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

    #[test]
    fn a_record_whose_write_never_happened_or_was_cancelled_restores_nothing() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a.py");
        let b = root.path().join("b.py");
        std::fs::write(&a, "old a\n").unwrap();
        std::fs::write(&b, "third b\n").unwrap();
        let mut writer = JournalWriter::create(root.path()).unwrap();
        writer
            .append(&Record::Replace(entry(&a, "old a\n", "new a\n")))
            .unwrap();
        writer
            .append(&Record::Replace(entry(&b, "old b\n", "new b\n")))
            .unwrap();
        writer
            .append(&Record::NotWritten { path: b.clone() })
            .unwrap();
        // A kill in the middle of appending leaves a torn last line.
        let path = writer.path().to_path_buf();
        drop(writer);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"record\":\"replace\",\"pa").unwrap();
        let (_, loaded) = Journal::latest(root.path()).unwrap();
        assert_eq!(loaded.files.len(), 1);
        let (restored, refused) = loaded.restore();
        assert_eq!(restored, vec![a.clone()]);
        assert!(refused.is_empty());
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "third b\n");
    }

    #[test]
    fn a_journal_of_the_first_format_is_still_read() {
        let root = tempfile::tempdir().unwrap();
        let a = root.path().join("a.py");
        std::fs::write(&a, "new a\n").unwrap();
        let dir = journal_dir(root.path());
        std::fs::create_dir_all(&dir).unwrap();
        let old = Journal {
            version: 1,
            files: vec![entry(&a, "old a\n", "new a\n")],
            created: vec![],
        };
        std::fs::write(
            dir.join(format!("{:032}.json", 1)),
            serde_json::to_string(&old).unwrap(),
        )
        .unwrap();
        let (_, loaded) = Journal::find(&root.path().join("a.py")).unwrap();
        // Outside git, from a folder the run did not touch, it is not used.
        std::fs::create_dir_all(root.path().join("elsewhere")).unwrap();
        assert!(matches!(
            Journal::find(&root.path().join("elsewhere")),
            Err(UndoError::Elsewhere { .. })
        ));
        assert_eq!(loaded.restore().0, vec![a.clone()]);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a\n");
    }

    #[test]
    fn the_journal_root_is_the_nearest_repository_or_upshift_folder() {
        let top = tempfile::tempdir().unwrap();
        let repo = top.path().join("repo");
        let sub = repo.join("src/app");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        assert_eq!(journal_root(&sub, &sub), repo);
        std::fs::create_dir_all(repo.join("src/.upshift")).unwrap();
        assert_eq!(journal_root(&sub, top.path()), repo.join("src"));
        // Outside any repository: where the run was started, or else the file's own folder.
        let loose = top.path().join("loose/deeper");
        std::fs::create_dir_all(&loose).unwrap();
        assert_eq!(journal_root(&loose, top.path()), top.path());
        assert_eq!(journal_root(&loose, &repo), loose);
        // Undo finds a journal from any folder below the root, and not another repository's.
        JournalWriter::create(&repo).unwrap();
        assert!(matches!(Journal::find(&sub), Err(UndoError::Nothing(_))));
        std::fs::remove_dir_all(repo.join("src/.upshift")).unwrap();
        assert!(Journal::find(&sub).is_ok());
        let other = top.path().join("other");
        std::fs::create_dir_all(other.join(".git")).unwrap();
        assert!(matches!(Journal::find(&other), Err(UndoError::Nothing(_))));
        // A `.upshift` above a repository's root is not the repository's.
        let inner = repo.join("vendor/lib");
        std::fs::create_dir_all(inner.join(".git")).unwrap();
        assert_eq!(journal_root(&inner, &repo), inner);
    }
}
