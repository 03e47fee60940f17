//! The syntax tree as a script reads it: the match's captures, and nodes with their text, kind,
//! position, family and fields. Offsets are bytes of the file, as tree-sitter counts them.

use rhai::{Array, Dynamic, Engine, EvalAltResult};
use tree_sitter::Node;

use super::context::{self, ScriptNode, with, with_node};
use crate::engine::matcher;

type Result<T> = std::result::Result<T, Box<EvalAltResult>>;

/// A node's parent or sibling.
type Relative = fn(Node<'static>) -> Option<Node<'static>>;

/// Whether `node`'s kind is one of `kinds` (`"a|b"`; `"*"` is any named node).
fn kind_is(node: Node, kinds: &str) -> bool {
    kinds
        .split('|')
        .map(str::trim)
        .any(|k| k == node.kind() || (k == "*" && node.is_named()))
}

/// Pre-order descendants of `node` (not `node` itself) whose kind is one of `kinds`.
fn descendants<'t>(node: Node<'t>, kinds: &str) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return found;
    }
    loop {
        let current = cursor.node();
        if kind_is(current, kinds) {
            found.push(current);
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() || cursor.node() == node {
                return found;
            }
        }
    }
}

fn nodes(context: &mut context::Context, list: impl IntoIterator<Item = Node<'static>>) -> Array {
    list.into_iter()
        .map(|n| Dynamic::from(context.handle(n)))
        .collect()
}

pub(super) fn register(engine: &mut Engine) {
    engine.register_type_with_name::<ScriptNode>("Node");

    // The match.
    engine.register_fn("capture", |name: &str| -> Result<Dynamic> {
        with(|c| {
            let node = c.captures.iter().find(|(n, _)| *n == name).map(|(_, n)| *n);
            c.value(node)
        })
    });
    engine.register_fn("captures", |name: &str| -> Result<Array> {
        with(|c| {
            let list: Vec<Node<'static>> = c
                .captures
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, n)| *n)
                .collect();
            nodes(c, list)
        })
    });
    engine.register_fn("root", || -> Result<ScriptNode> {
        with(|c| {
            let root = c.root;
            c.handle(root)
        })
    });
    engine.register_fn("node_at", |start: i64, end: i64| -> Result<Dynamic> {
        with(|c| {
            let node = c
                .root
                .named_descendant_for_byte_range(start.max(0) as usize, end.max(0) as usize);
            c.value(node)
        })
    });

    // Properties.
    engine.register_get("text", |n: &mut ScriptNode| -> Result<String> {
        with_node(n, |c, node| c.text[node.byte_range()].to_string())
    });
    engine.register_get("kind", |n: &mut ScriptNode| -> Result<String> {
        with_node(n, |_, node| node.kind().to_string())
    });
    engine.register_get("start", |n: &mut ScriptNode| -> Result<i64> {
        with_node(n, |_, node| node.start_byte() as i64)
    });
    engine.register_get("end", |n: &mut ScriptNode| -> Result<i64> {
        with_node(n, |_, node| node.end_byte() as i64)
    });
    engine.register_get("line", |n: &mut ScriptNode| -> Result<i64> {
        with_node(n, |_, node| node.start_position().row as i64 + 1)
    });
    engine.register_get("end_line", |n: &mut ScriptNode| -> Result<i64> {
        with_node(n, |_, node| node.end_position().row as i64 + 1)
    });
    engine.register_get("column", |n: &mut ScriptNode| -> Result<i64> {
        with_node(n, |_, node| node.start_position().column as i64 + 1)
    });
    engine.register_get("is_named", |n: &mut ScriptNode| -> Result<bool> {
        with_node(n, |_, node| node.is_named())
    });
    engine.register_get("has_error", |n: &mut ScriptNode| -> Result<bool> {
        with_node(n, |_, node| node.has_error())
    });
    engine.register_get("indent", |n: &mut ScriptNode| -> Result<String> {
        with_node(n, |c, node| {
            crate::engine::edit::indentation_at(c.text, node.start_byte()).to_string()
        })
    });
    engine.register_get("sexp", |n: &mut ScriptNode| -> Result<String> {
        with_node(n, |_, node| node.to_sexp())
    });
    engine.register_get("field_name", |n: &mut ScriptNode| -> Result<Dynamic> {
        with_node(n, |_, node| {
            let Some(parent) = node.parent() else {
                return Dynamic::UNIT;
            };
            let mut cursor = parent.walk();
            if !cursor.goto_first_child() {
                return Dynamic::UNIT;
            }
            loop {
                if cursor.node() == node {
                    return cursor
                        .field_name()
                        .map_or(Dynamic::UNIT, |f| Dynamic::from(f.to_string()));
                }
                if !cursor.goto_next_sibling() {
                    return Dynamic::UNIT;
                }
            }
        })
    });

    // Family.
    let relatives: [(&str, Relative); 5] = [
        ("parent", |n| n.parent()),
        ("next", |n| n.next_sibling()),
        ("prev", |n| n.prev_sibling()),
        ("next_named", |n| n.next_named_sibling()),
        ("prev_named", |n| n.prev_named_sibling()),
    ];
    for (name, relative) in relatives {
        engine.register_get(name, move |n: &mut ScriptNode| -> Result<Dynamic> {
            with_node(n, |c, node| c.value(relative(node)))
        });
    }
    engine.register_get("children", |n: &mut ScriptNode| -> Result<Array> {
        with_node(n, |c, node| {
            let mut cursor = node.walk();
            let list: Vec<_> = node.named_children(&mut cursor).collect();
            nodes(c, list)
        })
    });
    engine.register_get("all_children", |n: &mut ScriptNode| -> Result<Array> {
        with_node(n, |c, node| {
            let mut cursor = node.walk();
            let list: Vec<_> = node.children(&mut cursor).collect();
            nodes(c, list)
        })
    });
    engine.register_get("child_count", |n: &mut ScriptNode| -> Result<i64> {
        with_node(n, |_, node| node.named_child_count() as i64)
    });
    engine.register_fn("child", |n: &mut ScriptNode, i: i64| -> Result<Dynamic> {
        with_node(n, |c, node| {
            let child = u32::try_from(i).ok().and_then(|i| node.named_child(i));
            c.value(child)
        })
    });
    engine.register_fn(
        "field",
        |n: &mut ScriptNode, name: &str| -> Result<Dynamic> {
            with_node(n, |c, node| c.value(node.child_by_field_name(name)))
        },
    );
    engine.register_fn(
        "fields",
        |n: &mut ScriptNode, name: &str| -> Result<Array> {
            with_node(n, |c, node| {
                let mut cursor = node.walk();
                let list: Vec<_> = node.children_by_field_name(name, &mut cursor).collect();
                nodes(c, list)
            })
        },
    );
    engine.register_fn(
        "descendants",
        |n: &mut ScriptNode, kinds: &str| -> Result<Array> {
            with_node(n, |c, node| {
                let list = descendants(node, kinds);
                nodes(c, list)
            })
        },
    );
    engine.register_fn(
        "ancestor",
        |n: &mut ScriptNode, kinds: &str| -> Result<Dynamic> {
            with_node(n, |c, node| {
                let mut current = node.parent();
                while let Some(candidate) = current {
                    if kind_is(candidate, kinds) {
                        break;
                    }
                    current = candidate.parent();
                }
                c.value(current)
            })
        },
    );
    engine.register_fn(
        "contains",
        |n: &mut ScriptNode, other: ScriptNode| -> Result<bool> {
            with(|c| -> Result<bool> {
                let (outer, inner) = (c.node(n)?, c.node(&other)?);
                Ok(
                    outer.start_byte() <= inner.start_byte()
                        && inner.end_byte() <= outer.end_byte(),
                )
            })?
        },
    );
    engine.register_fn("==", |a: &mut ScriptNode, b: ScriptNode| -> Result<bool> {
        with(|c| -> Result<bool> { Ok(c.node(a)? == c.node(&b)?) })?
    });
    engine.register_fn("!=", |a: &mut ScriptNode, b: ScriptNode| -> Result<bool> {
        with(|c| -> Result<bool> { Ok(c.node(a)? != c.node(&b)?) })?
    });
    engine.register_fn("to_string", |n: &mut ScriptNode| -> Result<String> {
        with_node(n, |c, node| {
            format!("{}:{}", node.kind(), &c.text[node.byte_range()])
        })
    });
    engine.register_fn("to_debug", |n: &mut ScriptNode| -> Result<String> {
        with_node(n, |c, node| {
            format!("<{} {:?}>", node.kind(), &c.text[node.byte_range()])
        })
    });

    // Names and imports.
    engine.register_fn("is_reference", |n: &mut ScriptNode| -> Result<bool> {
        with_node(n, |_, node| matcher::is_reference(node))
    });
    engine.register_fn(
        "refers_to",
        |n: &mut ScriptNode, names: Array| -> Result<bool> {
            let names: Vec<String> = names.into_iter().map(|d| d.to_string()).collect();
            with_node(n, |c, node| refers_to(c, node, &names))
        },
    );
    engine.register_fn(
        "refers_to",
        |n: &mut ScriptNode, name: &str| -> Result<bool> {
            let names = vec![name.to_string()];
            with_node(n, |c, node| refers_to(c, node, &names))
        },
    );
    engine.register_fn("resolve", |name: &str| -> Result<Array> {
        with(|c| {
            c.imports
                .map(|i| i.resolve(name))
                .unwrap_or_default()
                .into_iter()
                .map(Dynamic::from)
                .collect()
        })
    });
    engine.register_fn("file_imports", |name: &str| -> Result<bool> {
        with(|c| c.imports.is_some_and(|i| i.imports(name)))
    });
    engine.register_fn("binding", |local: &str| -> Result<Dynamic> {
        with(|c| {
            c.imports
                .and_then(|i| i.binding(local))
                .map_or(Dynamic::UNIT, |b| Dynamic::from(b.to_string()))
        })
    });
}

/// The `imported_from` test on a node: a reference, not shadowed, resolving to one of `names`.
fn refers_to(c: &context::Context, node: Node, names: &[String]) -> bool {
    let Some(imports) = c.imports else {
        return false;
    };
    let name = &c.text[node.byte_range()];
    matcher::is_reference(node)
        && !matcher::is_shadowed(node, name, c.text)
        && imports.refers_to(name, names)
}
