//! From a rule as written ([`RuleDoc`]) to a rule as run ([`Rule`]).
//!
//! Every check that can fail on a rule file happens here, before any source file is touched:
//! the language exists, the query compiles for it and uses only supported predicates, every
//! capture a condition or fix names is defined, templates parse, globs and regexes compile,
//! versions parse and are ordered. Errors are collected, not stopped at, so an author sees all
//! of a file's mistakes at once.

use std::path::Path;
use std::sync::OnceLock;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde_saphyr::Spanned;
use tree_sitter::Query;

use super::error::RuleError;
use super::model::{AncestorDoc, ConditionDoc, FixStepDoc, RuleDoc, Safety, Severity};
use super::query_shape::{self, PatternShape};
use super::script::{Library, Script};
use super::template::Template;
use super::version::Version;
use crate::language::{self, LanguageId};

/// A rule ready to run.
#[derive(Debug)]
pub struct Rule {
    /// `pack/name`.
    pub id: String,
    pub pack: String,
    pub language: LanguageId,
    pub message: Template,
    pub severity: Severity,
    pub docs: String,
    pub description: Option<String>,
    /// Only files whose path matches one of these globs; every file of the language when empty.
    pub files: Option<GlobSet>,
    pub file_globs: Vec<String>,
    pub versions: Versions,
    pub query_source: String,
    pub conditions: Vec<Condition>,
    /// The table `{{capture|map}}` looks text up in.
    pub map: std::collections::BTreeMap<String, String>,
    pub fix: Vec<FixStep>,
    pub safety: Safety,
    pub effort_minutes: Option<u32>,
    /// The databases the rule is about; every one when empty.
    pub databases: Vec<String>,
    /// The rule only matters on database servers older than this.
    pub database_before: Option<Version>,
    /// Per query pattern: literals that must occur in a file for the pattern to match.
    pub patterns: Vec<PatternShape>,
    /// Where the rule was loaded from (`<built-in>/...` for embedded rules).
    pub source: String,
    /// A hash of the rule as written (its file, its pack's framework and script library): what the result
    /// cache keys on, so that an edited rule never reads findings of its old text.
    pub fingerprint: u64,
    /// The compiled query, once a run needs it.
    pub compiled: CompiledQuery,
}

/// A rule's query, compiled on first use and then shared by every thread and plan of the
/// process: a run compiles only the rules some file could match.
#[derive(Default)]
pub struct CompiledQuery(std::sync::OnceLock<Query>);

impl std::fmt::Debug for CompiledQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CompiledQuery")
    }
}

impl Rule {
    /// The rule's compiled query. A rule from a user's directory was compiled (and checked)
    /// when it was loaded; a built-in one is checked by the test suite.
    pub fn query(&self) -> &Query {
        self.compiled.0.get_or_init(|| {
            Query::new(&language::get(self.language).grammar, &self.query_source)
                .unwrap_or_else(|err| panic!("rule {} does not compile: {err}", self.id))
        })
    }

    /// Whether the rule's message or fix uses `{{$target}}`.
    pub fn uses_target(&self) -> bool {
        self.message.uses_target()
            || self.fix.iter().any(FixStep::uses_target)
            || self
                .conditions
                .iter()
                .any(|c| matches!(c, Condition::Script(s) if s.uses_target))
    }

    /// The rule's name without its pack.
    pub fn name(&self) -> &str {
        self.id
            .split_once('/')
            .map_or(self.id.as_str(), |(_, name)| name)
    }

    /// Whether the rule can rewrite what it finds.
    pub fn is_fixable(&self) -> bool {
        !self.fix.is_empty()
    }

    /// Whether the rule applies to a file at `path` (relative to the walk root).
    pub fn applies_to(&self, path: &Path) -> bool {
        self.files.as_ref().is_none_or(|globs| globs.is_match(path))
    }
}

/// The framework versions a rule is about.
#[derive(Debug, Clone, Default)]
pub struct Versions {
    pub framework: Option<String>,
    pub deprecated_in: Option<Version>,
    pub removed_in: Option<Version>,
    /// The first version in which the replacement exists, so the fix is valid.
    pub fixable_from: Option<Version>,
    /// The rule's pack fixes only what the target deprecates or removes
    /// ([`FixFrom::Deprecation`](super::model::FixFrom)).
    pub fix_at_deprecation: bool,
}

/// A test on a captured node (`where:`).
#[derive(Debug)]
pub enum Condition {
    /// The capture's text, resolved through imports, is one of `names`.
    ImportedFrom {
        capture: Option<String>,
        names: Vec<String>,
    },
    /// No import binds the capture's text.
    NotImported { capture: Option<String> },
    /// The file imports (or, with `negated`, does not import) one of `names`; with a
    /// capture, only matches that bind it are tested.
    FileImports {
        capture: Option<String>,
        names: Vec<String>,
        negated: bool,
    },
    /// The node has (or, with `negated`, has not) an ancestor like `ancestor`.
    Inside {
        capture: Option<String>,
        ancestor: Ancestor,
        negated: bool,
    },
    /// A script that gives `true` when the condition holds.
    Script(Script),
}

/// An ancestor node kind, optionally with a field whose text matches a regex.
#[derive(Debug)]
pub struct Ancestor {
    pub kinds: Vec<String>,
    pub field: Option<String>,
    pub matches: Option<Regex>,
}

/// One step of a fix.
#[derive(Debug)]
pub enum FixStep {
    Replace {
        capture: String,
        with: Template,
    },
    /// Replace the first match of `pattern` in the capture's text with `with` (`$1` etc.);
    /// no fix when the pattern does not match.
    ReplacePattern {
        capture: String,
        pattern: Regex,
        /// The replacement (`$1` for groups), after its `{{...}}` holes are filled.
        with: Template,
    },
    Delete {
        capture: String,
    },
    InsertBefore {
        capture: String,
        text: Template,
    },
    InsertAfter {
        capture: String,
        text: Template,
    },
    /// Make the dotted name available under its last segment (`from a.b import c`).
    AddImport(Template),
    /// Drop the import of this dotted name if nothing uses it after the fix.
    RemoveImport(Template),
    /// Import the name from another module instead (`from`, `to`), whether used or not.
    MoveImport(Template, Template),
    /// YAML: move the captured key, with what is under it, to the dotted path `to`.
    MoveKey {
        capture: String,
        to: Template,
    },
    /// Create a file with this text, unless it exists.
    CreateFile {
        path: String,
        text: Template,
    },
    /// A script that builds edits and import changes.
    Script(Script),
}

impl FixStep {
    /// Whether the step's text uses `{{$target}}`.
    fn uses_target(&self) -> bool {
        match self {
            FixStep::Replace { with: t, .. }
            | FixStep::InsertBefore { text: t, .. }
            | FixStep::InsertAfter { text: t, .. }
            | FixStep::CreateFile { text: t, .. }
            | FixStep::AddImport(t)
            | FixStep::RemoveImport(t)
            | FixStep::ReplacePattern { with: t, .. } => t.uses_target(),
            FixStep::MoveImport(from, to) => from.uses_target() || to.uses_target(),
            FixStep::MoveKey { to, .. } => to.uses_target(),
            FixStep::Script(script) => script.uses_target,
            FixStep::Delete { .. } => false,
        }
    }
}

/// The state of compiling one rule file: where its values sit, and the errors found so far.
struct Compiler<'a> {
    path: &'a Path,
    text: &'a str,
    errors: Vec<RuleError>,
    /// The query's capture names; `None` when the query did not compile (then names are not
    /// checked, so one mistake is not reported many times).
    captures: Option<Vec<String>>,
    has_map: bool,
    has_framework: bool,
    /// The pack's script library, if it has one.
    library: Option<std::sync::Arc<Library>>,
    /// Compile scripts now (a user's rule) rather than on first use (a built-in one).
    check_scripts: bool,
}

impl Compiler<'_> {
    fn error<T>(&mut self, value: &Spanned<T>, message: impl Into<String>) {
        let error = RuleError::at(
            self.path,
            self.text,
            value.referenced.line() as usize,
            value.referenced.column() as usize,
            message,
        );
        self.errors.push(error);
    }

    /// The 1-based line and column where a (block) value's text starts in the file.
    fn block_start(&self, query: &Spanned<String>) -> (usize, usize) {
        let declared = query.referenced.line() as usize;
        let first = query
            .value
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("");
        let found = self
            .text
            .lines()
            .enumerate()
            .skip(declared.saturating_sub(1))
            .find(|(_, line)| !first.is_empty() && line.contains(first));
        match found {
            Some((index, line)) => (index + 1, line.find(first).unwrap_or(0) + 1),
            None => (declared, query.referenced.column() as usize),
        }
    }

    fn list_captures(&self) -> String {
        match self.captures.as_deref() {
            Some([]) | None => "none".to_string(),
            Some(names) => names
                .iter()
                .map(|c| format!("@{c}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    fn defines(&self, name: &str) -> bool {
        self.captures
            .as_ref()
            .is_none_or(|names| names.iter().any(|c| c == name))
    }

    /// Checks that `value` names a capture of the query.
    fn capture(&mut self, value: &Spanned<String>, what: &str) -> String {
        if !self.defines(&value.value) {
            let message = format!(
                "{what} uses capture `@{}`, which the query does not define (it defines: {})",
                value.value,
                self.list_captures()
            );
            self.error(value, message);
        }
        value.value.clone()
    }

    /// Compiles a script over the query's captures; a mistake is reported at its line.
    fn script(&mut self, value: &Spanned<String>) -> Option<Script> {
        let names = self.captures.clone().unwrap_or_default();
        match Script::new(
            &value.value,
            names,
            self.library.clone(),
            self.check_scripts,
        ) {
            Ok(script) => Some(script),
            Err(err) => {
                let (line, column) = self.block_start(value);
                let (line, column) = if err.line <= 1 {
                    (line, column + err.column.saturating_sub(1))
                } else {
                    (line + err.line - 1, err.column)
                };
                self.errors.push(RuleError::at(
                    self.path,
                    self.text,
                    line,
                    column,
                    format!("script does not compile: {}", err.message),
                ));
                None
            }
        }
    }

    /// Parses a template and checks its holes.
    fn template(&mut self, value: &Spanned<String>, what: &str) -> Option<Template> {
        let template = match Template::parse(&value.value) {
            Ok(template) => template,
            Err(message) => {
                self.error(value, format!("{what}: {message}"));
                return None;
            }
        };
        if template.uses_target() && !self.has_framework {
            let message = format!(
                "{what} uses `{{{{$target}}}}`, but the rule has no framework to take a target of"
            );
            self.error(value, message);
        }
        if template.uses_map() && !self.has_map {
            self.error(
                value,
                format!("{what} uses `|map`, but the rule has no `map:` table"),
            );
        }
        for name in template.captures() {
            if !self.defines(name) {
                let message = format!(
                    "{what} uses `{{{{{name}}}}}`, which the query does not capture (it defines: {})",
                    self.list_captures()
                );
                self.error(value, message);
            }
        }
        Some(template)
    }

    /// Parses a template that must render as a dotted name such as `django.urls.re_path`.
    fn dotted(&mut self, value: &Spanned<String>, what: &str) -> Option<Template> {
        let name = self.template(value, what)?;
        // Holes are filled at fix time; the text around them must already read as a dotted name.
        let shape = name
            .render(|_| Some("x"), &|_| Some("x"))
            .unwrap_or_default();
        if !is_dotted_name(&shape) {
            self.error(
                value,
                format!(
                    "`{}` is not a dotted name like `django.urls.re_path`",
                    value.value
                ),
            );
            return None;
        }
        Some(name)
    }

    fn version(&mut self, value: &Option<Spanned<String>>) -> Option<Version> {
        let value = value.as_ref()?;
        match value.value.parse() {
            Ok(version) => Some(version),
            Err(message) => {
                self.error(value, message);
                None
            }
        }
    }

    fn regex(&mut self, value: &Spanned<String>) -> Option<Regex> {
        match Regex::new(&value.value) {
            Ok(regex) => Some(regex),
            Err(err) => {
                self.error(value, format!("bad regex: {err}"));
                None
            }
        }
    }
}

/// What a rule takes from its pack: its name, framework and script library.
pub struct PackContext<'a> {
    pub name: &'a str,
    pub framework: Option<&'a str>,
    pub fix_from: super::model::FixFrom,
    pub library: Option<std::sync::Arc<Library>>,
}

/// Compiles `doc`, read from `path` (whose contents are `text`), in pack `pack`. With
/// `check_query` false the query is only read, not compiled: for built-in rules, which the test
/// suite compiles, so that start-up does not pay for languages the run never sees.
pub fn compile(
    doc: RuleDoc,
    path: &Path,
    text: &str,
    pack: &PackContext,
    check_query: bool,
) -> Result<Rule, Vec<RuleError>> {
    let pack_framework = pack.framework;
    let fix_from = pack.fix_from;
    let fingerprint = crate::fingerprint::content_hash(
        crate::fingerprint::fnv1a(
            pack.library
                .as_ref()
                .map_or(0, |library| library.fingerprint),
            pack_framework.unwrap_or_default().as_bytes(),
        ),
        text.as_bytes(),
    );
    let mut c = Compiler {
        path,
        text,
        errors: Vec::new(),
        captures: None,
        has_map: doc.map.as_ref().is_some_and(|m| !m.value.is_empty()),
        has_framework: doc.framework.is_some() || pack_framework.is_some(),
        library: pack.library.clone(),
        check_scripts: check_query,
    };
    let pack = pack.name;

    let expected_id = format!(
        "{pack}/{}",
        path.file_stem().and_then(|s| s.to_str()).unwrap_or("")
    );
    if doc.id.value != expected_id {
        c.error(
            &doc.id,
            format!(
                "rule id `{}` does not match its file: expected `{expected_id}`",
                doc.id.value
            ),
        );
    }

    let Some(lang) = language::by_name(&doc.language.value) else {
        let known = language::names().join(", ");
        c.error(
            &doc.language,
            format!("unknown language `{}` (known: {known})", doc.language.value),
        );
        return Err(c.errors);
    };

    // tree-sitter aborts the process on some malformed queries instead of returning an error:
    // refuse those forms before it sees them. A trusted (built-in, tested) rule's query is
    // compiled later, with its language's others.
    let query_text = query_shape::QueryText::new(&doc.query.value);
    let compiled = if query_text.has_predicate_only_group() {
        c.error(
            &doc.query,
            "a group holds only predicates; put each predicate beside the nodes it tests, as in `((call) @c (#eq? @c \"x\"))`",
        );
        None
    } else if check_query {
        Some(Query::new(&lang.grammar, &doc.query.value))
    } else {
        None
    };
    let query = match compiled.transpose() {
        Ok(query) => query,
        Err(err) => {
            let (line, column) = c.block_start(&doc.query);
            let first_line = err.message.lines().next().unwrap_or("");
            c.errors.push(RuleError::at(
                path,
                text,
                line + err.row,
                column + err.column,
                format!(
                    "query does not compile for {}: {:?} error: {first_line}",
                    lang.name, err.kind
                ),
            ));
            None
        }
    };
    if !check_query {
        c.captures = Some(query_text.capture_names());
    }
    if let Some(query) = &query {
        c.captures = Some(
            query
                .capture_names()
                .iter()
                .map(|name| name.to_string())
                .collect(),
        );
        for index in 0..query.pattern_count() {
            for predicate in query.general_predicates(index) {
                c.error(
                    &doc.query,
                    format!(
                        "unsupported query predicate `#{}`; supported: #eq?, #not-eq?, #match?, #not-match?, #any-of?, #not-any-of? (use `where:` for more)",
                        predicate.operator
                    ),
                );
            }
        }
    }

    if query_text.has_bare_predicate() {
        c.error(
            &doc.query,
            "a predicate stands outside its pattern and would filter nothing: wrap them together, as in `((call) @c (#eq? @c \"x\"))`",
        );
    }
    let message = c.template(&doc.message, "message");

    if !doc.docs.value.starts_with("https://") && !doc.docs.value.starts_with("http://") {
        c.error(
            &doc.docs,
            format!("docs must be a URL, found `{}`", doc.docs.value),
        );
    }

    let mut files = GlobSetBuilder::new();
    for glob in &doc.files {
        match Glob::new(&glob.value) {
            Ok(g) => {
                files.add(g);
            }
            Err(err) => c.error(glob, format!("bad glob `{}`: {}", glob.value, err.kind())),
        }
    }

    let versions = Versions {
        framework: doc
            .framework
            .as_ref()
            .map(|f| f.value.clone())
            .or(pack_framework.map(str::to_string)),
        deprecated_in: c.version(&doc.deprecated_in),
        removed_in: c.version(&doc.removed_in),
        fixable_from: c.version(&doc.fixable_from),
        fix_at_deprecation: fix_from == super::model::FixFrom::Deprecation,
    };
    if let (Some(dep), Some(rem), Some(spanned)) = (
        &versions.deprecated_in,
        &versions.removed_in,
        &doc.removed_in,
    ) && rem < dep
    {
        c.error(
            spanned,
            format!("removed_in {rem} is before deprecated_in {dep}"),
        );
    }
    let has_versions = versions.deprecated_in.is_some()
        || versions.removed_in.is_some()
        || versions.fixable_from.is_some();
    if has_versions && versions.framework.is_none() {
        c.error(
            &doc.id,
            "version fields need a framework: set `framework:` or give the pack one in pack.yml",
        );
    }

    const DATABASES: [&str; 2] = ["postgresql", "mysql"];
    for database in &doc.databases {
        if !DATABASES.contains(&database.value.as_str()) {
            c.error(
                database,
                format!(
                    "unknown database `{}` (known: postgresql, mysql)",
                    database.value
                ),
            );
        }
    }
    let database_before = c.version(&doc.database_before);
    let conditions: Vec<Condition> = doc
        .conditions
        .iter()
        .filter_map(|cond| compile_condition(&mut c, cond, lang))
        .collect();

    for step in &doc.fix {
        if let Some(value) = step
            .add_import
            .as_ref()
            .or(step.remove_import.as_ref())
            .or(step.move_import.as_ref())
            && !crate::engine::import_edit::supported(lang)
        {
            c.error(
                value,
                format!("import fix steps are not supported for {}", lang.name),
            );
        }
        if let Some(value) = &step.move_key
            && lang.name != "yaml"
        {
            c.error(
                value,
                "`move_key` moves YAML keys; this rule is not for yaml",
            );
        }
    }
    let fix: Vec<FixStep> = doc
        .fix
        .iter()
        .filter_map(|step| compile_fix_step(&mut c, step))
        .collect();
    let safety = match (doc.safety, doc.fix.is_empty()) {
        (Some(safety), _) => safety,
        (None, true) => Safety::Safe,
        (None, false) => {
            c.error(&doc.id, "a rule with a fix must say whether it is safe: add `safety: safe` or `safety: unsafe`");
            Safety::Unsafe
        }
    };

    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let mut patterns = query_text.read();
    if let Some((capture, sets)) = patterns.iter().find_map(|p| p.contradiction.clone()) {
        let lists: Vec<String> = sets.iter().map(|set| set.join(", ")).collect();
        c.error(
            &doc.query,
            format!(
                "this pattern can never match: `@{capture}` must be one of [{}] at once (a predicate holds for its whole pattern, even inside one branch of `[...]`; write such branches as separate patterns)",
                lists.join("] and [")
            ),
        );
        return Err(c.errors);
    }
    if let Some(query) = &query
        && patterns.len() != query.pattern_count()
    {
        // The light reader disagrees with tree-sitter about this query: prefilter nothing.
        patterns = vec![PatternShape::default(); query.pattern_count()];
    }
    add_import_literals(&mut patterns, &conditions);

    Ok(Rule {
        id: doc.id.value,
        pack: pack.to_string(),
        language: lang.id,
        message: message.expect("no errors means the message parsed"),
        severity: doc.severity,
        docs: doc.docs.value,
        description: doc.description,
        files: if doc.files.is_empty() {
            None
        } else {
            files.build().ok()
        },
        file_globs: doc.files.into_iter().map(|g| g.value).collect(),
        versions,
        query_source: doc.query.value,
        conditions,
        map: doc.map.map(|m| m.value).unwrap_or_default(),
        fix,
        safety,
        effort_minutes: doc.effort_minutes,
        databases: doc.databases.into_iter().map(|d| d.value).collect(),
        database_before,
        patterns,
        source: path.display().to_string(),
        fingerprint,
        compiled: CompiledQuery(query.map(OnceLock::from).unwrap_or_default()),
    })
}

/// A name imported from `a.b.c` must appear in the file as `c`: a literal for the prefilter.
fn add_import_literals(patterns: &mut [PatternShape], conditions: &[Condition]) {
    for condition in conditions {
        let Condition::ImportedFrom { capture, names } = condition else {
            continue;
        };
        let literals: Vec<String> = names
            .iter()
            .map(|n| n.rsplit('.').next().unwrap_or(n).to_string())
            .collect();
        for pattern in patterns.iter_mut() {
            let required = capture
                .as_ref()
                .is_none_or(|c| pattern.required_captures.contains(c));
            if required {
                pattern.required_literals = Some(query_shape::choose(
                    pattern.required_literals.take(),
                    literals.clone(),
                ));
            }
        }
    }
}

fn compile_condition(
    c: &mut Compiler,
    doc: &ConditionDoc,
    lang: &language::Language,
) -> Option<Condition> {
    let capture = doc.capture.as_ref().map(|name| c.capture(name, "where"));
    let set = [
        doc.imported_from.is_some(),
        doc.not_imported.is_some(),
        doc.inside.is_some(),
        doc.not_inside.is_some(),
        doc.file_imports.is_some(),
        doc.not_file_imports.is_some(),
        doc.script.is_some(),
    ];
    if set.iter().filter(|s| **s).count() != 1 {
        let message = "each `where:` entry needs exactly one of `imported_from`, `not_imported`, `inside`, `not_inside`, `file_imports`, `not_file_imports`, `script`";
        match &doc.capture {
            Some(name) => c.error(name, message),
            None => c.errors.push(RuleError::file(c.path, message)),
        }
        return None;
    }
    if let Some(script) = &doc.script {
        if let Some(capture) = &doc.capture {
            c.error(
                capture,
                "a `script` condition reads captures itself; drop `capture:`",
            );
            return None;
        }
        return c.script(script).map(Condition::Script);
    }
    if let Some(names) = &doc.imported_from {
        let names = dotted_names(c, names, "imported_from", lang)?;
        return Some(Condition::ImportedFrom { capture, names });
    }
    for (names, key, negated) in [
        (&doc.file_imports, "file_imports", false),
        (&doc.not_file_imports, "not_file_imports", true),
    ] {
        if let Some(names) = names {
            let names = dotted_names(c, names, key, lang)?;
            return Some(Condition::FileImports {
                capture,
                names,
                negated,
            });
        }
    }
    if let Some(flag) = &doc.not_imported {
        if !lang.has_imports() {
            c.error(
                flag,
                format!(
                    "`not_imported` needs an import model, and {} has none",
                    lang.name
                ),
            );
            return None;
        }
        if !flag.value {
            c.error(flag, "`not_imported` only takes `true`");
            return None;
        }
        return Some(Condition::NotImported { capture });
    }
    let (ancestor, negated) = match (&doc.inside, &doc.not_inside) {
        (Some(a), _) => (a, false),
        (_, Some(a)) => (a, true),
        _ => unreachable!("exactly one key is set"),
    };
    let ancestor = compile_ancestor(c, ancestor, lang)?;
    Some(Condition::Inside {
        capture,
        ancestor,
        negated,
    })
}

/// The dotted names of an import condition `key`, for a language with an import model.
fn dotted_names(
    c: &mut Compiler,
    names: &Spanned<Vec<String>>,
    key: &str,
    lang: &language::Language,
) -> Option<Vec<String>> {
    if !lang.has_imports() {
        let message = format!("`{key}` needs an import model, and {} has none", lang.name);
        c.error(names, message);
        return None;
    }
    if names.value.is_empty()
        || names
            .value
            .iter()
            .any(|n| n.is_empty() || n.starts_with('.') || n.ends_with('.'))
    {
        let message = format!("`{key}` takes dotted names like `django.conf.urls.url`");
        c.error(names, message);
        return None;
    }
    Some(names.value.clone())
}

fn compile_ancestor(
    c: &mut Compiler,
    doc: &AncestorDoc,
    lang: &language::Language,
) -> Option<Ancestor> {
    let errors_before = c.errors.len();
    let kinds: Vec<String> = doc
        .kind
        .value
        .split('|')
        .map(|k| k.trim().to_string())
        .collect();
    for kind in &kinds {
        if lang.grammar.id_for_node_kind(kind, true) == 0 {
            c.error(
                &doc.kind,
                format!("`{kind}` is not a node kind in {}", lang.name),
            );
        }
    }
    if let Some(field) = &doc.field
        && lang.grammar.field_id_for_name(&field.value).is_none()
    {
        c.error(
            field,
            format!("`{}` is not a field name in {}", field.value, lang.name),
        );
    }
    let matches = doc.matches.as_ref().and_then(|pattern| c.regex(pattern));
    if doc.matches.is_some() && doc.field.is_none() {
        c.error(&doc.kind, "`matches` needs a `field` whose text it tests");
    }
    (c.errors.len() == errors_before).then(|| Ancestor {
        kinds,
        field: doc.field.as_ref().map(|f| f.value.clone()),
        matches,
    })
}

fn compile_fix_step(c: &mut Compiler, doc: &FixStepDoc) -> Option<FixStep> {
    let actions = [
        &doc.replace,
        &doc.delete,
        &doc.insert_before,
        &doc.insert_after,
        &doc.add_import,
        &doc.remove_import,
        &doc.move_import,
        &doc.move_key,
        &doc.create_file,
        &doc.script,
    ];
    let set: Vec<&Spanned<String>> = actions.iter().filter_map(|a| a.as_ref()).collect();
    if set.len() != 1 {
        let message = "each fix step needs exactly one of `replace`, `delete`, `insert_before`, `insert_after`, `add_import`, `remove_import`, `move_import`, `move_key`, `create_file`, `script`";
        match set
            .first()
            .copied()
            .or(doc.with.as_ref())
            .or(doc.text.as_ref())
        {
            Some(anchor) => c.error(anchor, message),
            None => c.errors.push(RuleError::file(c.path, message)),
        }
        return None;
    }
    let target = set[0];
    // Keys that only some actions take.
    let allowed: &[&str] = if doc.replace.is_some() {
        &["with", "pattern"]
    } else if doc.insert_before.is_some() || doc.insert_after.is_some() || doc.create_file.is_some()
    {
        &["text"]
    } else if doc.move_import.is_some() || doc.move_key.is_some() {
        &["to"]
    } else {
        &[]
    };
    for (key, value) in [
        ("with", &doc.with),
        ("pattern", &doc.pattern),
        ("text", &doc.text),
        ("to", &doc.to),
    ] {
        if let Some(value) = value
            && !allowed.contains(&key)
        {
            c.error(value, format!("`{key}` does not belong in this fix step"));
        }
    }
    if let Some(script) = &doc.script {
        return c.script(script).map(FixStep::Script);
    }
    if let Some(capture) = &doc.replace {
        let capture = c.capture(capture, "replace");
        let Some(with) = &doc.with else {
            c.error(target, "`replace` needs `with:` (the new text)");
            return None;
        };
        if let Some(pattern) = &doc.pattern {
            let pattern = c.regex(pattern)?;
            let with = c.template(with, "with")?;
            return Some(FixStep::ReplacePattern {
                capture,
                pattern,
                with,
            });
        }
        let with = c.template(with, "with")?;
        return Some(FixStep::Replace { capture, with });
    }
    if let Some(capture) = &doc.delete {
        return Some(FixStep::Delete {
            capture: c.capture(capture, "delete"),
        });
    }
    if let Some(capture) = doc.insert_before.as_ref().or(doc.insert_after.as_ref()) {
        let capture = c.capture(capture, "insert");
        let Some(text) = &doc.text else {
            c.error(target, "an insert needs `text:`");
            return None;
        };
        let text = c.template(text, "text")?;
        return Some(if doc.insert_before.is_some() {
            FixStep::InsertBefore { capture, text }
        } else {
            FixStep::InsertAfter { capture, text }
        });
    }
    if let Some(path) = &doc.create_file {
        let Some(text) = &doc.text else {
            c.error(target, "`create_file` needs `text:` (the file's contents)");
            return None;
        };
        if !is_creatable_path(&path.value) {
            c.error(path, CREATABLE_PATH);
            return None;
        }
        return Some(FixStep::CreateFile {
            path: path.value.clone(),
            text: c.template(text, "text")?,
        });
    }
    if let Some(capture) = &doc.move_key {
        let capture = c.capture(capture, "move_key");
        let Some(to) = &doc.to else {
            c.error(target, "`move_key` needs `to:` (the new dotted path)");
            return None;
        };
        let to = c.template(to, "to")?;
        return Some(FixStep::MoveKey { capture, to });
    }
    if doc.move_import.is_some() {
        let Some(to) = &doc.to else {
            c.error(target, "`move_import` needs `to:` (the new dotted name)");
            return None;
        };
        return Some(FixStep::MoveImport(
            c.dotted(target, "move_import")?,
            c.dotted(to, "to")?,
        ));
    }
    Some(if doc.add_import.is_some() {
        FixStep::AddImport(c.dotted(target, "add_import")?)
    } else {
        FixStep::RemoveImport(c.dotted(target, "remove_import")?)
    })
}

/// What a path a fix creates a file at must be (see [`is_creatable_path`]).
pub const CREATABLE_PATH: &str =
    "`create_file` takes a relative path inside a folder, like `app/models/application_record.rb`";

/// Whether a fix may create a file at `path`: relative, inside a folder, and with no `.` or
/// `..` in it (the `create_file` step and the script function of that name).
pub fn is_creatable_path(path: &str) -> bool {
    let relative = Path::new(path);
    !relative.is_absolute()
        && relative
            .components()
            .all(|p| matches!(p, std::path::Component::Normal(_)))
        && relative.components().count() >= 2
}

/// `a.b.c`: at least two non-empty identifier segments.
pub fn is_dotted_name(name: &str) -> bool {
    name.contains('.')
        && name
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'))
}
