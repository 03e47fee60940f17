//! A bad rule file stops the run before any source file is read, with the file, line and what
//! is wrong.

mod common;

use common::{Project, rename_rule};
use predicates::str::contains;

/// Writes `rule` as `myrules/team/bad.yml` and runs `check`, expecting exit 2 and `message`.
fn assert_rule_error(rule: &str, location: &str, message: &str) {
    let project = Project::new();
    project.file("myrules/team/bad.yml", rule);
    project.file("a.py", "x = 1\n");
    project
        .upshift()
        .args(["check", "--rules", "myrules", "."])
        .assert()
        .code(2)
        .stderr(contains(location))
        .stderr(contains(message))
        .stderr(contains("no file was read"));
}

fn base() -> String {
    rename_rule("team", "bad", "old", "new")
}

#[test]
fn an_unknown_field_is_named_with_its_line() {
    let rule = base().replace("severity: warning\n", "severity: warning\nseverty: error\n");
    assert_rule_error(&rule, "myrules/team/bad.yml:5", "unknown field `severty`");
}

#[test]
fn a_query_that_does_not_compile_points_into_the_query() {
    let rule = base().replace(
        "(call function: (identifier) @fn",
        "(call functon: (identifier) @fn",
    );
    assert_rule_error(
        &rule,
        "myrules/team/bad.yml:7",
        "query does not compile for python",
    );
}

#[test]
fn predicates_no_text_can_satisfy_are_an_error() {
    let rule = base().replace(
        "  (call function: (identifier) @fn (#eq? @fn \"old\")) @match\n",
        "  [\n    (call function: (identifier) @fn (#eq? @fn \"old\"))\n    (call function: (identifier) @fn (#eq? @fn \"older\"))\n  ] @match\n",
    );
    assert_rule_error(
        &rule,
        "myrules/team/bad.yml:7",
        "this pattern can never match: `@fn` must be one of [old] and [older] at once",
    );
}

#[test]
fn an_unknown_node_kind_in_the_query_is_an_error() {
    let rule = base().replace("(identifier) @fn", "(identifer) @fn");
    assert_rule_error(&rule, "myrules/team/bad.yml:7", "NodeType");
}

#[test]
fn a_fix_capture_the_query_does_not_define_is_an_error() {
    let rule = base().replace("  - replace: fn\n", "  - replace: func\n");
    assert_rule_error(
        &rule,
        "myrules/team/bad.yml:9",
        "capture `@func`, which the query does not define (it defines: @fn, @match)",
    );
}

#[test]
fn a_template_hole_naming_no_capture_is_an_error() {
    let rule = base().replace("    with: new\n", "    with: \"{{callee}}()\"\n");
    assert_rule_error(
        &rule,
        "myrules/team/bad.yml:10",
        "uses `{{callee}}`, which the query does not capture",
    );
}

#[test]
fn a_bad_version_string_is_an_error() {
    let rule = base().replace(
        "severity: warning\n",
        "severity: warning\nframework: django\nremoved_in: \"4.x\"\n",
    );
    assert_rule_error(&rule, "myrules/team/bad.yml:6", "`4.x` is not a version");
}

#[test]
fn an_unknown_language_is_an_error() {
    let rule = base().replace("language: python", "language: cobol");
    assert_rule_error(
        &rule,
        "myrules/team/bad.yml:2",
        "unknown language `cobol` (known: groovy, java, kotlin, properties, python, ruby, sql, xml, yaml)",
    );
}

#[test]
fn an_unsupported_predicate_is_an_error() {
    let rule = base().replace("(#eq? @fn \"old\")", "(#frob? @fn \"old\")");
    assert_rule_error(
        &rule,
        "myrules/team/bad.yml",
        "unsupported query predicate `#frob?`",
    );
}

#[test]
fn a_fix_without_safety_is_an_error() {
    let rule = base().replace("safety: safe\n", "");
    assert_rule_error(
        &rule,
        "myrules/team/bad.yml:1",
        "must say whether it is safe",
    );
}

#[test]
fn an_id_that_does_not_match_the_file_is_an_error() {
    let rule = base().replace("id: team/bad", "id: team/other");
    assert_rule_error(&rule, "myrules/team/bad.yml:1", "expected `team/bad`");
}

#[test]
fn invalid_yaml_is_an_error_with_a_position() {
    assert_rule_error("id: [unclosed\n", "myrules/team/bad.yml", "invalid rule");
}

#[test]
fn a_missing_rules_directory_is_an_error() {
    let project = Project::new();
    project
        .upshift()
        .args(["check", "--rules", "nowhere"])
        .assert()
        .code(2)
        .stderr(contains("nowhere: rule directory does not exist"));
}

#[test]
fn every_error_of_a_file_is_reported_at_once() {
    let rule = base()
        .replace("  - replace: fn\n", "  - replace: func\n")
        .replace(
            "severity: warning\n",
            "severity: warning\nframework: django\ndeprecated_in: \"x\"\n",
        );
    let project = Project::new();
    project.file("myrules/team/bad.yml", rule);
    project
        .upshift()
        .args(["check", "--rules", "myrules"])
        .assert()
        .code(2)
        .stderr(contains("capture `@func`"))
        .stderr(contains("`x` is not a version"))
        .stderr(contains("2 rule error(s)"));
}

#[test]
fn a_query_form_that_would_crash_the_parser_is_an_error() {
    // Found by fuzz/run.sh: tree-sitter aborts the process on a group of only predicates.
    let rule = base().replace("(#eq? @fn \"old\")) @match", "((#eq? @fn \"old\")) @match)");
    assert_rule_error(
        &rule,
        "myrules/team/bad.yml:7",
        "a group holds only predicates",
    );
}
