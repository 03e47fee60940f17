//! Which framework versions a project is on, read from its manifests, so that a run without
//! `--target` checks each file against the versions its own project uses.
//!
//! For a file, the closest folder (its own or above) whose manifests declare a framework wins
//! for that framework ([`manifests`] reads them). A range keeps its lower bound (`django>=3.2,<4`
//! is on 3.2 at least). [`projects`] finds every project of a tree for `upshift detect`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub mod manifests;
pub mod projects;

use crate::rules::Target;

/// A version read from a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub target: Target,
    /// The requirement as written (`>=3.2,<4`).
    pub spec: String,
    /// An exact version rather than a range's lower bound.
    pub pinned: bool,
    pub path: PathBuf,
    pub line: usize,
}

/// Finds and caches the versions that apply to folders.
#[derive(Debug, Default)]
pub struct Detector {
    cache: HashMap<PathBuf, Vec<Detected>>,
}

impl Detector {
    /// The versions in force for files in `dir`: per framework, the closest manifest's.
    pub fn for_dir(&mut self, dir: &Path) -> Vec<Detected> {
        let dir = std::path::absolute(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .unwrap_or_else(|_| dir.to_path_buf());
        if let Some(found) = self.cache.get(&dir) {
            return found.clone();
        }
        let mut found = manifests_in(&dir);
        if let Some(parent) = dir.parent() {
            for inherited in self.for_dir(parent) {
                if !found
                    .iter()
                    .any(|d| d.target.framework == inherited.target.framework)
                {
                    found.push(inherited);
                }
            }
        }
        self.cache.insert(dir, found.clone());
        found
    }
}

fn manifests_in(dir: &Path) -> Vec<Detected> {
    manifests::read_dir(dir)
        .into_iter()
        .map(|(declared, path)| Detected {
            target: Target {
                framework: declared.framework.to_string(),
                version: declared.version,
            },
            spec: declared.spec,
            pinned: declared.pinned,
            path,
            line: declared.line,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_manifest_wins_per_framework() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("requirements.txt"), "django==2.2\n").unwrap();
        let app = root.path().join("store");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(
            app.join("Gemfile.lock"),
            "GEM\n  specs:\n    rails (5.0.7)\n",
        )
        .unwrap();
        let found = Detector::default().for_dir(&app);
        let names: Vec<String> = found.iter().map(|d| d.target.to_string()).collect();
        assert_eq!(names, vec!["rails@5.0.7", "django@2.2"]);
    }
}
