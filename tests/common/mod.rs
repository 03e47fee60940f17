//! Helpers shared by the CLI tests: a temporary project with files and user rules.

#![allow(dead_code)]

pub mod registry;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A temporary directory holding a project and, optionally, a rules directory.
pub struct Project {
    pub dir: tempfile::TempDir,
    /// The result cache of this project's runs, kept out of the project itself.
    cache: tempfile::TempDir,
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temp dir"),
            cache: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Where this project's runs keep their result cache.
    pub fn cache_dir(&self) -> &Path {
        self.cache.path()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `relative`, creating folders.
    pub fn file(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn read(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(relative)).unwrap()
    }

    pub fn read_text(&self, relative: &str) -> String {
        String::from_utf8(self.read(relative)).unwrap()
    }

    /// `upshift` run in the project directory.
    pub fn upshift(&self) -> Command {
        let mut cmd = Command::cargo_bin("upshift").unwrap();
        cmd.current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("UPSHIFT_CACHE_DIR", self.cache.path());
        cmd
    }

    /// Like [`snapshot`](Self::snapshot), leaving out FIFOs, sockets and symbolic links.
    pub fn snapshot_without_special(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for path in walk_regular(self.dir.path()) {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
        out.sort();
        out
    }

    /// Every file under the project with its bytes, to prove nothing was written.
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for entry in walk(self.dir.path()) {
            out.push((entry.clone(), std::fs::read(&entry).unwrap()));
        }
        out.sort();
        out
    }
}

fn walk_regular(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            out.extend(walk_regular(&entry.path()));
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A user rule renaming the Python call `from` to `to` (any `from(...)` call).
pub fn rename_rule(pack: &str, name: &str, from: &str, to: &str) -> String {
    format!(
        r#"id: {pack}/{name}
language: python
message: "`{from}` becomes `{to}`"
severity: warning
docs: https://example.com/{name}
query: |
  (call function: (identifier) @fn (#eq? @fn "{from}")) @match
fix:
  - replace: fn
    with: {to}
safety: safe
"#
    )
}
