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
/// How many random characters a temporary file's name has (tempfile's alphanumerics).
const TEMP_RANDOM: usize = 6;

/// Temporary files are named `.upshift-<pid>-<random>.tmp`, so a later run can tell the ones a
/// killed run left behind from those of a run still going.
fn temp_prefix() -> String {
    format!(".upshift-{}-", std::process::id())
}

/// A temporary file builder that follows the naming scheme [`is_our_temp_file`] recognizes.
fn temp_builder(prefix: &str) -> tempfile::Builder<'_, '_> {
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(prefix)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM);
    builder
}

/// The process id in `name` when it is exactly one of our temporary files'
/// (`.upshift-<pid>-<6 alphanumerics>.tmp`); anything else, however close, is a user's file.
pub fn our_temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(".upshift-")?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    let digits = !pid.is_empty() && pid.len() <= 10 && pid.bytes().all(|b| b.is_ascii_digit());
    let random_ok =
        random.len() == TEMP_RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric());
    if digits && random_ok {
        pid.parse().ok()
    } else {
        None
    }
}

/// Removes the temporary files that runs no longer alive left in `dirs` (after a kill, say).
/// Returns how many were removed. Only processes on this machine can be checked, through
/// `/proc`; where it is missing nothing is removed. Only regular files named exactly as ours
/// are touched.
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
            let Some(pid) = name.to_str().and_then(our_temp_file_pid) else {
                continue;
            };
            if entry.file_type().is_ok_and(|t| t.is_file())
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
    let prefix = temp_prefix();
    let mut temp = temp_builder(&prefix).tempfile_in(dir).map_err(io)?;
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
    let prefix = temp_prefix();
    let mut temp = temp_builder(&prefix).tempfile_in(dir).map_err(io)?;
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
    fn only_our_exact_temp_file_names_are_recognized() {
        assert_eq!(our_temp_file_pid(".upshift-123-aB3xYz.tmp"), Some(123));
        for name in [
            ".upshift-123-aB3xY.tmp",
            ".upshift-123-aB3xYzz.tmp",
            ".upshift-notes.tmp",
            ".upshift-12a-aB3xYz.tmp",
            ".upshift--aB3xYz.tmp",
            ".upshift-123-aB3x.z.tmp",
            ".upshift-123-aB3xYz.tmp.bak",
            "upshift-123-aB3xYz.tmp",
        ] {
            assert_eq!(our_temp_file_pid(name), None, "{name}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn stale_temp_files_of_dead_runs_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        // A pid above the kernel's maximum is never alive.
        let stale = dir.path().join(".upshift-4294967295-aB3xYz.tmp");
        let live = dir
            .path()
            .join(format!(".upshift-{}-aB3xYz.tmp", std::process::id()));
        let user = dir.path().join(".upshift-4294967295-notes.tmp");
        for path in [&stale, &live, &user] {
            fs::write(path, "x").unwrap();
        }
        assert_eq!(remove_stale_temp_files([dir.path()]), 1);
        assert!(!stale.exists());
        assert!(live.exists() && user.exists());
    }

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
