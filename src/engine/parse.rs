//! Parsing, with one tree-sitter parser per thread and language, and a time budget per file.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{ParseOptions, Parser, Tree};

use crate::language::{Language, LanguageId};

thread_local! {
    static PARSERS: RefCell<HashMap<LanguageId, Parser>> = RefCell::new(HashMap::new());
}

/// Parses `text`, giving up (returning `None`) after `budget`.
pub fn parse(language: &Language, text: &str, budget: Duration) -> Option<Tree> {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = parsers.entry(language.id).or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&language.grammar)
                .expect("grammar ABI is supported by the linked tree-sitter");
            parser
        });
        let deadline = Instant::now() + budget;
        let mut over_time = |_: &tree_sitter::ParseState| {
            if Instant::now() > deadline {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = ParseOptions::new().progress_callback(&mut over_time);
        let bytes = text.as_bytes();
        let tree = parser.parse_with_options(
            &mut |offset, _| {
                if offset < bytes.len() {
                    &bytes[offset..]
                } else {
                    &[] as &[u8]
                }
            },
            None,
            Some(options),
        );
        if tree.is_none() {
            // An interrupted parse leaves state behind; the next file must start afresh.
            parser.reset();
        }
        tree
    })
}

/// How many ERROR and MISSING nodes the tree has: the measure the verify step compares.
pub fn syntax_errors(tree: &Tree) -> usize {
    let root = tree.root_node();
    if !root.has_error() {
        return 0;
    }
    let mut count = 0;
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if node.has_error() && cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language;

    #[test]
    fn syntax_errors_are_counted() {
        let python = language::by_name("python").unwrap();
        let budget = Duration::from_secs(5);
        assert_eq!(syntax_errors(&parse(python, "x = 1\n", budget).unwrap()), 0);
        assert!(syntax_errors(&parse(python, "x = (1,\n", budget).unwrap()) > 0);
    }
}
