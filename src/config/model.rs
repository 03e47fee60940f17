//! `upshift.toml` (or `[tool.upshift]` in `pyproject.toml`) as written. Keys are named like the
//! command-line flags; unknown keys are errors with their line.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// The settings of one configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigDoc {
    #[serde(default)]
    pub target: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub select: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub ignore: Option<Spanned<Vec<String>>>,
    /// Pack options switched on (`--option`).
    #[serde(default)]
    pub options: Option<Spanned<Vec<String>>>,
    /// Globs, relative to the file's folder, of paths never processed.
    #[serde(default)]
    pub exclude: Option<Spanned<Vec<String>>>,
    /// Glob (relative to the file's folder) -> rules ignored in matching files.
    #[serde(default)]
    pub per_file_ignores: Option<Spanned<BTreeMap<String, Vec<String>>>>,
    /// Extra rule directories, relative to the file's folder.
    #[serde(default)]
    pub rules: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub unsafe_fixes: Option<Spanned<bool>>,
    #[serde(default)]
    pub threads: Option<Spanned<usize>>,
    #[serde(default)]
    pub max_file_size: Option<Spanned<u64>>,
    #[serde(default)]
    pub migrations: Option<Spanned<MigrationsDoc>>,
}

/// The `[migrations]` table.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MigrationsDoc {
    /// `postgresql` or `mysql`, optionally with a server version: `postgresql@15`.
    #[serde(default)]
    pub database: Option<String>,
    /// App (folder holding `migrations/`) -> the last migration not checked.
    #[serde(default)]
    pub start_after: BTreeMap<String, String>,
    /// Let `fix` change any migration after `start-after`, not only the newest of its folder.
    #[serde(default)]
    pub fix_history: bool,
}

/// `pyproject.toml`, of which only `[tool.upshift]` is read.
#[derive(Debug, Deserialize)]
pub struct PyProject {
    #[serde(default)]
    pub tool: Option<PyProjectTools>,
}

#[derive(Debug, Deserialize)]
pub struct PyProjectTools {
    #[serde(default)]
    pub upshift: Option<ConfigDoc>,
}
