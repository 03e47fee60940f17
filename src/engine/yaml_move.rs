//! Moving a YAML key to another place in the tree (`move_key`), keeping the file valid: the
//! key and everything under it leave their place (with parents left empty by the move), and
//! land under the new path, joining the parents that already exist there.
//!
//! `spring: redis: host: x` moved to `spring.data.redis` becomes `spring: data: redis: host: x`,
//! inside an existing `spring: data:` block if there is one; with the whole new path already
//! there, the moved key's children join it. Lines are re-indented by the file's own step.
//! Anything this cannot do cleanly (a flow mapping on the way, a scalar where a block is
//! needed, a child key on both sides, a key not first on its line) gives no fix.

use std::ops::Range;

use tree_sitter::Node;

use super::edit::{Edit, after_line, line_start};

/// The edits that move the block mapping pair `pair` to the dotted `to`.
pub fn move_key(pair: Node, to: &str, text: &str) -> Option<Vec<Edit>> {
    if pair.kind() != "block_mapping_pair" || !first_on_line(pair, text) {
        return None;
    }
    let to: Vec<&str> = to.split('.').collect();
    let old_path = path_of(pair, text)?;
    if to.iter().any(|s| s.is_empty()) || old_path == to {
        return None;
    }
    let root = root_mapping(pair)?;
    let removed = removal(pair, &to, text)?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let unit = indent_unit(pair);
    let (at, content) = match destination(root, &to, text)? {
        Destination::Missing { mapping, missing } => {
            let column = pairs(mapping).first()?.start_position().column;
            let mut block = String::new();
            for (i, segment) in missing[..missing.len() - 1].iter().enumerate() {
                block.push_str(&format!(
                    "{}{segment}:{newline}",
                    " ".repeat(column + i * unit)
                ));
            }
            let key_column = column + (missing.len() - 1) * unit;
            block.push_str(&reindent_pair(
                pair,
                missing[missing.len() - 1],
                key_column,
                text,
                newline,
            )?);
            (after_node(mapping, text), block)
        }
        Destination::Exists(target) => {
            let children = value_mapping(target)?;
            let moved = value_mapping(pair)?;
            let present: Vec<String> = pairs(children).iter().map(|p| key_of(*p, text)).collect();
            if pairs(moved)
                .iter()
                .any(|p| present.contains(&key_of(*p, text)))
            {
                return None;
            }
            let column = pairs(children).first()?.start_position().column;
            let old_column = pairs(moved).first()?.start_position().column;
            let lines = &text[line_start(text, moved.start_byte())..after_node(moved, text)];
            (
                after_node(children, text),
                shift(lines, old_column, column)?,
            )
        }
    };
    let content = if at == text.len() && !text.ends_with('\n') {
        format!("{newline}{content}")
    } else {
        content
    };
    // The insertion stays a pure insertion even next to the deletion: two moves into the same
    // place then overlap, and the second waits for the next pass, which sees the first.
    if removed.start < at && at < removed.end {
        return None;
    }
    let mut edits = vec![
        Edit {
            range: removed,
            content: String::new(),
        },
        Edit {
            range: at..at,
            content,
        },
    ];
    edits.sort();
    Some(edits)
}

/// Where the new path leads: to a pair that is already there, or to the deepest mapping on
/// the way, with the segments still to create.
enum Destination<'t, 'p> {
    Exists(Node<'t>),
    Missing {
        mapping: Node<'t>,
        missing: &'p [&'p str],
    },
}

fn destination<'t, 'p>(
    root: Node<'t>,
    to: &'p [&'p str],
    text: &str,
) -> Option<Destination<'t, 'p>> {
    let mut mapping = root;
    for (depth, segment) in to.iter().enumerate() {
        let found = pairs(mapping)
            .into_iter()
            .find(|p| key_of(*p, text) == *segment);
        let Some(found) = found else {
            // A dotted key such as `data.redis:` may hold the rest of the path: leave it to a
            // person rather than write a second spelling of it.
            let prefix = format!("{segment}.");
            if pairs(mapping)
                .iter()
                .any(|p| key_of(*p, text).starts_with(&prefix))
            {
                return None;
            }
            return Some(Destination::Missing {
                mapping,
                missing: &to[depth..],
            });
        };
        if depth == to.len() - 1 {
            return Some(Destination::Exists(found));
        }
        mapping = value_mapping(found)?;
    }
    None
}

/// The lines to delete: the pair's, or its parent's when the move would leave the parent
/// empty (up to, not including, a parent on the new path).
fn removal(pair: Node, to: &[&str], text: &str) -> Option<Range<usize>> {
    let mut node = pair;
    loop {
        let mapping = node.parent()?;
        let Some(parent) = mapping
            .parent()
            .and_then(|value| value.parent())
            .filter(|p| p.kind() == "block_mapping_pair")
        else {
            break;
        };
        let parent_path = path_of(parent, text)?;
        if pairs(mapping).len() != 1 || to.starts_with(&parent_path) {
            break;
        }
        node = parent;
    }
    if !first_on_line(node, text) {
        return None;
    }
    Some(line_start(text, node.start_byte())..after_node(node, text))
}

/// The pair's text as whole lines, with its key renamed to `key` at `column` and the lines
/// under it moved by as much.
fn reindent_pair(
    pair: Node,
    key: &str,
    column: usize,
    text: &str,
    newline: &str,
) -> Option<String> {
    let old_key = pair.child_by_field_name("key")?;
    let first_line_end = after_node(old_key, text).min(after_node(pair, text));
    let rest_of_line = &text[old_key.end_byte()..first_line_end];
    let mut out = format!("{}{key}{rest_of_line}", " ".repeat(column));
    if !out.ends_with('\n') {
        out.push_str(newline);
    }
    let below = &text[first_line_end..after_node(pair, text)];
    let old_column = pair.start_position().column;
    out.push_str(&shift(below, old_column, column)?);
    Some(out)
}

/// `lines` moved from `from` to `to` columns; `None` if a line is indented less than the move
/// takes away.
fn shift(lines: &str, from: usize, to: usize) -> Option<String> {
    let mut out = String::new();
    for line in lines.split_inclusive('\n') {
        if line.trim().is_empty() {
            out.push_str(line);
        } else if to >= from {
            out.push_str(&" ".repeat(to - from));
            out.push_str(line);
        } else {
            let cut = from - to;
            if !line.bytes().take(cut).all(|b| b == b' ') || line.len() < cut {
                return None;
            }
            out.push_str(&line[cut..]);
        }
    }
    Some(out)
}

/// How far the file indents a level: from the pair to its first child, else two spaces.
fn indent_unit(pair: Node) -> usize {
    value_mapping(pair)
        .and_then(|m| pairs(m).first().copied())
        .map(|child| child.start_position().column)
        .and_then(|c| c.checked_sub(pair.start_position().column))
        .filter(|unit| *unit > 0)
        .unwrap_or(2)
}

/// The key path of a pair from the document's root: `["spring", "redis"]`. Dotted keys are
/// split, so `spring.redis:` counts as two levels.
fn path_of<'t>(pair: Node, text: &'t str) -> Option<Vec<&'t str>> {
    let mut keys = Vec::new();
    let mut current = Some(pair);
    while let Some(node) = current {
        if node.kind() == "block_mapping_pair" {
            let key = node.child_by_field_name("key")?;
            keys.push(unquote(&text[key.byte_range()]));
        } else if !matches!(
            node.kind(),
            "block_mapping" | "block_node" | "document" | "stream"
        ) {
            return None;
        }
        current = node.parent();
    }
    keys.reverse();
    Some(keys.iter().flat_map(|k| k.split('.')).collect())
}

/// The document's top-level block mapping that holds `node`.
fn root_mapping(node: Node) -> Option<Node> {
    let mut current = node;
    while let Some(parent) = current.parent() {
        if parent.kind() == "document" {
            return (current.kind() == "block_node")
                .then(|| current.named_child(0))
                .flatten()
                .filter(|m| m.kind() == "block_mapping");
        }
        current = parent;
    }
    None
}

/// The block mapping a pair's value is, if it is one.
fn value_mapping(pair: Node) -> Option<Node> {
    pair.child_by_field_name("value")
        .filter(|v| v.kind() == "block_node")
        .and_then(|v| v.named_child(0))
        .filter(|m| m.kind() == "block_mapping")
}

fn pairs(mapping: Node) -> Vec<Node> {
    let mut cursor = mapping.walk();
    mapping
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "block_mapping_pair")
        .collect()
}

fn key_of(pair: Node, text: &str) -> String {
    pair.child_by_field_name("key")
        .map(|k| unquote(&text[k.byte_range()]).to_string())
        .unwrap_or_default()
}

fn unquote(key: &str) -> &str {
    key.trim().trim_matches(|c| c == '"' || c == '\'')
}

/// Whether only indentation precedes the node on its line.
fn first_on_line(node: Node, text: &str) -> bool {
    text[line_start(text, node.start_byte())..node.start_byte()]
        .bytes()
        .all(|b| b == b' ')
}

/// The offset just past the line the node ends on.
fn after_node(node: Node, text: &str) -> usize {
    let end = node.end_byte();
    if end > 0 && text.as_bytes()[end - 1] == b'\n' {
        return end;
    }
    after_line(text, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::edit::apply;
    use crate::engine::parse::parse;
    use crate::language::by_name;
    use std::time::Duration;

    /// `text` with the pair at `path` (nested keys) moved to `to`; `None` when there is no fix.
    fn moved(text: &str, path: &str, to: &str) -> Option<String> {
        let yaml = by_name("yaml").unwrap();
        let tree = parse(yaml, text, Duration::from_secs(5)).unwrap();
        let mut mapping = root_mapping(first_pair(tree.root_node())?)?;
        let segments: Vec<&str> = path.split('.').collect();
        let mut pair = None;
        for (i, segment) in segments.iter().enumerate() {
            let found = pairs(mapping)
                .into_iter()
                .find(|p| key_of(*p, text) == *segment)?;
            if i + 1 < segments.len() {
                mapping = value_mapping(found)?;
            }
            pair = Some(found);
        }
        let mut edits = move_key(pair?, to, text)?;
        edits.sort();
        let out = apply(text, &edits);
        assert!(
            !parse(yaml, &out, Duration::from_secs(5))
                .unwrap()
                .root_node()
                .has_error(),
            "{out}"
        );
        Some(out)
    }

    fn first_pair(node: Node) -> Option<Node> {
        if node.kind() == "block_mapping_pair" {
            return Some(node);
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        children.into_iter().find_map(first_pair)
    }

    #[test]
    fn a_key_moves_under_a_new_parent() {
        let text = "spring:\n  application:\n    name: cart\n  redis:\n    host: cache\n    port: 6380\nserver:\n  port: 8080\n";
        assert_eq!(
            moved(text, "spring.redis", "spring.data.redis").unwrap(),
            "spring:\n  application:\n    name: cart\n  data:\n    redis:\n      host: cache\n      port: 6380\nserver:\n  port: 8080\n"
        );
    }

    #[test]
    fn a_key_joins_a_parent_that_exists() {
        let text = "spring:\n  redis:\n    host: cache # the cache\n  data:\n    mongodb:\n      uri: mongodb://db\n";
        assert_eq!(
            moved(text, "spring.redis", "spring.data.redis").unwrap(),
            "spring:\n  data:\n    mongodb:\n      uri: mongodb://db\n    redis:\n      host: cache # the cache\n"
        );
    }

    #[test]
    fn parents_left_empty_go_and_four_space_files_stay_four_space() {
        let text = "management:\n    metrics:\n        export:\n            prometheus:\n                enabled: true\n    server:\n        port: 9090\n";
        assert_eq!(
            moved(
                text,
                "management.metrics.export.prometheus",
                "management.prometheus.metrics.export"
            )
            .unwrap(),
            "management:\n    server:\n        port: 9090\n    prometheus:\n        metrics:\n            export:\n                enabled: true\n"
        );
    }

    #[test]
    fn children_join_a_path_that_exists_unless_a_key_is_on_both_sides() {
        let text = "spring:\n  redis:\n    port: 1\n  data:\n    redis:\n      host: h\n";
        assert_eq!(
            moved(text, "spring.redis", "spring.data.redis").unwrap(),
            "spring:\n  data:\n    redis:\n      host: h\n      port: 1\n"
        );
        let clash = "spring:\n  redis:\n    host: a\n  data:\n    redis:\n      host: b\n";
        assert_eq!(moved(clash, "spring.redis", "spring.data.redis"), None);
    }

    #[test]
    fn a_leaf_moves_and_is_renamed() {
        let text = "spring:\n  datasource:\n    url: jdbc:h2:mem\n    schema:\n      - a.sql\n      - b.sql\n";
        assert_eq!(
            moved(
                text,
                "spring.datasource.schema",
                "spring.sql.init.schema-locations"
            )
            .unwrap(),
            "spring:\n  datasource:\n    url: jdbc:h2:mem\n  sql:\n    init:\n      schema-locations:\n        - a.sql\n        - b.sql\n"
        );
    }

    #[test]
    fn a_windows_file_keeps_its_line_endings() {
        let text = "spring:\r\n  redis:\r\n    host: a\r\n";
        assert_eq!(
            moved(text, "spring.redis", "spring.data.redis").unwrap(),
            "spring:\r\n  data:\r\n    redis:\r\n      host: a\r\n"
        );
    }

    #[test]
    fn a_dotted_key_on_the_way_is_left_to_a_person() {
        let text = "spring:\n  redis:\n    host: a\n  data.mongodb.uri: x\n";
        assert_eq!(moved(text, "spring.redis", "spring.data.redis"), None);
    }
}
