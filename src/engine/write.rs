//! Writing a fixed file: atomically, only if it has not changed since it was read, keeping its
//! permissions and owner, and never replacing a symbolic link with a regular file.
//!
//! The new text goes to a temporary file in the same directory, which is then renamed over the
//! target, so a crash leaves either the old or the new file, never half of one. A file with
//! several hard links is not written: the rename would split it from its other names.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

const TEMP_SUFFIX: &str = ".tmp";

/// Temporary files are named `.upshift-<pid>-<random>.tmp`, so a later run can tell the ones a
/// killed run left behind from those of a run still going.
fn temp_prefix() -> String {
    format!(".upshift-{}-", std::process::id())
}

/// Removes the temporary files that runs no longer alive left in `dirs` (after a kill, say).
/// Returns how many were removed. Only processes on this machine can be checked, through
/// `/proc`; where it is missing nothing is removed.
pub fn remove_stale_temp_files<'a>(dirs: impl IntoIterator<Item = &'a Path>) -> usize {
    if !Path::new("/proc/self").exists() {
        return 0;
    }
    let mut removed = 0;
    for dir in dirs {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(".upshift-")) else {
                continue;
            };
            let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
                continue;
            };
            if rest.ends_with(TEMP_SUFFIX)
                && !Path::new(&format!("/proc/{pid}")).exists()
                && fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

/// Why a fixed file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: not written: the file changed on disk while upshift was running")]
    ChangedOnDisk { path: PathBuf },
    #[error(
        "{path}: not written: the file has {links} hard links, and replacing it would split them"
    )]
    HardLinked { path: PathBuf, links: u64 },
    #[error("{path}: not written: the file is read-only")]
    ReadOnly { path: PathBuf },
    #[error("{path}: not written: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Replaces the file at `path`, whose content was `expected`, with `contents`.
pub fn write_atomic(path: &Path, expected: &[u8], contents: &[u8]) -> Result<(), WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    // Through a symbolic link, the file it points to is replaced and the link stays a link.
    let target = fs::canonicalize(path).map_err(io)?;
    let meta = fs::metadata(&target).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(WriteError::HardLinked {
                path: path.to_path_buf(),
                links: meta.nlink(),
            });
        }
    }
    if meta.permissions().readonly() {
        // Renaming over it would succeed; a read-only file says it must not change.
        return Err(WriteError::ReadOnly {
            path: path.to_path_buf(),
        });
    }
    if fs::read(&target).map_err(io)? != expected {
        return Err(WriteError::ChangedOnDisk {
            path: path.to_path_buf(),
        });
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix())
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(contents).map_err(io)?;
    temp.as_file()
        .set_permissions(meta.permissions())
        .map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root can give a file away; for anyone else the owner is already theirs.
        let _ = std::os::unix::fs::fchown(temp.as_file(), Some(meta.uid()), Some(meta.gid()));
    }
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(&target).map_err(|err| io(err.error))?;
    Ok(())
}

/// Creates `path` with `contents` unless it exists (then `Ok(false)`), atomically: the file
/// appears whole or not at all. Missing parent folders are created.
pub fn create_new(path: &Path, contents: &[u8]) -> Result<bool, WriteError> {
    let io = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    if fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io)?;
    let mut temp = tempfile::Builder::new()
        .prefix(&temp_prefix())
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(contents).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(fs::Permissions::from_mode(0o644))
            .map_err(io)?;
    }
    temp.as_file().sync_all().map_err(io)?;
    match temp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(err) if err.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(err) => Err(io(err.error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_reading_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        fs::write(&path, "new on disk").unwrap();
        let err = write_atomic(&path, b"as read", b"fixed").unwrap_err();
        assert!(matches!(err, WriteError::ChangedOnDisk { .. }));
        assert_eq!(fs::read_to_string(&path).unwrap(), "new on disk");
    }

    #[cfg(unix)]
    #[test]
    fn mode_is_kept_and_symlinks_stay_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.py");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o751)).unwrap();
        let link = dir.path().join("link.py");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"old", b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(
            fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o751
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
