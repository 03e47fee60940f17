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

use super::edit::{
    Edit, ImportChange, after_line, apply, deletion_range, indentation_at, line_start,
};
use super::imports::Imports;
use super::parse::parse;
use crate::language::Language;

/// Whether upshift can edit imports in this language.
pub fn supported(language: &Language) -> bool {
    matches!(language.name.as_str(), "python" | "java")
}

/// One step of the work: a rule's change, or the second half of a move (the name goes into
/// the target module's import once it has left its old one).
enum Step<'c> {
    Change(&'c ImportChange),
    /// Python: import this (the second half of a move).
    Import(Imported),
    /// Java: import this dotted name.
    JavaImport(String),
}

/// A name to import: `from {module} import {item}`, where `item` binds `local` (`z as c`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Imported {
    module: String,
    item: String,
    local: String,
}

impl Imported {
    fn new(module: &str, name: &str, local: &str) -> Imported {
        let item = if name == local {
            name.to_string()
        } else {
            format!("{name} as {local}")
        };
        Imported {
            module: module.to_string(),
            item,
            local: local.to_string(),
        }
    }
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
    // Removals and moves first: a statement they empty leaves its place to the additions.
    let is_add = |c: &&ImportChange| matches!(c, ImportChange::Add(_));
    let adds = changes
        .iter()
        .any(|c| !matches!(c, ImportChange::Remove(_)));
    let mut queue: Vec<Step> = Vec::new();
    for change in changes
        .iter()
        .filter(|c| !is_add(c))
        .chain(changes.iter().filter(is_add))
    {
        if !queue
            .iter()
            .any(|s| matches!(s, Step::Change(c) if *c == change))
        {
            queue.push(Step::Change(change));
        }
    }
    queue.reverse();
    // Where the last import statement removed whole stood: the place for a new one.
    let mut vacated: Option<usize> = None;
    while let Some(step) = queue.pop() {
        let tree = parse(language, &text, budget)?;
        let python = language.name == "python";
        let (edits, then) = match step {
            Step::Change(ImportChange::Add(name)) => {
                let (module, local) = split(name);
                let edit = if python {
                    python_add(
                        language,
                        &tree,
                        &text,
                        &Imported::new(module, local, local),
                        newline,
                        vacated,
                    )
                } else {
                    java_add(language, &tree, &text, name, newline, vacated)
                };
                (edit.into_iter().collect(), None)
            }
            Step::Change(ImportChange::Remove(name)) => {
                let edit = if python {
                    python_remove(&tree, &text, name)
                } else {
                    java_remove(&tree, &text, name, false)
                };
                (edit.into_iter().collect(), None)
            }
            Step::Change(ImportChange::Move(from, to)) if python => {
                let (edits, then) = python_move(&tree, &text, from, to);
                (edits, then.map(Step::Import))
            }
            Step::Change(ImportChange::Move(from, to)) => (
                java_remove(&tree, &text, from, true).into_iter().collect(),
                Some(Step::JavaImport(to.clone())),
            ),
            Step::Import(imported) => (
                python_add(language, &tree, &text, &imported, newline, vacated)
                    .into_iter()
                    .collect(),
                None,
            ),
            Step::JavaImport(name) => (
                java_add(language, &tree, &text, &name, newline, vacated)
                    .into_iter()
                    .collect(),
                None,
            ),
        };
        if let Some(then) = then {
            queue.push(then);
        }
        let [edit] = edits.as_slice() else {
            text = apply(&text, &edits);
            continue;
        };
        let mut edit = edit.clone();
        let removed = &text[edit.range.clone()];
        // Whole statements: a name on a line of its own in a parenthesised list is not one.
        let whole_lines = edit.content.is_empty()
            && line_start(&text, edit.range.start) == edit.range.start
            && removed.ends_with('\n')
            && ["import ", "from "]
                .iter()
                .any(|keyword| removed.trim_start().starts_with(keyword));
        // With additions to come, a removed statement leaves its place to them, unless it is
        // a Java import with others left in the file (a Java addition goes among those).
        if whole_lines && (!adds || (!python && java_imports(&tree).len() > 1)) {
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

/// Makes `imported` available: in an existing `from` statement of its module, else on a new
/// line at `at`, else after the leading imports.
fn python_add(
    language: &Language,
    tree: &Tree,
    text: &str,
    imported: &Imported,
    newline: &str,
    at: Option<usize>,
) -> Option<Edit> {
    let Imported {
        module,
        item: local,
        local: bound,
    } = imported;
    if Imports::collect(language, tree, text)
        .binding(bound)
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
            .find(|n| node_text(**n, text) > local.as_str())
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
    if let Some(at) = at {
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
            // Java: the last part of a qualified name (`a.b.Name`) is not the imported `Name`.
            let qualified_tail = parent.is_some_and(|p| {
                p.kind() == "scoped_type_identifier"
                    && p.named_child(0)
                        .is_some_and(|first| first.id() != node.id())
            });
            if !field_of("attribute", "attribute")
                && !field_of("keyword_argument", "name")
                && !field_of("field_access", "field")
                && !field_of("scoped_identifier", "name")
                && !qualified_tail
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

/// The import statements of a Python file, at any depth (inside functions, `try` blocks).
fn python_import_statements(tree: &Tree) -> Vec<Node<'_>> {
    let mut found = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if matches!(node.kind(), "import_statement" | "import_from_statement") {
            found.push(node);
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor).filter(|c| {
            c.kind().contains("statement") || c.kind().ends_with("clause") || c.kind() == "block"
        }));
    }
    found.sort_by_key(|n| n.start_byte());
    found
}

/// One name of an import statement: `c` or `c as d` in `from a.b import ...`, `a.b` or
/// `a.b as x` in `import ...`.
struct ImportItem<'t> {
    statement: Node<'t>,
    item: Node<'t>,
    /// The imported name: `c`, or the module path `a.b`.
    name: Node<'t>,
    /// The name it binds: the alias, else `c`, or `a` for `import a.b`.
    local: &'t str,
    /// How many names the statement imports.
    count: usize,
}

impl ImportItem<'_> {
    /// Removes the name, or the whole statement when it is the only one.
    fn deletion(&self, text: &str) -> Edit {
        let node = if self.count == 1 {
            self.statement
        } else {
            self.item
        };
        Edit {
            range: deletion_range(node, text),
            content: String::new(),
        }
    }
}

/// The items of `statement` (an `import` or `from` statement).
fn import_items<'t>(statement: Node<'t>, text: &'t str) -> Vec<ImportItem<'t>> {
    let mut cursor = statement.walk();
    let items: Vec<Node> = statement
        .children_by_field_name("name", &mut cursor)
        .collect();
    let from = statement.kind() == "import_from_statement";
    items
        .iter()
        .filter_map(|&item| {
            let (name, alias) = match item.kind() {
                "aliased_import" => (
                    item.child_by_field_name("name")?,
                    item.child_by_field_name("alias"),
                ),
                _ => (item, None),
            };
            let local = match alias {
                Some(alias) => node_text(alias, text),
                None if from => node_text(name, text),
                None => node_text(name, text).split('.').next()?,
            };
            Some(ImportItem {
                statement,
                item,
                name,
                local,
                count: items.len(),
            })
        })
        .collect()
}

/// Whether a `from` statement imports from `module`.
fn imports_from(statement: Node, text: &str, module: &str) -> bool {
    statement.kind() == "import_from_statement"
        && statement
            .child_by_field_name("module_name")
            .is_some_and(|m| node_text(m, text) == module)
}

/// The items that import the dotted `name`: `from a.b import c` for `a.b.c`, and `import a.b`
/// for `a.b`.
fn python_items<'t>(tree: &'t Tree, text: &'t str, name: &str) -> Vec<ImportItem<'t>> {
    let (module, imported) = split(name);
    python_import_statements(tree)
        .into_iter()
        .flat_map(|statement| import_items(statement, text))
        .filter(|i| {
            if i.statement.kind() == "import_statement" {
                node_text(i.name, text) == name
            } else {
                !module.is_empty()
                    && imports_from(i.statement, text, module)
                    && node_text(i.name, text) == imported
            }
        })
        .collect()
}

/// Drops the import of `name` if nothing uses the name it binds.
fn python_remove(tree: &Tree, text: &str, name: &str) -> Option<Edit> {
    python_items(tree, text, name)
        .into_iter()
        .find(|i| !is_used(tree, text, i.local, &["identifier"]))
        .map(|i| i.deletion(text))
}

/// Imports what `from` binds from `to`'s module instead, under the same local name: the module
/// is rewritten in place when the statement imports nothing else and its new module has no
/// statement yet; otherwise the name leaves its statement and the follow-up import puts it
/// where `add_import` would.
fn python_move(tree: &Tree, text: &str, from: &str, to: &str) -> (Vec<Edit>, Option<Imported>) {
    let (module, name) = split(to);
    let items = python_items(tree, text, from);
    let Some(found) = items
        .first()
        .filter(|i| i.statement.kind() == "import_from_statement")
    else {
        return (Vec::new(), None);
    };
    let imported = Imported::new(module, name, found.local);
    let target_exists = python_import_statements(tree)
        .into_iter()
        .any(|s| s.id() != found.statement.id() && imports_from(s, text, module));
    if found.count == 1 && !target_exists {
        let module_name = found.statement.child_by_field_name("module_name").unwrap();
        let mut edits = vec![Edit {
            range: module_name.byte_range(),
            content: module.to_string(),
        }];
        if node_text(found.name, text) != name {
            let aliased = found.item.kind() == "aliased_import";
            edits.push(Edit {
                range: found.name.byte_range(),
                content: if aliased {
                    name.to_string()
                } else {
                    imported.item.clone()
                },
            });
        }
        return (edits, None);
    }
    (vec![found.deletion(text)], Some(imported))
}

fn java_imports(tree: &Tree) -> Vec<Node<'_>> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|n| n.kind() == "import_declaration")
        .collect()
}

/// Java: the import statement for `name`, in the import block (in order when it is sorted);
/// with no import left, where the last one removed stood (`vacated`), else after the package.
fn java_add(
    language: &Language,
    tree: &Tree,
    text: &str,
    name: &str,
    newline: &str,
    vacated: Option<usize>,
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
    if let Some(edit) = java_add_to_group(&imports, text, name, &line, newline) {
        return Some(edit);
    }
    if let Some(last) = imports.last() {
        // Static imports form a group of their own: the order is judged among the others.
        let plain: Vec<Node> = imports
            .iter()
            .copied()
            .filter(|n| !node_text(*n, text).starts_with("import static"))
            .collect();
        // A `java.`/`javax.` import in a block that has none of its root package starts a
        // group of its own after the other imports (the common layout: other imports, then
        // the JDK's, each group set apart by a blank line); one that replaces an import the
        // same change removed takes the sorted place instead.
        let root = name.split('.').next().unwrap_or("");
        if is_jdk_import(name)
            && vacated.is_none()
            && !plain.is_empty()
            && !plain
                .iter()
                .any(|n| import_path(node_text(*n, text)).split('.').next() == Some(root))
        {
            let at = after_line(text, plain[plain.len() - 1].end_byte());
            return Some(Edit {
                range: at..at,
                content: format!("{newline}{line}{newline}"),
            });
        }
        return Some(match sorted_place(&plain, text, name) {
            Some(next) => Edit {
                range: next.start_byte()..next.start_byte(),
                content: format!("{line}{newline}"),
            },
            None => {
                let at = after_line(text, last.end_byte());
                Edit {
                    range: at..at,
                    content: format!("{line}{newline}"),
                }
            }
        });
    }
    if let Some(at) = vacated.filter(|at| *at <= text.len()) {
        return Some(Edit {
            range: at..at,
            content: format!("{line}{newline}"),
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

/// Where `name` goes in a run of imports kept in order of the imported names (`a.User` before
/// `a.User.Builder`): before the first one that sorts after it. `None` when the run is not in
/// order, or `name` sorts last.
fn sorted_place<'t>(imports: &[Node<'t>], text: &str, name: &str) -> Option<Node<'t>> {
    let names: Vec<&str> = imports
        .iter()
        .map(|n| import_path(node_text(*n, text)))
        .collect();
    if !names.windows(2).all(|w| w[0] <= w[1]) {
        return None;
    }
    names.iter().position(|n| *n > name).map(|i| imports[i])
}

/// The dotted path an import statement names (`a.b.C` of `import a.b.C;`).
fn import_path(statement: &str) -> &str {
    statement
        .trim_start_matches("import")
        .trim_end_matches(';')
        .trim()
        .trim_start_matches("static ")
        .trim()
}

/// Whether a dotted name belongs to the JDK's import group (`java.` and `javax.`).
fn is_jdk_import(name: &str) -> bool {
    name.starts_with("java.") || name.starts_with("javax.")
}

/// Java, in an import block of several groups (runs of non-static imports set apart by blank
/// lines): the import goes into the group that shares the most leading package segments with
/// it, in order when that group is sorted, else at its end. `None` with fewer than two groups or
/// no group sharing the first segment (the caller then looks at the block as a whole).
fn java_add_to_group(
    imports: &[Node],
    text: &str,
    name: &str,
    line: &str,
    newline: &str,
) -> Option<Edit> {
    let plain: Vec<Node> = imports
        .iter()
        .copied()
        .filter(|n| !node_text(*n, text).starts_with("import static"))
        .collect();
    let mut groups: Vec<Vec<Node>> = Vec::new();
    for node in plain {
        match groups.last_mut() {
            Some(group)
                if !text[group[group.len() - 1].end_byte()..node.start_byte()]
                    .lines()
                    .skip(1)
                    .any(|l| l.trim().is_empty()) =>
            {
                group.push(node)
            }
            _ => groups.push(vec![node]),
        }
    }
    if groups.len() < 2 {
        return None;
    }
    let package: Vec<&str> = split(name).0.split('.').collect();
    let shared = |node: &Node| {
        let path = node_text(*node, text)
            .trim_start_matches("import")
            .trim_end_matches(';')
            .trim();
        path.split('.')
            .zip(&package)
            .take_while(|(a, b)| a == *b)
            .count()
    };
    let (best, score) = groups
        .iter()
        .map(|g| (g, g.iter().map(shared).max().unwrap_or(0)))
        .fold(None, |acc: Option<(&Vec<Node>, usize)>, (g, s)| match acc {
            Some((_, top)) if top >= s => acc,
            _ => Some((g, s)),
        })?;
    if score == 0 {
        return None;
    }
    let at = match sorted_place(best, text, name) {
        Some(next) => next.start_byte(),
        None => after_line(text, best[best.len() - 1].end_byte()),
    };
    Some(Edit {
        range: at..at,
        content: format!("{line}{newline}"),
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
    use crate::language::by_name;

    fn changed(language: &str, text: &str, changes: &[ImportChange]) -> String {
        let language = by_name(language).unwrap();
        apply_changes(language, text, changes, "\n", Duration::from_secs(5)).unwrap()
    }

    fn moved(from: &str, to: &str) -> Vec<ImportChange> {
        vec![ImportChange::Move(from.to_string(), to.to_string())]
    }

    #[test]
    fn a_move_out_of_a_parenthesised_list_keeps_the_rest() {
        let text = "from a.b import (\n    c,\n    d,\n)\n\nc(d)\n";
        assert_eq!(
            changed("python", text, &moved("a.b.c", "x.y.c")),
            "from a.b import (\n    d,\n)\nfrom x.y import c\n\nc(d)\n"
        );
    }

    #[test]
    fn a_move_keeps_the_alias() {
        let text = "from a.b import c as e, d\n\ne(d)\n";
        assert_eq!(
            changed("python", text, &moved("a.b.c", "x.y.c")),
            "from a.b import d\nfrom x.y import c as e\n\ne(d)\n"
        );
    }

    #[test]
    fn a_move_of_the_only_name_rewrites_the_module_in_place() {
        let text = "import os\nfrom a.b import (\n    c as e,  # why\n)\n\ne()\n";
        assert_eq!(
            changed("python", text, &moved("a.b.c", "x.y.c")),
            "import os\nfrom x.y import (\n    c as e,  # why\n)\n\ne()\n"
        );
    }

    #[test]
    fn a_move_joins_an_import_of_the_target_module() {
        let text = "from a.b import c\nfrom x.y import (\n    b,\n    d,\n)\n\nc(b, d)\n";
        assert_eq!(
            changed("python", text, &moved("a.b.c", "x.y.c")),
            "from x.y import (\n    b,\n    c,\n    d,\n)\n\nc(b, d)\n"
        );
    }

    #[test]
    fn a_move_that_renames_keeps_the_local_name() {
        let text = "from a.b import c\n\nc()\n";
        assert_eq!(
            changed("python", text, &moved("a.b.c", "x.y.z")),
            "from x.y import z as c\n\nc()\n"
        );
    }

    #[test]
    fn a_plain_module_import_is_removed_when_unused() {
        let remove = |name: &str| vec![ImportChange::Remove(name.to_string())];
        assert_eq!(
            changed(
                "python",
                "import six\nimport os\n\nos.sep\n",
                &remove("six")
            ),
            "import os\n\nos.sep\n"
        );
        assert_eq!(
            changed("python", "import os, six\n\nos.sep\n", &remove("six")),
            "import os\n\nos.sep\n"
        );
        assert_eq!(
            changed("python", "import six\n\nsix.PY3\n", &remove("six")),
            "import six\n\nsix.PY3\n"
        );
    }

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
    fn java_static_imports_do_not_unsort_the_block() {
        let added = [ImportChange::Add("b.C".into())];
        assert_eq!(
            changed(
                "java",
                "import static z.Y.f;\n\nimport a.B;\nimport c.D;\n\nclass T { C c; }\n",
                &added
            ),
            "import static z.Y.f;\n\nimport a.B;\nimport b.C;\nimport c.D;\n\nclass T { C c; }\n"
        );
    }

    #[test]
    fn java_a_nested_type_import_keeps_the_block_sorted() {
        // `a.User;` sorts after `a.User.Builder;` as text, but the names are in order.
        let added = [ImportChange::Add("a.Bean".into())];
        assert_eq!(
            changed(
                "java",
                "import a.Conf;\nimport a.User;\nimport a.User.Builder;\n\n@Bean class T {}\n",
                &added
            ),
            "import a.Bean;\nimport a.Conf;\nimport a.User;\nimport a.User.Builder;\n\n@Bean class T {}\n"
        );
    }

    #[test]
    fn java_an_only_import_replaced_keeps_its_place() {
        let moved = [ImportChange::Move("a.b.Old".into(), "c.d.New".into())];
        assert_eq!(
            changed(
                "java",
                "package p;\n\nimport a.b.Old;\n\nclass T {}\n",
                &moved
            ),
            "package p;\n\nimport c.d.New;\n\nclass T {}\n"
        );
        let swapped = [
            ImportChange::Add("c.d.New".into()),
            ImportChange::Remove("a.b.Old".into()),
        ];
        assert_eq!(
            changed("java", "import a.b.Old;\n\n@New class T {}\n", &swapped),
            "import c.d.New;\n\n@New class T {}\n"
        );
    }

    #[test]
    fn java_an_import_joins_the_group_of_its_package() {
        let added = [ImportChange::Add("org.x.item.Chunk".into())];
        assert_eq!(
            changed(
                "java",
                "import org.x.item.Writer;\n\nimport java.util.List;\n\nclass T {}\n",
                &added
            ),
            "import org.x.item.Chunk;\nimport org.x.item.Writer;\n\nimport java.util.List;\n\nclass T {}\n"
        );
        // An unsorted group takes it at its end; no group of its package: the old placement.
        assert_eq!(
            changed(
                "java",
                "import java.util.Map;\nimport java.util.List;\n\nimport org.x.A;\n\nclass T {}\n",
                &[ImportChange::Add("java.util.Set".into())]
            ),
            "import java.util.Map;\nimport java.util.List;\nimport java.util.Set;\n\nimport org.x.A;\n\nclass T {}\n"
        );
        assert_eq!(
            changed(
                "java",
                "import java.util.List;\n\nimport org.x.A;\n\nclass T {}\n",
                &[ImportChange::Add("com.y.B".into())]
            ),
            "import com.y.B;\nimport java.util.List;\n\nimport org.x.A;\n\nclass T {}\n"
        );
    }

    #[test]
    fn java_a_jdk_import_keeps_apart_from_the_other_imports() {
        let optional = [ImportChange::Add("java.util.Optional".into())];
        // No JDK import yet: a group of its own after the others.
        assert_eq!(
            changed(
                "java",
                "import org.x.domain.Auditor;\n\nclass T {}\n",
                &optional
            ),
            "import org.x.domain.Auditor;\n\nimport java.util.Optional;\n\nclass T {}\n"
        );
        // A `javax.` group is not a `java.` one.
        assert_eq!(
            changed(
                "java",
                "import org.x.A;\n\nimport javax.net.ssl.SSLContext;\n\nclass T {}\n",
                &optional
            ),
            "import org.x.A;\n\nimport javax.net.ssl.SSLContext;\n\nimport java.util.Optional;\n\nclass T {}\n"
        );
        // A run mixing both keeps to itself (a single sorted block is a style of its own).
        assert_eq!(
            changed(
                "java",
                "import java.util.List;\nimport org.x.item.Writer;\n\nclass T {}\n",
                &[ImportChange::Add("org.x.item.Chunk".into())]
            ),
            "import java.util.List;\nimport org.x.item.Chunk;\nimport org.x.item.Writer;\n\nclass T {}\n"
        );
        // Replacing a removed import, it takes the sorted place.
        assert_eq!(
            changed(
                "java",
                "import java.util.Date;\nimport org.x.Step;\n\nclass T {}\n",
                &[
                    ImportChange::Remove("java.util.Date".into()),
                    ImportChange::Add("java.time.LocalDate".into())
                ]
            ),
            "import java.time.LocalDate;\nimport org.x.Step;\n\nclass T {}\n"
        );
        // Beside imports of its own kind it joins the run.
        assert_eq!(
            changed(
                "java",
                "import java.util.Date;\nimport org.x.Step;\n\nclass T {}\n",
                &[ImportChange::Add("java.time.LocalDate".into())]
            ),
            "import java.time.LocalDate;\nimport java.util.Date;\nimport org.x.Step;\n\nclass T {}\n"
        );
    }

    #[test]
    fn java_an_import_alone_in_its_group_goes_with_a_blank_line() {
        let changes = [
            ImportChange::Remove("java.util.List".into()),
            ImportChange::Add("org.x.item.Chunk".into()),
        ];
        assert_eq!(
            changed(
                "java",
                "import org.x.item.Writer;\n\nimport java.util.List;\n\nclass T {}\n",
                &changes
            ),
            "import org.x.item.Chunk;\nimport org.x.item.Writer;\n\nclass T {}\n"
        );
    }

    #[test]
    fn java_a_qualified_name_does_not_keep_an_import_of_its_last_part() {
        let removed = [ImportChange::Remove("org.x.stereotype.Repository".into())];
        assert_eq!(
            changed(
                "java",
                "import org.x.stereotype.Repository;\n\ninterface R extends org.x.data.Repository {}\n",
                &removed
            ),
            "interface R extends org.x.data.Repository {}\n"
        );
        assert_eq!(
            changed(
                "java",
                "import org.x.stereotype.Repository;\n\n@Repository class R {}\n",
                &removed
            ),
            "import org.x.stereotype.Repository;\n\n@Repository class R {}\n"
        );
    }

    #[test]
    fn a_statement_inside_an_import_block_takes_only_its_line() {
        let text = "import os\n\nimport sys\nimport re\n";
        assert_eq!(removed(text, "import sys\n"), "import os\n\nimport re\n");
    }
}
