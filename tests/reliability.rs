//! What upshift promises under faults and bad input: nothing lost, nothing half-written,
//! nothing changed where no fix applies, never a hang or a panic. See docs/safety.md.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::Project;
use predicates::prelude::*;
use predicates::str::contains;

const LEGACY: &str =
    "from django.conf.urls import url\n\nurlpatterns = [url(r\"^(\\d+)/$\", index)]\n";
const FIXED: &str =
    "from django.urls import re_path\n\nurlpatterns = [re_path(r\"^(\\d+)/$\", index)]\n";

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("upshift")
}

/// A tree of `n` legacy files.
fn legacy_tree(n: usize) -> Project {
    let project = Project::new();
    for i in 0..n {
        project.file(&format!("pkg{}/m{i}.py", i % 20), LEGACY);
    }
    project
}

fn temp_files(project: &Project) -> Vec<std::path::PathBuf> {
    project
        .snapshot()
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".upshift-"))
        })
        .collect()
}

#[test]
fn sigkill_at_any_moment_leaves_every_file_fully_old_or_fully_new() {
    let project = legacy_tree(400);
    let started = Instant::now();
    let mut kills = 0;
    // Kill at growing delays until a run finishes by itself, bounded in count and time.
    for attempt in 0..25u64 {
        let mut child = Command::new(bin())
            .args(["fix", "--allow-dirty", "-q", "."])
            .current_dir(project.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(attempt * 7 % 90));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        kills += usize::from(!finished);
        for (path, bytes) in project.snapshot() {
            if path.extension().is_some_and(|e| e == "py") {
                assert!(
                    bytes == LEGACY.as_bytes() || bytes == FIXED.as_bytes(),
                    "{} is neither old nor new",
                    path.display()
                );
            }
        }
        if started.elapsed() > Duration::from_secs(20) {
            break;
        }
        // Start the next attempt from the legacy tree again.
        for (path, _) in project.snapshot() {
            if path.extension().is_some_and(|e| e == "py") {
                std::fs::write(&path, LEGACY).unwrap();
            }
        }
    }
    assert!(kills > 0, "no run was ever killed mid-way");
    // A later run finishes the work and leaves no temporary files of killed runs behind.
    project
        .upshift()
        .args(["fix", "--allow-dirty", "."])
        .assert()
        .code(0);
    assert!(
        temp_files(&project).is_empty(),
        "{:?}",
        temp_files(&project)
    );
    assert!(
        project
            .snapshot()
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "py"))
            .all(|(_, b)| b == FIXED.as_bytes())
    );
}

#[cfg(unix)]
#[test]
fn sigint_stops_cleanly_after_the_files_in_flight() {
    let project = legacy_tree(3000);
    let child = Command::new(bin())
        .args(["fix", "--allow-dirty", "-q", "."])
        .current_dir(project.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let code = output.status.code();
    // Either it stopped (130) or it had already finished (0); never anything in between.
    assert!(
        matches!(code, Some(130) | Some(0)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    if code == Some(130) {
        assert!(String::from_utf8_lossy(&output.stderr).contains("interrupted"));
    }
    for (path, bytes) in project.snapshot() {
        if path.extension().is_some_and(|e| e == "py") {
            assert!(
                bytes == LEGACY.as_bytes() || bytes == FIXED.as_bytes(),
                "{}",
                path.display()
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_not_written_and_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::new();
    let path = project.file("urls.py", LEGACY);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    project
        .upshift()
        .args(["fix"])
        .assert()
        .code(2)
        .stderr(contains("urls.py: not written: the file is read-only"));
    assert_eq!(project.read_text("urls.py"), LEGACY);
}

#[cfg(unix)]
#[test]
fn broken_and_looping_symlinks_fifos_and_sockets_are_passed_over_without_hanging() {
    let project = Project::new();
    project.file("ok/urls.py", LEGACY);
    std::os::unix::fs::symlink(
        project.path().join("missing.py"),
        project.path().join("broken.py"),
    )
    .unwrap();
    std::os::unix::fs::symlink(project.path().join("loop_b"), project.path().join("loop_a"))
        .unwrap();
    std::os::unix::fs::symlink(project.path().join("loop_a"), project.path().join("loop_b"))
        .unwrap();
    std::os::unix::fs::symlink(project.path(), project.path().join("ok/up")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(project.path().join("pipe.py"))
            .status()
            .unwrap()
            .success()
    );
    let _socket = std::os::unix::net::UnixListener::bind(project.path().join("sock.py")).unwrap();
    let py_files = |p: &Project| {
        p.snapshot_without_special()
            .into_iter()
            .filter(|(path, _)| path.extension().is_some_and(|e| e == "py"))
            .collect::<Vec<_>>()
    };
    let before = py_files(&project);
    let started = Instant::now();
    project
        .upshift()
        .args(["check", "--format", "concise", "."])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(1)
        .stdout(contains("ok/urls.py").count(1));
    project
        .upshift()
        .args(["fix", "--allow-dirty", "."])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(0);
    assert!(started.elapsed() < Duration::from_secs(20));
    let after = py_files(&project);
    assert_eq!(before.len(), after.len());
    assert_eq!(after[0].1, FIXED.as_bytes());
    // Named explicitly, a FIFO is reported, not read (which would block).
    project
        .upshift()
        .args(["check", "pipe.py"])
        .timeout(Duration::from_secs(10))
        .assert()
        .code(2);
}

#[test]
fn a_very_large_file_is_skipped_by_the_size_limit_without_reading_it() {
    let project = Project::new();
    let big = project.path().join("generated.py");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    project.file("urls.py", LEGACY);
    project
        .upshift()
        .args(["check", "--format", "concise", "."])
        .assert()
        .code(1)
        .stderr(contains(
            "generated.py: skipped: 52428800 bytes is over the 10485760-byte limit",
        ));
}

#[test]
fn long_lines_deep_nesting_and_empty_files_are_handled_without_a_panic() {
    let project = Project::new();
    project.file(
        "long.py",
        format!(
            "from django.conf.urls import url\nx = [{}]\nurl(1)\n",
            "1, ".repeat(300_000)
        ),
    );
    project.file(
        "deep.py",
        format!(
            "from django.conf.urls import url\nx = {}1{}\nurl(2)\n",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
    );
    project.file(
        "deep.rb",
        format!("x = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    );
    project.file(
        "Deep.java",
        format!(
            "class A {{ int x = {}1{}; }}\n",
            "(".repeat(10_000),
            ")".repeat(10_000)
        ),
    );
    project.file("empty.py", "");
    // A generous budget per file: this is about surviving such input, not about speed (an
    // unoptimised build on a loaded machine can take seconds over the 300,000-item list).
    project
        .upshift()
        .args(["check", "--format", "concise", "--file-timeout", "120", "."])
        .timeout(Duration::from_secs(240))
        .assert()
        .code(predicate::in_iter([0, 1]));
    project
        .upshift()
        .args(["fix", "--allow-dirty", "--file-timeout", "120", "."])
        .timeout(Duration::from_secs(240))
        .assert()
        .code(predicate::in_iter([0, 1]));
    assert!(project.read_text("long.py").ends_with("re_path(1)\n"));
    assert_eq!(project.read_text("empty.py"), "");
}

#[test]
fn mixed_line_endings_are_kept_and_untouched_lines_do_not_change() {
    let project = Project::new();
    project.file(
        "urls.py",
        "import os\r\nfrom django.conf.urls import url\nx = 1\r\nurl(1)\n",
    );
    project.file("clean.py", "a = 1\r\nb = 2\nc = 3\r\n");
    let clean_before = project.read("clean.py");
    project
        .upshift()
        .args(["fix", "--allow-dirty", "."])
        .assert()
        .code(0);
    assert_eq!(
        project.read("urls.py"),
        b"import os\r\nfrom django.urls import re_path\r\nx = 1\r\nre_path(1)\n"
    );
    assert_eq!(project.read("clean.py"), clean_before);
}

#[cfg(unix)]
#[test]
fn the_same_file_reached_twice_is_fixed_once() {
    let project = Project::new();
    project.file("a/urls.py", LEGACY);
    std::os::unix::fs::symlink(
        project.path().join("a/urls.py"),
        project.path().join("alias.py"),
    )
    .unwrap();
    project
        .upshift()
        .args(["fix", "--allow-dirty", "a/urls.py", "alias.py", "a"])
        .assert()
        .code(0)
        .stdout(contains("Fixed 1 finding in 1 file."));
    assert_eq!(project.read_text("a/urls.py"), FIXED);
}

#[test]
fn two_fix_runs_at_once_do_not_corrupt_files() {
    let project = legacy_tree(600);
    let spawn = || {
        Command::new(bin())
            .args(["fix", "--allow-dirty", "-q", "."])
            .current_dir(project.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn(), spawn());
    let (ra, rb) = (a.wait().unwrap(), b.wait().unwrap());
    // A run that lost a race for a file reports it (exit 2) instead of overwriting.
    assert!(matches!(ra.code(), Some(0) | Some(2)) && matches!(rb.code(), Some(0) | Some(2)));
    for (path, bytes) in project.snapshot() {
        if path.extension().is_some_and(|e| e == "py") {
            assert_eq!(bytes, FIXED.as_bytes(), "{}", path.display());
        }
    }
}

#[test]
fn undo_restores_the_last_fix_and_refuses_files_edited_since() {
    let project = Project::new();
    project.file("a.py", LEGACY);
    project.file("b.py", format!("\u{feff}{LEGACY}"));
    project
        .upshift()
        .args([
            "fix",
            "--allow-dirty",
            "--backup-patch",
            "undo.patch",
            "a.py",
            "b.py",
        ])
        .assert()
        .code(0);
    assert_eq!(project.read_text("a.py"), FIXED);
    assert_eq!(project.read_text(".upshift/.gitignore"), "*\n");
    assert!(
        project
            .read_text("undo.patch")
            .contains("+from django.conf.urls import url")
    );
    project
        .upshift()
        .args(["undo"])
        .assert()
        .code(0)
        .stderr(contains("Undid the last fix: 2 files."));
    assert_eq!(project.read_text("a.py"), LEGACY);
    assert_eq!(
        project.read("b.py"),
        format!("\u{feff}{LEGACY}").into_bytes()
    );
    project
        .upshift()
        .args(["undo"])
        .assert()
        .code(2)
        .stderr(contains("no fix run to undo"));

    project
        .upshift()
        .args(["fix", "--allow-dirty", "a.py", "b.py"])
        .assert()
        .code(0);
    project.file("b.py", "# edited by hand\n");
    project
        .upshift()
        .args(["undo"])
        .assert()
        .code(1)
        .stderr(contains("not restored:").and(contains("b.py: edited since the fix")));
    assert_eq!(project.read_text("a.py"), LEGACY);
    assert_eq!(project.read_text("b.py"), "# edited by hand\n");
}

#[cfg(unix)]
#[test]
fn a_symlinked_directory_pointing_outside_the_root_is_not_followed() {
    let outside = Project::new();
    outside.file("urls.py", LEGACY);
    let project = Project::new();
    project.file("app/urls.py", LEGACY);
    std::os::unix::fs::symlink(outside.path(), project.path().join("app/vendor")).unwrap();
    project
        .upshift()
        .args(["fix", "--allow-dirty", "."])
        .assert()
        .code(0);
    assert_eq!(project.read_text("app/urls.py"), FIXED);
    assert_eq!(outside.read_text("urls.py"), LEGACY);
}

#[test]
fn fixing_twice_changes_nothing_the_second_time() {
    let project = Project::new();
    for example in [
        "shop/shop/urls.py",
        "shop/shop/views.py",
        "storefront/app/controllers/carts_controller.rb",
    ] {
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/example")
            .join(example);
        project.file(example, std::fs::read(source).unwrap());
    }
    project
        .upshift()
        .args(["fix", "--allow-dirty", "--unsafe-fixes", "."])
        .assert()
        .code(predicate::in_iter([0, 1]));
    let once = project.snapshot();
    project
        .upshift()
        .args(["fix", "--allow-dirty", "--unsafe-fixes", "."])
        .assert()
        .stdout(contains("Fixed 0 findings in 0 files."));
    let twice: Vec<_> = project
        .snapshot()
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().contains(".upshift"))
        .collect();
    let once: Vec<_> = once
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().contains(".upshift"))
        .collect();
    assert_eq!(once, twice);
}

#[test]
fn a_file_over_its_time_budget_is_reported_as_skipped() {
    let project = Project::new();
    project.file("urls.py", LEGACY);
    project
        .upshift()
        .args(["check", "--file-timeout", "0"])
        .assert()
        .code(0)
        .stderr(contains(
            "urls.py: skipped: parsing or matching took longer than the per-file time budget",
        ));
}

/// The project's files with their bytes, leaving out upshift's own `.upshift/` folder.
fn user_files(project: &Project) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    project
        .snapshot()
        .into_iter()
        .filter(|(p, _)| {
            !p.strip_prefix(project.path())
                .unwrap()
                .starts_with(".upshift")
        })
        .collect()
}

/// A generated tree: legacy files that differ from each other, and files no rule changes.
fn generated_tree(n: usize) -> Project {
    let project = Project::new();
    for i in 0..n {
        let text = if i % 5 == 4 {
            format!("# module {i}: nothing to fix\nvalue = {i}\n")
        } else {
            format!("# module {i}\n{LEGACY}{}", "x = url\n".repeat(i % 7))
        };
        project.file(&format!("pkg{}/sub{}/m{i}.py", i % 9, i % 4), text);
    }
    project
}

/// A small seeded generator, so a failure can be replayed from the seed it prints.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound.max(1)
    }
}

#[test]
fn undo_after_a_kill_at_any_moment_of_fix_restores_every_file() {
    let project = generated_tree(60);
    let original = user_files(&project);
    // How long a whole run takes here, so the kills fall anywhere within one.
    let started = Instant::now();
    project
        .upshift()
        .args(["fix", "--allow-dirty", "-q", "."])
        .assert()
        .code(0);
    let full = started.elapsed().as_millis() as u64;
    project.upshift().args(["undo"]).assert().code(0);
    assert_eq!(user_files(&project), original);

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut random = Lcg(seed);
    let started = Instant::now();
    let (mut trials, mut killed_after_writing) = (0, 0);
    while trials < 40 && started.elapsed() < Duration::from_secs(15) {
        trials += 1;
        let delay = random.below(full + full / 4);
        let mut child = Command::new(bin())
            .args(["fix", "--allow-dirty", "-q", "."])
            .current_dir(project.path())
            .env("UPSHIFT_CACHE_DIR", project.cache_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let changed = user_files(&project) != original;
        killed_after_writing += usize::from(changed);
        let undo = project.upshift().args(["undo"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&undo.stderr);
        assert!(
            undo.status.code() == Some(0)
                || (!changed
                    && undo.status.code() == Some(2)
                    && stderr.contains("no fix run to undo")),
            "seed {seed}, kill after {delay} ms: undo exit {:?}: {stderr}",
            undo.status.code()
        );
        let now = user_files(&project);
        if now != original {
            let differ: Vec<_> = now
                .iter()
                .map(|(p, _)| p)
                .filter(|p| !original.iter().any(|(q, _)| q == *p))
                .chain(
                    original
                        .iter()
                        .filter(|entry| !now.contains(entry))
                        .map(|(p, _)| p),
                )
                .collect();
            panic!("seed {seed}, kill after {delay} ms: not restored: {differ:?}");
        }
    }
    eprintln!("seed {seed}: {trials} kills, {killed_after_writing} after a write, all undone");
    assert!(
        killed_after_writing > 0,
        "seed {seed}: no kill in {trials} trials fell after a write"
    );
}

#[test]
fn stale_temp_files_of_a_killed_run_are_removed_and_look_alikes_are_kept() {
    let project = Project::new();
    project.file("app/urls.py", LEGACY);
    // Left by a run that is gone (no process has this id), beside the source file.
    project.file("app/.upshift-4294967295-Ab3dE9.tmp", "half");
    // A user's files that merely look similar.
    for name in [
        "app/.upshift-notes.tmp",
        "app/.upshift-4294967295-Ab3dE9.tmp.orig",
        "app/upshift-4294967295-Ab3dE9.tmp",
    ] {
        project.file(name, "mine");
    }
    project
        .upshift()
        .args(["fix", "--allow-dirty", "."])
        .assert()
        .code(0);
    assert_eq!(project.read_text("app/urls.py"), FIXED);
    assert!(
        !project
            .path()
            .join("app/.upshift-4294967295-Ab3dE9.tmp")
            .exists()
    );
    for name in [
        "app/.upshift-notes.tmp",
        "app/.upshift-4294967295-Ab3dE9.tmp.orig",
        "app/upshift-4294967295-Ab3dE9.tmp",
    ] {
        assert_eq!(project.read_text(name), "mine", "{name}");
    }
}

#[test]
fn undo_finds_the_repository_journal_from_a_subfolder_and_from_outside_with_a_path() {
    let project = Project::new();
    std::fs::create_dir_all(project.path().join(".git")).unwrap();
    project.file("app/urls.py", LEGACY);
    project.file("lib/deep/views.py", LEGACY);
    // The fix runs in one subfolder, naming files in another.
    let mut fix = project.upshift();
    fix.current_dir(project.path().join("app"))
        .args(["fix", "--allow-dirty", "urls.py", "../lib/deep/views.py"])
        .assert()
        .code(0);
    assert!(project.path().join(".upshift/undo").is_dir());
    assert!(!project.path().join("app/.upshift").exists());
    assert_eq!(project.read_text("lib/deep/views.py"), FIXED);
    // Undo from another subfolder.
    let mut undo = project.upshift();
    undo.current_dir(project.path().join("lib/deep"))
        .arg("undo")
        .assert()
        .code(0)
        .stderr(contains("Undid the last fix: 2 files."));
    assert_eq!(project.read_text("app/urls.py"), LEGACY);
    assert_eq!(project.read_text("lib/deep/views.py"), LEGACY);

    // From outside the tree, naming a file of the repository.
    project
        .upshift()
        .args(["fix", "--allow-dirty", "."])
        .assert()
        .code(0);
    // Another repository: its folder is not this one's.
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join(".git")).unwrap();
    let mut undo = project.upshift();
    undo.current_dir(outside.path())
        .arg("undo")
        .assert()
        .code(2)
        .stderr(contains("no fix run to undo"));
    let mut undo = project.upshift();
    undo.current_dir(outside.path())
        .args(["undo"])
        .arg(project.path().join("lib/deep/views.py"))
        .assert()
        .code(0);
    assert_eq!(project.read_text("app/urls.py"), LEGACY);
    assert_eq!(project.read_text("lib/deep/views.py"), LEGACY);
}

#[test]
fn pathological_files_are_skipped_within_their_budget_with_a_note() {
    let project = Project::new();
    // 100,000 unclosed brackets, and a 10 MB single line full of matches: both after code the
    // rules match, so both are parsed and matched.
    project.file("deep.py", format!("{LEGACY}x = {}\n", "[".repeat(100_000)));
    let line = format!("{LEGACY}x = [{}]\n", "url(1), ".repeat(10_000_000 / 8));
    project.file("line.py", &line);
    project.file("fine.py", LEGACY);
    project
        .upshift()
        .args(["fix", "--allow-dirty", "--file-timeout", "1", "."])
        // Only a guard against a hang; the budget itself is what the notes show.
        .timeout(Duration::from_secs(120))
        .assert()
        .code(0)
        .stderr(
            contains(
                "deep.py: skipped: parsing or matching took longer than the per-file time budget",
            )
            .and(contains(
                "line.py: skipped: parsing or matching took longer than the per-file time budget",
            )),
        );
    assert_eq!(project.read_text("fine.py"), FIXED);
    assert_eq!(project.read_text("line.py"), line);
    assert!(project.read_text("deep.py").starts_with(LEGACY));
}
