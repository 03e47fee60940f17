//! Other files of the project a checked file belongs to, as rule scripts read them
//! (`project_file("config/application.rb")`): a Rails controller rule that needs the model's
//! `attr_accessible` list, a config rule that needs what a controller declared.
//!
//! A relative path is looked up from the checked file's folder upward, as Git looks for `.git`:
//! the first folder above the file that holds the path wins, and the search stops at a folder
//! holding `.git`. The fixture harness pins the lookup to one folder instead. Reads are
//! read-only, of UTF-8 files up to [`MAX_SIZE`], and the same for every file of a run (files
//! are written only after every file was analysed, and each path is read once per run).
//!
//! Each file's reads are recorded ([`Scope::finish`]), so a cached result is used again only
//! while the files it read are unchanged ([`Read::current`]).
//!
//! A rule can also list files (`project_files("pom.xml", "src/**/*.java")`): the paths matching
//! a glob under the folder of the nearest file of a name (a module's build file), as a build
//! file rule asks which sources use a package. A listing is recorded as a read too: a file
//! added, removed or renamed under that folder makes the cached result stale.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::fingerprint::{SEED, content_hash};

/// Project files larger than this are read as missing.
pub const MAX_SIZE: u64 = 1024 * 1024;

/// Where a file's project files are looked up.
#[derive(Debug, Clone)]
pub enum Anchor {
    /// From the folder of this file upward.
    Walk(PathBuf),
    /// In this folder only.
    Root(PathBuf),
}

/// One project file a file's analysis read: the relative path asked for, and what it found
/// (its location and a hash of its bytes), or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Read {
    pub relative: String,
    pub found: Option<(PathBuf, u64)>,
    /// For a listing: the glob listed under the folder of `relative`, and `found` holds that
    /// folder and a hash of the paths listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub glob: Option<String>,
}

impl Read {
    /// Whether looking `relative` up again from `anchor` finds the same bytes at the same place
    /// (for a listing, the same paths under the same folder).
    pub fn current(&self, anchor: &Anchor) -> bool {
        if let Some(glob) = &self.glob {
            return listing(anchor, &self.relative, glob)
                .map(|(root, paths)| (root, hash_paths(&paths)))
                == self.found;
        }
        let found = locate(anchor, &self.relative).and_then(|path| {
            let bytes = read_bytes(&path)?;
            Some((path, content_hash(SEED, &bytes)))
        });
        found == self.found
    }
}

/// At most this many paths are listed by [`list`]; the walk stops there.
pub const MAX_LISTED: usize = 5000;

struct State {
    anchor: Anchor,
    reads: Vec<Read>,
}

thread_local! {
    static CURRENT: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// The texts read so far in this run, by location (`None`: unreadable).
type Texts = HashMap<PathBuf, Option<(Arc<str>, u64)>>;
static TEXTS: Mutex<Option<Texts>> = Mutex::new(None);

/// Forgets the texts read so far: a new run reads the files as they are now.
pub fn start_run() {
    *TEXTS.lock().unwrap_or_else(|e| e.into_inner()) = None;
    *LISTINGS.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

/// The project files of one file's analysis, on this thread, until finished or dropped.
pub struct Scope {
    previous: Option<State>,
}

impl Scope {
    pub fn enter(anchor: Anchor) -> Scope {
        let state = State {
            anchor,
            reads: Vec::new(),
        };
        let previous = CURRENT.with(|cell| cell.borrow_mut().replace(state));
        Scope { previous }
    }

    /// Ends the scope and gives what was read in it.
    pub fn finish(mut self) -> Vec<Read> {
        let previous = self.previous.take();
        let state = CURRENT.with(|cell| std::mem::replace(&mut *cell.borrow_mut(), previous));
        state.map(|s| s.reads).unwrap_or_default()
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|cell| *cell.borrow_mut() = previous);
    }
}

/// Why a project path cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    #[error("a project file's path must be relative and stay inside the project: `{0}`")]
    Outside(String),
}

/// The text of the project file at `relative` for the file being analysed on this thread;
/// `None` when there is none (or no analysis is under way).
pub fn read(relative: &str) -> Result<Option<Arc<str>>, PathError> {
    check_relative(relative)?;
    let anchor = CURRENT.with(|cell| cell.borrow().as_ref().map(|s| s.anchor.clone()));
    let Some(anchor) = anchor else {
        return Ok(None);
    };
    let found = locate(&anchor, relative).and_then(|path| {
        let (text, hash) = cached_text(&path)?;
        Some((path, text, hash))
    });
    record(Read {
        relative: relative.to_string(),
        found: found.as_ref().map(|(path, _, hash)| (path.clone(), *hash)),
        glob: None,
    });
    Ok(found.map(|(_, text, _)| text))
}

/// The paths (relative, with `/`) of the files matching `glob` under the folder that holds the
/// nearest `marker` for the file being analysed (looked up as [`read`] does), sorted; `None`
/// when there is no such folder (or no analysis is under way). Hidden and ignored files
/// (`.gitignore`) are left out, and at most [`MAX_LISTED`] paths are given.
pub fn list(marker: &str, glob: &str) -> Result<Option<Vec<String>>, ListError> {
    check_relative(marker).map_err(ListError::Path)?;
    glob_matcher(glob).map_err(|err| ListError::Glob(err.to_string()))?;
    let anchor = CURRENT.with(|cell| cell.borrow().as_ref().map(|s| s.anchor.clone()));
    let Some(anchor) = anchor else {
        return Ok(None);
    };
    let found = listing(&anchor, marker, glob);
    record(Read {
        relative: marker.to_string(),
        found: found
            .as_ref()
            .map(|(root, paths)| (root.clone(), hash_paths(paths))),
        glob: Some(glob.to_string()),
    });
    Ok(found.map(|(_, paths)| paths))
}

/// Why a listing cannot be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ListError {
    #[error(transparent)]
    Path(PathError),
    #[error("not a glob: {0}")]
    Glob(String),
}

fn check_relative(relative: &str) -> Result<(), PathError> {
    let clean = Path::new(relative);
    if relative.is_empty()
        || !clean
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(PathError::Outside(relative.to_string()));
    }
    Ok(())
}

fn record(read: Read) {
    CURRENT.with(|cell| {
        if let Some(state) = cell.borrow_mut().as_mut()
            && !state.reads.contains(&read)
        {
            state.reads.push(read);
        }
    });
}

/// The listings made so far in this run, by folder and glob.
type Listings = HashMap<(PathBuf, String), Vec<String>>;
static LISTINGS: Mutex<Option<Listings>> = Mutex::new(None);

/// The folder holding `marker` for `anchor`, and the sorted relative paths under it that match
/// `glob` (an invalid glob lists nothing), each folder and glob walked once a run.
fn listing(anchor: &Anchor, marker: &str, glob: &str) -> Option<(PathBuf, Vec<String>)> {
    let root = locate(anchor, marker)?.parent()?.to_path_buf();
    let key = (root.clone(), glob.to_string());
    if let Some(paths) = LISTINGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|l| l.get(&key))
    {
        return Some((root, paths.clone()));
    }
    let paths = walk(&root, glob)?;
    LISTINGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(key, paths.clone());
    Some((root, paths))
}

/// At most this many entries of a folder are visited for a listing.
const MAX_VISITED: usize = 200_000;

/// A listing's glob: `*` stays within one folder, `**` crosses folders.
fn glob_matcher(glob: &str) -> Result<globset::GlobMatcher, globset::Error> {
    Ok(globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()?
        .compile_matcher())
}

fn walk(root: &Path, glob: &str) -> Option<Vec<String>> {
    let matcher = glob_matcher(glob).ok()?;
    let mut paths = Vec::new();
    let walk = ignore::WalkBuilder::new(root)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walk.flatten().take(MAX_VISITED) {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let relative = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if matcher.is_match(&relative) {
            paths.push(relative);
            if paths.len() == MAX_LISTED {
                break;
            }
        }
    }
    paths.sort();
    Some(paths)
}

fn hash_paths(paths: &[String]) -> u64 {
    content_hash(SEED, paths.join("\n").as_bytes())
}

/// Where `relative` is for `anchor`, if it exists.
fn locate(anchor: &Anchor, relative: &str) -> Option<PathBuf> {
    match anchor {
        Anchor::Root(root) => Some(root.join(relative)).filter(|p| p.is_file()),
        Anchor::Walk(file) => {
            let file = std::path::absolute(file).ok()?;
            for dir in file.parent()?.ancestors() {
                let candidate = dir.join(relative);
                if candidate.is_file() {
                    return Some(candidate);
                }
                if dir.join(".git").exists() {
                    break;
                }
            }
            None
        }
    }
}

fn read_bytes(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_SIZE {
        return None;
    }
    std::fs::read(path).ok()
}

fn cached_text(path: &Path) -> Option<(Arc<str>, u64)> {
    let mut texts = TEXTS.lock().unwrap_or_else(|e| e.into_inner());
    let texts = texts.get_or_insert_with(HashMap::new);
    texts
        .entry(path.to_path_buf())
        .or_insert_with(|| {
            let bytes = read_bytes(path)?;
            let hash = content_hash(SEED, &bytes);
            let text = String::from_utf8(bytes).ok()?;
            Some((Arc::from(text), hash))
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_from_the_file_folder_upward_and_records_what_it_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("app/controllers")).unwrap();
        std::fs::create_dir_all(root.join("config")).unwrap();
        std::fs::write(root.join("config/application.rb"), "module Shop\nend\n").unwrap();
        let file = root.join("app/controllers/posts_controller.rb");
        start_run();
        let scope = Scope::enter(Anchor::Walk(file.clone()));
        let text = read("config/application.rb").unwrap();
        assert_eq!(text.as_deref(), Some("module Shop\nend\n"));
        assert_eq!(read("config/missing.rb").unwrap(), None);
        let reads = scope.finish();
        assert_eq!(reads.len(), 2);
        assert_eq!(
            reads[0].found.as_ref().map(|f| f.0.clone()),
            Some(root.join("config/application.rb"))
        );
        let anchor = Anchor::Walk(file);
        assert!(reads.iter().all(|r| r.current(&anchor)));
        // A changed file, and a file that appears, make the reads stale.
        std::fs::write(root.join("config/application.rb"), "module Store\nend\n").unwrap();
        assert!(!reads[0].current(&anchor));
        std::fs::write(root.join("config/missing.rb"), "").unwrap();
        assert!(!reads[1].current(&anchor));
    }

    #[test]
    fn the_search_stops_at_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let outer = dir.path();
        std::fs::write(outer.join("Gemfile"), "source 'x'\n").unwrap();
        std::fs::create_dir_all(outer.join("repo/.git")).unwrap();
        std::fs::create_dir_all(outer.join("repo/app")).unwrap();
        start_run();
        let scope = Scope::enter(Anchor::Walk(outer.join("repo/app/x.rb")));
        assert_eq!(read("Gemfile").unwrap(), None);
        drop(scope);
    }

    #[test]
    fn a_pinned_root_is_the_only_place_looked_at() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.rb"), "1\n").unwrap();
        start_run();
        let scope = Scope::enter(Anchor::Root(dir.path().join("nowhere")));
        assert_eq!(read("a.rb").unwrap(), None);
        drop(scope);
        let scope = Scope::enter(Anchor::Root(dir.path().to_path_buf()));
        assert_eq!(read("a.rb").unwrap().as_deref(), Some("1\n"));
        drop(scope);
    }

    #[test]
    fn lists_the_files_under_the_folder_of_a_marker_and_records_the_listing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("svc/src/main/java/acme")).unwrap();
        std::fs::create_dir_all(root.join("svc/src/main/resources")).unwrap();
        std::fs::write(root.join("svc/pom.xml"), "<project/>\n").unwrap();
        std::fs::write(root.join("svc/src/main/java/acme/B.java"), "class B {}\n").unwrap();
        std::fs::write(root.join("svc/src/main/java/A.java"), "class A {}\n").unwrap();
        std::fs::write(root.join("svc/src/main/resources/a.yml"), "a: 1\n").unwrap();
        let file = root.join("svc/src/main/java/A.java");
        start_run();
        let scope = Scope::enter(Anchor::Walk(file.clone()));
        let listed = list("pom.xml", "src/**/*.java").unwrap().unwrap();
        assert_eq!(
            listed,
            ["src/main/java/A.java", "src/main/java/acme/B.java"]
        );
        assert_eq!(list("build.gradle", "**/*.java").unwrap(), None);
        assert!(list("pom.xml", "src/[").is_err());
        assert!(list("../pom.xml", "*").is_err());
        let reads = scope.finish();
        assert_eq!(reads.len(), 2);
        assert_eq!(reads[0].glob.as_deref(), Some("src/**/*.java"));
        let anchor = Anchor::Walk(file);
        assert!(reads.iter().all(|r| r.current(&anchor)));
        // A new file under the folder makes the listing stale (in the next run).
        std::fs::write(root.join("svc/src/main/java/C.java"), "class C {}\n").unwrap();
        start_run();
        assert!(!reads[0].current(&anchor));
        assert!(reads[1].current(&anchor));
    }

    #[test]
    fn paths_leaving_the_project_are_refused() {
        for path in ["../secret", "/etc/passwd", "", "a/../../b"] {
            assert!(read(path).is_err(), "{path}");
        }
        // Outside an analysis there is nothing to read.
        assert_eq!(read("Gemfile").unwrap(), None);
    }
}
