//! What `fix` does to files: overlapping fixes, the fix loop, verification, encodings, and the
//! files it must leave alone.

mod common;

use common::{Project, rename_rule};
use predicates::prelude::*;
use predicates::str::contains;

#[test]
fn overlapping_fixes_are_applied_over_several_passes() {
    let project = Project::new();
    // Rule `a-args` rewrites the whole call; `b-rename` the callee inside it. They overlap: the
    // first in rule order wins the pass, the other is matched again on the new text.
    project.file(
        "myrules/team/a-args.yml",
        r#"id: team/a-args
language: python
message: args
severity: warning
docs: https://example.com/a
query: |
  (call function: (identifier) @fn arguments: (argument_list) @args (#eq? @fn "old") (#eq? @args "(1)")) @match
fix:
  - replace: match
    with: "old(2)"
safety: safe
"#,
    );
    project.file(
        "myrules/team/b-rename.yml",
        rename_rule("team", "b-rename", "old", "new"),
    );
    project.file("a.py", "old(1)\n");
    project
        .upshift()
        .args(["fix", "--rules", "myrules", "--select", "team", "a.py"])
        .assert()
        .code(0);
    // Pass 1: a-args gives `old(2)` and b-rename waits; pass 2: b-rename renames it.
    assert_eq!(project.read_text("a.py"), "new(2)\n");
}

#[test]
fn a_fix_that_keeps_matching_is_never_written() {
    let project = Project::new();
    // Each pass wraps the call again: the loop gives up and the file keeps its text.
    project.file(
        "myrules/team/grow.yml",
        r#"id: team/grow
language: python
message: grow
severity: warning
docs: https://example.com/g
query: |
  (call function: (identifier) @fn (#eq? @fn "old")) @match
fix:
  - replace: match
    with: "wrap({{match}})"
safety: safe
"#,
    );
    project.file("a.py", "old(1)\n");
    project
        .upshift()
        .args(["fix", "--rules", "myrules", "--select", "team"])
        .assert()
        .code(1)
        .stderr(contains(
            "a.py: left unchanged: the fixes of team/grow did not settle after 10 passes",
        ));
    assert_eq!(project.read_text("a.py"), "old(1)\n");
}

#[test]
fn chained_fixes_converge() {
    let project = Project::new();
    project.file(
        "myrules/team/one.yml",
        rename_rule("team", "one", "first", "second"),
    );
    project.file(
        "myrules/team/two.yml",
        rename_rule("team", "two", "second", "third"),
    );
    project.file("a.py", "first()\nsecond()\n");
    project
        .upshift()
        .args(["fix", "--rules", "myrules", "--select", "team"])
        .assert()
        .code(0)
        .stdout(contains("Fixed 3 findings"));
    assert_eq!(project.read_text("a.py"), "third()\nthird()\n");
}

#[test]
fn rules_that_undo_each_other_leave_the_file_unchanged_and_are_named() {
    let project = Project::new();
    project.file(
        "myrules/team/forth.yml",
        rename_rule("team", "forth", "ping", "pong"),
    );
    project.file(
        "myrules/team/back.yml",
        rename_rule("team", "back", "pong", "ping"),
    );
    project.file("a.py", "ping()\n");
    project
        .upshift()
        .args(["fix", "--rules", "myrules", "--select", "team"])
        .assert()
        .code(1)
        .stderr(contains(
            "a.py: left unchanged: the fixes of team/back, team/forth undo each other",
        ));
    assert_eq!(project.read_text("a.py"), "ping()\n");
}

#[test]
fn a_fix_that_breaks_the_syntax_is_dropped_and_reported() {
    let project = Project::new();
    project.file(
        "myrules/team/breaks.yml",
        r#"id: team/breaks
language: python
message: breaks
severity: warning
docs: https://example.com/b
query: |
  (call function: (identifier) @fn (#eq? @fn "old")) @match
fix:
  - replace: fn
    with: "def ("
safety: safe
"#,
    );
    project.file(
        "myrules/team/fine.yml",
        rename_rule("team", "fine", "keep", "kept"),
    );
    project.file("a.py", "old(1)\nkeep(2)\n");
    project
        .upshift()
        .args(["fix", "--rules", "myrules", "--select", "team"])
        .assert()
        .code(1)
        .stderr(contains(
            "a.py: fixes of team/breaks were not applied: they would introduce a syntax error",
        ));
    // The good fix is kept, the bad one is not.
    assert_eq!(project.read_text("a.py"), "old(1)\nkept(2)\n");
}

#[test]
fn a_fix_that_tree_sitter_accepts_but_the_compiler_rejects_is_dropped_and_reported() {
    let project = Project::new();
    // Puts a keyword argument first, before a positional one: `f(null=True, "x")`, which
    // tree-sitter parses and CPython refuses.
    project.file(
        "myrules/team/keyword_first.yml",
        r#"id: team/keyword_first
language: python
message: keyword first
severity: warning
docs: https://example.com/k
query: |
  (call function: (identifier) @fn (#eq? @fn "field") arguments: (argument_list . (string) @first)) @match
fix:
  - insert_before: first
    text: "null=True, "
safety: safe
"#,
    );
    project.file(
        "myrules/team/fine.yml",
        rename_rule("team", "fine", "keep", "kept"),
    );
    // The file already has one such error, which is not the fix's doing.
    project.file("a.py", "field(\"x\")\nkeep(2)\nold(a=1, a=2)\n");
    project
        .upshift()
        .args(["fix", "--rules", "myrules", "--select", "team"])
        .assert()
        .code(1)
        .stderr(contains(
            "a.py: fixes of team/keyword_first were not applied: they would introduce an error the \
             compiler reports (positional argument follows keyword argument)",
        ));
    assert_eq!(
        project.read_text("a.py"),
        "field(\"x\")\nkept(2)\nold(a=1, a=2)\n"
    );
}

#[test]
fn crlf_line_endings_and_a_bom_are_kept() {
    let project = Project::new();
    project.file(
        "urls.py",
        b"\xEF\xBB\xBFfrom django.conf.urls import url\r\n\r\nurlpatterns = [url(r\"^(\\d+)/$\", index)]\r\n",
    );
    project.upshift().args(["fix"]).assert().code(0);
    assert_eq!(
        project.read("urls.py"),
        b"\xEF\xBB\xBFfrom django.urls import re_path\r\n\r\nurlpatterns = [re_path(r\"^(\\d+)/$\", index)]\r\n"
    );
}

#[test]
fn an_added_import_line_uses_crlf_in_a_crlf_file() {
    let project = Project::new();
    project.file(
        "urls.py",
        "import os\r\nfrom django.conf.urls import url\r\nurl(1)\r\n",
    );
    project
        .upshift()
        .args(["fix", "--select", "django/url-to-re-path"])
        .assert()
        .code(0);
    let text = project.read_text("urls.py");
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "a bare LF was written: {text:?}"
    );
    assert!(text.contains("from django.urls import re_path\r\n"));
}

#[test]
fn binary_non_utf8_and_oversized_files_are_skipped_with_a_note_and_not_written() {
    let project = Project::new();
    project.file("binary.py", b"url(1)\0\x01\x02");
    project.file(
        "latin1.py",
        b"# caf\xe9\nfrom django.conf.urls import url\nurl(1)\n",
    );
    project.file("utf16.py", b"\xFF\xFEf\0r\0o\0m\0");
    project.file(
        "big.py",
        format!(
            "from django.conf.urls import url\nurl(1)\n{}",
            "x = 1\n".repeat(100)
        ),
    );
    let before = project.snapshot();
    project
        .upshift()
        .args(["fix", "--max-file-size", "200", "."])
        .assert()
        .code(0)
        .stderr(contains("binary.py: skipped: binary file"))
        .stderr(contains(
            "latin1.py: skipped: not valid UTF-8 (first bad byte on line 1)",
        ))
        .stderr(contains("utf16.py: skipped: UTF-16 text"))
        .stderr(contains("big.py: skipped: ").and(contains("bytes is over the 200-byte limit")));
    assert_eq!(project.snapshot(), before);
}

#[cfg(unix)]
#[test]
fn permissions_are_kept_and_unchanged_files_keep_their_mtime() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    let fixed = project.file("urls.py", "from django.conf.urls import url\nurl(1)\n");
    std::fs::set_permissions(&fixed, std::fs::Permissions::from_mode(0o740)).unwrap();
    let untouched = project.file("clean.py", "x = 1\n");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    std::fs::File::options()
        .write(true)
        .open(&untouched)
        .unwrap()
        .set_modified(old)
        .unwrap();
    project.upshift().args(["fix"]).assert().code(0);
    assert_eq!(
        std::fs::metadata(&fixed).unwrap().permissions().mode() & 0o777,
        0o740
    );
    assert_eq!(
        std::fs::metadata(&untouched).unwrap().modified().unwrap(),
        old
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_is_fixed_through_the_link_and_stays_a_link() {
    let project = Project::new();
    let real = project.file("real/urls.py", "from django.conf.urls import url\nurl(1)\n");
    std::os::unix::fs::symlink(&real, project.path().join("link.py")).unwrap();
    project.upshift().args(["fix", "link.py"]).assert().code(0);
    assert!(
        std::fs::symlink_metadata(project.path().join("link.py"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(project.read_text("real/urls.py").contains("re_path(1)"));
}

#[test]
fn ignored_and_hidden_files_are_skipped_unless_named() {
    let project = Project::new();
    std::process::Command::new("git")
        .arg("init")
        .arg("-q")
        .current_dir(project.path())
        .status()
        .unwrap();
    project.file(".gitignore", "build/\n");
    project.file(
        "build/urls.py",
        "from django.conf.urls import url\nurl(1)\n",
    );
    project.file(
        ".hidden/urls.py",
        "from django.conf.urls import url\nurl(1)\n",
    );
    project.upshift().args(["check", "."]).assert().code(0);
    project
        .upshift()
        .args(["check", "--hidden", "."])
        .assert()
        .code(1)
        .stdout(contains(".hidden/urls.py"));
    project
        .upshift()
        .args(["check", "build/urls.py"])
        .assert()
        .code(1)
        .stdout(contains("build/urls.py").and(contains(".hidden").not()));
}

#[test]
fn a_multi_line_template_is_reindented_where_it_lands() {
    let project = Project::new();
    project.file(
        "myrules/team/guard.yml",
        r#"id: team/guard
language: python
message: guard
severity: warning
docs: https://example.com/g
query: |
  (expression_statement (call function: (identifier) @fn (#eq? @fn "risky"))) @match
fix:
  - replace: match
    with: |-
      if not ready():
          return
      safe_call()
safety: safe
"#,
    );
    project.file("a.py", "def f():\n    if x:\n        risky()\n");
    project
        .upshift()
        .args(["fix", "--rules", "myrules", "--select", "team"])
        .assert()
        .code(0);
    assert_eq!(
        project.read_text("a.py"),
        "def f():\n    if x:\n        if not ready():\n            return\n        safe_call()\n"
    );
}

#[test]
fn a_fix_can_create_a_missing_file_once_and_never_overwrites_one() {
    let project = Project::new();
    project.file(
        "shop/app/models/order.rb",
        "class Order < ActiveRecord::Base\nend\n",
    );
    project.file(
        "shop/app/models/item.rb",
        "class Item < ActiveRecord::Base\nend\n",
    );
    project
        .upshift()
        .args(["fix", "--diff", "--select", "rails/active-record-base"])
        .assert()
        .code(1)
        .stdout(contains(
            "--- /dev/null\n+++ b/shop/app/models/application_record.rb",
        ));
    assert!(
        !project
            .path()
            .join("shop/app/models/application_record.rb")
            .exists()
    );
    project
        .upshift()
        .args(["fix", "--select", "rails/active-record-base"])
        .assert()
        .code(0)
        .stderr(contains("created shop/app/models/application_record.rb"));
    assert_eq!(
        project.read_text("shop/app/models/application_record.rb"),
        "class ApplicationRecord < ActiveRecord::Base\n  self.abstract_class = true\nend\n"
    );
    assert_eq!(
        project.read_text("shop/app/models/order.rb"),
        "class Order < ApplicationRecord\nend\n"
    );
    // An existing file is never replaced.
    project.file("shop/app/models/application_record.rb", "# ours\n");
    project.file(
        "shop/app/models/more.rb",
        "class More < ActiveRecord::Base\nend\n",
    );
    project
        .upshift()
        .args(["fix", "--select", "rails/active-record-base"])
        .assert()
        .code(0);
    assert_eq!(
        project.read_text("shop/app/models/application_record.rb"),
        "# ours\n"
    );
}

#[test]
fn a_fix_script_creates_files_and_a_file_of_no_known_language_is_written_as_is() {
    let project = Project::new();
    project.file(
        "myrules/team/split-list.yml",
        "id: team/split-list\nlanguage: python\nmessage: m\nseverity: warning\ndocs: https://example.com\n\
         query: |\n  ((identifier) @name (#eq? @name \"old_list\"))\n\
         fix:\n  - script: |\n      create_file(\"conf/entries.imports\", \"a.B\\nc.D\\n\");\n      replace(name, \"new_list\");\n\
         safety: safe\n",
    );
    project.file("conf/settings.py", "old_list = 1\n");
    project
        .upshift()
        .args(["fix", "--no-builtin-rules", "--rules", "myrules", "conf"])
        .assert()
        .code(0)
        .stderr(contains("created conf/entries.imports"));
    assert_eq!(project.read_text("conf/settings.py"), "new_list = 1\n");
    assert_eq!(project.read_text("conf/entries.imports"), "a.B\nc.D\n");
}
