//! The dependency check of `upshift report`, against a package registry served on loopback
//! from `tests/report/registry` (never the network), online, offline with an empty cache, and
//! offline with the cache an online run left.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::registry::FakeRegistry;
use serde_json::Value;

const TARGETS: &[&str] = &[
    "--target",
    "django@5.0",
    "--target",
    "rails@7.2",
    "--target",
    "spring-boot@3.3",
];

fn monorepo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/monorepo")
}

/// `upshift report --format json` of the monorepo, with `extra` arguments, the registries
/// pointed at `registry` and the caches in `cache`; the document and standard error.
fn report(registry: &FakeRegistry, cache: &Path, extra: &[&str]) -> (Value, String) {
    let output = Command::cargo_bin("upshift")
        .unwrap()
        .current_dir(monorepo())
        .env("UPSHIFT_CACHE_DIR", cache)
        .envs(registry.env())
        .args(["report", "--format", "json"])
        .args(TARGETS)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    (serde_json::from_slice(&output.stdout).unwrap(), stderr)
}

/// `name: status version` per dependency.
fn statuses(doc: &Value) -> Vec<String> {
    doc["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}: {} {}",
                d["project"].as_str().unwrap(),
                d["name"].as_str().unwrap(),
                d["status"].as_str().unwrap(),
                d["version"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn each_dependency_is_checked_against_its_registry() {
    let registry = FakeRegistry::start();
    let cache = tempfile::tempdir().unwrap();
    let (doc, _) = report(&registry, cache.path(), &[]);
    assert_eq!(
        statuses(&doc),
        [
            "apps/storefront devise: compatible 4.8.1",
            "apps/storefront protected_attributes: incompatible 1.1.4",
            "services/billing org.springdoc:springdoc-openapi-ui: incompatible 1.8.0",
            "services/shop django-crispy-forms: upgrade 2.1",
            "services/shop django-filter: upgrade 24.2",
            "services/shop psycopg2-binary: independent 2.9.6",
        ]
    );
    let find = |name: &str| {
        doc["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == name)
            .unwrap()
            .clone()
    };
    // Why, from the metadata: the Rails bound, the Spring Boot generation, stale classifiers.
    assert_eq!(
        find("protected_attributes")["note"],
        "1.1.4 requires activemodel >= 4.0.1, < 5.0"
    );
    assert_eq!(
        find("org.springdoc:springdoc-openapi-ui")["note"],
        "the newest release, 1.8.0, built on org.springframework.boot 2.7.18"
    );
    assert!(
        find("django-filter")["note"]
            .as_str()
            .unwrap()
            .contains("classifiers name Django 1.11, 2.0, 2.1 only")
    );
    assert_eq!(
        find("django-filter")["source"],
        "services/shop/requirements.txt:4"
    );
    assert_eq!(find("devise")["target"], "rails@7.2");
    // Rails itself and the Spring Boot starters move with the framework: not listed.
    assert!(
        statuses(&doc)
            .iter()
            .all(|s| !s.contains("rails:") && !s.contains("starter-web"))
    );
}

#[test]
fn offline_with_nothing_cached_every_dependency_is_unknown_and_says_why() {
    let registry = FakeRegistry::start();
    let cache = tempfile::tempdir().unwrap();
    let (doc, stderr) = report(&registry, cache.path(), &["--offline"]);
    let dependencies = doc["dependencies"].as_array().unwrap();
    assert_eq!(dependencies.len(), 6);
    for dependency in dependencies {
        assert_eq!(dependency["status"], "unknown", "{dependency}");
        assert_eq!(dependency["note"], "offline, and not in the cache");
    }
    assert!(
        stderr.contains("6 of 6 dependencies could not be checked offline"),
        "{stderr}"
    );
    assert_eq!(registry.requests(), 0);
}

#[test]
fn offline_the_answers_an_online_run_cached_are_used() {
    let registry = FakeRegistry::start();
    let cache = tempfile::tempdir().unwrap();
    let (online, _) = report(&registry, cache.path(), &[]);
    let asked = registry.requests();
    assert!(asked > 0);
    let (offline, _) = report(&registry, cache.path(), &["--offline"]);
    assert_eq!(statuses(&offline), statuses(&online));
    assert_eq!(registry.requests(), asked);
}

#[test]
fn a_registry_that_cannot_be_reached_gives_unknown_not_an_error() {
    let cache = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("upshift")
        .unwrap()
        .current_dir(monorepo())
        .env("UPSHIFT_CACHE_DIR", cache.path())
        // Nothing listens on port 9 of loopback.
        .env("UPSHIFT_PYPI_URL", "http://127.0.0.1:9")
        .env("UPSHIFT_RUBYGEMS_URL", "http://127.0.0.1:9")
        .env("UPSHIFT_MAVEN_URL", "http://127.0.0.1:9/maven2")
        .args(["report", "--format", "md"])
        .args(TARGETS)
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("Dependencies: 6 unknown (6 checked)."),
        "{text}"
    );
    assert!(
        text.contains("http://127.0.0.1:9 could not be reached"),
        "{text}"
    );
}

#[test]
fn no_dependencies_leaves_the_registries_alone() {
    let registry = FakeRegistry::start();
    let cache = tempfile::tempdir().unwrap();
    let (doc, _) = report(&registry, cache.path(), &["--no-dependencies"]);
    assert_eq!(doc["dependencies"].as_array().unwrap().len(), 0);
    assert_eq!(registry.requests(), 0);
}
