//! Reading framework and language versions, and the dependencies, out of the manifests in one
//! folder. The readers per ecosystem are in [`super::python`], [`super::ruby`] and
//! [`super::java`].
//!
//! Each reader takes a file's path and text and returns what it declares, with the file and
//! line each declaration is on (a requirements file's `-r` include, a POM's parent: another
//! file). A range keeps its lower bound as the version (`django>=3.2,<4` is on 3.2 at least) and
//! is marked as not pinned. Within a folder, per framework, a version wins over none, a
//! declaration over a hint (classifiers, tox environments), and lock files over the manifests
//! that allow a range: the order of [`READERS`] is the order of trust.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{java, python, ruby};
use crate::rules::Version;

/// One declaration: `framework` at `version` (unknown when the manifest names no version), as
/// written (`spec`) at `path:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub framework: &'static str,
    pub version: Option<Version>,
    pub spec: String,
    pub pinned: bool,
    /// Read from what only suggests the version (classifiers, tox environments).
    pub hint: bool,
    pub path: PathBuf,
    pub line: usize,
}

impl Declared {
    /// A framework named without a version it can be placed on.
    pub fn unversioned(framework: &'static str, spec: &str, path: &Path, line: usize) -> Declared {
        Declared {
            framework,
            version: None,
            spec: spec.to_string(),
            pinned: false,
            hint: false,
            path: path.to_path_buf(),
            line,
        }
    }

    /// How much this declaration is trusted next to another of the same reader rank.
    fn strength(&self) -> u8 {
        match (self.version.is_some(), self.hint) {
            (true, false) => 2,
            (true, true) => 1,
            (false, _) => 0,
        }
    }
}

/// The package registry a dependency comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Pypi,
    Rubygems,
    Maven,
}

impl Ecosystem {
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Pypi => "pypi",
            Ecosystem::Rubygems => "rubygems",
            Ecosystem::Maven => "maven",
        }
    }
}

/// A third-party package a project depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// The package name: normalized for PyPI, `group:artifact` for Maven.
    pub name: String,
    /// The requirement as written; empty when none is.
    pub spec: String,
    /// The exact version in use: from a lock file or a pin.
    pub locked: Option<String>,
    /// Only for development or tests.
    pub dev: bool,
    /// Named by the project itself, not only pulled in by another package.
    pub direct: bool,
    pub path: PathBuf,
    pub line: usize,
}

/// What one manifest declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub declared: Vec<Declared>,
    pub dependencies: Vec<Dependency>,
}

type Reader = fn(&Path, &str) -> Manifest;

/// Manifest file names (`*` stands for any text) and their readers, most trusted first.
pub const READERS: &[(&str, Reader)] = &[
    ("Gemfile.lock", ruby::gemfile_lock),
    ("poetry.lock", python::package_lock),
    ("uv.lock", python::package_lock),
    ("pdm.lock", python::package_lock),
    ("Pipfile.lock", python::pipfile_lock),
    (".python-version", python_version_file),
    (".ruby-version", ruby::ruby_version_file),
    ("pom.xml", java::pom),
    ("build.gradle", java::gradle),
    ("build.gradle.kts", java::gradle),
    ("gradle.properties", java::gradle_properties),
    ("Chart.yaml", helm_chart),
    ("Gemfile", ruby::gemfile),
    ("*.gemspec", ruby::gemspec),
    ("pyproject.toml", python::pyproject),
    ("Pipfile", python::pipfile),
    ("setup.cfg", python::setup_cfg),
    ("setup.py", python::setup_py),
    ("requirements*.txt", python::requirements),
    ("tox.ini", python::tox_ini),
];

/// The folder of requirements files that belong to the project above it
/// (`requirements/base.txt`).
pub const REQUIREMENTS_DIR: &str = "requirements";

/// Whether `name` is a manifest file name (`requirements-dev.txt` included).
pub fn is_manifest(name: &str) -> bool {
    READERS
        .iter()
        .any(|(pattern, _)| matches_name(pattern, name))
}

fn matches_name(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            name.len() >= prefix.len() + suffix.len()
                && name.starts_with(prefix)
                && name.ends_with(suffix)
        }
        None => pattern == name,
    }
}

/// What the manifests of one folder declare: per framework the most trusted declaration, and
/// the dependencies, each once.
#[derive(Debug, Clone, Default)]
pub struct Folder {
    pub declared: Vec<Declared>,
    pub dependencies: Vec<Dependency>,
}

/// Reads the manifests in `dir` (and its `requirements/` folder).
pub fn read_dir(dir: &Path) -> Folder {
    let names = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    };
    let own = names(dir);
    let mut files: Vec<(usize, PathBuf)> = Vec::new();
    for (rank, (pattern, _)) in READERS.iter().enumerate() {
        for name in own.iter().filter(|n| matches_name(pattern, n)) {
            files.push((rank, dir.join(name)));
        }
    }
    let requirements_rank = READERS
        .iter()
        .position(|(p, _)| *p == "requirements*.txt")
        .unwrap_or(READERS.len());
    let sub = dir.join(REQUIREMENTS_DIR);
    if sub.is_dir() {
        for name in names(&sub).iter().filter(|n| n.ends_with(".txt")) {
            files.push((requirements_rank, sub.join(name)));
        }
    }
    let mut folder = Folder::default();
    let mut best: Vec<(usize, Declared)> = Vec::new();
    for (rank, path) in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let manifest = (READERS[rank].1)(&path, &text);
        for declared in manifest.declared {
            match best
                .iter_mut()
                .find(|(_, d)| d.framework == declared.framework)
            {
                Some((_, current)) if declared.strength() > current.strength() => {
                    *current = declared;
                }
                Some(_) => {}
                None => best.push((rank, declared)),
            }
        }
        folder.dependencies.extend(manifest.dependencies);
    }
    folder.declared = best.into_iter().map(|(_, d)| d).collect();
    folder.dependencies = merge_dependencies(folder.dependencies);
    folder
}

/// One entry per package: the direct dependencies (or, when no manifest names any, every
/// locked package), each with the version a lock file pins.
fn merge_dependencies(all: Vec<Dependency>) -> Vec<Dependency> {
    let any_direct = all.iter().any(|d| d.direct);
    let mut out: Vec<Dependency> = Vec::new();
    for dependency in all.iter().filter(|d| d.direct || !any_direct) {
        match out
            .iter_mut()
            .find(|d| d.ecosystem == dependency.ecosystem && d.name == dependency.name)
        {
            Some(existing) => {
                existing.dev &= dependency.dev;
                if existing.spec.is_empty() {
                    existing.spec.clone_from(&dependency.spec);
                }
                if existing.locked.is_none() {
                    existing.locked.clone_from(&dependency.locked);
                }
            }
            None => out.push(dependency.clone()),
        }
    }
    for dependency in out.iter_mut().filter(|d| d.locked.is_none() || !d.direct) {
        if let Some(lock) = all.iter().find(|l| {
            l.ecosystem == dependency.ecosystem && l.name == dependency.name && l.locked.is_some()
        }) {
            dependency.locked.clone_from(&lock.locked);
        }
    }
    out.sort_by(|a, b| (a.ecosystem, &a.name).cmp(&(b.ecosystem, &b.name)));
    out
}

/// `.python-version`: the interpreter version on its first line.
fn python_version_file(path: &Path, text: &str) -> Manifest {
    Manifest {
        declared: text
            .lines()
            .next()
            .and_then(|l| declared("python", l, path, 1))
            .into_iter()
            .collect(),
        dependencies: Vec::new(),
    }
}

/// `kubeVersion: ">= 1.21.0-0"` in a Helm chart's `Chart.yaml`: the Kubernetes versions the
/// chart supports, whose lower bound is the oldest cluster it is deployed to.
fn helm_chart(path: &Path, text: &str) -> Manifest {
    Manifest {
        declared: text
            .lines()
            .enumerate()
            .find_map(|(i, line)| {
                let rest = line.strip_prefix("kubeVersion:")?;
                let spec = rest.split(" #").next().unwrap_or(rest);
                declared("kubernetes", spec, path, i + 1)
            })
            .into_iter()
            .collect(),
        dependencies: Vec::new(),
    }
}

/// The first `major[.minor[.patch]]` in `text`.
pub fn leading_version(text: &str) -> Option<Version> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let parts: Vec<&str> = digits
        .split('.')
        .filter(|p| !p.is_empty())
        .take(3)
        .collect();
    parts.join(".").parse().ok()
}

/// The version a requirement starts from: its first clause that is not an upper bound or an
/// exclusion (`<4,>=3.2` starts from 3.2).
fn lower_bound(spec: &str) -> Option<Version> {
    spec.split([',', ' ', '|'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .filter(|c| !c.starts_with(['<', '!']))
        .find_map(leading_version)
}

/// A declaration of `framework` with the requirement `spec`, when it names a version.
pub fn declared(framework: &'static str, spec: &str, path: &Path, line: usize) -> Option<Declared> {
    let spec = spec.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    // `1.8` is how Java 8 is written in build files.
    let version = match lower_bound(spec)? {
        v if framework == "java" && v.parts().first() == Some(&1) && v.parts().len() > 1 => {
            v.parts()[1].to_string().parse().ok()?
        }
        v => v,
    };
    // `==3.2.1`, `3.2.1` and `= 3.2.1` are pins; `>=`, `~>`, `^` and lists are ranges.
    let pinned = spec.starts_with(|c: char| c.is_ascii_digit() || c == '=')
        && !spec.contains([',', '*', '<', '>']);
    Some(Declared {
        version: Some(version),
        pinned,
        ..Declared::unversioned(framework, spec, path, line)
    })
}

/// The 1-based line of the first line of `text` that contains `needle` (1 when none does).
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_charts_declare_the_kubernetes_versions_they_support() {
        let path = Path::new("Chart.yaml");
        let chart = "apiVersion: v2\nname: shop\nversion: 4.2.0\nkubeVersion: \">= 1.21.0-0 < 1.30.0-0\"  # EKS\n";
        let found = helm_chart(path, chart).declared;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].framework, "kubernetes");
        assert_eq!(found[0].version.as_ref().unwrap().to_string(), "1.21.0");
        assert_eq!(found[0].line, 4);
        // A nested `kubeVersion` (a dependency's values) is not the chart's.
        let nested = "name: shop\nversion: 1.0.0\ndeps:\n  kubeVersion: 1.9\n";
        assert!(helm_chart(path, nested).declared.is_empty());
        assert!(is_manifest("Chart.yaml"));
    }

    #[test]
    fn a_declared_version_wins_over_a_hint_and_a_hint_over_none() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("setup.py"),
            "setup(classifiers=['Framework :: Django', 'Framework :: Django :: 2.0'])\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("tox.ini"),
            "[testenv]\ndeps = Django~=1.11.0\n",
        )
        .unwrap();
        let found = read_dir(dir.path());
        assert_eq!(found.declared[0].spec, "classifier 2.0");
        std::fs::write(dir.path().join("requirements.txt"), "Django<3,>=1.8\n").unwrap();
        let found = read_dir(dir.path());
        assert_eq!(
            found.declared[0].version.as_ref().unwrap().to_string(),
            "1.8"
        );
        assert!(!found.declared[0].hint);
    }

    #[test]
    fn requirement_folders_belong_to_the_project_above_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("requirements")).unwrap();
        std::fs::write(dir.path().join("requirements/base.txt"), "django==4.2.1\n").unwrap();
        std::fs::write(
            dir.path().join("requirements/test.txt"),
            "-r base.txt\npytest\n",
        )
        .unwrap();
        let found = read_dir(dir.path());
        assert_eq!(
            found.declared[0].version.as_ref().unwrap().to_string(),
            "4.2.1"
        );
        let deps: Vec<(&str, bool)> = found
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.dev))
            .collect();
        assert_eq!(deps, [("django", false), ("pytest", true)]);
    }

    #[test]
    fn lock_versions_fill_in_the_direct_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Gemfile"),
            "gem 'rails', '~> 7.0'\ngem 'devise'\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("Gemfile.lock"),
            "GEM\n  specs:\n    devise (4.9.2)\n    rails (7.0.8)\n    warden (1.2.9)\n\nDEPENDENCIES\n  devise\n  rails (~> 7.0)\n",
        )
        .unwrap();
        let found = read_dir(dir.path());
        let deps: Vec<(&str, &str, Option<&str>)> = found
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.spec.as_str(), d.locked.as_deref()))
            .collect();
        assert_eq!(
            deps,
            [
                ("devise", "", Some("4.9.2")),
                ("rails", "~> 7.0", Some("7.0.8"))
            ]
        );
        assert_eq!(found.declared[0].spec, "7.0.8");
    }

    #[test]
    fn upper_bounds_are_not_taken_for_versions() {
        let p = Path::new("x");
        assert_eq!(declared("django", "<4", p, 1), None);
        assert_eq!(
            declared("django", "<4,>=3.2", p, 1)
                .unwrap()
                .version
                .unwrap()
                .to_string(),
            "3.2"
        );
        assert_eq!(
            declared("ruby", ">= 2.5.0, < 3.2.0", p, 1)
                .unwrap()
                .version
                .unwrap()
                .to_string(),
            "2.5.0"
        );
    }
}
