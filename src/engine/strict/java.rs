//! javac's errors that tree-sitter-java accepts, of the kinds a fix could produce: an import
//! of a simple name already imported from elsewhere or declared in the file, a repeated
//! annotation element, a repeated modifier.

use std::collections::HashMap;

use tree_sitter::Node;

use super::{Violation, duplicates, named_children, text_of, walk};

pub const IMPORT_CLASH: &str = "a type with the same simple name is already imported or defined";
pub const DUPLICATE_ELEMENT: &str = "duplicate element in annotation";
pub const REPEATED_MODIFIER: &str = "repeated modifier";

pub fn check(root: Node, text: &str, found: &mut Vec<Violation>) {
    imports(root, text, found);
    walk(
        root,
        (),
        |node, _| match node.kind() {
            "annotation_argument_list" => duplicates(
                named_children(node)
                    .into_iter()
                    .filter(|p| p.kind() == "element_value_pair")
                    .filter_map(|p| Some((text_of(p.child_by_field_name("key")?, text), p))),
                DUPLICATE_ELEMENT,
                found,
            ),
            "modifiers" => {
                let mut cursor = node.walk();
                let keywords: Vec<Node> = node
                    .children(&mut cursor)
                    .filter(|c| !c.kind().contains("annotation") && !c.is_extra())
                    .collect();
                duplicates(
                    keywords.into_iter().map(|k| (text_of(k, text), k)),
                    REPEATED_MODIFIER,
                    found,
                )
            }
            _ => {}
        },
        |_, _, _| (),
    );
}

/// Single-type imports (`import a.b.List;`, not static, not `.*`): two of one simple name from
/// different places clash, and so does one naming a type the file declares at its top level.
/// The same import twice is allowed.
fn imports(root: Node, text: &str, found: &mut Vec<Violation>) {
    let mut declared: HashMap<&str, String> = HashMap::new();
    let children = named_children(root);
    for node in &children {
        if node.kind().ends_with("_declaration")
            && node.kind() != "import_declaration"
            && node.kind() != "package_declaration"
            && let Some(name) = node.child_by_field_name("name")
        {
            declared.insert(text_of(name, text), String::new());
        }
    }
    for node in children.iter().filter(|n| n.kind() == "import_declaration") {
        let mut cursor = node.walk();
        let parts: Vec<Node> = node.children(&mut cursor).collect();
        if parts
            .iter()
            .any(|p| matches!(p.kind(), "static" | "asterisk"))
        {
            continue;
        }
        let Some(path) = parts.iter().find(|p| p.kind() == "scoped_identifier") else {
            continue;
        };
        let Some(simple) = path.child_by_field_name("name") else {
            continue;
        };
        let full: String = text_of(*path, text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        match declared.get(text_of(simple, text)) {
            Some(other) if *other != full => found.push(Violation {
                kind: IMPORT_CLASH,
                offset: node.start_byte(),
            }),
            Some(_) => {}
            None => {
                declared.insert(text_of(simple, text), full);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::kinds;
    use super::*;

    fn java(source: &str) -> Vec<&'static str> {
        kinds("java", source)
    }

    #[test]
    fn imports_of_one_simple_name_from_two_places_clash() {
        assert_eq!(
            java("import java.util.List;\nimport java.awt.List;\nclass A {}\n"),
            [IMPORT_CLASH]
        );
        assert_eq!(
            java("import org.x.Service;\nclass Service {}\n"),
            [IMPORT_CLASH]
        );
        assert!(
            java(concat!(
                "import java.util.List;\nimport java.util.List;\nimport java.awt.*;\n",
                "import static org.junit.Assert.assertEquals;\n",
                "import static org.hamcrest.MatcherAssert.assertEquals;\n",
                "import java.util.Map;\nclass A {}\n",
            ))
            .is_empty()
        );
    }

    #[test]
    fn a_repeated_annotation_element_or_modifier() {
        assert_eq!(
            java("@RequestMapping(value = \"/a\", value = \"/b\")\nclass A {}\n"),
            [DUPLICATE_ELEMENT]
        );
        assert_eq!(
            java("class A { public static public void f() {} }\n"),
            [REPEATED_MODIFIER]
        );
        assert!(
            java("@A(value = \"/a\", method = GET)\n@B @B public final class A { @C private static int x; }\n")
                .is_empty()
        );
    }

    #[test]
    fn the_checks_agree_with_javac_where_it_is_installed() {
        if std::process::Command::new("javac")
            .arg("-version")
            .output()
            .is_err()
        {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        for (source, rejected) in [
            (
                "import java.util.List;\nimport java.awt.List;\nclass A {}\n",
                true,
            ),
            (
                "import java.util.List;\nimport java.util.List;\nclass A {}\n",
                false,
            ),
            (
                "@SuppressWarnings(value = \"a\", value = \"b\")\nclass A {}\n",
                true,
            ),
            ("class A { public static public void f() {} }\n", true),
        ] {
            let file = dir.path().join("A.java");
            std::fs::write(&file, source).unwrap();
            let status = std::process::Command::new("javac")
                .args(["-d"])
                .arg(dir.path())
                .arg(&file)
                .output()
                .unwrap()
                .status;
            assert_eq!(!status.success(), rejected, "{source}");
            assert_eq!(!java(source).is_empty(), rejected, "{source}");
        }
    }
}
