//! The command line: each command, its exit codes, its output formats, and the promises `fix`
//! makes about what it writes.

mod common;

use common::{Project, rename_rule};
use predicates::prelude::*;
use predicates::str::contains;

const LEGACY_URLS: &str =
    "from django.conf.urls import url\n\nurlpatterns = [url(r\"^(\\d+)/$\", index)]\n";

#[test]
fn check_exits_1_with_findings_and_shows_the_source_line() {
    let project = Project::new();
    project.file("app/urls.py", LEGACY_URLS);
    project
        .upshift()
        .args(["check", "."])
        .assert()
        .code(1)
        .stdout(contains("warning[django/url-to-re-path]"))
        .stdout(contains("app/urls.py:3:16"))
        .stdout(contains("urlpatterns = [url(r\"^(\\d+)/$\", index)]"))
        .stdout(contains("fixable with `upshift fix`"))
        .stdout(contains("Found 1 finding in 1 of 1 file checked"));
}

#[test]
fn check_exits_0_on_clean_code() {
    let project = Project::new();
    project.file("app/urls.py", "from django.urls import re_path\n");
    project
        .upshift()
        .args(["check", "."])
        .assert()
        .code(0)
        .stdout(contains("No findings in 1 file."));
}

#[test]
fn exit_zero_reports_findings_but_exits_0() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    project
        .upshift()
        .args(["check", "--exit-zero"])
        .assert()
        .code(0)
        .stdout(contains("Found 1 finding"));
}

#[test]
fn usage_errors_exit_2() {
    let project = Project::new();
    project
        .upshift()
        .args(["check", "--target", "django"])
        .assert()
        .code(2)
        .stderr(contains("FRAMEWORK@VERSION"));
    project
        .upshift()
        .args(["check", "--select", "nope/nothing"])
        .assert()
        .code(2)
        .stderr(contains("matches no rule"));
    project
        .upshift()
        .args(["check", "-j", "0"])
        .assert()
        .code(2);
    project.upshift().args(["frobnicate"]).assert().code(2);
}

#[test]
fn a_missing_path_is_an_error() {
    let project = Project::new();
    project
        .upshift()
        .args(["check", "missing-dir"])
        .assert()
        .code(2)
        .stderr(contains("missing-dir: no such file"));
}

#[test]
fn json_output_is_versioned_and_lists_findings() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    let output = project
        .upshift()
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["findings"][0]["rule"], "django/url-to-re-path");
    assert_eq!(doc["findings"][0]["start"]["line"], 3);
    assert_eq!(doc["findings"][0]["fix"], "safe");
    assert_eq!(doc["summary"]["findings"], 1);
}

#[test]
fn sarif_output_has_rules_and_results() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    let output = project
        .upshift()
        .args(["check", "--format", "sarif"])
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "upshift");
    assert_eq!(
        run["tool"]["driver"]["rules"][0]["id"],
        "django/url-to-re-path"
    );
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "django/url-to-re-path");
    assert_eq!(result["ruleIndex"], 0);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "urls.py"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
}

#[test]
fn fix_rewrites_and_then_check_is_clean() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    project
        .upshift()
        .args(["fix"])
        .assert()
        .code(0)
        .stdout(contains("Fixed 1 finding in 1 file."));
    assert_eq!(
        project.read_text("urls.py"),
        "from django.urls import re_path\n\nurlpatterns = [re_path(r\"^(\\d+)/$\", index)]\n"
    );
    project.upshift().args(["check"]).assert().code(0);
}

#[test]
fn fix_exits_1_when_findings_are_left() {
    let project = Project::new();
    // `update_attributes` has an unsafe fix only: without --unsafe-fixes it is left.
    project.file("app/models/user.rb", "user.update_attributes(name: 'x')\n");
    project
        .upshift()
        .args(["fix"])
        .assert()
        .code(1)
        .stdout(contains("1 more with `--unsafe-fixes`"));
    project
        .upshift()
        .args(["fix", "--unsafe-fixes"])
        .assert()
        .code(0);
    assert_eq!(
        project.read_text("app/models/user.rb"),
        "user.update(name: 'x')\n"
    );
}

#[test]
fn diff_prints_a_patch_and_writes_nothing() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    project.file(
        "app/controllers/a_controller.rb",
        "class AController < ApplicationController\n  before_filter :x\nend\n",
    );
    let before = project.snapshot();
    project
        .upshift()
        .args(["fix", "--diff"])
        .assert()
        .code(1)
        .stdout(contains("--- a/urls.py\n+++ b/urls.py\n"))
        .stdout(contains("+urlpatterns = [re_path(r\"^(\\d+)/$\", index)]"))
        .stdout(contains("+  before_action :x"))
        .stderr(contains("Would fix 2 findings in 2 files"));
    assert_eq!(project.snapshot(), before);
}

#[test]
fn check_never_writes() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    let before = project.snapshot();
    project
        .upshift()
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    assert_eq!(project.snapshot(), before);
}

#[test]
fn target_below_fixable_from_skips_the_rule() {
    let project = Project::new();
    project.file("app/models/user.rb", "d.to_s(:db)\n");
    // `to_fs` exists from Rails 7.0: no finding when targeting 6.1.
    project
        .upshift()
        .args(["check", "--target", "rails@6.1"])
        .assert()
        .code(0);
    project
        .upshift()
        .args(["check", "--target", "rails@7.0"])
        .assert()
        .code(1)
        .stdout(contains("warning[rails/to-s-format]"));
    // Removed in 7.1: an error there.
    project
        .upshift()
        .args(["check", "--target", "rails@7.1"])
        .assert()
        .code(1)
        .stdout(contains("error[rails/to-s-format]"));
}

#[test]
fn a_framework_target_implies_the_language_version_it_runs_on() {
    let project = Project::new();
    project.file(
        "src/main/java/App.java",
        "import java.io.Reader;\nimport java.io.StringReader;\n\nclass App {\n    Reader r(String s) {\n        return new StringReader(s);\n    }\n}\n",
    );
    let check = |targets: &[&str]| {
        let mut args = vec!["check", "--select", "java/string-reader-of"];
        for t in targets {
            args.extend(["--target", t]);
        }
        project.upshift().args(&args).assert()
    };
    // `Reader.of` needs Java 25; Spring Boot 3 needs only Java 17, so a Boot 3 project may
    // not have it.
    check(&["spring-boot@3.2"]).code(0);
    check(&["spring-boot@3.2", "java@25"])
        .code(1)
        .stdout(contains("java/string-reader-of"));
    // With no target at all, the rule runs.
    check(&[]).code(1);
    // A user pack's `requires` is checked when loaded.
    project.file(
        "rules/team/pack.yml",
        "description: team\nframework: spring-boot\nrequires:\n  java: {\"3.0\": \"seventeen\"}\n",
    );
    project
        .upshift()
        .args(["check", "--rules", "rules"])
        .assert()
        .code(2)
        .stderr(contains("pack.yml").and(contains("requires: java")));
}

#[test]
fn a_pack_that_fixes_from_deprecation_leaves_what_the_target_still_supports() {
    let project = Project::new();
    project.file("app/models/user.rb", "u.update_attributes(a: 1)\n");
    // `update` exists from Rails 4.0, but `update_attributes` is deprecated only in 6.0, and
    // the Rails pack fixes from deprecation.
    for (target, code) in [("rails@4.0", 0), ("rails@5.2", 0), ("rails@6.0", 1)] {
        project
            .upshift()
            .args([
                "check",
                "--select",
                "rails/update-attributes",
                "--target",
                target,
            ])
            .assert()
            .code(code);
    }
    // A user pack keeps the default: from the replacement's first release.
    project.file(
        "rules/team/pack.yml",
        "description: team\nframework: rails\nreleases: [\"4.0\", \"6.0\"]\n",
    );
    project.file(
        "rules/team/renamed.yml",
        "id: team/renamed\nlanguage: ruby\nmessage: m\nseverity: warning\ndocs: https://example.com\n\
         deprecated_in: \"6.0\"\nfixable_from: \"4.0\"\n\
         query: |\n  (call method: (identifier) @m (#eq? @m \"update_attributes\")) @match\n\
         fix:\n  - replace: m\n    with: update\nsafety: safe\n",
    );
    project
        .upshift()
        .args([
            "check",
            "--no-builtin-rules",
            "--rules",
            "rules",
            "--target",
            "rails@4.0",
        ])
        .assert()
        .code(1)
        .stdout(contains("team/renamed"));
}

#[test]
fn select_and_ignore_filter_rules() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    project.file("a.rb", "u.update_attributes(a: 1)\n");
    project
        .upshift()
        .args(["check", "--select", "rails"])
        .assert()
        .code(1)
        .stdout(contains("rails/update-attributes").and(contains("django/").not()));
    project
        .upshift()
        .args(["check", "--ignore", "rails/*,django"])
        .assert()
        .code(0);
}

#[test]
fn pack_options_switch_rules_off_from_the_command_line_or_the_configuration() {
    let project = Project::new();
    project.file("report.py", "label = \"%s items\" % (count,)\n");
    let check = |args: &[&str]| {
        let mut cmd = project.upshift();
        cmd.args(["check", "--select", "python/percent-format"])
            .args(args);
        cmd.assert()
    };
    check(&[]).code(1).stdout(contains("python/percent-format"));
    check(&["--option", "keep-percent-format"]).code(0);
    check(&["--option", "keep-percnt-format"])
        .code(2)
        .stderr(contains("unknown option `keep-percnt-format`").and(contains("keep-mock")));
    project.file("upshift.toml", "options = [\"keep-percent-format\"]\n");
    check(&[]).code(0);
    project
        .upshift()
        .args(["rules", "--pack", "python"])
        .assert()
        .code(0)
        .stdout(contains("python pack options").and(contains("keep-runtime-typing")));
}

#[test]
fn stdin_filename_reads_stdin_and_fix_writes_stdout() {
    let project = Project::new();
    project
        .upshift()
        .args(["fix", "--stdin-filename", "urls.py"])
        .write_stdin(LEGACY_URLS)
        .assert()
        .code(0)
        .stdout(
            "from django.urls import re_path\n\nurlpatterns = [re_path(r\"^(\\d+)/$\", index)]\n",
        );
    project
        .upshift()
        .args([
            "check",
            "--stdin-filename",
            "urls.py",
            "--format",
            "concise",
        ])
        .write_stdin(LEGACY_URLS)
        .assert()
        .code(1)
        .stdout(contains("urls.py:3:16: warning[django/url-to-re-path]"));
}

#[test]
fn rules_lists_and_explain_shows_an_example() {
    let project = Project::new();
    project
        .upshift()
        .args(["rules", "--pack", "django"])
        .assert()
        .code(0)
        .stdout(contains("django/url-to-re-path"));
    project
        .upshift()
        .args(["rules", "--pack", "nope"])
        .assert()
        .code(2)
        .stderr(contains("no pack named `nope`"));
    project
        .upshift()
        .args(["explain", "django/url-to-re-path"])
        .assert()
        .code(0)
        .stdout(contains(
            "versions: django deprecated 3.1, removed 4.0, fix from 2.0",
        ))
        .stdout(contains("Example:"))
        .stdout(contains("Becomes:"))
        .stdout(contains("re_path("));
    project
        .upshift()
        .args(["explain", "django/nope"])
        .assert()
        .code(2)
        .stderr(contains("no rule `django/nope`"));
}

#[test]
fn parse_prints_the_tree_with_fields() {
    let project = Project::new();
    project.file("a.py", "f(x)\n");
    project
        .upshift()
        .args(["parse", "a.py"])
        .assert()
        .code(0)
        .stdout(contains("(call [1, 1] - [1, 5])"))
        .stdout(contains("function: (identifier [1, 1] - [1, 2]) \"f\""));
    project
        .upshift()
        .args(["parse", "--stats", "."])
        .assert()
        .code(0)
        .stdout(contains("1 files parsed"));
}

#[test]
fn test_command_runs_fixtures_and_fails_on_a_wrong_expectation() {
    let project = Project::new();
    project.file(
        "rules/team/old-call.yml",
        rename_rule("team", "old-call", "old_call", "new_call"),
    );
    project.file("fixtures/team/old-call/a.py", "old_call(1)\n");
    project.file("fixtures/team/old-call/a.fixed.py", "new_call(1)\n");
    project.file("fixtures/team/old-call/ok_other.py", "other_call(1)\n");
    project
        .upshift()
        .args(["test", "."])
        .assert()
        .code(0)
        .stdout(contains("rules: 1 passed, 0 failed (2 cases)"));
    project.file("fixtures/team/old-call/a.fixed.py", "wrong(1)\n");
    project
        .upshift()
        .args(["test", "."])
        .assert()
        .code(1)
        .stdout(contains("FAIL team/old-call"))
        .stdout(contains("rules: 0 passed, 1 failed"));
}

#[test]
fn test_command_passes_an_ok_case_at_a_target_below_the_rules_fix() {
    // At `@1.0` the rule (fixable from 2.0) does not run: nothing of the case's language is
    // checked, which an `ok` case asks for.
    let project = Project::new();
    project.file(
        "rules/team/pack.yml",
        "description: A team's rules.\nframework: team\nreleases: [\"1.0\", \"2.0\"]\n",
    );
    project.file(
        "rules/team/old-call.yml",
        rename_rule("team", "old-call", "old_call", "new_call")
            .replace("safety: safe", "safety: safe\nfixable_from: \"2.0\""),
    );
    project.file("fixtures/team/old-call/a.py", "old_call(1)\n");
    project.file("fixtures/team/old-call/a.fixed.py", "new_call(1)\n");
    project.file("fixtures/team/old-call/@1.0/ok_old.py", "old_call(1)\n");
    project
        .upshift()
        .args(["test", "."])
        .assert()
        .code(0)
        .stdout(contains("rules: 1 passed, 0 failed (2 cases)"));
}

#[test]
fn user_rules_are_added_with_rules_dir() {
    let project = Project::new();
    project.file(
        "myrules/team/old-call.yml",
        rename_rule("team", "old-call", "old_call", "new_call"),
    );
    project.file("src/a.py", "old_call(1)\n");
    project
        .upshift()
        .args(["fix", "--rules", "myrules", "src"])
        .assert()
        .code(0);
    assert_eq!(project.read_text("src/a.py"), "new_call(1)\n");
}

#[test]
fn no_builtin_rules_runs_only_the_rules_of_rules_dir() {
    let project = Project::new();
    project.file(
        "myrules/team/old-call.yml",
        rename_rule("team", "old-call", "old_call", "new_call"),
    );
    project.file("src/a.py", format!("old_call(1)\n{LEGACY_URLS}"));
    project
        .upshift()
        .args(["check", "--no-builtin-rules", "--rules", "myrules", "src"])
        .assert()
        .code(1)
        .stdout(contains("team/old-call"))
        .stdout(contains("django/url-to-re-path").not());
    project
        .upshift()
        .args(["check", "src"])
        .assert()
        .code(1)
        .stdout(contains("django/url-to-re-path"));
}

#[test]
fn fix_refuses_files_with_uncommitted_changes() {
    let project = Project::new();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(project.path())
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "t@example.com"]);
    git(&["config", "user.name", "t"]);
    project.file("urls.py", LEGACY_URLS);
    git(&["add", "."]);
    git(&["commit", "-qm", "init"]);
    project.file("urls.py", format!("{LEGACY_URLS}# my edit\n"));
    let before = project.snapshot();
    project
        .upshift()
        .args(["fix"])
        .assert()
        .code(2)
        .stderr(contains("uncommitted changes"))
        .stderr(contains("urls.py"));
    assert_eq!(project.snapshot(), before);
    project
        .upshift()
        .args(["fix", "--allow-dirty"])
        .assert()
        .code(0);
    assert!(project.read_text("urls.py").contains("re_path("));
}

#[test]
fn output_is_identical_for_one_and_two_threads() {
    let project = Project::new();
    for i in 0..40 {
        project.file(&format!("pkg{i}/urls.py"), LEGACY_URLS);
        project.file(
            &format!("pkg{i}/c_controller.rb"),
            "class CController < ApplicationController\n  before_filter :x\nend\n",
        );
    }
    let run = |threads: &str| {
        project
            .upshift()
            .args(["check", "--format", "json", "-j", threads])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let diff = |threads: &str| {
        project
            .upshift()
            .args(["fix", "--diff", "-j", threads])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(diff("1"), diff("2"));
}

#[test]
fn a_closed_stdout_pipe_is_a_clean_exit() {
    let project = Project::new();
    // Far more output than a pipe holds, so the writer really meets the closed pipe.
    for i in 0..1500 {
        project.file(&format!("p{i}.py"), LEGACY_URLS);
    }
    let bin = assert_cmd::cargo::cargo_bin("upshift");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' check . | head -1 >/dev/null; exit ${{PIPESTATUS:-0}}",
            bin.display()
        ))
        .current_dir(project.path())
        .status()
        .unwrap();
    assert!(status.success());
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' check . | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
            bin.display()
        ))
        .current_dir(project.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "0",
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn an_output_file_inside_the_tree_is_not_read_back() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    let out = std::fs::File::create(project.path().join("report.py")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("upshift");
    let status = std::process::Command::new(bin)
        .args(["check", "--format", "json"])
        .current_dir(project.path())
        .stdout(out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&project.read("report.py")).unwrap();
    assert_eq!(doc["summary"]["files"], 1);
}
