//! The match a script call runs on, installed for the length of the call.
//!
//! The API functions registered with the engine are plain closures, so they find the match's
//! file text, syntax tree and captures in a thread-local context rather than in arguments. The
//! context borrows the caller's tree for exactly the length of one call: [`Installed`] puts it
//! in place and takes it out again when dropped (on return, error or unwinding). Nodes handed to
//! a script are indexes into the call's node table, stamped with the call's generation, so a
//! node can never be read outside the call that produced it.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use rhai::{Dynamic, EvalAltResult, Scope};
use tree_sitter::Node;

use super::Output;
use crate::engine::imports::Imports;

/// What a script call sees of a match.
pub struct Input<'a, 't> {
    pub text: &'t str,
    pub root: Node<'t>,
    pub captures: &'a [(&'a str, Node<'t>)],
    /// Every capture name of the rule's query: each is a variable of the script.
    pub names: &'a [String],
    pub imports: Option<&'a Imports>,
    /// The run's `--target` version of the rule's framework.
    pub target: Option<&'a str>,
    /// The run's options of the rule's pack that are switched on.
    pub options: &'a [String],
    pub newline: &'static str,
    /// The rule's `map:` table.
    pub map: &'a BTreeMap<String, String>,
}

/// A node as a script holds it: an index into the call's node table.
#[derive(Clone, Copy, Debug)]
pub struct ScriptNode {
    index: u32,
    generation: u64,
}

/// The installed match. Its `'static` lifetimes are a promise kept by [`Installed`]: the
/// context lives only while the borrowed input does.
pub(super) struct Context {
    generation: u64,
    pub text: &'static str,
    pub root: Node<'static>,
    pub captures: &'static [(&'static str, Node<'static>)],
    pub imports: Option<&'static Imports>,
    pub target: Option<&'static str>,
    pub options: &'static [String],
    pub newline: &'static str,
    pub map: &'static BTreeMap<String, String>,
    nodes: Vec<Node<'static>>,
    pub output: Output,
    /// A step asked for something that cannot be done here (an import name taken): no fix.
    pub withdrawn: bool,
}

thread_local! {
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
    static GENERATION: Cell<u64> = const { Cell::new(0) };
}

/// The context of the current call, for an API function.
pub(super) fn with<R>(f: impl FnOnce(&mut Context) -> R) -> Result<R, Box<EvalAltResult>> {
    CONTEXT.with(|cell| {
        let mut slot = cell.borrow_mut();
        match slot.as_mut() {
            Some(context) => Ok(f(context)),
            None => Err("this function can only be used while a rule's script runs".into()),
        }
    })
}

impl Context {
    /// A handle for `node`, valid for this call.
    pub fn handle(&mut self, node: Node<'static>) -> ScriptNode {
        self.nodes.push(node);
        ScriptNode {
            index: (self.nodes.len() - 1) as u32,
            generation: self.generation,
        }
    }

    /// `node` as a script value: the handle, or `()` for none.
    pub fn value(&mut self, node: Option<Node<'static>>) -> Dynamic {
        match node {
            Some(node) => Dynamic::from(self.handle(node)),
            None => Dynamic::UNIT,
        }
    }

    /// The node behind a handle of this call.
    pub fn node(&self, handle: &ScriptNode) -> Result<Node<'static>, Box<EvalAltResult>> {
        if handle.generation != self.generation {
            return Err(
                "a node was kept from another match; nodes live for one script call".into(),
            );
        }
        Ok(self.nodes[handle.index as usize])
    }
}

/// The node behind `handle`, with the context, for an API function.
pub(super) fn with_node<R>(
    handle: &ScriptNode,
    f: impl FnOnce(&mut Context, Node<'static>) -> R,
) -> Result<R, Box<EvalAltResult>> {
    with(|context| context.node(handle).map(|node| f(context, node)))?
}

/// A match installed as the current context, until dropped.
pub(super) struct Installed {
    names: Vec<(String, Option<Node<'static>>)>,
}

impl Installed {
    pub fn new(input: Input) -> Installed {
        let generation = GENERATION.with(|g| {
            g.set(g.get() + 1);
            g.get()
        });
        // SAFETY: the context holds these borrows only until `Installed` is dropped, which
        // happens before `input`'s borrows end (the guard lives in the caller's frame, which
        // holds `input`'s referents). Node handles are checked against the generation, so a
        // handle that outlives its call cannot reach a node of a freed tree.
        let context = unsafe {
            Context {
                generation,
                text: std::mem::transmute::<&str, &'static str>(input.text),
                root: std::mem::transmute::<Node<'_>, Node<'static>>(input.root),
                captures: std::mem::transmute::<
                    &[(&str, Node<'_>)],
                    &'static [(&'static str, Node<'static>)],
                >(input.captures),
                imports: input
                    .imports
                    .map(|i| std::mem::transmute::<&Imports, &'static Imports>(i)),
                target: input
                    .target
                    .map(|t| std::mem::transmute::<&str, &'static str>(t)),
                options: std::mem::transmute::<&[String], &'static [String]>(input.options),
                newline: input.newline,
                map: std::mem::transmute::<
                    &BTreeMap<String, String>,
                    &'static BTreeMap<String, String>,
                >(input.map),
                nodes: Vec::new(),
                output: Output::default(),
                withdrawn: false,
            }
        };
        let names = input
            .names
            .iter()
            .map(|name| {
                let node = context
                    .captures
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, node)| *node);
                (name.clone(), node)
            })
            .collect();
        CONTEXT.with(|cell| *cell.borrow_mut() = Some(context));
        Installed { names }
    }

    /// A scope with each capture as a variable: its first node, or `()`.
    pub fn scope(&self) -> Scope<'static> {
        let mut scope = Scope::new();
        for (name, node) in &self.names {
            let value = with(|context| context.value(*node)).unwrap_or(Dynamic::UNIT);
            scope.push_dynamic(name.as_str(), value);
        }
        scope
    }

    /// Ends the call and gives what the script asked for (`None` when a step withdrew the fix).
    pub fn finish(self) -> Option<Output> {
        let context = CONTEXT.with(|cell| cell.borrow_mut().take());
        drop(self);
        let mut context = context?;
        if context.withdrawn {
            return None;
        }
        context.output.edits.sort();
        Some(context.output)
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        CONTEXT.with(|cell| *cell.borrow_mut() = None);
    }
}
