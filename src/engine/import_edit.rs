//! Adding and removing imports after a fix, for languages with an import model.
//!
//! Fix steps ask for `add_import: a.b.c` (make `c` available from `a.b`) and `remove_import:
//! a.b.c` (drop that import if nothing uses `c` any more). The changes are made one at a time
//! on the fixed text, each on a fresh parse, so they never conflict with each other or with the
//! rule's own edits. Python: a name joins an existing `from a.b import ...` (keeping its
//! parentheses and trailing-comma style), or a new statement goes after the last import of the
//! file's leading import block (after the docstring and `__future__` imports when there are no
//! others). Java: a new `import` goes into the import block, in order when the block is sorted.

use std::ops::Range;
use std::time::Duration;

use tree_sitter::{Node, Tree};

use super::edit::{Edit, ImportChange, apply, deletion_range, indentation_at, line_start};
use super::imports::Imports;
use super::parse::parse;
use crate::language::Language;

/// Whether upshift can edit imports in this language.
pub fn supported(language: &Language) -> bool {
    matches!(language.name.as_str(), "python" | "java")
}

/// Applies `changes` to `text`, returning the new text; `None` if a parse ran out of time.
pub fn apply_changes(
    language: &Language,
    text: &str,
    changes: &[ImportChange],
    newline: &str,
    budget: Duration,
) -> Option<String> {
    let mut text = text.to_string();
    // Removals first: a statement they empty leaves its place to the additions that follow.
    let removals = changes
        .iter()
        .filter(|c| !matches!(c, ImportChange::Add(_)));
    let additions = changes.iter().filter(|c| matches!(c, ImportChange::Add(_)));
    let adds = changes.iter().any(|c| matches!(c, ImportChange::Add(_)));
    let mut ordered: Vec<&ImportChange> = Vec::new();
    for change in removals.chain(additions) {
        if !ordered.contains(&change) {
            ordered.push(change);
        }
    }
    // Where the last import statement removed whole stood: the place for a new one.
    let mut vacated: Option<usize> = None;
    for change in ordered {
        let tree = parse(language, &text, budget)?;
        let edit = match (language.name.as_str(), change) {
            ("python", ImportChange::Add(name)) => {
                python_add(language, &tree, &text, name, newline, vacated)
            }
            ("python", ImportChange::Remove(name)) => python_remove(&tree, &text, name, false),
            ("python", ImportChange::Drop(name)) => python_remove(&tree, &text, name, true),
            ("java", ImportChange::Add(name)) => java_add(language, &tree, &text, name, newline),
            ("java", ImportChange::Remove(name)) => java_remove(&tree, &text, name, false),
            ("java", ImportChange::Drop(name)) => java_remove(&tree, &text, name, true),
            _ => None,
        };
        let Some(mut edit) = edit else { continue };
        let whole_lines = edit.content.is_empty()
            && line_start(&text, edit.range.start) == edit.range.start
            && text[edit.range.clone()].ends_with('\n');
        if whole_lines && !adds {
            edit.range = absorb_blank_lines(edit.range, &text);
        }
        vacated = if whole_lines {
            Some(edit.range.start)
        } else {
            // An edit before the vacated place moves it.
            vacated.map(|at| {
                if edit.range.start < at {
                    at + edit.content.len() - edit.range.len()
                } else {
                    at
                }
            })
        };
        text = apply(&text, &[edit]);
    }
    Some(text)
}

/// Widens the removal of whole lines over the blank lines it would leave doubled: those after
/// it at the top of the file, or those before it when blank lines also follow.
fn absorb_blank_lines(range: Range<usize>, text: &str) -> Range<usize> {
    let is_blank = |line: &str| line.trim().is_empty();
    let mut end = range.end;
    let following = |end: usize| text[end..].split_inclusive('\n').next();
    if range.start == 0 {
        while let Some(line) = following(end).filter(|l| is_blank(l)) {
            end += line.len();
        }
        return 0..end;
    }
    if !following(end).is_none_or(is_blank) {
        return range;
    }
    let mut start = range.start;
    while let Some(line) = text[..start]
        .strip_suffix('\n')
        .map(|before| &text[line_start(text, before.len())..start])
        .filter(|l| is_blank(l))
    {
        start -= line.len();
    }
    start..range.end
}

fn split(name: &str) -> (&str, &str) {
    name.rsplit_once('.').unwrap_or(("", name))
}

fn node_text<'t>(node: Node, text: &'t str) -> &'t str {
    &text[node.byte_range()]
}

/// The offset just past the line that `offset` is on.
fn after_line(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

fn python_add(
    language: &Language,
    tree: &Tree,
    text: &str,
    name: &str,
    newline: &str,
    vacated: Option<usize>,
) -> Option<Edit> {
    let (module, local) = split(name);
    if Imports::collect(language, tree, text)
        .binding(local)
        .is_some()
    {
        return None;
    }
    let root = tree.root_node();
    let mut cursor = root.walk();
    let statements: Vec<Node> = root.named_children(&mut cursor).collect();
    // Join an existing `from module import ...`.
    for statement in &statements {
        if statement.kind() != "import_from_statement" {
            continue;
        }
        let same_module = statement
            .child_by_field_name("module_name")
            .is_some_and(|m| node_text(m, text) == module);
        let mut names_cursor = statement.walk();
        let names: Vec<Node> = statement
            .children_by_field_name("name", &mut names_cursor)
            .collect();
        let Some(last) = names.last().copied() else {
            continue;
        };
        if !same_module {
            continue;
        }
        // In a sorted list the name takes its sorted place; otherwise it goes last.
        let texts: Vec<&str> = names.iter().map(|n| node_text(*n, text)).collect();
        let sorted = texts.windows(2).all(|w| w[0] <= w[1]);
        if let Some(next) = names
            .iter()
            .find(|n| node_text(**n, text) > local)
            .filter(|_| sorted)
        {
            let at = next.start_byte();
            let multi_line = names
                .first()
                .is_some_and(|first| first.start_position().row != last.start_position().row);
            let content = if multi_line {
                format!("{local},{newline}{}", indentation_at(text, at))
            } else {
                format!("{local}, ")
            };
            return Some(Edit {
                range: at..at,
                content,
            });
        }
        if let Some(comma) = last.next_sibling().filter(|n| n.kind() == ",") {
            let indent = indentation_at(text, last.start_byte());
            if statement.start_position().row != last.start_position().row {
                return Some(Edit {
                    range: comma.end_byte()..comma.end_byte(),
                    content: format!("{newline}{indent}{local},"),
                });
            }
            return Some(Edit {
                range: comma.end_byte()..comma.end_byte(),
                content: format!(" {local},"),
            });
        }
        return Some(Edit {
            range: last.end_byte()..last.end_byte(),
            content: format!(", {local}"),
        });
    }
    let line = format!("from {module} import {local}{newline}");
    if let Some(at) = vacated {
        return Some(Edit {
            range: at..at,
            content: line,
        });
    }
    // A new statement after the leading imports.
    let mut anchor: Option<Node> = None;
    for (index, statement) in statements.iter().enumerate() {
        match statement.kind() {
            "expression_statement"
                if index == 0
                    && statement
                        .named_child(0)
                        .is_some_and(|c| c.kind() == "string") =>
            {
                anchor = Some(*statement)
            }
            "comment" => {}
            "future_import_statement" | "import_statement" | "import_from_statement" => {
                anchor = Some(*statement)
            }
            _ => break,
        }
    }
    Some(match anchor {
        Some(node) => {
            let at = after_line(text, node.end_byte());
            let lead = if at == text.len() && !text.ends_with('\n') {
                newline
            } else {
                ""
            };
            Edit {
                range: at..at,
                content: format!("{lead}{line}"),
            }
        }
        None => Edit {
            range: 0..0,
            content: line,
        },
    })
}

fn is_inside_import(node: Node) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        if matches!(
            n.kind(),
            "import_statement"
                | "import_from_statement"
                | "future_import_statement"
                | "import_declaration"
        ) {
            return true;
        }
        current = n.parent();
    }
    false
}

/// Whether `local` is used as a name anywhere outside imports (an attribute `x.local` or a
/// keyword argument `local=` is not a use of it).
fn is_used(tree: &Tree, text: &str, local: &str, kinds: &[&str]) -> bool {
    let mut cursor = tree.root_node().walk();
    loop {
        let node = cursor.node();
        if kinds.contains(&node.kind()) && node_text(node, text) == local && !is_inside_import(node)
        {
            let parent = node.parent();
            let field_of = |kind: &str, field: &str| {
                parent.is_some_and(|p| {
                    p.kind() == kind
                        && p.child_by_field_name(field)
                            .is_some_and(|f| f.id() == node.id())
                })
            };
            if !field_of("attribute", "attribute")
                && !field_of("keyword_argument", "name")
                && !field_of("field_access", "field")
            {
                return true;
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

fn python_remove(tree: &Tree, text: &str, name: &str, even_if_used: bool) -> Option<Edit> {
    let (module, imported) = split(name);
    let root = tree.root_node();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "import_from_statement" {
            if node
                .child_by_field_name("module_name")
                .is_none_or(|m| node_text(m, text) != module)
            {
                continue;
            }
            let mut cursor = node.walk();
            let names: Vec<Node> = node.children_by_field_name("name", &mut cursor).collect();
            for item in &names {
                let (name_node, local) = match item.kind() {
                    "aliased_import" => (
                        item.child_by_field_name("name")?,
                        node_text(item.child_by_field_name("alias")?, text),
                    ),
                    _ => (*item, node_text(*item, text)),
                };
                if node_text(name_node, text) != imported
                    || (!even_if_used && is_used(tree, text, local, &["identifier"]))
                {
                    continue;
                }
                let range = if names.len() == 1 {
                    deletion_range(node, text)
                } else {
                    deletion_range(*item, text)
                };
                return Some(Edit {
                    range,
                    content: String::new(),
                });
            }
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor).filter(|c| {
            c.kind().contains("statement") || c.kind() == "block" || c.kind() == "module"
        }));
    }
    None
}

fn java_imports(tree: &Tree) -> Vec<Node<'_>> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|n| n.kind() == "import_declaration")
        .collect()
}

fn java_add(
    language: &Language,
    tree: &Tree,
    text: &str,
    name: &str,
    newline: &str,
) -> Option<Edit> {
    let (_, local) = split(name);
    if Imports::collect(language, tree, text)
        .binding(local)
        .is_some()
    {
        return None;
    }
    let line = format!("import {name};");
    let imports = java_imports(tree);
    if let Some(last) = imports.last() {
        let texts: Vec<&str> = imports.iter().map(|n| node_text(*n, text)).collect();
        let sorted = texts.windows(2).all(|w| w[0] <= w[1]);
        let before = imports.iter().find(|n| {
            node_text(**n, text) > line.as_str()
                && !node_text(**n, text).starts_with("import static")
        });
        return Some(match before {
            Some(node) if sorted => Edit {
                range: node.start_byte()..node.start_byte(),
                content: format!("{line}{newline}"),
            },
            _ => {
                let at = after_line(text, last.end_byte());
                Edit {
                    range: at..at,
                    content: format!("{line}{newline}"),
                }
            }
        });
    }
    let root = tree.root_node();
    let mut cursor = root.walk();
    let package = root
        .named_children(&mut cursor)
        .find(|n| n.kind() == "package_declaration");
    Some(match package {
        Some(node) => {
            let at = after_line(text, node.end_byte());
            Edit {
                range: at..at,
                content: format!("{newline}{line}{newline}"),
            }
        }
        None => Edit {
            range: 0..0,
            content: format!("{line}{newline}{newline}"),
        },
    })
}

fn java_remove(tree: &Tree, text: &str, name: &str, even_if_used: bool) -> Option<Edit> {
    let (_, local) = split(name);
    for import in java_imports(tree) {
        let mut cursor = import.walk();
        let Some(path) = import
            .named_children(&mut cursor)
            .find(|n| n.kind() == "scoped_identifier")
        else {
            continue;
        };
        if node_text(path, text) != name || import.named_child_count() != 1 {
            continue;
        }
        if !even_if_used && is_used(tree, text, local, &["identifier", "type_identifier"]) {
            return None;
        }
        return Some(Edit {
            range: deletion_range(import, text),
            content: String::new(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(text: &str, line: &str) -> String {
        let start = text.find(line).unwrap();
        let range = absorb_blank_lines(start..start + line.len(), text);
        format!("{}{}", &text[..range.start], &text[range.end..])
    }

    #[test]
    fn a_first_statement_takes_the_blank_lines_after_it() {
        let text = "from typing import Optional\n\n\ndef f(): pass\n";
        assert_eq!(
            removed(text, "from typing import Optional\n"),
            "def f(): pass\n"
        );
    }

    #[test]
    fn a_statement_between_blank_runs_keeps_the_run_after_it() {
        let text = "\"\"\"Doc.\"\"\"\n\nimport os\n\n\ndef f(): pass\n";
        assert_eq!(
            removed(text, "import os\n"),
            "\"\"\"Doc.\"\"\"\n\n\ndef f(): pass\n"
        );
    }

    #[test]
    fn a_statement_inside_an_import_block_takes_only_its_line() {
        let text = "import os\n\nimport sys\nimport re\n";
        assert_eq!(removed(text, "import sys\n"), "import os\n\nimport re\n");
    }
}
