//! Strict verification: errors a language's own compiler reports that tree-sitter's grammar
//! accepts, for the kinds of code a fix could produce. tree-sitter parses `f(a=1, "x")`,
//! `def f(a, a)` or two `import x.List;` from different packages without an ERROR node; CPython
//! and javac reject them. The verify step counts these errors before and after a fix, as it
//! counts syntax errors, so a fix that introduces one is dropped; a file that already had such
//! an error is not blamed for it.

pub mod java;
pub mod python;
pub mod ruby;

use tree_sitter::{Node, Tree};

use crate::language::Language;

/// One error the language's compiler would report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// What is wrong, as the compiler would say it.
    pub kind: &'static str,
    /// The byte offset of the offending node.
    pub offset: usize,
}

/// The compiler errors found in `tree` (the tree of `text`), for the languages that have
/// strict checks (Python, Java, Ruby); empty for the others.
pub fn violations(language: &Language, tree: &Tree, text: &str) -> Vec<Violation> {
    let mut found = Vec::new();
    let root = tree.root_node();
    match language.name.as_str() {
        "python" => python::check(root, text, &mut found),
        "java" => java::check(root, text, &mut found),
        "ruby" => ruby::check(root, text, &mut found),
        _ => {}
    }
    found
}

/// The named children of `node`, skipping comments.
fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !c.kind().contains("comment"))
        .collect()
}

/// The text of `node`.
fn text_of<'a>(node: Node, text: &'a str) -> &'a str {
    &text[node.byte_range()]
}

/// Pushes a violation of `kind` at `node` for every name in `names` seen before.
fn duplicates<'a>(
    names: impl IntoIterator<Item = (&'a str, Node<'a>)>,
    kind: &'static str,
    found: &mut Vec<Violation>,
) {
    let mut seen = std::collections::HashSet::new();
    for (name, node) in names {
        if !seen.insert(name) {
            found.push(Violation {
                kind,
                offset: node.start_byte(),
            });
        }
    }
}

/// Every node of the tree below `root` with the context its ancestors give it, depth first
/// without recursion (trees can be 100,000 levels deep). `enter` returns the context of the
/// node's children; `child_context` adjusts it per child (by field name).
fn walk<'t, C: Clone>(
    root: Node<'t>,
    context: C,
    mut enter: impl FnMut(Node<'t>, &C) -> C,
    child_context: impl Fn(Node<'t>, &C, Option<&str>) -> C,
) {
    let mut stack = vec![(root, context)];
    while let Some((node, context)) = stack.pop() {
        let inner = enter(node, &context);
        let mut cursor = node.walk();
        if cursor.goto_first_child() {
            loop {
                let child = cursor.node();
                if child.is_named() {
                    let context = child_context(node, &inner, cursor.field_name());
                    stack.push((child, context));
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse::{parse, syntax_errors};
    use crate::language;
    use std::time::Duration;

    /// The violation kinds in `source`, after checking it parses cleanly for tree-sitter (the
    /// point of these checks).
    pub(super) fn kinds(language: &str, source: &str) -> Vec<&'static str> {
        let language = language::by_name(language).unwrap();
        let tree = parse(language, source, Duration::from_secs(5)).unwrap();
        assert_eq!(syntax_errors(&tree), 0, "tree-sitter rejects {source:?}");
        violations(language, &tree, source)
            .into_iter()
            .map(|v| v.kind)
            .collect()
    }

    #[test]
    fn languages_without_checks_have_no_violations() {
        let yaml = language::by_name("yaml").unwrap();
        let tree = parse(yaml, "a: 1\na: 2\n", Duration::from_secs(5)).unwrap();
        assert!(violations(yaml, &tree, "a: 1\na: 2\n").is_empty());
    }
}
