//! `detect`, `report` and `plan` on the fixture monorepo (`fixtures/monorepo`: a Django
//! service, a Spring Boot service and a Rails app at different versions, with CODEOWNERS).
//! Text formats are snapshots; JSON is checked against its documented shape; a sharded run,
//! merged, must equal the single run. Dependencies are checked against the registry that
//! `tests/report/registry` serves on loopback.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::registry::FakeRegistry;
use serde_json::Value;

const TARGETS: &[&str] = &[
    "--target",
    "django@5.2",
    "--target",
    "spring-boot@3.3",
    "--target",
    "rails@7.2",
];

fn monorepo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/monorepo")
}

/// `upshift ARGS` run inside the monorepo, with a private result cache and the registry on
/// loopback.
fn upshift(args: &[&str], cache: &Path) -> String {
    let registry = FakeRegistry::start();
    let output = Command::cargo_bin("upshift")
        .unwrap()
        .current_dir(monorepo())
        .env("NO_COLOR", "1")
        .env("UPSHIFT_CACHE_DIR", cache)
        .envs(registry.env())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "upshift {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn with_targets<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend_from_slice(TARGETS);
    all
}

/// The report JSON without the tool version, which changes with every release.
fn stable(json: &str) -> Value {
    let mut doc: Value = serde_json::from_str(json).unwrap();
    doc.as_object_mut().unwrap().remove("tool_version");
    doc
}

#[test]
fn detect_lists_every_project_with_its_versions_and_their_source() {
    let cache = tempfile::tempdir().unwrap();
    insta::assert_snapshot!("detect", upshift(&["detect"], cache.path()));
    let json: Value =
        serde_json::from_str(&upshift(&["detect", "--format", "json"], cache.path())).unwrap();
    assert_eq!(json["version"], 2);
    let roots: Vec<&str> = json["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["root"].as_str().unwrap())
        .collect();
    assert_eq!(
        roots,
        ["apps/storefront", "services/billing", "services/shop"]
    );
}

#[test]
fn the_markdown_report_plans_each_project_step_by_step() {
    let cache = tempfile::tempdir().unwrap();
    let report = upshift(&with_targets(&["report"]), cache.path());
    insta::assert_snapshot!("report_markdown", report);
}

#[test]
fn the_csv_report_has_one_row_per_finding() {
    let cache = tempfile::tempdir().unwrap();
    let csv = upshift(&with_targets(&["report", "--format", "csv"]), cache.path());
    insta::assert_snapshot!("report_csv", csv);
    let json = stable(&upshift(
        &with_targets(&["report", "--format", "json"]),
        cache.path(),
    ));
    let rows = csv.lines().count() - 1;
    assert_eq!(rows, json["findings"].as_array().unwrap().len());
}

#[test]
fn the_json_report_follows_its_schema() {
    let cache = tempfile::tempdir().unwrap();
    let doc = stable(&upshift(
        &with_targets(&["report", "--format", "json"]),
        cache.path(),
    ));
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["targets"][0], "django@5.2");
    assert!(doc["files"].as_u64().unwrap() > 0);
    assert_eq!(doc["releases"]["django"][0], "2.0");
    for project in doc["projects"].as_array().unwrap() {
        assert!(project["root"].is_string());
        for version in project["versions"].as_array().unwrap() {
            for key in ["framework", "version", "spec", "source"] {
                assert!(version[key].is_string(), "{key} in {version}");
            }
            assert!(version["pinned"].is_boolean());
        }
    }
    let findings = doc["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        for key in ["path", "rule", "severity", "message", "docs", "fix"] {
            assert!(finding[key].is_string(), "{key} in {finding}");
        }
        for key in ["line", "column", "effort_minutes"] {
            assert!(finding[key].is_u64(), "{key} in {finding}");
        }
        assert!(["safe", "unsafe", "none"].contains(&finding["fix"].as_str().unwrap()));
        assert!(finding["owners"].is_array());
    }
    let dependencies = doc["dependencies"].as_array().unwrap();
    assert_eq!(dependencies.len(), 6);
    for dependency in dependencies {
        for key in [
            "project",
            "ecosystem",
            "name",
            "spec",
            "source",
            "target",
            "status",
            "note",
        ] {
            assert!(dependency[key].is_string(), "{key} in {dependency}");
        }
        assert!(dependency["dev"].is_boolean());
        assert!(
            [
                "compatible",
                "upgrade",
                "incompatible",
                "independent",
                "unknown"
            ]
            .contains(&dependency["status"].as_str().unwrap())
        );
    }
    // Ownership comes from .github/CODEOWNERS, the last matching line winning.
    let owners_of = |path: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["path"] == path)
            .flat_map(|f| {
                f["owners"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o.to_string())
            })
            .collect()
    };
    assert!(
        owners_of("services/shop/shop/orders/models.py")
            .iter()
            .all(|o| o == "\"@dana\"")
    );
    assert!(
        owners_of("services/shop/shop/views.py")
            .iter()
            .all(|o| o == "\"@acme/shop\"")
    );
}

#[test]
fn a_sharded_run_merges_into_the_single_run() {
    let cache = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let single = upshift(&with_targets(&["report", "--format", "json"]), cache.path());
    let mut shard_files = Vec::new();
    for k in 1..=3 {
        let path = out.path().join(format!("shard-{k}.json"));
        let shard = format!("{k}/3");
        let path_text = path.to_str().unwrap().to_string();
        upshift(
            &with_targets(&[
                "report", "--format", "json", "--shard", &shard, "-o", &path_text,
            ]),
            cache.path(),
        );
        shard_files.push(path_text);
    }
    // Each shard saw only part of the files.
    let files: Vec<u64> = shard_files
        .iter()
        .map(|f| {
            stable(&std::fs::read_to_string(f).unwrap())["files"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(
        files
            .iter()
            .all(|&n| n < stable(&single)["files"].as_u64().unwrap())
    );
    let mut merge = vec!["report", "merge", "--format", "json"];
    merge.extend(shard_files.iter().map(String::as_str));
    let merged = upshift(&merge, cache.path());
    assert_eq!(stable(&merged), stable(&single));
    // And every format made from the merge is the single run's.
    let mut merge_md = vec!["report", "merge"];
    merge_md.extend(shard_files.iter().map(String::as_str));
    assert_eq!(
        upshift(&merge_md, cache.path()),
        upshift(&with_targets(&["report"]), cache.path())
    );
}

#[test]
fn the_plan_batches_fixable_work_step_by_step() {
    let cache = tempfile::tempdir().unwrap();
    let plan = upshift(&with_targets(&["plan", "--max-files", "2"]), cache.path());
    insta::assert_snapshot!("plan_markdown", plan);
    let json: Value = serde_json::from_str(&upshift(
        &with_targets(&["plan", "--format", "json", "--max-files", "2"]),
        cache.path(),
    ))
    .unwrap();
    assert_eq!(json["version"], 2);
    let batches = json["batches"].as_array().unwrap();
    assert!(
        batches
            .iter()
            .all(|b| b["files"].as_array().unwrap().len() <= 2)
    );
    // Within a project and framework, steps never go backwards, and safe comes before unsafe.
    let mut last: std::collections::HashMap<String, (String, String)> = Default::default();
    for batch in batches {
        let key = format!("{} {}", batch["project"], batch["framework"]);
        let now = (batch["step"].to_string(), batch["safety"].to_string());
        if let Some(before) = last.get(&key) {
            assert!(before.0 <= now.0, "{key}: {before:?} then {now:?}");
            if before.0 == now.0 {
                assert!(!(before.1 == "\"unsafe\"" && now.1 == "\"safe\""), "{key}");
            }
        }
        last.insert(key, now);
    }
}

#[test]
fn applying_every_batch_fixes_everything_the_plan_lists() {
    let cache = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    copy_dir(&monorepo(), work.path());
    let run = |args: &[&str]| {
        Command::cargo_bin("upshift")
            .unwrap()
            .current_dir(work.path())
            .env("UPSHIFT_CACHE_DIR", cache.path())
            .args(args)
            .output()
            .unwrap()
    };
    let plan: Value = serde_json::from_slice(
        &run(&with_targets(&[
            "plan",
            "--json",
            "--no-dependencies",
            "--max-files",
            "3",
        ]))
        .stdout,
    )
    .unwrap();
    let mut listed = std::collections::HashSet::new();
    for batch in plan["batches"].as_array().unwrap() {
        for rule in batch["rules"].as_array().unwrap() {
            for file in batch["files"].as_array().unwrap() {
                listed.insert((rule.as_str().unwrap(), file.as_str().unwrap()));
            }
        }
        let command = batch["command"].as_str().unwrap();
        if batch["kind"] != "fix" {
            continue;
        }
        let words: Vec<&str> = command.split_whitespace().skip(1).collect();
        let mut args = words.clone();
        args.push("--allow-dirty");
        let output = run(&args);
        assert!(output.status.code().unwrap() <= 1, "{command}");
    }
    let after: Value = serde_json::from_slice(
        &run(&with_targets(&[
            "report",
            "--format",
            "json",
            "--no-dependencies",
        ]))
        .stdout,
    )
    .unwrap();
    // A fix can open the way for another rule (JUnit 4 `@Before` is rewritten once `@Test` is
    // JUnit 5's), which the next plan lists; what this plan listed must all be done.
    let left: Vec<&Value> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fix"] != "none")
        .filter(|f| listed.contains(&(f["rule"].as_str().unwrap(), f["path"].as_str().unwrap())))
        .collect();
    assert!(!listed.is_empty());
    assert!(left.is_empty(), "fixable findings left: {left:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn a_rails_only_report_has_no_python_or_java_findings_and_md_is_markdown() {
    let cache = tempfile::tempdir().unwrap();
    let report = upshift(
        &[
            "report",
            "--target",
            "rails@7.2",
            "--format",
            "md",
            "--no-dependencies",
        ],
        cache.path(),
    );
    assert!(report.starts_with("# Upgrade compatibility report"));
    assert!(report.contains("## `apps/storefront`"), "{report}");
    for other in [
        "services/shop",
        "services/billing",
        "django/",
        "python/",
        "spring/",
    ] {
        assert!(
            !report.contains(other),
            "{other} in a Rails-only report:\n{report}"
        );
    }
}

#[test]
fn the_plan_lists_manual_blockers_and_runtime_upgrades_as_steps() {
    let cache = tempfile::tempdir().unwrap();
    let json: Value = serde_json::from_str(&upshift(
        &with_targets(&["plan", "--format", "json"]),
        cache.path(),
    ))
    .unwrap();
    let steps: Vec<(String, String, String)> = json["batches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["project"] == "services/shop")
        .map(|b| {
            (
                b["kind"].as_str().unwrap().to_string(),
                b["step"].as_str().unwrap().to_string(),
                b["rules"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(","),
            )
        })
        .collect();
    let position = |kind: &str, step: &str| {
        steps
            .iter()
            .position(|(k, s, _)| k == kind && s == step)
            .unwrap_or_else(|| panic!("no {kind} step at {step}: {steps:?}"))
    };
    // Python 3.10 comes before the first release that needs it (5.0), the manual blockers of
    // 5.1 after 5.0's fixes, the dependency upgrades before the target's release.
    assert!(position("runtime", "5.0") < position("fix", "5.0"));
    assert!(position("fix", "5.0") < position("manual", "5.1"));
    // The fixture's storage setting (DEFAULT_FILE_STORAGE, removed in 5.1, read from the
    // environment, so no STORAGES can be written for it) is reported for a
    // person, not fixed, so it is a manual step of its own.
    let manual = &steps[position("manual", "5.1")].2;
    assert!(manual.contains("django/default-file-storage"), "{manual}");
    assert!(position("manual", "5.1") < position("dependency", "5.2"));
}

#[test]
fn migrations_the_configuration_calls_applied_leave_the_report() {
    let app = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = app.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("Gemfile", "gem 'rails', '~> 6.1.7'\n");
    for (name, column) in [
        ("20200101000000_drop_name", "name"),
        ("20240101000000_drop_age", "age"),
    ] {
        write(
            &format!("db/migrate/{name}.rb"),
            &format!(
                "class X < ActiveRecord::Migration[6.1]\n  def change\n    remove_column :users, :{column}, :string\n  end\nend\n"
            ),
        );
    }
    let report = |cache: &Path| {
        let output = Command::cargo_bin("upshift")
            .unwrap()
            .current_dir(app.path())
            .env("UPSHIFT_CACHE_DIR", cache)
            .args([
                "report",
                "--target",
                "rails@7.2",
                "--format",
                "json",
                "--no-dependencies",
            ])
            .output()
            .unwrap();
        assert!(output.status.success());
        let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let all = report(cache.path());
    assert_eq!(all.len(), 2, "{all:?}");
    write(
        "upshift.toml",
        "[migrations]\nstart-after = { db = \"20230101000000\" }\n",
    );
    assert_eq!(
        report(cache.path()),
        ["db/migrate/20240101000000_drop_age.rb"]
    );
}
