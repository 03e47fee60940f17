//! Every built-in rule against its fixtures: a rule without passing fixtures fails the build.

use std::path::Path;

use upshift::fixtures;
use upshift::rules::RuleSet;

#[test]
fn every_built_in_rule_passes_its_fixtures() {
    let set = RuleSet::load(&[]).unwrap_or_else(|errors| {
        panic!(
            "built-in rules must load: {}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let outcome = fixtures::run(&set, &root, |_| true);
    assert!(outcome.rules > 0);
    let report: Vec<String> = outcome.failures.iter().map(|f| f.to_string()).collect();
    assert!(
        report.is_empty(),
        "{} fixture failure(s):\n{}",
        report.len(),
        report.join("\n\n")
    );
}

#[test]
fn every_fixture_folder_belongs_to_a_rule() {
    let set = RuleSet::load(&[]).expect("built-in rules load");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for pack in std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
    {
        let pack_name = pack.file_name().to_string_lossy().into_owned();
        if !set.packs.contains_key(&pack_name) {
            continue; // example projects and end-to-end trees live beside the packs
        }
        for rule in std::fs::read_dir(pack.path()).unwrap().flatten() {
            let id = format!("{pack_name}/{}", rule.file_name().to_string_lossy());
            assert!(set.get(&id).is_some(), "fixtures/{id} has no rule {id}");
        }
    }
}
