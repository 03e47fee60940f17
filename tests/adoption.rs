//! Switching upshift on in a large legacy code base: configuration files, suppression comments,
//! baselines, changed-lines-only checks and CI output.

mod common;

use common::Project;
use predicates::prelude::*;
use predicates::str::contains;

const LEGACY_URLS: &str =
    "from django.conf.urls import url\n\nurlpatterns = [url(r\"^$\", index)]\n";
const LEGACY_CONTROLLER: &str =
    "class AController < ApplicationController\n  before_filter :x\nend\n";

#[test]
fn a_nested_config_applies_to_its_subtree_and_extends_its_parent() {
    let project = Project::new();
    project.file("upshift.toml", "select = [\"django\"]\n");
    project.file(
        "legacy/upshift.toml",
        "ignore = [\"django/url-to-re-path\"]\n",
    );
    project.file("app/urls.py", LEGACY_URLS);
    project.file("legacy/urls.py", LEGACY_URLS);
    project.file("app/a_controller.rb", LEGACY_CONTROLLER);
    project
        .upshift()
        .args(["check", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("app/urls.py:3:16: warning[django/url-to-re-path]"))
        // `legacy/` ignores the rule; `select` from the root still keeps Rails out.
        .stdout(contains("legacy/urls.py").not())
        .stdout(contains("rails/").not());
}

#[test]
fn the_command_line_overrides_the_config() {
    let project = Project::new();
    project.file("upshift.toml", "select = [\"django\"]\n");
    project.file("a_controller.rb", LEGACY_CONTROLLER);
    project.upshift().args(["check"]).assert().code(0);
    project
        .upshift()
        .args(["check", "--select", "rails"])
        .assert()
        .code(1)
        .stdout(contains("rails/before-filter"));
}

#[test]
fn pyproject_tool_upshift_is_read() {
    let project = Project::new();
    project.file(
        "pyproject.toml",
        "[project]\nname = \"shop\"\n\n[tool.upshift]\ntarget = [\"django@3.0\"]\n",
    );
    project.file("urls.py", LEGACY_URLS);
    // At Django 3.0, `url()` is not deprecated yet: the finding is informational.
    project
        .upshift()
        .args(["check", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("info[django/url-to-re-path]"));
}

#[test]
fn exclude_and_per_file_ignores_work_from_the_config() {
    let project = Project::new();
    project.file(
        "upshift.toml",
        "exclude = [\"vendor\"]\n[per-file-ignores]\n\"tests/**\" = [\"django\"]\n",
    );
    project.file("vendor/urls.py", LEGACY_URLS);
    project.file("tests/test_urls.py", LEGACY_URLS);
    project.file("src/urls.py", LEGACY_URLS);
    project
        .upshift()
        .args(["check", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("src/urls.py"))
        .stdout(contains("vendor/").not())
        .stdout(contains("tests/").not());
}

#[test]
fn config_errors_name_the_file_and_line() {
    let project = Project::new();
    project.file("upshift.toml", "select = [\"django\"]\nselct = [\"x\"]\n");
    project.file("a.py", "x = 1\n");
    project
        .upshift()
        .args(["check"])
        .assert()
        .code(2)
        .stderr(contains("upshift.toml:2: unknown field `selct`"));
    project.file("upshift.toml", "exclude = [\"a[\"]\n");
    project
        .upshift()
        .args(["check"])
        .assert()
        .code(2)
        .stderr(contains("upshift.toml:1: bad glob `a[`"));
    project.file("upshift.toml", "select = [\"nope/nothing\"]\n");
    project
        .upshift()
        .args(["check"])
        .assert()
        .code(2)
        .stderr(contains("`nope/nothing` matches no rule"));
    project.file("upshift.toml", "threads = \"two\"\n");
    project
        .upshift()
        .args(["check"])
        .assert()
        .code(2)
        .stderr(contains("upshift.toml:1:"));
}

#[test]
fn config_command_shows_values_and_their_origin() {
    let project = Project::new();
    project.file(
        "upshift.toml",
        "target = [\"django@4.2\"]\nunsafe-fixes = true\n",
    );
    project.file("svc/upshift.toml", "\nselect = [\"django\"]\n");
    project
        .upshift()
        .args(["config", "svc"])
        .assert()
        .code(0)
        .stdout(contains("target = [\"django@4.2\"]  # "))
        .stdout(contains("upshift.toml:1"))
        .stdout(contains("select = [\"django\"]  # "))
        .stdout(contains("svc/upshift.toml:2"))
        .stdout(contains("unsafe-fixes = true"))
        .stdout(contains("ignore = []  # default"));
}

#[test]
fn suppressions_work_in_python_java_and_ruby() {
    let project = Project::new();
    project.file(
        "urls.py",
        "from django.conf.urls import url  # upshift: ignore[django/conf-urls-include]\n\nurlpatterns = [\n    # upshift: ignore[django/url-to-re-path] kept for the old API\n    url(r\"^$\", index),\n    url(r\"^b$\", index),\n]\n",
    );
    project.file("Entity.java", "// upshift: ignore[spring/javax-to-jakarta]\nimport javax.persistence.Entity;\nimport javax.persistence.Id;\n");
    project.file("a_controller.rb", "class AController < ApplicationController\n  before_filter :x # upshift: ignore[rails]\nend\n");
    project
        .upshift()
        .args(["check", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("urls.py:6:5: warning[django/url-to-re-path]"))
        .stdout(contains("urls.py:5:").not())
        .stdout(contains(
            "Entity.java:3:8: warning[spring/javax-to-jakarta]",
        ))
        .stdout(contains("Entity.java:2:").not())
        .stdout(contains("a_controller.rb").not())
        // The suppression on line 1 names a rule that found nothing there.
        .stderr(contains(
            "urls.py:1: unused suppression: nothing here matches django/conf-urls-include",
        ));
}

#[test]
fn a_suppression_also_stops_the_fix() {
    let project = Project::new();
    project.file("a_controller.rb", "class AController < ApplicationController\n  before_filter :x # upshift: ignore[rails/before-filter]\n  before_filter :y\nend\n");
    project.upshift().args(["fix"]).assert().code(0);
    assert_eq!(
        project.read_text("a_controller.rb"),
        "class AController < ApplicationController\n  before_filter :x # upshift: ignore[rails/before-filter]\n  before_action :y\nend\n"
    );
}

#[test]
fn a_bare_ignore_works_but_is_reported_and_strings_do_not_suppress() {
    let project = Project::new();
    project.file("urls.py", "from django.conf.urls import url\nurl(1)  # upshift: ignore\nx = \"# upshift: ignore[django]\"; url(2)\n");
    project
        .upshift()
        .args(["check", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("urls.py:3:").and(contains("urls.py:2:").not()))
        .stderr(contains(
            "urls.py:2: bare `upshift: ignore` silences every rule here",
        ));
}

#[test]
fn a_baseline_keeps_old_findings_quiet_across_unrelated_edits() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    project.file("a_controller.rb", LEGACY_CONTROLLER);
    project
        .upshift()
        .args(["check", "--write-baseline", "upshift-baseline.json"])
        .assert()
        .code(0)
        .stderr(contains("Wrote 2 findings"));
    let baseline: serde_json::Value =
        serde_json::from_slice(&project.read("upshift-baseline.json")).unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 2);
    project
        .upshift()
        .args(["check", "--baseline", "upshift-baseline.json"])
        .assert()
        .code(0);
    // Unrelated edits move the old finding down; a new finding appears.
    project.file(
        "urls.py",
        format!("import os\n\n\n{LEGACY_URLS}urlpatterns += [url(r\"^new$\", new_view)]\n"),
    );
    project
        .upshift()
        .args([
            "check",
            "--baseline",
            "upshift-baseline.json",
            "--format",
            "concise",
        ])
        .assert()
        .code(1)
        .stdout(contains("urls.py:7:").and(contains("urls.py:6:").not()))
        .stdout(contains("a_controller.rb").not());
    // Fixing shrinks the baseline on the next write.
    project
        .upshift()
        .args(["fix", "--select", "rails"])
        .assert()
        .code(0);
    project
        .upshift()
        .args(["check", "--write-baseline", "upshift-baseline.json"])
        .assert()
        .code(0)
        .stderr(contains("Wrote 2 findings"));
    let baseline: serde_json::Value =
        serde_json::from_slice(&project.read("upshift-baseline.json")).unwrap();
    assert!(
        baseline["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] == "django/url-to-re-path")
    );
}

#[test]
fn a_bad_baseline_file_is_an_error() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    project.file("b.json", "{\"nope\": 1}");
    project
        .upshift()
        .args(["check", "--baseline", "b.json"])
        .assert()
        .code(2)
        .stderr(contains("b.json: not a baseline file"));
}

#[test]
fn diff_base_reports_only_changed_lines() {
    let project = Project::new();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(project.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["config", "user.email", "t@example.com"]);
    git(&["config", "user.name", "t"]);
    project.file("urls.py", LEGACY_URLS);
    git(&["add", "."]);
    git(&["commit", "-qm", "old"]);
    project.file(
        "urls.py",
        format!("{LEGACY_URLS}urlpatterns += [url(r\"^new$\", new_view)]\n"),
    );
    project.file("new_controller.rb", LEGACY_CONTROLLER);
    project
        .upshift()
        .args(["check", "--diff-base", "HEAD", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("urls.py:4:"))
        .stdout(contains("urls.py:3:").not())
        .stdout(contains("new_controller.rb:2:"));
    project
        .upshift()
        .args(["check", "--diff-base", "no-such-rev"])
        .assert()
        .code(2)
        .stderr(contains("git diff no-such-rev"));
}

#[test]
fn github_format_prints_workflow_annotations() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    project
        .upshift()
        .args(["check", "--format", "github"])
        .assert()
        .code(1)
        .stdout(contains("::warning file=urls.py,line=3,col=16,endLine=3,endColumn=33,title=upshift django/url-to-re-path::"));
}

#[test]
fn a_suppression_in_a_file_no_rule_matches_is_reported_unused() {
    let project = Project::new();
    project.file(
        "clean.py",
        "x = 1  # upshift: ignore[django/url-to-re-path]\n",
    );
    project
        .upshift()
        .args(["check"])
        .assert()
        .code(0)
        .stderr(contains(
            "clean.py:1: unused suppression: nothing here matches django/url-to-re-path",
        ));
}

#[test]
fn without_a_target_a_project_is_checked_against_the_version_it_is_on() {
    let project = Project::new();
    project.file(
        "store/Gemfile.lock",
        "GEM\n  remote: https://rubygems.org/\n  specs:\n    rails (5.0.7)\n",
    );
    project.file("store/app/controllers/a_controller.rb", "class AController < ApplicationController\n  before_filter :x\n  def show\n    render plain: d.to_s(:db)\n  end\nend\n");
    // Rails 5.0: `before_filter` is deprecated there; `to_fs` does not exist yet.
    project
        .upshift()
        .args(["check", "--format", "concise"])
        .assert()
        .code(1)
        .stdout(contains("warning[rails/before-filter]"))
        .stdout(contains("to-s-format").not());
    // A target for the framework overrides the detected version.
    project
        .upshift()
        .args(["check", "--format", "concise", "--target", "rails@7.1"])
        .assert()
        .code(1)
        .stdout(contains("error[rails/to-s-format]"));
    project
        .upshift()
        .args(["config", "store"])
        .assert()
        .code(0)
        .stdout(contains(
            "# detected rails@5.0.7 (used where no target names rails):",
        ))
        .stdout(contains("Gemfile.lock:4"));
}

#[test]
fn the_result_cache_gives_the_same_findings_and_misses_on_any_change() {
    let project = Project::new();
    project.file("urls.py", LEGACY_URLS);
    project.file("a_controller.rb", LEGACY_CONTROLLER);
    let json = |args: &[&str]| {
        let out = project
            .upshift()
            .args(["check", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let cold = json(&[]);
    let warm = json(&[]);
    assert_eq!(
        cold, warm,
        "a cache hit reports exactly what a cold run does"
    );
    assert_eq!(cold, json(&["--no-cache"]));
    // A changed file misses.
    project.file("urls.py", format!("{LEGACY_URLS}url(2)\n"));
    assert!(json(&[]).contains("\"line\": 4"));
    // A different selection is a different cache.
    assert!(!json(&["--select", "rails"]).contains("django/"));
    // A damaged cache file is ignored, never trusted.
    for entry in std::fs::read_dir(project_cache(&project))
        .unwrap()
        .flatten()
    {
        std::fs::write(entry.path(), "{not json").unwrap();
    }
    assert_eq!(json(&[]), json(&["--no-cache"]));
}

#[test]
fn an_edited_rule_or_pack_library_misses_the_result_cache() {
    let project = Project::new();
    project.file("app.py", "legacy_call(1)\n");
    let rule = |message: &str| {
        format!(
            "id: team/legacy\nlanguage: python\nmessage: \"{message}\"\nseverity: warning\n\
             docs: https://example.com\nquery: |\n  (call function: (identifier) @f (#eq? @f \"legacy_call\")) @match\n\
             where:\n  - script: ok()\n"
        )
    };
    project.file("rules/team/legacy.yml", rule("first wording"));
    project.file("rules/team/lib.rhai", "fn ok() { true }\n");
    let check = || {
        let out = project
            .upshift()
            .args(["check", "--no-builtin-rules", "--rules", "rules", "app.py"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(check().contains("first wording"));
    assert!(
        check().contains("first wording"),
        "the second run is a cache hit"
    );
    project.file("rules/team/legacy.yml", rule("second wording"));
    assert!(check().contains("second wording"), "an edited rule misses");
    project.file("rules/team/lib.rhai", "fn ok() { false }\n");
    assert!(
        !check().contains("wording"),
        "an edited pack library misses: its condition no longer holds"
    );
}

#[test]
fn a_cached_result_holds_only_while_the_project_files_its_scripts_read_are_unchanged() {
    let project = Project::new();
    project.file("app/legacy.py", "legacy_call(1)\n");
    project.file(
        "rules/team/legacy.yml",
        "id: team/legacy\nlanguage: python\nmessage: \"legacy\"\nseverity: warning\n\
         docs: https://example.com\nquery: |\n  (call function: (identifier) @f (#eq? @f \"legacy_call\")) @match\n\
         where:\n  - script: 'project_file(\"settings/flags.txt\") == \"on\\n\"'\n",
    );
    let check = || {
        let out = project
            .upshift()
            .args(["check", "--no-builtin-rules", "--rules", "rules", "app"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(
        !check().contains("team/legacy"),
        "no project file: no finding"
    );
    project.file("settings/flags.txt", "on\n");
    assert!(
        check().contains("team/legacy"),
        "a file that appears misses"
    );
    assert!(check().contains("team/legacy"), "and the next run is a hit");
    project.file("settings/flags.txt", "off\n");
    assert!(!check().contains("team/legacy"), "a changed file misses");
    // A nearer file of the same path wins over the one above.
    project.file("app/settings/flags.txt", "on\n");
    assert!(check().contains("team/legacy"));
}

fn project_cache(project: &Project) -> std::path::PathBuf {
    project.cache_dir().to_path_buf()
}
