//! Which framework versions a project is on, and what it depends on, read from its manifests,
//! so that a run without `--target` checks each file against the versions its own project uses
//! and a report can say which dependencies support the target.
//!
//! For a file, the closest folder (its own or above) whose manifests declare a framework wins
//! for that framework ([`manifests`] reads them, with [`python`], [`ruby`] and [`java`]). A
//! range keeps its lower bound (`django>=3.2,<4` is on 3.2 at least). [`projects`] finds every
//! project of a tree for `upshift detect`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub mod compat;
pub mod java;
pub mod manifests;
pub mod projects;
pub mod python;
pub mod ruby;

use crate::rules::{Target, Version};

/// A framework or language read from a manifest, with its version when one is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub framework: String,
    pub version: Option<Version>,
    /// The requirement as written (`>=3.2,<4`).
    pub spec: String,
    /// An exact version rather than a range's lower bound.
    pub pinned: bool,
    /// Only suggested (classifiers, tox environments), not required.
    pub hint: bool,
    pub path: PathBuf,
    pub line: usize,
}

impl Detected {
    /// The version as a target, when one is known.
    pub fn target(&self) -> Option<Target> {
        Some(Target {
            framework: self.framework.clone(),
            version: self.version.clone()?,
        })
    }
}

/// Finds and caches the versions that apply to folders.
#[derive(Debug, Default)]
pub struct Detector {
    cache: HashMap<PathBuf, Vec<Detected>>,
}

impl Detector {
    /// What is in force for files in `dir`: per framework, the closest manifest's declaration
    /// (one without a version gives way to a versioned one from a folder above).
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
                match found
                    .iter_mut()
                    .find(|d| d.framework == inherited.framework)
                {
                    Some(own) if own.version.is_none() && inherited.version.is_some() => {
                        *own = inherited;
                    }
                    Some(_) => {}
                    None => found.push(inherited),
                }
            }
        }
        self.cache.insert(dir, found.clone());
        found
    }

    /// The versions in force for files in `dir`, as targets (frameworks without a known
    /// version left out).
    pub fn targets_for(&mut self, dir: &Path) -> Vec<Target> {
        self.for_dir(dir)
            .iter()
            .filter_map(Detected::target)
            .collect()
    }
}

fn manifests_in(dir: &Path) -> Vec<Detected> {
    manifests::read_dir(dir)
        .declared
        .into_iter()
        .map(|declared| Detected {
            framework: declared.framework.to_string(),
            version: declared.version,
            spec: declared.spec,
            pinned: declared.pinned,
            hint: declared.hint,
            path: declared.path,
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
        let names: Vec<String> = Detector::default()
            .targets_for(&app)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(names, vec!["rails@5.0.7", "django@2.2"]);
    }

    #[test]
    fn a_framework_without_a_version_takes_the_version_from_above() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("requirements.txt"), "django==4.2\n").unwrap();
        let app = root.path().join("plugin");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(app.join("requirements.txt"), "django\n").unwrap();
        let found = Detector::default().for_dir(&app);
        assert_eq!(found[0].version.as_ref().unwrap().to_string(), "4.2");
    }
}
