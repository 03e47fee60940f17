//! The import model: which dotted name each local name in a file stands for.
//!
//! It is built from the language's `grammars/<lang>/imports.scm` query, whose captures mean:
//! `@module` + `@name` (+ `@alias`): `from module import name [as alias]` or Java's
//! `import module.Name;`, binding `alias` or `name` to `module.name`; `@module` alone: `import
//! a.b`, binding `a`; `@module` + `@alias`: `import a.b as x`, binding `x` to `a.b`;
//! `@wildcard`: `from m import *` or `import m.*;`. A rule's `imported_from` condition resolves a
//! captured name (`url`, `urls.url`, `django.conf.urls.url`) through these bindings, so an
//! alias is found and a user's own function of the same name is not.

use std::collections::HashMap;

use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use streaming_iterator::StreamingIterator;

use tree_sitter::{QueryCursor, QueryCursorOptions, Tree};

use crate::language::Language;

/// The bindings made by a file's imports.
#[derive(Debug, Default, Clone)]
pub struct Imports {
    /// Local name -> the dotted name it stands for.
    bindings: HashMap<String, String>,
    /// Modules imported with `*`.
    wildcards: Vec<String>,
    /// Whether an unbound dotted name stands for itself (the language's `qualified_names`).
    qualified: bool,
}

impl Imports {
    /// Collects the imports in `tree`, however long it takes: for texts already analysed
    /// within their budget.
    pub fn collect(language: &Language, tree: &Tree, text: &str) -> Imports {
        let far = Instant::now() + Duration::from_secs(24 * 60 * 60);
        Imports::collect_until(language, tree, text, far).unwrap_or_default()
    }

    /// Collects the imports in `tree`; `None` when `deadline` passes first. The query walks
    /// the whole tree, and on pathological trees (a flat run of 100,000 unclosed brackets)
    /// tree-sitter's per-node work grows with the tree, so it gets the same bounds as matching:
    /// a match limit and a deadline checked through the progress callback.
    pub fn collect_until(
        language: &Language,
        tree: &Tree,
        text: &str,
        deadline: Instant,
    ) -> Option<Imports> {
        let mut imports = Imports {
            qualified: language.qualified_names,
            ..Imports::default()
        };
        // The import query compiles on first use, once for every file: not this file's budget.
        let compiling = Instant::now();
        let Some(query) = language.imports() else {
            return Some(imports);
        };
        let deadline = deadline + compiling.elapsed();
        let names = query.capture_names();
        let mut cursor = QueryCursor::new();
        cursor.set_match_limit(super::matcher::MATCH_LIMIT);
        let mut timed_out = false;
        let mut check = |_: &tree_sitter::QueryCursorState| {
            if Instant::now() > deadline {
                timed_out = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = QueryCursorOptions::new().progress_callback(&mut check);
        let mut matches =
            cursor.matches_with_options(query, tree.root_node(), text.as_bytes(), options);
        while let Some(m) = matches.next() {
            let (mut module, mut name, mut alias, mut wildcard) = (None, None, None, None);
            for capture in m.captures() {
                let value = compact(&text[capture.node.byte_range()]);
                match names[capture.index as usize] {
                    "module" => module = Some(value),
                    "name" => name = Some(value),
                    "alias" => alias = Some(value),
                    "wildcard" => wildcard = Some(value),
                    _ => {}
                }
            }
            match (module, name, alias, wildcard) {
                (_, _, _, Some(w)) => imports.wildcards.push(w),
                (Some(m), Some(n), a, _) => {
                    let local = a.unwrap_or_else(|| n.rsplit('.').next().unwrap_or(&n).to_string());
                    imports.bindings.insert(local, format!("{m}.{n}"));
                }
                (Some(m), None, Some(a), _) => {
                    imports.bindings.insert(a, m);
                }
                (Some(m), None, None, _) => {
                    let head = m.split('.').next().unwrap_or(&m).to_string();
                    imports.bindings.entry(head.clone()).or_insert(head);
                }
                _ => {}
            }
        }
        drop(matches);
        (!timed_out).then_some(imports)
    }

    /// The dotted names a reference such as `url`, `urls.url` or `a.b.c` may stand for.
    pub fn resolve(&self, reference: &str) -> Vec<String> {
        let reference = compact(reference);
        let (head, rest) = match reference.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (reference.as_str(), None),
        };
        let join = |base: &str| match rest {
            Some(rest) => format!("{base}.{rest}"),
            None => base.to_string(),
        };
        if let Some(bound) = self.bindings.get(head) {
            return vec![join(bound)];
        }
        let mut found: Vec<String> = self
            .wildcards
            .iter()
            .map(|w| format!("{w}.{reference}"))
            .collect();
        if rest.is_some() && self.qualified {
            // A fully qualified reference (Java's `javax.persistence.Entity`).
            found.push(reference.clone());
        }
        found
    }

    /// Whether `reference` stands for one of `names`.
    pub fn refers_to(&self, reference: &str, names: &[String]) -> bool {
        self.resolve(reference).iter().any(|r| names.contains(r))
    }

    /// Whether the file imports the dotted `name`: some local name is bound to it, or its
    /// module is imported with a wildcard.
    pub fn imports(&self, name: &str) -> bool {
        let module = name.rsplit_once('.').map(|(module, _)| module);
        self.bindings.values().any(|bound| bound == name)
            || module.is_some_and(|m| self.wildcards.iter().any(|w| w == m))
    }

    /// The dotted name bound to `local`, if any.
    pub fn binding(&self, local: &str) -> Option<&str> {
        self.bindings.get(local).map(String::as_str)
    }
}

/// A dotted name without the whitespace and line breaks it may be written with.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse::parse;
    use crate::language;
    use std::time::Duration;

    fn imports(lang: &str, text: &str) -> Imports {
        let lang = language::by_name(lang).unwrap();
        let tree = parse(lang, text, Duration::from_secs(5)).unwrap();
        Imports::collect(lang, &tree, text)
    }

    #[test]
    fn python_from_imports_and_aliases_resolve() {
        let i = imports(
            "python",
            "from django.conf.urls import url, include as inc\nimport django.utils.translation as tr\nimport os.path\n",
        );
        assert_eq!(i.resolve("url"), vec!["django.conf.urls.url"]);
        assert_eq!(i.resolve("inc"), vec!["django.conf.urls.include"]);
        assert_eq!(
            i.resolve("tr.ugettext"),
            vec!["django.utils.translation.ugettext"]
        );
        assert_eq!(i.resolve("os.path.join"), vec!["os.path.join"]);
        assert!(
            i.resolve("ugettext").is_empty(),
            "an unimported name resolves to nothing"
        );
    }

    #[test]
    fn python_parenthesised_and_star_imports_resolve() {
        let i = imports(
            "python",
            "from a.b import (\n    c,\n    d as e,\n)\nfrom f import *\n",
        );
        assert_eq!(i.resolve("c"), vec!["a.b.c"]);
        assert_eq!(i.resolve("e"), vec!["a.b.d"]);
        assert_eq!(i.resolve("g"), vec!["f.g"]);
    }

    #[test]
    fn a_file_imports_a_name_bound_or_under_a_wildcard() {
        let i = imports(
            "java",
            "import org.junit.jupiter.api.Test;\nimport static org.junit.Assert.*;\nclass A {}\n",
        );
        assert!(i.imports("org.junit.jupiter.api.Test"));
        assert!(i.imports("org.junit.Assert.assertEquals"));
        assert!(!i.imports("org.junit.Test"));
    }

    #[test]
    fn a_python_dotted_name_resolves_only_through_its_bound_head() {
        let unbound = imports("python", "x = 1\n");
        assert!(unbound.resolve("django.conf.urls.url").is_empty());
        let bound = imports("python", "import django.conf.urls\n");
        assert_eq!(
            bound.resolve("django.conf.urls.url"),
            vec!["django.conf.urls.url"]
        );
    }

    #[test]
    fn java_single_static_and_on_demand_imports_resolve() {
        let i = imports(
            "java",
            "import javax.persistence.Entity;\nimport static org.junit.Assert.assertEquals;\nimport javax.servlet.*;\nclass A {}\n",
        );
        assert_eq!(i.resolve("Entity"), vec!["javax.persistence.Entity"]);
        assert_eq!(
            i.resolve("assertEquals"),
            vec!["org.junit.Assert.assertEquals"]
        );
        assert_eq!(i.resolve("Filter"), vec!["javax.servlet.Filter"]);
        assert!(i.refers_to(
            "javax.persistence.Id",
            &["javax.persistence.Id".to_string()]
        ));
    }
}
