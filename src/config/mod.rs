//! Configuration files: found from each file's folder upward, nested ones applying to their
//! subtree and extending their parents (the closest file wins, key by key, as in Ruff).
//!
//! A folder's configuration is `upshift.toml`, or else `[tool.upshift]` in `pyproject.toml`.
//! Paths in a file (`exclude`, `per-file-ignores`, `rules`) are relative to its folder. The
//! command line overrides every file. This module only reads and merges; turning the result into
//! a rule selection is the CLI's job.

pub mod model;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use toml::Spanned;

use model::{ConfigDoc, MigrationsDoc, PyProject};

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}

/// One loaded configuration file.
#[derive(Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
    /// The folder its relative paths start from.
    pub dir: PathBuf,
    pub doc: ConfigDoc,
    text: String,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    CommandLine,
    File { path: PathBuf, line: usize },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::CommandLine => f.write_str("command line"),
            Origin::File { path, line } => write!(f, "{}:{line}", path.display()),
        }
    }
}

impl ConfigFile {
    /// Reads `path`; `Ok(None)` for a `pyproject.toml` without `[tool.upshift]`.
    pub fn load(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|err| ConfigError {
            path: path.into(),
            line: 0,
            message: format!("cannot read: {err}"),
        })?;
        let error = |err: toml::de::Error| ConfigError {
            path: path.into(),
            line: err.span().map_or(0, |span| line_of(&text, span.start)),
            message: err.message().trim().to_string(),
        };
        let doc = if path.file_name().is_some_and(|n| n == "pyproject.toml") {
            match toml::from_str::<PyProject>(&text)
                .map_err(error)?
                .tool
                .and_then(|t| t.upshift)
            {
                Some(doc) => doc,
                None => return Ok(None),
            }
        } else {
            toml::from_str::<ConfigDoc>(&text).map_err(error)?
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let file = ConfigFile {
            path: path.to_path_buf(),
            dir,
            doc,
            text,
        };
        file.validate()?;
        Ok(Some(file))
    }

    /// Where a value sits in this file.
    pub fn origin<T>(&self, value: &Spanned<T>) -> Origin {
        Origin::File {
            path: self.path.clone(),
            line: line_of(&self.text, value.span().start),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let fail = |value_line: usize, message: String| {
            Err(ConfigError {
                path: self.path.clone(),
                line: value_line,
                message,
            })
        };
        let line = |span: std::ops::Range<usize>| line_of(&self.text, span.start);
        for list in [&self.doc.exclude].into_iter().flatten() {
            for glob in list.get_ref() {
                if let Err(err) = Glob::new(glob) {
                    return fail(
                        line(list.span()),
                        format!("bad glob `{glob}`: {}", err.kind()),
                    );
                }
            }
        }
        if let Some(table) = &self.doc.per_file_ignores {
            for glob in table.get_ref().keys() {
                if let Err(err) = Glob::new(glob) {
                    return fail(
                        line(table.span()),
                        format!("bad glob `{glob}`: {}", err.kind()),
                    );
                }
            }
        }
        if let Some(threads) = &self.doc.threads
            && *threads.get_ref() == 0
        {
            return fail(line(threads.span()), "threads must be at least 1".into());
        }
        Ok(())
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

/// The configuration files that apply to one folder, outermost first.
#[derive(Debug, Default, Clone)]
pub struct Layered {
    pub files: Vec<Arc<ConfigFile>>,
}

/// A setting's value with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl Layered {
    /// The closest file's value for a key.
    fn closest<T: Clone>(
        &self,
        key: impl Fn(&ConfigDoc) -> Option<&Spanned<T>>,
    ) -> Option<Setting<T>> {
        self.files.iter().rev().find_map(|file| {
            key(&file.doc).map(|value| Setting {
                value: value.get_ref().clone(),
                origin: file.origin(value),
            })
        })
    }

    pub fn target(&self) -> Option<Setting<Vec<String>>> {
        self.closest(|d| d.target.as_ref())
    }

    pub fn select(&self) -> Option<Setting<Vec<String>>> {
        self.closest(|d| d.select.as_ref())
    }

    pub fn ignore(&self) -> Option<Setting<Vec<String>>> {
        self.closest(|d| d.ignore.as_ref())
    }

    pub fn options(&self) -> Option<Setting<Vec<String>>> {
        self.closest(|d| d.options.as_ref())
    }

    pub fn unsafe_fixes(&self) -> Option<Setting<bool>> {
        self.closest(|d| d.unsafe_fixes.as_ref())
    }

    pub fn threads(&self) -> Option<Setting<usize>> {
        self.closest(|d| d.threads.as_ref())
    }

    pub fn max_file_size(&self) -> Option<Setting<u64>> {
        self.closest(|d| d.max_file_size.as_ref())
    }

    pub fn migrations(&self) -> Option<Setting<MigrationsDoc>> {
        self.closest(|d| d.migrations.as_ref())
    }

    /// Whether `[migrations] start-after` puts the migration at `path` before the first one to
    /// check: its folder's folder is the app (`shop/migrations/0042_x.py` is in `shop`; Rails'
    /// `db/migrate/2024..._x.rb` in `db`), and its leading number is at or below the setting's.
    pub fn migration_is_old(&self, path: &Path) -> bool {
        let Some(setting) = self.migrations() else {
            return false;
        };
        let app = path
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .and_then(|n| n.to_str());
        let Some(after) = app.and_then(|app| setting.value.start_after.get(app)) else {
            return false;
        };
        let number = |name: &str| -> Option<u128> {
            name.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        match (number(stem), number(after)) {
            (Some(this), Some(last)) => this <= last,
            _ => false,
        }
    }

    /// Whether `fix` may change the migration at `path`. A migration that already ran in
    /// production is history: editing it changes nothing there and makes environments differ.
    /// Without a database, the newest migration of its folder is taken as the only one that may
    /// not have run yet; `[migrations] fix-history = true` allows every migration that
    /// `start-after` does not leave out. A file that is not a migration is always fixable.
    pub fn migration_fixable(&self, path: &Path) -> bool {
        self.migrations().is_some_and(|s| s.value.fix_history) || !has_newer_migration(path)
    }

    /// Rule directories from every layer, as paths.
    pub fn rule_dirs(&self) -> Vec<PathBuf> {
        self.files
            .iter()
            .flat_map(|file| {
                file.doc
                    .rules
                    .iter()
                    .flat_map(|r| r.get_ref().iter().map(|d| file.dir.join(d)))
            })
            .collect()
    }

    /// Whether any layer's `exclude` matches `path`.
    pub fn excludes(&self, path: &Path) -> bool {
        self.files.iter().any(|file| {
            file.doc.exclude.as_ref().is_some_and(|globs| {
                let relative = relative_to(path, &file.dir);
                globs
                    .get_ref()
                    .iter()
                    .any(|g| matcher(g).is_some_and(|m| matches_path(&m, &relative)))
            })
        })
    }

    /// The rules `per-file-ignores` of every layer ignores for `path`.
    pub fn ignored_for(&self, path: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for file in &self.files {
            let Some(table) = &file.doc.per_file_ignores else {
                continue;
            };
            let relative = relative_to(path, &file.dir);
            for (glob, rules) in table.get_ref() {
                if matcher(glob).is_some_and(|m| matches_path(&m, &relative)) {
                    out.extend(rules.iter().cloned());
                }
            }
        }
        out
    }
}

fn matcher(glob: &str) -> Option<GlobMatcher> {
    Glob::new(glob).ok().map(|g| g.compile_matcher())
}

/// A glob matches a path, or any folder the path is in (`build` excludes `build/x.py`).
fn matches_path(matcher: &GlobMatcher, path: &Path) -> bool {
    path.ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .any(|p| matcher.is_match(p))
}

fn relative_to(path: &Path, dir: &Path) -> PathBuf {
    let absolute = absolute(path);
    absolute
        .strip_prefix(absolute_dir(dir))
        .map(Path::to_path_buf)
        .unwrap_or(absolute)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn absolute_dir(dir: &Path) -> PathBuf {
    absolute(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
}

/// Finds and caches the configuration of folders.
#[derive(Debug, Default)]
pub struct Discovery {
    cache: HashMap<PathBuf, Layered>,
}

impl Discovery {
    /// The configuration layers for files in `dir`: every config file from the filesystem root
    /// down to `dir`.
    pub fn for_dir(&mut self, dir: &Path) -> Result<Layered, ConfigError> {
        let dir = absolute_dir(dir);
        if let Some(found) = self.cache.get(&dir) {
            return Ok(found.clone());
        }
        let mut layered = match dir.parent() {
            Some(parent) => self.for_dir(parent)?,
            None => Layered::default(),
        };
        if let Some(file) = config_in(&dir)? {
            layered.files.push(Arc::new(file));
        }
        self.cache.insert(dir, layered.clone());
        Ok(layered)
    }
}

/// The configuration file of one folder, if any.
fn config_in(dir: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let own = dir.join("upshift.toml");
    if own.is_file() {
        return ConfigFile::load(&own);
    }
    let pyproject = dir.join("pyproject.toml");
    if pyproject.is_file() {
        return ConfigFile::load(&pyproject);
    }
    Ok(None)
}

/// The version a migration file's name starts with, as numbers to compare: `0042_x.py` is
/// `[42]`, Rails' `20240101120000_x.rb` `[20240101120000]`, Flyway's `V1_2__x.sql` `[1, 2]`.
/// `None` for a name that does not start with a version.
pub fn migration_version(name: &str) -> Option<Vec<u64>> {
    let rest = match name.strip_prefix(['V', 'v']) {
        Some(r) if r.starts_with(|c: char| c.is_ascii_digit()) => r.split("__").next()?,
        _ => name.split(|c: char| !c.is_ascii_digit()).next()?,
    };
    let parts: Vec<u64> = rest
        .split(['.', '_'])
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    (!parts.is_empty()).then_some(parts)
}

/// Whether `path` is a migration (a versioned file in a `migrations`, `migrate` or `migration`
/// folder) and its folder holds a later one with the same extension. Alembic's `versions` folders
/// are not ordered by name (revision ids are random), so nothing there counts as older.
fn has_newer_migration(path: &Path) -> bool {
    let Some(dir) = path.parent() else {
        return false;
    };
    let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !matches!(folder, "migrations" | "migrate" | "migration") {
        return false;
    }
    let Some(own) = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(migration_version)
    else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let other = entry.path();
        other.extension() == path.extension()
            && other
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(migration_version)
                .is_some_and(|v| v > own)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn nested_files_extend_their_parents_and_the_closest_wins() {
        let root = tempfile::tempdir().unwrap();
        write(
            root.path(),
            "upshift.toml",
            "target = [\"django@4.2\"]\nselect = [\"django\"]\n",
        );
        let sub = root.path().join("svc");
        write(
            &sub,
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.upshift]\nselect = [\"python\"]\n",
        );
        let mut discovery = Discovery::default();
        let layered = discovery.for_dir(&sub).unwrap();
        assert_eq!(layered.select().unwrap().value, vec!["python"]);
        assert_eq!(layered.target().unwrap().value, vec!["django@4.2"]);
        assert_eq!(
            layered.select().unwrap().origin,
            Origin::File {
                path: absolute(&sub.join("pyproject.toml")),
                line: 5
            }
        );
        let top = discovery.for_dir(root.path()).unwrap();
        assert_eq!(top.select().unwrap().value, vec!["django"]);
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line() {
        let root = tempfile::tempdir().unwrap();
        write(
            root.path(),
            "upshift.toml",
            "select = [\"django\"]\ntargte = [\"x\"]\n",
        );
        let err = Discovery::default().for_dir(root.path()).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("unknown field `targte`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_pyproject_without_a_tool_table_is_no_config() {
        let root = tempfile::tempdir().unwrap();
        write(root.path(), "pyproject.toml", "[project]\nname = \"x\"\n");
        assert!(config_in(root.path()).unwrap().is_none());
    }

    #[test]
    fn excludes_and_per_file_ignores_are_relative_to_their_file() {
        let root = tempfile::tempdir().unwrap();
        write(
            root.path(),
            "upshift.toml",
            "exclude = [\"build\", \"**/generated_*.py\"]\n[per-file-ignores]\n\"tests/**\" = [\"django/ugettext\"]\n",
        );
        let layered = Discovery::default().for_dir(root.path()).unwrap();
        assert!(layered.excludes(&root.path().join("build/x.py")));
        assert!(layered.excludes(&root.path().join("a/generated_models.py")));
        assert!(!layered.excludes(&root.path().join("src/x.py")));
        assert_eq!(
            layered.ignored_for(&root.path().join("tests/test_x.py")),
            vec!["django/ugettext"]
        );
        assert!(
            layered
                .ignored_for(&root.path().join("src/x.py"))
                .is_empty()
        );
    }

    #[test]
    fn only_the_newest_migration_of_a_folder_is_fixable_unless_history_is_allowed() {
        assert_eq!(migration_version("0042_add_field.py"), Some(vec![42]));
        assert_eq!(migration_version("V1_2__add.sql"), Some(vec![1, 2]));
        assert_eq!(migration_version("V10__add.sql"), Some(vec![10]));
        assert_eq!(migration_version("__init__.py"), None);
        let root = tempfile::tempdir().unwrap();
        let migrate = root.path().join("db/migrate");
        write(&migrate, "20240101000000_a.rb", "");
        write(&migrate, "20240301000000_b.rb", "");
        let flyway = root.path().join("db/migration");
        write(&flyway, "V2__b.sql", "");
        write(&flyway, "V10__c.sql", "");
        let lib = root.path().join("lib");
        write(&lib, "0001_x.rb", "");
        write(&lib, "0002_x.rb", "");
        let mut discovery = Discovery::default();
        let layered = discovery.for_dir(root.path()).unwrap();
        assert!(!layered.migration_fixable(&migrate.join("20240101000000_a.rb")));
        assert!(layered.migration_fixable(&migrate.join("20240301000000_b.rb")));
        assert!(!layered.migration_fixable(&flyway.join("V2__b.sql")));
        assert!(layered.migration_fixable(&flyway.join("V10__c.sql")));
        assert!(layered.migration_fixable(&lib.join("0001_x.rb")));
        write(
            root.path(),
            "upshift.toml",
            "[migrations]\nfix-history = true\n",
        );
        let mut discovery = Discovery::default();
        let layered = discovery.for_dir(root.path()).unwrap();
        assert!(layered.migration_fixable(&migrate.join("20240101000000_a.rb")));
    }
}
