//! Which framework versions a project is on, read from its manifests, so that a run without
//! `--target` checks each file against the versions its own project uses.
//!
//! For a file, the closest manifest of each kind in its folder or above wins: `Gemfile.lock`
//! (then `Gemfile`) for Rails, `requirements*.txt` for Django. A range keeps its lower bound
//! (`django>=3.2,<4` is on 3.2 at least). Only what a rule's `--target` needs is read.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::rules::{Target, Version};

/// A version read from a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub target: Target,
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
    let mut found = Vec::new();
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    if let Some(text) = read("Gemfile.lock") {
        found.extend(
            gemfile_lock(&text)
                .map(|(v, line)| detected("rails", v, dir.join("Gemfile.lock"), line)),
        );
    } else if let Some(text) = read("Gemfile") {
        found.extend(
            gemfile(&text).map(|(v, line)| detected("rails", v, dir.join("Gemfile"), line)),
        );
    }
    let mut requirements: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("requirements") && n.ends_with(".txt"))
        })
        .collect();
    requirements.sort();
    for path in requirements {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Some((version, line)) = requirement(&text, "django") {
            found.push(detected("django", version, path, line));
            break;
        }
    }
    found
}

fn detected(framework: &str, version: Version, path: PathBuf, line: usize) -> Detected {
    Detected {
        target: Target {
            framework: framework.to_string(),
            version,
        },
        path,
        line,
    }
}

/// The first `major.minor[.patch]` in `text`.
fn leading_version(text: &str) -> Option<Version> {
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

/// `    rails (7.0.4)` in the resolved specs of a `Gemfile.lock`.
fn gemfile_lock(text: &str) -> Option<(Version, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix("    rails (")?;
        Some((leading_version(rest)?, i + 1))
    })
}

/// `gem "rails", "~> 6.1.0"` in a `Gemfile`.
fn gemfile(text: &str) -> Option<(Version, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let line = line.trim();
        let rest = line
            .strip_prefix("gem \"rails\"")
            .or_else(|| line.strip_prefix("gem 'rails'"))?;
        Some((leading_version(rest)?, i + 1))
    })
}

/// `django==3.2.25`, `Django>=3.2,<4.0` or `django~=3.2` in a requirements file.
fn requirement(text: &str, package: &str) -> Option<(Version, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let line = line.split('#').next().unwrap_or("").trim();
        let name_end =
            line.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))?;
        if !line[..name_end].eq_ignore_ascii_case(package) {
            return None;
        }
        let spec = line[name_end..]
            .trim_start_matches(|c: char| c == '[' || c.is_alphanumeric() || c == ']' || c == ',');
        if !(spec.starts_with("==") || spec.starts_with(">=") || spec.starts_with("~=")) {
            return None;
        }
        Some((leading_version(spec)?, i + 1))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn rails_is_read_from_the_lock_file_specs() {
        let lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    actionpack (6.1.7)\n    rails (6.1.7.3)\n      actionpack (= 6.1.7.3)\n\nDEPENDENCIES\n  rails (~> 6.1)\n";
        assert_eq!(gemfile_lock(lock), Some((v("6.1.7"), 5)));
        assert_eq!(
            gemfile("source 'x'\ngem \"rails\", \"~> 5.2.0\"\n"),
            Some((v("5.2.0"), 2))
        );
    }

    #[test]
    fn django_is_read_from_requirements_pins_and_lower_bounds() {
        assert_eq!(
            requirement("requests==2.0\nDjango==3.2.25  # LTS\n", "django"),
            Some((v("3.2.25"), 2))
        );
        assert_eq!(
            requirement("django>=3.2,<4.0\n", "django"),
            Some((v("3.2"), 1))
        );
        assert_eq!(requirement("django-filter==2.0\n", "django"), None);
        assert_eq!(requirement("django\n", "django"), None);
    }

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
