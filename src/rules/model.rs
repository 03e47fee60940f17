//! A rule file as written: serde structs that mirror the YAML, one to one.
//!
//! Nothing here is checked beyond its shape; `compile` turns a [`RuleDoc`] into a runnable
//! [`Rule`](super::Rule) and reports every mistake with the line it is on. Every struct denies
//! unknown fields, so a typo is an error rather than a silently ignored setting.

use serde::Deserialize;
use serde_saphyr::Spanned;

/// One rule: `rules/<pack>/<name>.yml`. See `docs/rules.md` for every field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    pub id: Spanned<String>,
    pub language: Spanned<String>,
    pub message: Spanned<String>,
    pub severity: Severity,
    pub docs: Spanned<String>,
    pub query: Spanned<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub files: Vec<Spanned<String>>,
    #[serde(default)]
    pub framework: Option<Spanned<String>>,
    #[serde(default)]
    pub deprecated_in: Option<Spanned<String>>,
    #[serde(default)]
    pub removed_in: Option<Spanned<String>>,
    #[serde(default)]
    pub fixable_from: Option<Spanned<String>>,
    #[serde(default, rename = "where")]
    pub conditions: Vec<ConditionDoc>,
    /// A table for `{{capture|map}}` in templates: old text -> new text.
    #[serde(default)]
    pub map: Option<Spanned<std::collections::BTreeMap<String, String>>>,
    #[serde(default)]
    pub fix: Vec<FixStepDoc>,
    #[serde(default)]
    pub safety: Option<Safety>,
    /// Only for these databases (`postgresql`, `mysql`), as chosen by `--database`.
    #[serde(default)]
    pub databases: Vec<Spanned<String>>,
    /// Only for database servers older than this version (when `--database` gives one).
    #[serde(default)]
    pub database_before: Option<Spanned<String>>,
    /// Minutes a person needs per occurrence that is not fixed automatically.
    #[serde(default)]
    pub effort_minutes: Option<u32>,
}

/// How serious a finding is when no `--target` says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a fix keeps the program's behaviour (`safe`) or may change it (`unsafe`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    Safe,
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// One entry of `where:`: a test on a captured node that a query predicate cannot express.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionDoc {
    /// The capture tested; the finding's node when omitted.
    #[serde(default)]
    pub capture: Option<Spanned<String>>,
    /// The capture's text, resolved through the file's imports, is one of these dotted names.
    #[serde(default)]
    pub imported_from: Option<Spanned<Vec<String>>>,
    /// `true`: the capture's name is bound by no import (a builtin or the module's own).
    #[serde(default)]
    pub not_imported: Option<Spanned<bool>>,
    /// The node has an ancestor like this.
    #[serde(default)]
    pub inside: Option<AncestorDoc>,
    /// The node has no ancestor like this.
    #[serde(default)]
    pub not_inside: Option<AncestorDoc>,
    /// The file imports one of these dotted names (by name or with a wildcard of its module).
    #[serde(default)]
    pub file_imports: Option<Spanned<Vec<String>>>,
    /// The file imports none of these dotted names.
    #[serde(default)]
    pub not_file_imports: Option<Spanned<Vec<String>>>,
    /// A Rhai expression or block that gives `true` when the condition holds.
    #[serde(default)]
    pub script: Option<Spanned<String>>,
}

/// An ancestor node: its kind, and optionally the text of one of its fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AncestorDoc {
    pub kind: Spanned<String>,
    #[serde(default)]
    pub field: Option<Spanned<String>>,
    /// A regular expression the field's text must match (anywhere; anchor it with `^...$`).
    #[serde(default)]
    pub matches: Option<Spanned<String>>,
}

/// One step of a fix. Exactly one action key is set; see `docs/rules.md`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixStepDoc {
    #[serde(default)]
    pub replace: Option<Spanned<String>>,
    #[serde(default)]
    pub with: Option<Spanned<String>>,
    /// With `replace`: a regex over the capture's text; `with` is then its replacement (`$1`).
    #[serde(default)]
    pub pattern: Option<Spanned<String>>,
    #[serde(default)]
    pub delete: Option<Spanned<String>>,
    #[serde(default)]
    pub insert_before: Option<Spanned<String>>,
    #[serde(default)]
    pub insert_after: Option<Spanned<String>>,
    #[serde(default)]
    pub text: Option<Spanned<String>>,
    #[serde(default)]
    pub add_import: Option<Spanned<String>>,
    #[serde(default)]
    pub remove_import: Option<Spanned<String>>,
    /// Create this file (relative to the project: see `docs/rules.md`) with `text:` if missing.
    #[serde(default)]
    pub create_file: Option<Spanned<String>>,
    /// YAML: move the captured key (with what is under it) to a dotted path: `move_key: k`,
    /// `to: spring.data.redis`.
    #[serde(default)]
    pub move_key: Option<Spanned<String>>,
    /// Move an import to another module, used or not: `move_import: a.b.c`, `to: x.y.c`.
    #[serde(default)]
    pub move_import: Option<Spanned<String>>,
    #[serde(default)]
    pub to: Option<Spanned<String>>,
    /// A Rhai program that builds the fix's edits (`replace(node, text)`, ...).
    #[serde(default)]
    pub script: Option<Spanned<String>>,
}

/// `rules/<pack>/pack.yml`: what a pack is about.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackDoc {
    pub description: String,
    /// The framework whose versions the pack's rules name (`django`, `spring-boot`, ...).
    #[serde(default)]
    pub framework: Option<String>,
    /// The framework's feature releases, oldest first: the steps of an upgrade path.
    #[serde(default)]
    pub releases: Vec<String>,
    /// Options a run can switch on (`--option NAME`), name -> what it does. Off by default;
    /// the pack's scripts read them with `option(name)`.
    #[serde(default)]
    pub options: std::collections::BTreeMap<String, String>,
    /// From which target version the pack's fixes run (see [`FixFrom`]).
    #[serde(default)]
    pub fix_from: FixFrom,
    /// What a release of this framework needs of another: framework -> (release -> the lowest
    /// version of the other it runs on). `java: {"3.0": "17"}` in the Spring Boot pack says a
    /// project on Boot 3.0 or later runs on Java 17 or later.
    #[serde(default)]
    pub requires: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

/// From which `--target` version a pack's fixable rules run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum FixFrom {
    /// Once the replacement exists (`fixable_from`): an upgrade also modernises what still works.
    #[default]
    Replacement,
    /// Once the old form is deprecated or removed (and the replacement exists): an upgrade
    /// changes what the target asks for, and leaves the rest to a later step.
    Deprecation,
}
