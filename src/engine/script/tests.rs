//! Scripts run through the whole engine: a rule file is loaded from a temporary folder, a
//! source text is fixed with it, and the result is compared.

use std::path::Path;

use crate::engine::source::Source;
use crate::engine::{self, FileStatus, FixMode, Options};
use crate::language;
use crate::rules::{RuleSet, Selection, Selector, Target};

/// Loads `rule` (the YAML text of `test/<name>.yml`) and, when given, `library` as
/// `test/lib.rhai`.
fn load(name: &str, rule: &str, library: Option<&str>) -> Result<RuleSet, String> {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("test");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(pack.join(format!("{name}.yml")), rule).unwrap();
    if let Some(library) = library {
        std::fs::write(pack.join("lib.rhai"), library).unwrap();
    }
    RuleSet::load_from(false, &[dir.path().to_path_buf()]).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// (finding count, fixed text) of `text` (a file `case.<ext>`) under every rule of `set`.
fn run(set: &RuleSet, ext: &str, text: &str, target: Option<&str>) -> (usize, String) {
    let selection = Selection {
        select: vec![Selector::parse("test").unwrap()],
        targets: target
            .iter()
            .map(|t| t.parse::<Target>().unwrap())
            .collect(),
        ..Selection::default()
    };
    let plan = engine::plan::Plan::new(set, &selection);
    let path = format!("case.{ext}");
    let language = language::for_path(Path::new(&path)).unwrap();
    let source = Source::decode(Path::new(&path), text.as_bytes().to_vec(), u64::MAX).unwrap();
    let check = engine::process_source(&plan, source.clone(), language.id, &Options::default());
    let FileStatus::Analyzed(checked) = check.status else {
        panic!("skipped")
    };
    let fixing = Options {
        fix: Some(FixMode { unsafe_fixes: true }),
        ..Options::default()
    };
    let FileStatus::Analyzed(fixed) =
        engine::process_source(&plan, source, language.id, &fixing).status
    else {
        panic!("skipped while fixing")
    };
    (checked.findings.len(), fixed.text)
}

fn rule(query: &str, rest: &str) -> String {
    format!(
        "id: test/r\nlanguage: python\nmessage: m\nseverity: warning\ndocs: https://example.com\nquery: |\n  {query}\n{rest}"
    )
}

#[test]
fn a_fix_script_reorders_call_arguments() {
    let set = load(
        "r",
        &rule(
            "(call function: (identifier) @fn arguments: (argument_list) @args (#eq? @fn \"pair\"))",
            "fix:\n  - script: |\n      let items = args.children;\n      if items.len() != 2 || items[0].text < items[1].text { return false; }\n      replace(items[0], items[1].text);\n      replace(items[1], items[0].text);\nsafety: safe\n",
        ),
        None,
    )
    .unwrap();
    let (found, fixed) = run(&set, "py", "pair(b, a)\npair(x)\nother(b, a)\n", None);
    assert_eq!(found, 2);
    assert_eq!(fixed, "pair(a, b)\npair(x)\nother(b, a)\n");
}

#[test]
fn a_condition_script_filters_matches() {
    let set = load(
        "r",
        &rule(
            "(call function: (identifier) @fn (#eq? @fn \"f\")) @match",
            "where:\n  - script: capture(\"match\").field(\"arguments\").child_count > 1\n",
        ),
        None,
    )
    .unwrap();
    assert_eq!(run(&set, "py", "f(1)\nf(1, 2)\nf(1, 2, 3)\n", None).0, 2);
}

#[test]
fn a_script_sees_the_tree_around_the_match() {
    // Remove an `if` whose test is `True`, keeping its body dedented.
    let set = load(
        "r",
        &rule(
            "(if_statement condition: (true) consequence: (block) @body) @stmt",
            "fix:\n  - script: |\n      if stmt.field(\"alternative\") != () { return false; }\n      let width = body.column - stmt.column;\n      let text = dedent(body.text, width);\n      replace(stmt, text);\nsafety: safe\n",
        ),
        None,
    )
    .unwrap();
    let text =
        "def f():\n    if True:\n        a = 1\n        if x:\n            b = 2\n    return a\n";
    let (_, fixed) = run(&set, "py", text, None);
    assert_eq!(
        fixed,
        "def f():\n    a = 1\n    if x:\n        b = 2\n    return a\n"
    );
}

#[test]
fn import_steps_from_a_script_join_the_fix() {
    let set = load(
        "r",
        &rule(
            "(call function: (identifier) @fn (#eq? @fn \"urlquote\"))",
            "where:\n  - script: capture(\"fn\").refers_to(\"django.utils.http.urlquote\")\nfix:\n  - script: |\n      replace(capture(\"fn\"), \"quote\");\n      add_import(\"urllib.parse.quote\");\n      remove_import(\"django.utils.http.urlquote\");\nsafety: unsafe\n",
        ),
        None,
    )
    .unwrap();
    let text = "from django.utils.http import urlquote\n\nurlquote(x)\n";
    let (found, fixed) = run(&set, "py", text, None);
    assert_eq!(found, 1);
    assert_eq!(fixed, "from urllib.parse import quote\n\nquote(x)\n");
    // A project's own `urlquote` is not the imported one.
    assert_eq!(
        run(&set, "py", "def urlquote(x): ...\nurlquote(x)\n", None).0,
        0
    );
}

#[test]
fn the_pack_library_and_the_target_are_available() {
    let set = load(
        "r",
        "id: test/r\nlanguage: python\nmessage: m\nseverity: warning\ndocs: https://example.com\nframework: django\nquery: |\n  ((identifier) @name (#eq? @name \"old\"))\nfix:\n  - script: |\n      if !target_at_least(\"4.0\") { return false; }\n      replace(name, lib_new_name(target()));\nsafety: safe\n",
        Some("fn lib_new_name(version) { version.replace(\".\", \"_\"); \"new_\" + version }\n"),
    )
    .unwrap();
    assert_eq!(run(&set, "py", "old\n", Some("django@4.2")).1, "new_4_2\n");
    assert_eq!(run(&set, "py", "old\n", Some("django@3.2")).1, "old\n");
    assert_eq!(run(&set, "py", "old\n", None).1, "old\n");
}

#[test]
fn regexes_and_sources_work_on_the_file_text() {
    let set = load(
        "r",
        &rule(
            "(string) @s",
            "fix:\n  - script: |\n      let parts = re_find(\"^'(.*)'$\", s.text);\n      if parts == () { return false; }\n      replace(s, \"\\\"\" + parts[1] + \"\\\"\");\nsafety: safe\n",
        ),
        None,
    )
    .unwrap();
    assert_eq!(
        run(&set, "py", "x = 'é'\ny = \"k\"\n", None).1,
        "x = \"é\"\ny = \"k\"\n"
    );
}

#[test]
fn script_mistakes_are_load_errors_with_their_line() {
    let err = load(
        "r",
        &rule(
            "(identifier) @name",
            "fix:\n  - script: |\n      let a = 1;\n      replace(nam, \"x\");\nsafety: safe\n",
        ),
        None,
    )
    .unwrap_err();
    assert!(err.contains("r.yml:11:"), "{err}");
    assert!(err.contains("script does not compile"), "{err}");
    assert!(err.contains("nam"), "{err}");
    let err = load(
        "r",
        &rule(
            "(identifier) @name",
            "fix:\n  - script: replace(name,\nsafety: safe\n",
        ),
        None,
    )
    .unwrap_err();
    assert!(err.contains("script does not compile"), "{err}");
    let err = load("r", &rule("(identifier) @n", ""), Some("fn broken( {")).unwrap_err();
    assert!(err.contains("lib.rhai:1:"), "{err}");
}

#[test]
fn run_time_errors_withdraw_the_fix_and_are_recorded() {
    let set = load(
        "r",
        &rule(
            "((identifier) @name (#eq? @name \"boom\"))",
            "fix:\n  - script: |\n      let n = name.child(0);\n      replace(n, \"x\");\nsafety: safe\n",
        ),
        None,
    )
    .unwrap();
    super::take_errors();
    assert_eq!(run(&set, "py", "boom\n", None).1, "boom\n");
    let errors = super::take_errors();
    assert!(errors.contains_key("test/r"), "{errors:?}");
}

#[test]
fn a_runaway_script_is_stopped() {
    let set = load(
        "r",
        &rule(
            "((identifier) @name (#eq? @name \"spin\"))",
            "where:\n  - script: |\n      let i = 0;\n      loop { i += 1; }\n",
        ),
        None,
    )
    .unwrap();
    super::take_errors();
    assert_eq!(run(&set, "py", "spin\n", None).0, 0);
    let errors = super::take_errors();
    let messages = errors.get("test/r").cloned().unwrap_or_default().join(" ");
    assert!(messages.contains("operations"), "{messages}");
}

#[test]
fn a_script_can_mark_its_fix_unsafe() {
    let set = load(
        "r",
        &rule(
            "((identifier) @name (#any-of? @name \"a\" \"b\"))",
            "fix:\n  - script: |\n      if name.text == \"b\" { mark_unsafe(); }\n      replace(name, name.text + \"2\");\nsafety: safe\n",
        ),
        None,
    )
    .unwrap();
    let fixed = fix_python(&set, "c.py", b"a\nb\n", false);
    assert_eq!(fixed.text, "a2\nb\n");
}

#[test]
fn a_fix_script_can_create_a_file_beside_the_matched_one() {
    let set = load(
        "r",
        &rule(
            "((identifier) @name (#eq? @name \"a\"))",
            "fix:\n  - script: |\n      create_file(\"pkg/\" + name.text + \"_extra.py\", \"x = 1\\n\");\n      replace(name, \"b\");\nsafety: safe\n",
        ),
        None,
    )
    .unwrap();
    let fixed = fix_python(&set, "src/pkg/c.py", b"a\n", true);
    assert_eq!(fixed.text, "b\n");
    assert_eq!(
        fixed.creates,
        vec![(
            Path::new("src/pkg/a_extra.py").to_path_buf(),
            "x = 1\n".to_string()
        )]
    );
}

#[test]
fn a_fix_script_cannot_create_a_file_outside_its_folders() {
    let set = load(
        "r",
        &rule(
            "((identifier) @name (#eq? @name \"a\"))",
            "fix:\n  - script: |\n      create_file(\"../x.py\", \"x = 1\\n\");\n      replace(name, \"b\");\nsafety: safe\n",
        ),
        None,
    )
    .unwrap();
    super::take_errors();
    assert_eq!(run(&set, "py", "a\n", None).1, "a\n");
    let errors = super::take_errors();
    let messages = errors.get("test/r").cloned().unwrap_or_default().join(" ");
    assert!(messages.contains("create_file"), "{messages}");
}

#[test]
fn the_documented_example_adds_null_after_the_last_argument() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    let start = docs.find("## Scripts").unwrap();
    let body = &docs[start..];
    let yaml = body
        .split("```yaml\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let rule = format!(
        "id: test/r\nlanguage: python\nmessage: m\nseverity: warning\ndocs: https://example.com\n{yaml}"
    );
    let set = load("r", &rule, None).unwrap();
    let text = "from django.db import models\n\na = models.NullBooleanField()\nb = models.NullBooleanField(\"B\")\nc = models.NullBooleanField(\n    \"C\",  # why\n    default=None,\n)\nd = models.NullBooleanField(null=False)\n";
    let expected = "from django.db import models\n\na = models.BooleanField(null=True)\nb = models.BooleanField(\"B\", null=True)\nc = models.BooleanField(\n    \"C\",  # why\n    default=None, null=True,\n)\nd = models.BooleanField(null=False)\n";
    assert_eq!(run(&set, "py", text, None).1, expected);
    let other = "from other import models\nmodels.NullBooleanField()\n";
    assert_eq!(run(&set, "py", other, None).0, 0);
}

/// Fixes `text` as the Python file at `path` with the rules of pack `test` in `set`.
fn fix_python(set: &RuleSet, path: &str, text: &[u8], unsafe_fixes: bool) -> Box<engine::Analysis> {
    let selection = Selection {
        select: vec![Selector::parse("test").unwrap()],
        ..Selection::default()
    };
    let plan = engine::plan::Plan::new(set, &selection);
    let source = Source::decode(Path::new(path), text.to_vec(), u64::MAX).unwrap();
    let options = Options {
        fix: Some(FixMode { unsafe_fixes }),
        ..Options::default()
    };
    let language = language::by_name("python").unwrap();
    let FileStatus::Analyzed(fixed) =
        engine::process_source(&plan, source, language.id, &options).status
    else {
        panic!("skipped")
    };
    fixed
}
