//! CPython's compile-time errors that tree-sitter-python accepts.

use tree_sitter::Node;

use super::{Violation, duplicates, named_children, text_of, walk};

pub const POSITIONAL_AFTER_KEYWORD: &str = "positional argument follows keyword argument";
pub const POSITIONAL_AFTER_UNPACKING: &str =
    "positional argument follows keyword argument unpacking";
pub const UNPACKING_AFTER_KEYWORD_UNPACKING: &str =
    "iterable argument unpacking follows keyword argument unpacking";
pub const REPEATED_KEYWORD: &str = "keyword argument repeated";
pub const DUPLICATE_PARAMETER: &str = "duplicate argument in function definition";
pub const RETURN_OUTSIDE_FUNCTION: &str = "'return' outside function";
pub const YIELD_OUTSIDE_FUNCTION: &str = "'yield' outside function";
pub const AWAIT_OUTSIDE_ASYNC: &str = "'await' outside async function";
pub const BREAK_OUTSIDE_LOOP: &str = "'break' outside loop";
pub const CONTINUE_OUTSIDE_LOOP: &str = "'continue' not properly in loop";
pub const NONLOCAL_AT_MODULE_LEVEL: &str = "nonlocal declaration not allowed at module level";
pub const ASSIGN_TO_LITERAL_OR_CALL: &str = "cannot assign to (or delete) a literal or call";

/// The innermost scope a statement is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
}

#[derive(Clone, Copy)]
struct Context {
    scope: Scope,
    /// Any enclosing `def`, through classes.
    in_function: bool,
    /// In a loop's body, within the same function.
    in_loop: bool,
}

pub fn check(root: Node, text: &str, found: &mut Vec<Violation>) {
    let start = Context {
        scope: Scope::Module,
        in_function: false,
        in_loop: false,
    };
    walk(
        root,
        start,
        |node, context| visit(node, text, context, found),
        |parent, context, field| {
            let mut context = *context;
            // A loop's body is in it; its `else:` is in whatever loop the statement itself is.
            if matches!(parent.kind(), "for_statement" | "while_statement") {
                context.in_loop |= field == Some("body");
            }
            context
        },
    );
}

/// Checks `node` and returns its children's context.
fn visit(node: Node, text: &str, context: &Context, found: &mut Vec<Violation>) -> Context {
    let mut at = |kind| {
        found.push(Violation {
            kind,
            offset: node.start_byte(),
        })
    };
    match node.kind() {
        "argument_list" => arguments(node, text, found),
        "parameters" | "lambda_parameters" => duplicates(
            named_children(node)
                .into_iter()
                .filter_map(|p| parameter_name(p, text).map(|n| (n, p))),
            DUPLICATE_PARAMETER,
            found,
        ),
        "return_statement" if !matches!(context.scope, Scope::Function { .. }) => {
            at(RETURN_OUTSIDE_FUNCTION)
        }
        "yield" if !matches!(context.scope, Scope::Function { .. } | Scope::Lambda) => {
            at(YIELD_OUTSIDE_FUNCTION)
        }
        "await" if context.scope != (Scope::Function { is_async: true }) => at(AWAIT_OUTSIDE_ASYNC),
        "break_statement" if !context.in_loop => at(BREAK_OUTSIDE_LOOP),
        "continue_statement" if !context.in_loop => at(CONTINUE_OUTSIDE_LOOP),
        "nonlocal_statement" if !context.in_function => at(NONLOCAL_AT_MODULE_LEVEL),
        "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
            if let Some(left) = node.child_by_field_name("left") {
                targets(left, found);
            }
        }
        "delete_statement" | "as_pattern_target" => {
            for child in named_children(node) {
                targets(child, found);
            }
        }
        _ => {}
    }
    let mut inner = *context;
    match node.kind() {
        "function_definition" => {
            let mut cursor = node.walk();
            let is_async = node.children(&mut cursor).any(|c| c.kind() == "async");
            inner.scope = Scope::Function { is_async };
            inner.in_function = true;
            inner.in_loop = false;
        }
        "lambda" => {
            inner.scope = Scope::Lambda;
            inner.in_loop = false;
        }
        "class_definition" => {
            inner.scope = Scope::Class;
            inner.in_loop = false;
        }
        _ => {}
    }
    inner
}

/// The order CPython requires in a call: positional and `*x` arguments, then keyword and
/// `**x` ones (`*x` may still follow a keyword, not a `**x`); and no keyword twice.
fn arguments(node: Node, text: &str, found: &mut Vec<Violation>) {
    let (mut keyword, mut unpacking) = (false, false);
    let mut names = Vec::new();
    for argument in named_children(node) {
        let offset = argument.start_byte();
        let mut at = |kind| found.push(Violation { kind, offset });
        match argument.kind() {
            "keyword_argument" => {
                keyword = true;
                if let Some(name) = argument.child_by_field_name("name") {
                    names.push((text_of(name, text), argument));
                }
            }
            "dictionary_splat" => unpacking = true,
            "list_splat" if unpacking => at(UNPACKING_AFTER_KEYWORD_UNPACKING),
            "list_splat" => {}
            _ if unpacking => at(POSITIONAL_AFTER_UNPACKING),
            _ if keyword => at(POSITIONAL_AFTER_KEYWORD),
            _ => {}
        }
    }
    duplicates(names, REPEATED_KEYWORD, found);
}

/// The name a parameter binds, in any of its forms (`a`, `a=1`, `a: int`, `*a`, `**a`).
fn parameter_name<'a>(node: Node, text: &'a str) -> Option<&'a str> {
    match node.kind() {
        "identifier" => Some(text_of(node, text)),
        "default_parameter" | "typed_default_parameter" => {
            parameter_name(node.child_by_field_name("name")?, text)
        }
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
            parameter_name(*named_children(node).first()?, text)
        }
        _ => None,
    }
}

/// Flags a literal or a call where a name to bind (or delete) belongs, looking into tuples and
/// lists of targets.
fn targets(node: Node, found: &mut Vec<Violation>) {
    match node.kind() {
        "call"
        | "integer"
        | "float"
        | "string"
        | "concatenated_string"
        | "true"
        | "false"
        | "none"
        | "ellipsis" => found.push(Violation {
            kind: ASSIGN_TO_LITERAL_OR_CALL,
            offset: node.start_byte(),
        }),
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "tuple"
        | "list"
        | "expression_list"
        | "parenthesized_expression" => {
            for child in named_children(node) {
                targets(child, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::kinds;
    use super::*;

    fn python(source: &str) -> Vec<&'static str> {
        kinds("python", source)
    }

    /// Each error kind: code CPython rejects, which tree-sitter parses cleanly, and look-alikes
    /// that are fine.
    #[test]
    fn argument_order() {
        assert_eq!(python("f(null=True, \"x\")\n"), [POSITIONAL_AFTER_KEYWORD]);
        assert_eq!(python("f(**kw, x)\n"), [POSITIONAL_AFTER_UNPACKING]);
        assert_eq!(
            python("f(**kw, *args)\n"),
            [UNPACKING_AFTER_KEYWORD_UNPACKING]
        );
        assert_eq!(
            python("class C(Base, metaclass=M, Other): pass\n"),
            [POSITIONAL_AFTER_KEYWORD]
        );
        assert!(
            python("f(x, *a, k=1, *b, **kw, j=2)\nf(x for x in y)\nf(a, # note\n  b=1)\n")
                .is_empty()
        );
    }

    #[test]
    fn repeated_keyword_argument() {
        assert_eq!(python("f(a=1, b=2, a=3)\n"), [REPEATED_KEYWORD]);
        assert!(python("f(a=1, b=2)\ng(a=1)\nf(a=1, **{'a': 2})\n").is_empty());
    }

    #[test]
    fn duplicate_parameters() {
        for source in [
            "def g(a, b, a): pass\n",
            "def g(a, b=1, *, a=2): pass\n",
            "def g(a: int, *a): pass\n",
            "def g(a, **a): pass\n",
            "def g(a, /, a): pass\n",
            "lambda x, x: 1\n",
        ] {
            assert_eq!(python(source), [DUPLICATE_PARAMETER], "{source}");
        }
        assert!(
            python("def g(a, b=1, *args, c: int = 2, **kw): pass\ndef h(a): pass\n").is_empty()
        );
    }

    #[test]
    fn statements_outside_their_scope() {
        assert_eq!(python("return 1\n"), [RETURN_OUTSIDE_FUNCTION]);
        assert_eq!(
            python("class C:\n    return 1\n"),
            [RETURN_OUTSIDE_FUNCTION]
        );
        assert_eq!(python("x = yield 2\n"), [YIELD_OUTSIDE_FUNCTION]);
        assert_eq!(python("await x\n"), [AWAIT_OUTSIDE_ASYNC]);
        assert_eq!(python("def f():\n    await x\n"), [AWAIT_OUTSIDE_ASYNC]);
        assert_eq!(
            python("async def f():\n    g(lambda: await x)\n"),
            [AWAIT_OUTSIDE_ASYNC]
        );
        assert_eq!(python("break\n"), [BREAK_OUTSIDE_LOOP]);
        assert_eq!(
            python("for x in y:\n    def f():\n        continue\n"),
            [CONTINUE_OUTSIDE_LOOP]
        );
        assert_eq!(
            python("for x in y:\n    pass\nelse:\n    break\n"),
            [BREAK_OUTSIDE_LOOP]
        );
        assert!(
            python("while a:\n    for x in y:\n        pass\n    else:\n        break\n")
                .is_empty()
        );
        assert_eq!(python("nonlocal q\n"), [NONLOCAL_AT_MODULE_LEVEL]);
        assert!(
            python(concat!(
                "def f():\n    x = 1\n    def g():\n        nonlocal x\n        return x\n",
                "    yield x\n    return lambda: (yield)\n",
                "async def h():\n    await x\n    [await y for y in z]\n",
                "    async with a as b:\n        await b\n",
                "while True:\n    for x in y:\n        if x:\n            break\n    continue\n",
            ))
            .is_empty()
        );
    }

    #[test]
    fn assignment_to_a_literal_or_call() {
        for source in [
            "with open(p) as f(): pass\n",
            "del f()\n",
            "del a, 1\n",
            "with a as (b, 'c'): pass\n",
        ] {
            assert_eq!(python(source), [ASSIGN_TO_LITERAL_OR_CALL], "{source}");
        }
        assert!(
            python(concat!(
                "x = f()\na.b = 1\na[f()] = 2\nx, y = 1, 2\nfor a, b in c: pass\n",
                "with open(p) as f: pass\ndel a[f()], b.c\nx += g()\n",
            ))
            .is_empty()
        );
    }

    #[test]
    fn the_checks_agree_with_cpython_where_it_is_installed() {
        // Every snippet above that the checks flag, CPython rejects, and the reverse.
        let Ok(status) = std::process::Command::new("python3")
            .arg("--version")
            .output()
        else {
            return;
        };
        if !status.status.success() {
            return;
        }
        for (source, rejected) in [
            ("f(null=True, \"x\")\n", true),
            ("f(a=1, b=2, a=3)\n", true),
            ("def g(a, b, a): pass\n", true),
            ("return 1\n", true),
            ("break\n", true),
            ("nonlocal q\n", true),
            ("del f()\n", true),
            ("async def f():\n    g(lambda: await x)\n", true),
            ("f(x, *a, k=1, *b, **kw, j=2)\n", false),
            ("def f():\n    return lambda: (yield)\n", false),
        ] {
            let output = std::process::Command::new("python3")
                .args([
                    "-c",
                    "import sys; compile(sys.argv[1], 'x', 'exec')",
                    source,
                ])
                .output()
                .unwrap();
            assert_eq!(!output.status.success(), rejected, "{source}");
            assert_eq!(!python(source).is_empty(), rejected, "{source}");
        }
    }
}
