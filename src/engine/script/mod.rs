//! Rule scripts: small [Rhai](https://rhai.rs) programs that decide what a query alone cannot
//! (a `where: - script:` condition) and build fixes that fixed steps cannot (a `fix: - script:`
//! step): reordering arguments, folding several statements into one, removing a version branch
//! and re-indenting its body, rewriting the inside of a string.
//!
//! A script sees the match through a small, read-only API over the syntax tree ([`node`]), the
//! file's imports and the run's target, and answers with edits and import changes ([`edits`]),
//! which join the fix like any other step's: verified, applied together or not at all.
//! Text, regex and version helpers live in [`text`].
//!
//! Scripts cannot reach the clock or the network, nor the file system beyond reading the files
//! of the checked file's project ([`crate::engine::project`]), and each call is bounded
//! (operations, string and array sizes, call depth): a runaway script is an error on that match,
//! never a hung run. Errors at run time withdraw the fix (or fail the condition) and are
//! collected, so `upshift test` and the fixture harness fail on them ([`take_errors`]).

mod context;
mod edits;
mod node;
mod text;

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use rhai::{Dynamic, Engine, Scope};
use tree_sitter::Node;

pub use context::Input;
use context::Installed;

use super::edit::{Edit, ImportChange};

/// What a fix script asks for.
#[derive(Debug, Default)]
pub struct Output {
    pub edits: Vec<Edit>,
    pub imports: Vec<ImportChange>,
    /// The script marked this fix as one that may change behaviour.
    pub unsafe_fix: bool,
    /// Files to create (relative path as for the `create_file` step, text).
    pub creates: Vec<(String, String)>,
}

/// Limits on one script call.
const MAX_OPERATIONS: u64 = 5_000_000;
const MAX_STRING: usize = 16 * 1024 * 1024;
const MAX_ARRAY: usize = 1_000_000;

/// The engine every script is compiled and run with, with the API registered.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut engine = Engine::new();
        engine
            .set_max_operations(MAX_OPERATIONS)
            .set_max_string_size(MAX_STRING)
            .set_max_array_size(MAX_ARRAY)
            .set_max_map_size(MAX_ARRAY)
            .set_max_call_levels(64)
            .set_max_expr_depths(128, 64)
            .set_strict_variables(true)
            .set_fail_on_invalid_map_property(true);
        // A rule's script writes nothing to the terminal: upshift's output is its own.
        engine.on_print(|_| {});
        engine.on_debug(|_, _, _| {});
        node::register(&mut engine);
        edits::register(&mut engine);
        text::register(&mut engine);
        engine
    })
}

/// A scope holding each capture name as a variable (its first node, or `()` when the match
/// does not bind it). At compile time the names are enough for strict variable checks.
pub fn scope_for(names: &[String]) -> Scope<'static> {
    let mut scope = Scope::new();
    for name in names {
        scope.push_dynamic(name.as_str(), Dynamic::UNIT);
    }
    scope
}

/// Runs a condition script on a match: `true` when it holds. An error counts as `false` and
/// is recorded.
pub fn condition(rule: &str, ast: &rhai::AST, input: Input) -> bool {
    let installed = Installed::new(input);
    let mut scope = installed.scope();
    match engine().eval_ast_with_scope::<Dynamic>(&mut scope, ast) {
        Ok(value) => match value.as_bool() {
            Ok(holds) => holds,
            Err(kind) => {
                record(
                    rule,
                    format!("a condition script must give a bool, not {kind}"),
                );
                false
            }
        },
        Err(err) => {
            record(rule, err.to_string());
            false
        }
    }
}

/// Runs a fix script on a match. `None` when the script gives `false` or fails (the error is
/// recorded); a script may also ask for nothing, leaving the fix to its other steps.
pub fn fix(rule: &str, ast: &rhai::AST, input: Input) -> Option<Output> {
    let installed = Installed::new(input);
    let mut scope = installed.scope();
    let result = engine().eval_ast_with_scope::<Dynamic>(&mut scope, ast);
    let output = installed.finish();
    match result {
        Ok(value) if value.as_bool() == Ok(false) => None,
        Ok(_) => output,
        Err(err) => {
            record(rule, err.to_string());
            None
        }
    }
}

/// Script errors seen at run time: (rule id, message), the first few of each rule.
static ERRORS: Mutex<BTreeMap<String, Vec<String>>> = Mutex::new(BTreeMap::new());

fn record(rule: &str, message: String) {
    let mut errors = ERRORS.lock().unwrap_or_else(|e| e.into_inner());
    let list = errors.entry(rule.to_string()).or_default();
    if list.len() < 3 && !list.contains(&message) {
        list.push(message);
    }
}

/// Takes the script errors recorded so far for one rule.
pub fn take_errors_of(rule: &str) -> Vec<String> {
    ERRORS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(rule)
        .unwrap_or_default()
}

/// Takes the script errors recorded so far: rule id -> messages.
pub fn take_errors() -> BTreeMap<String, Vec<String>> {
    std::mem::take(&mut *ERRORS.lock().unwrap_or_else(|e| e.into_inner()))
}

/// The captures of a match, as the script API sees them.
pub type Captures<'a, 't> = &'a [(&'a str, Node<'t>)];

#[cfg(test)]
mod tests;
