//! Finding the files to process.
//!
//! Directories are walked with the `ignore` crate: `.gitignore`, `.ignore` and hidden files are
//! respected by default, symbolic links are not followed. A path named on the command line is
//! always processed, even if ignored. The same file reached twice (two arguments, or a link) is
//! processed once, and the file standard output is redirected into is never read back.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::language::{self, LanguageId};

/// A file to process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WalkedFile {
    pub path: PathBuf,
    pub language: LanguageId,
}

/// What the walk found, and what it could not use.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<WalkedFile>,
    /// `(path, problem)` for paths that could not be walked.
    pub problems: Vec<(PathBuf, String)>,
}

/// Walk settings.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Also walk hidden files and directories.
    pub hidden: bool,
    /// Do not respect `.gitignore` and `.ignore`.
    pub no_ignore: bool,
}

/// Walks `roots` and returns every file of a known language, sorted by path.
pub fn walk(roots: &[PathBuf], options: &WalkOptions) -> Walk {
    let mut walk = Walk::default();
    let mut seen = HashSet::new();
    let stdout = stdout_identity();
    for root in roots {
        if root.is_file() {
            // An explicit file is processed even when ignored; its language comes from its name.
            match language::for_path(root) {
                Some(lang) => push(&mut walk, &mut seen, stdout, root, lang.id),
                None => walk.problems.push((
                    root.clone(),
                    "no language is known for this file name".into(),
                )),
            }
            continue;
        }
        if !root.exists() {
            walk.problems
                .push((root.clone(), "no such file or directory".into()));
            continue;
        }
        if !root.is_dir() {
            // Opening a FIFO for reading would block; sockets and devices are not source.
            let problem = "not a regular file (a FIFO, socket or device): skipped";
            walk.problems.push((root.clone(), problem.into()));
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .hidden(!options.hidden)
            .ignore(!options.no_ignore)
            .git_ignore(!options.no_ignore)
            .git_global(!options.no_ignore)
            .git_exclude(!options.no_ignore)
            .parents(!options.no_ignore)
            .follow_links(false)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if !entry.file_type().is_some_and(|t| t.is_file()) {
                        continue;
                    }
                    if let Some(lang) = language::for_path(entry.path()) {
                        push(&mut walk, &mut seen, stdout, entry.path(), lang.id);
                    }
                }
                Err(err) => {
                    let path = error_path(&err).unwrap_or_else(|| root.clone());
                    walk.problems.push((path, err.to_string()));
                }
            }
        }
    }
    walk.files.sort();
    walk
}

fn push(
    walk: &mut Walk,
    seen: &mut HashSet<(u64, u64)>,
    stdout: Option<(u64, u64)>,
    path: &Path,
    language: LanguageId,
) {
    let identity = file_identity(path);
    if identity.is_some() && identity == stdout {
        return;
    }
    if let Some(id) = identity
        && !seen.insert(id)
    {
        return;
    }
    let path = path.strip_prefix("./").unwrap_or(path).to_path_buf();
    walk.files.push(WalkedFile { path, language });
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

#[cfg(unix)]
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(_: &Path) -> Option<(u64, u64)> {
    None
}

/// The device and inode of the regular file standard output goes to, if it is one.
#[cfg(unix)]
fn stdout_identity() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.is_file().then(|| (meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn stdout_identity() -> Option<(u64, u64)> {
    None
}
