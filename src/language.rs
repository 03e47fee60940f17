//! The languages upshift can parse.
//!
//! A language is data: `grammars/<name>/language.yml` (file globs, comment syntax) and an
//! optional `grammars/<name>/imports.scm` (the query the import model runs), embedded in the
//! binary, plus one entry in [`grammar_for`] that links the tree-sitter grammar crate. Adding a
//! language is a crate dependency, one folder and one line.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{LazyLock, OnceLock};

use globset::{Glob, GlobSet, GlobSetBuilder};
use include_dir::{Dir, include_dir};
use serde::Deserialize;
use tree_sitter::Query;

use crate::engine::template::Template;

static GRAMMARS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/grammars");

/// The tree-sitter grammar behind a language name: the one place that names grammar crates.
fn grammar_for(name: &str) -> Option<tree_sitter::Language> {
    Some(match name {
        "python" => tree_sitter_python::LANGUAGE.into(),
        "java" => tree_sitter_java::LANGUAGE.into(),
        "ruby" => tree_sitter_ruby::LANGUAGE.into(),
        "sql" => tree_sitter_sequel::LANGUAGE.into(),
        "properties" => tree_sitter_properties::LANGUAGE.into(),
        "yaml" => tree_sitter_yaml::LANGUAGE.into(),
        "xml" => tree_sitter_xml::LANGUAGE_XML.into(),
        "groovy" => tree_sitter_groovy::LANGUAGE.into(),
        "kotlin" => tree_sitter_kotlin_ng::LANGUAGE.into(),
        _ => return None,
    })
}

/// A language's index in the registry; cheap to copy and compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageId(pub usize);

/// `grammars/<name>/language.yml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageDoc {
    name: String,
    files: Vec<String>,
    comment: String,
    #[serde(default)]
    qualified_names: bool,
    /// Template syntaxes whose code is this language, with the file globs written in them
    /// (`erb: ["*.erb"]`).
    #[serde(default)]
    templates: std::collections::BTreeMap<String, Vec<String>>,
}

/// One language: its grammar and the data the engine needs about it.
pub struct Language {
    pub id: LanguageId,
    pub name: String,
    pub grammar: tree_sitter::Language,
    /// The line-comment marker, used by suppression comments and reports.
    pub comment: String,
    files: GlobSet,
    /// Globs with a `/`, matched against the whole path (`**/META-INF/services/javax.*`).
    paths: GlobSet,
    /// The source of the query that finds import bindings, when the language has an import
    /// model; compiled on first use ([`Language::imports`]).
    imports_source: Option<&'static str>,
    imports: OnceLock<Query>,
    /// Whether a dotted name names what it says without any import (Java's
    /// `javax.persistence.Entity`); in Python the head of `a.b.c` must be bound.
    pub qualified_names: bool,
    /// Files that are templates whose code is this language (ERB views for Ruby).
    templates: Vec<(Template, GlobSet)>,
}

impl Language {
    /// The query that finds import bindings, when the language has an import model.
    pub fn imports(&self) -> Option<&Query> {
        let source = self.imports_source?;
        Some(self.imports.get_or_init(|| {
            Query::new(&self.grammar, source)
                .unwrap_or_else(|err| panic!("grammars: {}/imports.scm: {err}", self.name))
        }))
    }

    /// Whether the language has an import model.
    pub fn has_imports(&self) -> bool {
        self.imports_source.is_some()
    }

    /// Whether a file belongs to this language, by its name (or, for a glob with a `/`, its
    /// path), as code or as a template of it.
    pub fn claims(&self, path: &Path) -> bool {
        path.file_name()
            .is_some_and(|name| self.files.is_match(name))
            || self.paths.is_match(path)
            || self.template(path).is_some()
    }

    /// The template syntax the file at `path` is written in, if it is a template.
    pub fn template(&self, path: &Path) -> Option<Template> {
        let name = path.file_name()?;
        self.templates
            .iter()
            .find(|(_, globs)| globs.is_match(name))
            .map(|(template, _)| *template)
    }

    /// The text the parser sees for `text` of the file at `path`: a template's code, masked
    /// ([`Template::mask`]), or the text itself.
    pub fn parse_text<'t>(&self, path: &Path, text: &'t str) -> Cow<'t, str> {
        match self.template(path) {
            Some(template) => template.mask(text),
            None => Cow::Borrowed(text),
        }
    }
}

/// Every built-in language, loaded once from the embedded `grammars/` folder.
///
/// The grammar data ships inside the binary and is checked by the test suite, so a malformed
/// entry is a build defect, not a user error: it panics with the file name.
pub static LANGUAGES: LazyLock<Vec<Language>> = LazyLock::new(|| {
    let mut dirs: Vec<_> = GRAMMARS.dirs().collect();
    dirs.sort_by_key(|dir| dir.path());
    dirs.iter()
        .enumerate()
        .map(|(index, dir)| load(LanguageId(index), dir))
        .collect()
});

fn load(id: LanguageId, dir: &Dir<'static>) -> Language {
    let file = dir.path().join("language.yml");
    let text = dir
        .get_file(&file)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_else(|| panic!("grammars: {} is missing", file.display()));
    let doc: LanguageDoc = serde_saphyr::from_str(text)
        .unwrap_or_else(|err| panic!("grammars: {}: {err}", file.display()));
    let grammar = grammar_for(&doc.name)
        .unwrap_or_else(|| panic!("grammars: no grammar crate is linked for `{}`", doc.name));
    let mut files = GlobSetBuilder::new();
    let mut paths = GlobSetBuilder::new();
    for pattern in &doc.files {
        let glob = Glob::new(pattern).unwrap_or_else(|err| panic!("grammars: {pattern}: {err}"));
        if pattern.contains('/') {
            paths.add(glob);
        } else {
            files.add(glob);
        }
    }
    let imports_source = dir
        .get_file(dir.path().join("imports.scm"))
        .and_then(|f| f.contents_utf8());
    let templates = doc
        .templates
        .iter()
        .map(|(name, patterns)| {
            let template = Template::from_name(name).unwrap_or_else(|| {
                panic!("grammars: {}: unknown template `{name}`", file.display())
            });
            let mut globs = GlobSetBuilder::new();
            for pattern in patterns {
                globs.add(
                    Glob::new(pattern).unwrap_or_else(|err| panic!("grammars: {pattern}: {err}")),
                );
            }
            (template, globs.build().expect("grammar globs compile"))
        })
        .collect();
    Language {
        id,
        name: doc.name,
        grammar,
        comment: doc.comment,
        files: files.build().expect("grammar globs compile"),
        paths: paths.build().expect("grammar globs compile"),
        imports_source,
        imports: OnceLock::new(),
        qualified_names: doc.qualified_names,
        templates,
    }
}

/// The language registered under `name`.
pub fn by_name(name: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|lang| lang.name == name)
}

/// The language a file belongs to, by its name.
pub fn for_path(path: &Path) -> Option<&'static Language> {
    LANGUAGES.iter().find(|lang| lang.claims(path))
}

/// A language by id.
pub fn get(id: LanguageId) -> &'static Language {
    &LANGUAGES[id.0]
}

/// The names of every registered language, for error messages.
pub fn names() -> Vec<&'static str> {
    LANGUAGES.iter().map(|lang| lang.name.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_folder_loads() {
        assert_eq!(
            names(),
            vec![
                "groovy",
                "java",
                "kotlin",
                "properties",
                "python",
                "ruby",
                "sql",
                "xml",
                "yaml"
            ]
        );
        for lang in LANGUAGES.iter() {
            assert!(!lang.comment.is_empty());
        }
    }

    #[test]
    fn files_are_claimed_by_name() {
        assert_eq!(for_path(Path::new("a/b/views.py")).unwrap().name, "python");
        assert_eq!(for_path(Path::new("Foo.java")).unwrap().name, "java");
        assert_eq!(for_path(Path::new("app/Gemfile")).unwrap().name, "ruby");
        let imports = "src/main/resources/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports";
        assert_eq!(for_path(Path::new(imports)).unwrap().name, "properties");
        assert!(for_path(Path::new("config/imports")).is_none());
        let view = Path::new("src/main/webapp/orders.xhtml");
        assert_eq!(for_path(view).unwrap().name, "xml");
        let view = Path::new("app/views/posts/index.html.erb");
        assert_eq!(for_path(view).unwrap().name, "ruby");
        assert!(for_path(view).unwrap().template(view).is_some());
        assert!(
            by_name("ruby")
                .unwrap()
                .template(Path::new("a.rb"))
                .is_none()
        );
        assert!(for_path(Path::new("README.md")).is_none());
    }
}
