//! What a fix script asks for: edits of the file's text and changes to its imports. They are
//! collected during the call and become the fix's edits, exactly like those of other steps.

use rhai::{Engine, EvalAltResult};

use super::context::{Context, ScriptNode, with, with_node};
use crate::engine::edit::{Edit, ImportChange, deletion_range};
use crate::rules::compile::{CREATABLE_PATH, is_creatable_path};

type Result<T> = std::result::Result<T, Box<EvalAltResult>>;

fn edit(c: &mut Context, start: i64, end: i64, content: &str) -> Result<()> {
    let (start, end) = (start.max(0) as usize, end.max(0) as usize);
    if start > end || end > c.text.len() {
        return Err(format!("edit range {start}..{end} is outside the file").into());
    }
    if !c.text.is_char_boundary(start) || !c.text.is_char_boundary(end) {
        return Err(format!("edit range {start}..{end} splits a character").into());
    }
    c.output.edits.push(Edit {
        range: start..end,
        content: content.to_string(),
    });
    Ok(())
}

fn node_edit(
    n: &ScriptNode,
    content: &str,
    at: fn(tree_sitter::Node) -> (usize, usize),
) -> Result<()> {
    with_node(n, |c, node| {
        let (start, end) = at(node);
        edit(c, start as i64, end as i64, content)
    })?
}

pub(super) fn register(engine: &mut Engine) {
    engine.register_fn("replace", |n: ScriptNode, text: &str| -> Result<()> {
        node_edit(&n, text, |node| (node.start_byte(), node.end_byte()))
    });
    engine.register_fn("insert_before", |n: ScriptNode, text: &str| -> Result<()> {
        node_edit(&n, text, |node| (node.start_byte(), node.start_byte()))
    });
    engine.register_fn("insert_after", |n: ScriptNode, text: &str| -> Result<()> {
        node_edit(&n, text, |node| (node.end_byte(), node.end_byte()))
    });
    engine.register_fn("delete", |n: ScriptNode| -> Result<()> {
        with_node(&n, |c, node| {
            let range = deletion_range(node, c.text);
            edit(c, range.start as i64, range.end as i64, "")
        })?
    });
    engine.register_fn(
        "replace_range",
        |start: i64, end: i64, text: &str| -> Result<()> { with(|c| edit(c, start, end, text))? },
    );
    engine.register_fn("delete_range", |start: i64, end: i64| -> Result<()> {
        with(|c| edit(c, start, end, ""))?
    });
    engine.register_fn("insert_at", |offset: i64, text: &str| -> Result<()> {
        with(|c| edit(c, offset, offset, text))?
    });
    engine.register_fn("deletion_range", |n: ScriptNode| -> Result<rhai::Array> {
        with_node(&n, |c, node| {
            let range = deletion_range(node, c.text);
            vec![(range.start as i64).into(), (range.end as i64).into()]
        })
    });

    engine.register_fn("add_import", |name: &str| -> Result<()> {
        if !crate::rules::compile::is_dotted_name(name) {
            return Err(format!("`{name}` is not a dotted name like `a.b.c`").into());
        }
        with(|c| {
            let local = name.rsplit('.').next().unwrap_or(name);
            // The name is taken by another import: the fix cannot be made here.
            if let Some(bound) = c.imports.and_then(|i| i.binding(local))
                && bound != name
            {
                c.withdrawn = true;
            }
            c.output.imports.push(ImportChange::Add(name.to_string()));
        })
    });
    engine.register_fn("remove_import", |name: &str| -> Result<()> {
        with(|c| {
            c.output
                .imports
                .push(ImportChange::Remove(name.to_string()))
        })
    });
    engine.register_fn("move_import", |from: &str, to: &str| -> Result<()> {
        if !crate::rules::compile::is_dotted_name(from)
            || !crate::rules::compile::is_dotted_name(to)
        {
            return Err(format!("`{from}` and `{to}` must be dotted names like `a.b.c`").into());
        }
        with(|c| {
            c.output
                .imports
                .push(ImportChange::Move(from.to_string(), to.to_string()))
        })
    });
    engine.register_fn("create_file", |path: &str, text: &str| -> Result<()> {
        if !is_creatable_path(path) {
            return Err(format!("{CREATABLE_PATH}: `{path}`").into());
        }
        with(|c| c.output.creates.push((path.to_string(), text.to_string())))
    });
    engine.register_fn("mark_unsafe", || -> Result<()> {
        with(|c| c.output.unsafe_fix = true)
    });
}
