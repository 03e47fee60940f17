//! From a rule as written ([`RuleDoc`]) to a rule as run ([`Rule`]).
//!
//! Every check that can fail on a rule file happens here, before any source file is touched:
//! the language exists, the query compiles for it and uses only supported predicates, every
//! capture a condition or fix names is defined, templates parse, globs and regexes compile,
//! versions parse and are ordered. Errors are collected, not stopped at, so an author sees all
//! of a file's mistakes at once.

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde_saphyr::Spanned;
use tree_sitter::Query;

use super::error::RuleError;
use super::model::{AncestorDoc, ConditionDoc, FixStepDoc, RuleDoc, Safety, Severity};
use super::query_shape::{self, PatternShape};
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
    /// Per query pattern: literals that must occur in a file for the pattern to match.
    pub patterns: Vec<PatternShape>,
    /// Where the rule was loaded from (`<built-in>/...` for embedded rules).
    pub source: String,
}

impl Rule {
    /// The rule's name without its pack.
    pub fn name(&self) -> &str {
        self.id.split_once('/').map_or(self.id.as_str(), |(_, name)| name)
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
}

/// A test on a captured node (`where:`).
#[derive(Debug)]
pub enum Condition {
    /// The capture's text, resolved through imports, is one of `names`.
    ImportedFrom { capture: Option<String>, names: Vec<String> },
    /// The node has (or, with `negated`, has not) an ancestor like `ancestor`.
    Inside { capture: Option<String>, ancestor: Ancestor, negated: bool },
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
    Replace { capture: String, with: Template },
    /// Replace the first match of `pattern` in the capture's text with `with` (`$1` etc.);
    /// no fix when the pattern does not match.
    ReplacePattern { capture: String, pattern: Regex, with: String },
    Delete { capture: String },
    InsertBefore { capture: String, text: Template },
    InsertAfter { capture: String, text: Template },
    /// Make the dotted name available under its last segment (`from a.b import c`).
    AddImport(Template),
    /// Drop the import of this dotted name if nothing uses it after the fix.
    RemoveImport(Template),
    /// Import the name from another module instead (`from`, `to`), whether used or not.
    MoveImport(Template, Template),
}

/// Where a rule file's values sit, for error positions.
struct Positions<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Positions<'_> {
    fn error<T>(&self, value: &Spanned<T>, message: impl Into<String>) -> RuleError {
        RuleError::at(
            self.path,
            self.text,
            value.referenced.line() as usize,
            value.referenced.column() as usize,
            message,
        )
    }

    /// The 1-based line and column where the query's text starts in the file.
    fn query_start(&self, query: &Spanned<String>) -> (usize, usize) {
        let declared = query.referenced.line() as usize;
        let first = query.value.lines().find(|line| !line.trim().is_empty()).unwrap_or("");
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
}

/// Compiles `doc`, read from `path` (whose contents are `text`), in pack `pack`.
pub fn compile(doc: RuleDoc, path: &Path, text: &str, pack: &str, pack_framework: Option<&str>) -> Result<Rule, Vec<RuleError>> {
    let at = Positions { path, text };
    let mut errors = Vec::new();

    let expected_id = format!("{pack}/{}", path.file_stem().and_then(|s| s.to_str()).unwrap_or(""));
    if doc.id.value != expected_id {
        errors.push(at.error(&doc.id, format!("rule id `{}` does not match its file: expected `{expected_id}`", doc.id.value)));
    }

    let Some(lang) = language::by_name(&doc.language.value) else {
        let known = language::names().join(", ");
        errors.push(at.error(&doc.language, format!("unknown language `{}` (known: {known})", doc.language.value)));
        return Err(errors);
    };

    let query = match Query::new(&lang.grammar, &doc.query.value) {
        Ok(query) => Some(query),
        Err(err) => {
            let (line, column) = at.query_start(&doc.query);
            let column = if err.row == 0 { column + err.column } else { column + err.column };
            errors.push(RuleError::at(
                path,
                text,
                line + err.row,
                column,
                format!("query does not compile for {}: {:?} error: {}", lang.name, err.kind, err.message.lines().next().unwrap_or("")),
            ));
            None
        }
    };
    let captures: Vec<String> = query
        .as_ref()
        .map(|q| q.capture_names().iter().map(|c| c.to_string()).collect())
        .unwrap_or_default();
    if let Some(query) = &query {
        for index in 0..query.pattern_count() {
            for predicate in query.general_predicates(index) {
                errors.push(at.error(
                    &doc.query,
                    format!(
                        "unsupported query predicate `#{}`; supported: #eq?, #not-eq?, #match?, #not-match?, #any-of?, #not-any-of? (use `where:` for more)",
                        predicate.operator
                    ),
                ));
            }
        }
    }
    // Capture names are only checked when the query compiled; otherwise every name would be
    // reported as unknown on top of the real error.
    let check_capture = |errors: &mut Vec<RuleError>, value: &Spanned<String>, what: &str| {
        if query.is_some() && !captures.contains(&value.value) {
            errors.push(at.error(
                value,
                format!("{what} uses capture `@{}`, which the query does not define (it defines: {})", value.value, list_captures(&captures)),
            ));
        }
    };
    let has_map = doc.map.as_ref().is_some_and(|m| !m.value.is_empty());
    let check_template = |errors: &mut Vec<RuleError>, value: &Spanned<String>, what: &str| -> Option<Template> {
        match Template::parse(&value.value) {
            Ok(template) => {
                if template.uses_map() && !has_map {
                    errors.push(at.error(value, format!("{what} uses `|map`, but the rule has no `map:` table")));
                }
                for name in template.captures() {
                    if query.is_some() && !captures.iter().any(|c| c == name) {
                        errors.push(at.error(
                            value,
                            format!("{what} uses `{{{{{name}}}}}`, which the query does not capture (it defines: {})", list_captures(&captures)),
                        ));
                    }
                }
                Some(template)
            }
            Err(message) => {
                errors.push(at.error(value, format!("{what}: {message}")));
                None
            }
        }
    };

    let message = check_template(&mut errors, &doc.message, "message");

    if !doc.docs.value.starts_with("https://") && !doc.docs.value.starts_with("http://") {
        errors.push(at.error(&doc.docs, format!("docs must be a URL, found `{}`", doc.docs.value)));
    }

    let mut files = GlobSetBuilder::new();
    for glob in &doc.files {
        match Glob::new(&glob.value) {
            Ok(g) => {
                files.add(g);
            }
            Err(err) => errors.push(at.error(glob, format!("bad glob `{}`: {}", glob.value, err.kind()))),
        }
    }

    let mut version = |value: &Option<Spanned<String>>| -> Option<Version> {
        let value = value.as_ref()?;
        match value.value.parse() {
            Ok(v) => Some(v),
            Err(message) => {
                errors.push(at.error(value, message));
                None
            }
        }
    };
    let versions = Versions {
        framework: doc.framework.as_ref().map(|f| f.value.clone()).or(pack_framework.map(str::to_string)),
        deprecated_in: version(&doc.deprecated_in),
        removed_in: version(&doc.removed_in),
        fixable_from: version(&doc.fixable_from),
    };
    if let (Some(dep), Some(rem), Some(spanned)) = (&versions.deprecated_in, &versions.removed_in, &doc.removed_in)
        && rem < dep
    {
        errors.push(at.error(spanned, format!("removed_in {rem} is before deprecated_in {dep}")));
    }
    let has_versions = versions.deprecated_in.is_some() || versions.removed_in.is_some() || versions.fixable_from.is_some();
    if has_versions && versions.framework.is_none() {
        errors.push(at.error(&doc.id, "version fields need a framework: set `framework:` or give the pack one in pack.yml"));
    }

    let mut conditions = Vec::new();
    for condition in &doc.conditions {
        match compile_condition(condition, lang, &at, &mut errors) {
            Some(c) => {
                if let Some(capture) = &condition.capture {
                    check_capture(&mut errors, capture, "where");
                }
                conditions.push(c);
            }
            None => continue,
        }
    }

    for step in &doc.fix {
        if let Some(value) = step.add_import.as_ref().or(step.remove_import.as_ref()).or(step.move_import.as_ref())
            && !crate::engine::import_edit::supported(lang)
        {
            errors.push(at.error(value, format!("import fix steps are not supported for {}", lang.name)));
        }
    }
    let mut fix = Vec::new();
    for step in &doc.fix {
        if let Some(step) = compile_fix_step(step, &at, &mut errors, &check_capture, &check_template) {
            fix.push(step);
        }
    }
    let safety = match (doc.safety, fix.is_empty() && doc.fix.is_empty()) {
        (Some(safety), _) => safety,
        (None, true) => Safety::Safe,
        (None, false) => {
            errors.push(at.error(&doc.id, "a rule with a fix must say whether it is safe: add `safety: safe` or `safety: unsafe`"));
            Safety::Unsafe
        }
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    let query = query.expect("no errors means the query compiled");
    let mut patterns = query_shape::read(&doc.query.value);
    if patterns.len() != query.pattern_count() {
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
        files: if doc.files.is_empty() { None } else { files.build().ok() },
        file_globs: doc.files.into_iter().map(|g| g.value).collect(),
        versions,
        query_source: doc.query.value,
        conditions,
        map: doc.map.map(|m| m.value).unwrap_or_default(),
        fix,
        safety,
        effort_minutes: doc.effort_minutes,
        patterns,
        source: path.display().to_string(),
    })
}

fn list_captures(captures: &[String]) -> String {
    if captures.is_empty() {
        "none".to_string()
    } else {
        captures.iter().map(|c| format!("@{c}")).collect::<Vec<_>>().join(", ")
    }
}

/// A name imported from `a.b.c` must appear in the file as `c`: a literal for the prefilter.
fn add_import_literals(patterns: &mut [PatternShape], conditions: &[Condition]) {
    for condition in conditions {
        let Condition::ImportedFrom { capture, names } = condition else { continue };
        let literals: Vec<String> = names.iter().map(|n| n.rsplit('.').next().unwrap_or(n).to_string()).collect();
        for pattern in patterns.iter_mut() {
            let required = capture.as_ref().is_none_or(|c| pattern.required_captures.contains(c));
            if required {
                pattern.required_literals = Some(query_shape::choose(pattern.required_literals.take(), literals.clone()));
            }
        }
    }
}

fn compile_condition(doc: &ConditionDoc, lang: &language::Language, at: &Positions, errors: &mut Vec<RuleError>) -> Option<Condition> {
    let capture = doc.capture.as_ref().map(|c| c.value.clone());
    let set = [doc.imported_from.is_some(), doc.inside.is_some(), doc.not_inside.is_some()];
    if set.iter().filter(|s| **s).count() != 1 {
        let message = "each `where:` entry needs exactly one of `imported_from`, `inside`, `not_inside`";
        match &doc.capture {
            Some(c) => errors.push(at.error(c, message)),
            None => errors.push(RuleError::file(at.path, message)),
        }
        return None;
    }
    if let Some(names) = &doc.imported_from {
        if lang.imports.is_none() {
            errors.push(at.error(names, format!("`imported_from` needs an import model, and {} has none", lang.name)));
            return None;
        }
        if names.value.is_empty() || names.value.iter().any(|n| n.is_empty() || n.starts_with('.') || n.ends_with('.')) {
            errors.push(at.error(names, "`imported_from` takes dotted names like `django.conf.urls.url`"));
            return None;
        }
        return Some(Condition::ImportedFrom { capture, names: names.value.clone() });
    }
    let (ancestor, negated) = match (&doc.inside, &doc.not_inside) {
        (Some(a), _) => (a, false),
        (_, Some(a)) => (a, true),
        _ => unreachable!("exactly one key is set"),
    };
    let ancestor = compile_ancestor(ancestor, lang, at, errors)?;
    Some(Condition::Inside { capture, ancestor, negated })
}

fn compile_ancestor(doc: &AncestorDoc, lang: &language::Language, at: &Positions, errors: &mut Vec<RuleError>) -> Option<Ancestor> {
    let kinds: Vec<String> = doc.kind.value.split('|').map(|k| k.trim().to_string()).collect();
    let mut ok = true;
    for kind in &kinds {
        if lang.grammar.id_for_node_kind(kind, true) == 0 {
            errors.push(at.error(&doc.kind, format!("`{kind}` is not a node kind in {}", lang.name)));
            ok = false;
        }
    }
    if let Some(field) = &doc.field
        && lang.grammar.field_id_for_name(&field.value).is_none()
    {
        errors.push(at.error(field, format!("`{}` is not a field name in {}", field.value, lang.name)));
        ok = false;
    }
    let matches = match &doc.matches {
        Some(pattern) => match Regex::new(&pattern.value) {
            Ok(regex) => Some(regex),
            Err(err) => {
                errors.push(at.error(pattern, format!("bad regex: {err}")));
                ok = false;
                None
            }
        },
        None => None,
    };
    if matches.is_some() && doc.field.is_none() {
        errors.push(at.error(&doc.kind, "`matches` needs a `field` whose text it tests"));
        ok = false;
    }
    ok.then(|| Ancestor { kinds, field: doc.field.as_ref().map(|f| f.value.clone()), matches })
}

fn compile_fix_step(
    doc: &FixStepDoc,
    at: &Positions,
    errors: &mut Vec<RuleError>,
    check_capture: &dyn Fn(&mut Vec<RuleError>, &Spanned<String>, &str),
    check_template: &dyn Fn(&mut Vec<RuleError>, &Spanned<String>, &str) -> Option<Template>,
) -> Option<FixStep> {
    let actions =
        [&doc.replace, &doc.delete, &doc.insert_before, &doc.insert_after, &doc.add_import, &doc.remove_import, &doc.move_import];
    let set: Vec<&Spanned<String>> = actions.iter().filter_map(|a| a.as_ref()).collect();
    let anchor = set.first().copied().or(doc.with.as_ref()).or(doc.text.as_ref());
    if set.len() != 1 {
        let message = "each fix step needs exactly one of `replace`, `delete`, `insert_before`, `insert_after`, `add_import`, `remove_import`, `move_import`";
        match anchor {
            Some(a) => errors.push(at.error(a, message)),
            None => errors.push(RuleError::file(at.path, message)),
        }
        return None;
    }
    let target = set[0];
    let misplaced = |errors: &mut Vec<RuleError>, key: &str, value: &Option<Spanned<String>>| {
        if let Some(v) = value {
            errors.push(at.error(v, format!("`{key}` does not belong in this fix step")));
        }
    };
    if let Some(capture) = &doc.replace {
        check_capture(errors, capture, "replace");
        misplaced(errors, "text", &doc.text);
        let Some(with) = &doc.with else {
            errors.push(at.error(capture, "`replace` needs `with:` (the new text)"));
            return None;
        };
        if let Some(pattern) = &doc.pattern {
            return match Regex::new(&pattern.value) {
                Ok(regex) => Some(FixStep::ReplacePattern { capture: capture.value.clone(), pattern: regex, with: with.value.clone() }),
                Err(err) => {
                    errors.push(at.error(pattern, format!("bad regex: {err}")));
                    None
                }
            };
        }
        let with = check_template(errors, with, "with")?;
        return Some(FixStep::Replace { capture: capture.value.clone(), with });
    }
    misplaced(errors, "with", &doc.with);
    misplaced(errors, "pattern", &doc.pattern);
    if let Some(capture) = &doc.delete {
        check_capture(errors, capture, "delete");
        misplaced(errors, "text", &doc.text);
        return Some(FixStep::Delete { capture: capture.value.clone() });
    }
    if let Some(capture) = doc.insert_before.as_ref().or(doc.insert_after.as_ref()) {
        check_capture(errors, capture, "insert");
        let Some(text) = &doc.text else {
            errors.push(at.error(capture, "an insert needs `text:`"));
            return None;
        };
        let text = check_template(errors, text, "text")?;
        let capture = capture.value.clone();
        return Some(if doc.insert_before.is_some() {
            FixStep::InsertBefore { capture, text }
        } else {
            FixStep::InsertAfter { capture, text }
        });
    }
    misplaced(errors, "text", &doc.text);
    let dotted = |errors: &mut Vec<RuleError>, value: &Spanned<String>, what: &str| -> Option<Template> {
        let name = check_template(errors, value, what)?;
        // Holes are filled at fix time; the text around them must already read as a dotted name.
        let shape = name.render(|_| Some("x"), &|_| Some("x")).unwrap_or_default();
        if !is_dotted_name(&shape) {
            errors.push(at.error(value, format!("`{}` is not a dotted name like `django.urls.re_path`", value.value)));
            return None;
        }
        Some(name)
    };
    if doc.move_import.is_some() {
        let Some(to) = &doc.to else {
            errors.push(at.error(target, "`move_import` needs `to:` (the new dotted name)"));
            return None;
        };
        return Some(FixStep::MoveImport(dotted(errors, target, "move_import")?, dotted(errors, to, "to")?));
    }
    misplaced(errors, "to", &doc.to);
    Some(if doc.add_import.is_some() {
        FixStep::AddImport(dotted(errors, target, "add_import")?)
    } else {
        FixStep::RemoveImport(dotted(errors, target, "remove_import")?)
    })
}

/// `a.b.c`: at least two non-empty identifier segments.
pub fn is_dotted_name(name: &str) -> bool {
    name.contains('.') && name.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'))
}
