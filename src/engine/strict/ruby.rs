//! Ruby's errors (and its overwritten-value warnings) that tree-sitter-ruby accepts, of the
//! kinds a fix could produce: a parameter name twice, a key twice in a hash or in a call's
//! keyword arguments (Ruby keeps the last value silently, which no fix should cause).

use tree_sitter::Node;

use super::{Violation, duplicates, named_children, text_of, walk};

pub const DUPLICATED_ARGUMENT: &str = "duplicated argument name";
pub const DUPLICATED_KEY: &str = "key is duplicated and overwritten";

pub fn check(root: Node, text: &str, found: &mut Vec<Violation>) {
    walk(
        root,
        (),
        |node, _| match node.kind() {
            "method_parameters" | "block_parameters" | "lambda_parameters" => duplicates(
                named_children(node)
                    .into_iter()
                    .filter_map(|p| Some((parameter_name(p, text)?, p)))
                    // Ruby allows `_`-prefixed names more than once.
                    .filter(|(name, _)| !name.starts_with('_')),
                DUPLICATED_ARGUMENT,
                found,
            ),
            "hash" | "argument_list" => {
                let keys: Vec<(String, Node)> = named_children(node)
                    .into_iter()
                    .filter(|p| p.kind() == "pair")
                    .filter_map(|p| Some((key(p, text)?, p)))
                    .collect();
                duplicates(
                    keys.iter().map(|(k, p)| (k.as_str(), *p)),
                    DUPLICATED_KEY,
                    found,
                )
            }
            _ => {}
        },
        |_, _, _| (),
    );
}

fn parameter_name<'a>(node: Node, text: &'a str) -> Option<&'a str> {
    match node.kind() {
        "identifier" => Some(text_of(node, text)),
        "optional_parameter"
        | "splat_parameter"
        | "hash_splat_parameter"
        | "block_parameter"
        | "keyword_parameter" => Some(text_of(node.child_by_field_name("name")?, text)),
        _ => None,
    }
}

/// A pair's key as a value, when it is a constant one: `a:`, `:a =>` and `"a":` are the
/// symbol `a`; `"a" =>` the string; `1 =>` the integer. Interpolated and computed keys: `None`.
fn key(pair: Node, text: &str) -> Option<String> {
    let key = pair.child_by_field_name("key")?;
    let mut cursor = pair.walk();
    let symbol_colon = pair.children(&mut cursor).any(|c| c.kind() == ":");
    let plain_string = |node: Node| -> Option<String> {
        let parts = named_children(node);
        match parts.as_slice() {
            [] => Some(String::new()),
            [content] if content.kind() == "string_content" => {
                Some(text_of(*content, text).to_string())
            }
            _ => None,
        }
    };
    Some(match key.kind() {
        "hash_key_symbol" | "identifier" | "constant" => format!(":{}", text_of(key, text)),
        "simple_symbol" => format!(":{}", text_of(key, text).trim_start_matches(':')),
        "string" if symbol_colon => format!(":{}", plain_string(key)?),
        "string" => format!("\"{}", plain_string(key)?),
        "integer" => format!("#{}", text_of(key, text)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::kinds;
    use super::*;

    fn ruby(source: &str) -> Vec<&'static str> {
        kinds("ruby", source)
    }

    #[test]
    fn duplicated_parameter_names() {
        for source in [
            "def m(a, b, a); end\n",
            "def m(a, a = 1); end\n",
            "def m(a, *a); end\n",
            "def m(a, **a); end\n",
            "def m(a, &a); end\n",
            "def m(a, a:); end\n",
            "x.each { |a, a| a }\n",
        ] {
            assert_eq!(ruby(source), [DUPLICATED_ARGUMENT], "{source}");
        }
        assert!(ruby("def m(a, b = 1, *c, d:, **e, &f); end\nx.each { |_, _| 1 }\n").is_empty());
    }

    #[test]
    fn duplicated_keys_in_a_hash_or_call() {
        for source in [
            "f(a: 1, a: 2)\n",
            "f a: 1, :a => 2\n",
            "h = { :a => 1, a: 2 }\n",
            "h = { \"s\" => 1, \"s\" => 2 }\n",
            "h = { \"s\": 1, s: 2 }\n",
            "validates :name, presence: true, presence: false\n",
        ] {
            assert_eq!(ruby(source), [DUPLICATED_KEY], "{source}");
        }
        assert!(
            ruby(concat!(
                "f(a: 1, b: 2)\nh = { \"a\" => 1, a: 2, \"#{x}\" => 1, \"#{x}\" => 2 }\n",
                "g(a: 1) { |x| h(a: x) }\nh = { 1 => :a, 2 => :a }\n",
            ))
            .is_empty()
        );
    }
}
