//! End-to-end: a Spring Boot 2.7 service upgraded to Spring Boot 3.3.
//!
//! `fixtures/spring-sample/before/` is a small but complete Spring Boot 2.7 project (Maven pom,
//! JPA entities, a REST controller, a service, Spring Security configuration, configuration
//! properties, JUnit 4 tests, `.properties`, YAML and `persistence.xml`). The tests copy it to a
//! temporary folder, run
//!
//! ```text
//! upshift fix --target spring-boot@3.3 --unsafe-fixes
//! ```
//!
//! and check that the result is exactly `fixtures/spring-sample/expected/` (reviewed by hand),
//! that a second run changes nothing, that every Java, YAML, properties and XML file of the
//! result parses without error, and, when `javac` is on `PATH`, that every Java file of the
//! result (main and test) compiles against the source stubs in `fixtures/spring-sample/stubs/`.
//! Those stubs declare the Jakarta, Spring 6 and Spring Security 6 API the result uses, and
//! none of the `javax` API it replaces, so compiling proves the migration of the Java sources is
//! complete. Without `javac` the compile step is skipped, and says so on stderr.
//!
//! `--unsafe-fixes` is on because the Spring Security renames (`authorizeRequests`,
//! `antMatchers`) and the Spring Boot and Java version bumps in `pom.xml` are unsafe fixes that
//! a Spring Boot 3 upgrade needs.
//!
//! After a rule change, `UPSHIFT_WRITE_EXPECTED=1 cargo test --test spring_sample` rewrites
//! `expected/` from the tool's output instead of comparing; review that diff line by line
//! before committing it.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::Project;
use upshift::engine::parse::{parse, syntax_errors};
use upshift::language;

/// The arguments of the fix under test, after `upshift fix`: Boot 3 needs Java 17, and the
/// upgrade says so (without it, the Java level the first run writes into the build would let a
/// second run make Java 17 rewrites the first could not).
const FIX_ARGS: &[&str] = &[
    "--target",
    "spring-boot@3.3",
    "--target",
    "java@17",
    "--unsafe-fixes",
    "--no-cache",
    "--quiet",
    ".",
];

/// Where a fix keeps its undo records, inside the fixed project; not part of the result.
const UNDO_FOLDER: &str = ".upshift";

/// `fixtures/spring-sample/<part>`.
fn sample(part: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/spring-sample")
        .join(part)
}

/// Every regular file under `root` with its bytes, keyed by its path relative to `root`,
/// leaving out the undo folder.
fn files_under(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                if entry.file_name() != UNDO_FOLDER {
                    folders.push(path);
                }
            } else {
                let relative = path.strip_prefix(root).unwrap().to_path_buf();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Writes `files` under `root`, creating folders.
fn write_files(root: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) {
    for (relative, bytes) in files {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Runs the fix under test in `project`. Exit 1 is expected: some findings need a person.
fn run_fix(project: &Project) {
    let output = project
        .upshift()
        .arg("fix")
        .args(FIX_ARGS)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "upshift fix failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A temporary copy of `before/`, fixed once.
fn fixed_sample() -> Project {
    let project = Project::new();
    write_files(project.path(), &files_under(&sample("before")));
    run_fix(&project);
    project
}

/// A unified diff of one file, as text.
fn text_diff(expected: &[u8], actual: &[u8]) -> String {
    let (expected, actual) = (
        String::from_utf8_lossy(expected),
        String::from_utf8_lossy(actual),
    );
    similar::TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string()
}

/// Every difference between two trees: files missing, extra, or with other contents.
fn tree_differences(
    expected: &BTreeMap<PathBuf, Vec<u8>>,
    actual: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<String> {
    let mut differences = Vec::new();
    for (path, want) in expected {
        match actual.get(path) {
            None => differences.push(format!("{}: missing from the result", path.display())),
            Some(got) if got != want => differences.push(format!(
                "{} differs from expected/:\n{}",
                path.display(),
                text_diff(want, got)
            )),
            Some(_) => {}
        }
    }
    for path in actual.keys().filter(|path| !expected.contains_key(*path)) {
        differences.push(format!(
            "{}: in the result but not in expected/",
            path.display()
        ));
    }
    differences
}

/// Replaces `expected/` with `result`.
fn write_expected(result: &BTreeMap<PathBuf, Vec<u8>>) {
    let expected = sample("expected");
    if expected.exists() {
        std::fs::remove_dir_all(&expected).unwrap();
    }
    write_files(&expected, result);
}

#[test]
fn spring_boot_2_7_sample_becomes_the_expected_tree() {
    let result = files_under(fixed_sample().path());
    if std::env::var_os("UPSHIFT_WRITE_EXPECTED").is_some_and(|v| v == "1") {
        write_expected(&result);
        return;
    }
    let differences = tree_differences(&files_under(&sample("expected")), &result);
    assert!(
        differences.is_empty(),
        "the fixed sample is not fixtures/spring-sample/expected \
         (UPSHIFT_WRITE_EXPECTED=1 rewrites it; review the diff):\n\n{}",
        differences.join("\n")
    );
}

#[test]
fn a_second_fix_of_the_spring_sample_changes_nothing() {
    let project = fixed_sample();
    let once = files_under(project.path());
    run_fix(&project);
    let differences = tree_differences(&once, &files_under(project.path()));
    assert!(
        differences.is_empty(),
        "the second run changed files:\n\n{}",
        differences.join("\n")
    );
}

#[test]
fn every_file_of_the_fixed_spring_sample_parses() {
    let project = fixed_sample();
    let mut languages = BTreeSet::new();
    for (relative, bytes) in files_under(project.path()) {
        let Some(lang) = language::for_path(&relative) else {
            continue;
        };
        let text = String::from_utf8(bytes).unwrap();
        let tree = parse(lang, &text, Duration::from_secs(60)).unwrap();
        assert_eq!(
            syntax_errors(&tree),
            0,
            "{} has syntax errors after the fix",
            relative.display()
        );
        languages.insert(lang.name.as_str());
    }
    assert_eq!(
        languages.into_iter().collect::<Vec<_>>(),
        ["java", "properties", "xml", "yaml"]
    );
}

/// Whether a JDK compiler can be run.
fn javac_available() -> bool {
    Command::new("javac")
        .arg("-version")
        .output()
        .is_ok_and(|output| output.status.success())
}

/// The `.java` files under `root`.
fn java_files(root: &Path) -> Vec<PathBuf> {
    files_under(root)
        .into_keys()
        .filter(|path| path.extension().is_some_and(|ext| ext == "java"))
        .map(|path| root.join(path))
        .collect()
}

#[test]
fn the_fixed_spring_sample_compiles_against_jakarta_and_spring_6_stubs() {
    if !javac_available() {
        // Written past the test harness's capture, so that the skip shows in every run.
        writeln!(
            std::io::stderr(),
            "spring_sample: javac is not on PATH; the compile step was skipped"
        )
        .unwrap();
        return;
    }
    let project = fixed_sample();
    let classes = tempfile::tempdir().unwrap();
    let output = Command::new("javac")
        .args(["-proc:none", "-encoding", "UTF-8", "-d"])
        .arg(classes.path())
        .args(java_files(&project.path().join("src")))
        .args(java_files(&sample("stubs")))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "javac rejects the fixed sample:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
