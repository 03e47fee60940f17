//! A rule's script as compiled: the Rhai source of a `where: - script:` condition or a
//! `fix: - script:` step, with the pack's library of functions (`rules/<pack>/*.rhai`).
//!
//! The API scripts call is in `engine::script`; this module only turns text into a program and
//! says where a mistake is. A built-in rule's script is compiled when first run (the test suite
//! compiles them all), a user's when it is loaded, as queries are.

use std::sync::{Arc, OnceLock};

use rhai::AST;

use crate::engine::script as api;

/// The functions a pack's `*.rhai` files define, shared by its rules' scripts.
#[derive(Debug)]
pub struct Library {
    /// The files it was read from, for messages.
    pub paths: Vec<String>,
    /// (path, text) of each file, compiled when first needed.
    files: Vec<(String, String)>,
    ast: OnceLock<AST>,
    /// The files' text, to tell what the functions use.
    text: String,
    /// A hash of the files' text: part of each rule's [`fingerprint`](super::compile::Rule::fingerprint).
    pub fingerprint: u64,
}

impl Library {
    /// Compiles a pack's library files: (path, text) each. Only their `fn` definitions count.
    pub fn compile(files: &[(String, String)]) -> Result<Library, (String, ScriptError)> {
        let library = Library::lazy(files);
        let ast = library.build()?;
        let _ = library.ast.set(ast);
        Ok(library)
    }

    /// A library compiled when a script first runs with it: the built-in packs' (the test
    /// suite compiles them all), so a run whose files need no script does not pay for them.
    pub fn lazy(files: &[(String, String)]) -> Library {
        let text: String = files.iter().map(|(_, t)| t.as_str()).collect();
        Library {
            paths: files.iter().map(|(p, _)| p.clone()).collect(),
            files: files.to_vec(),
            ast: OnceLock::new(),
            fingerprint: crate::fingerprint::content_hash(
                crate::fingerprint::SEED,
                text.as_bytes(),
            ),
            text,
        }
    }

    fn build(&self) -> Result<AST, (String, ScriptError)> {
        let mut ast = AST::empty();
        for (path, text) in &self.files {
            let file = api::engine()
                .compile(text)
                .map_err(|err| (path.clone(), ScriptError::from(err)))?;
            ast = ast.merge(&file.clone_functions_only());
        }
        Ok(ast)
    }

    /// The compiled functions.
    pub fn ast(&self) -> &AST {
        self.ast.get_or_init(|| {
            self.build()
                .unwrap_or_else(|err| panic!("a built-in script library does not compile: {err:?}"))
        })
    }
}

/// A compile error in a script: 1-based line and column within the script's text.
#[derive(Debug, Clone)]
pub struct ScriptError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl From<rhai::ParseError> for ScriptError {
    fn from(err: rhai::ParseError) -> Self {
        let position = err.position();
        ScriptError {
            line: position.line().unwrap_or(0),
            column: position.position().unwrap_or(0),
            message: err.err_type().to_string(),
        }
    }
}

/// A script ready to run.
#[derive(Debug)]
pub struct Script {
    pub source: String,
    /// The query's capture names: the script's variables.
    pub names: Vec<String>,
    library: Option<Arc<Library>>,
    ast: OnceLock<AST>,
    /// The script reads the run's target (`target()`, `target_at_least`).
    pub uses_target: bool,
    /// The script reads or changes imports.
    pub uses_imports: bool,
}

/// API functions that read or change the file's imports.
const IMPORT_FUNCTIONS: &[&str] = &[
    "refers_to(",
    "resolve(",
    "file_imports(",
    "binding(",
    "add_import(",
    "remove_import(",
    "move_import(",
];

impl Script {
    /// A script over a query with capture `names`; compiled now when `check`, so that its
    /// errors are reported at load.
    pub fn new(
        source: &str,
        names: Vec<String>,
        library: Option<Arc<Library>>,
        check: bool,
    ) -> Result<Script, ScriptError> {
        let mentions = |text: &str| IMPORT_FUNCTIONS.iter().any(|f| text.contains(f));
        let script = Script {
            source: source.to_string(),
            uses_target: source.contains("target(") || source.contains("target_at_least("),
            uses_imports: mentions(source) || library.as_ref().is_some_and(|l| mentions(&l.text)),
            names,
            library,
            ast: OnceLock::new(),
        };
        if check {
            let ast = script.compile()?;
            let _ = script.ast.set(ast);
        }
        Ok(script)
    }

    fn compile(&self) -> Result<AST, ScriptError> {
        let scope = api::scope_for(&self.names);
        let ast = api::engine().compile_with_scope(&scope, &self.source)?;
        Ok(match &self.library {
            Some(library) => library.ast().merge(&ast),
            None => ast,
        })
    }

    /// The compiled program.
    pub fn ast(&self) -> &AST {
        self.ast.get_or_init(|| {
            self.compile()
                .unwrap_or_else(|err| panic!("a built-in script does not compile: {err:?}"))
        })
    }
}
