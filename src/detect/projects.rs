//! Every project in a tree: each folder whose own manifests declare a framework or language
//! version. Folders are walked like source files (`.gitignore` respected), so vendored and
//! build folders are not mistaken for projects.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::manifests::{self, Dependency};
use super::{Detected, Detector};

/// A project root, the versions in force there (its own manifests first, then inherited) and
/// the dependencies its own manifests name.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
    pub versions: Vec<Detected>,
    pub dependencies: Vec<Dependency>,
}

impl Project {
    /// The version of `framework` this project is on, if known.
    pub fn version_of(&self, framework: &str) -> Option<&Detected> {
        self.versions.iter().find(|d| d.framework == framework)
    }
}

/// Version files that start with a dot, which the walk skips as hidden.
const DOT_MANIFESTS: &[&str] = &[".python-version", ".ruby-version"];

/// The projects under `paths`, sorted by root.
pub fn find(paths: &[PathBuf], detector: &mut Detector) -> Vec<Project> {
    let mut dirs = BTreeSet::new();
    for path in paths {
        let walk = ignore::WalkBuilder::new(path).build();
        for entry in walk.flatten() {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            let path = entry.path();
            if is_dir {
                if DOT_MANIFESTS.iter().any(|name| path.join(name).is_file()) {
                    dirs.insert(path.to_path_buf());
                }
            } else if let Some(parent) = path.parent() {
                let name = entry.file_name().to_str().unwrap_or("");
                if manifests::is_manifest(name) {
                    dirs.insert(parent.to_path_buf());
                } else if name.ends_with(".txt")
                    && parent
                        .file_name()
                        .is_some_and(|n| n == manifests::REQUIREMENTS_DIR)
                    && let Some(project) = parent.parent()
                {
                    dirs.insert(project.to_path_buf());
                }
            }
        }
    }
    dirs.into_iter()
        .filter_map(|dir| {
            let own = manifests::read_dir(&dir);
            (!own.declared.is_empty()).then(|| Project {
                versions: detector.for_dir(&dir),
                dependencies: own.dependencies,
                root: clean(&dir),
            })
        })
        .collect()
}

/// `./a/b` as `a/b`, and an empty path as `.`.
fn clean(path: &Path) -> PathBuf {
    let path = path.strip_prefix(".").unwrap_or(path);
    if path.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        path.to_path_buf()
    }
}

/// The project a file belongs to: the deepest root that contains it.
pub fn owning<'p>(projects: &'p [Project], file: &Path) -> Option<&'p Project> {
    let file = clean(file);
    projects
        .iter()
        .filter(|p| p.root == Path::new(".") || file.starts_with(&p.root))
        .max_by_key(|p| p.root.components().count() + usize::from(p.root != Path::new(".")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_are_the_folders_with_manifests() {
        let root = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = root.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("shop/requirements.txt", "Django==3.2.20\n");
        write("shop/.python-version", "3.9\n");
        write("shop/app/views.py", "x = 1\n");
        write(
            "billing/pom.xml",
            "<project>\n<parent>\n<artifactId>spring-boot-starter-parent</artifactId>\n<version>2.7.1</version>\n</parent>\n</project>\n",
        );
        write("docs/readme.txt", "no manifest\n");
        let projects = find(&[root.path().to_path_buf()], &mut Detector::default());
        let roots: Vec<String> = projects
            .iter()
            .map(|p| {
                p.root
                    .strip_prefix(root.path())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(roots, vec!["billing", "shop"]);
        let shop = &projects[1];
        assert_eq!(
            shop.version_of("django")
                .unwrap()
                .target()
                .unwrap()
                .to_string(),
            "django@3.2.20"
        );
        assert_eq!(
            shop.version_of("python")
                .unwrap()
                .target()
                .unwrap()
                .to_string(),
            "python@3.9"
        );
        let owner = owning(&projects, &root.path().join("shop/app/views.py")).unwrap();
        assert_eq!(owner.root, shop.root);
        assert!(owning(&projects, &root.path().join("docs/readme.txt")).is_none());
    }
}
