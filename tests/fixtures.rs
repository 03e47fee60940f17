//! Every built-in rule against its fixtures: a rule without passing fixtures fails the build.

use std::path::Path;

use upshift::fixtures;
use upshift::rules::{Condition, FixStep, RuleSet};

#[test]
fn every_built_in_rule_passes_its_fixtures() {
    let set = RuleSet::load_from(true, &[]).unwrap_or_else(|errors| {
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
fn every_built_in_script_and_library_compiles() {
    // Built-in scripts and pack libraries compile when a file first needs them; a mistake in
    // one that no fixture runs would only show on a user's file.
    let set = RuleSet::load_from(true, &[]).expect("built-in rules load");
    let mut scripts = 0;
    for rule in &set.rules {
        let conditions = rule.conditions.iter().filter_map(|c| match c {
            Condition::Script(s) => Some(s),
            _ => None,
        });
        let steps = rule.fix.iter().filter_map(|f| match f {
            FixStep::Script(s) => Some(s),
            _ => None,
        });
        for script in conditions.chain(steps) {
            let _ = script.ast();
            scripts += 1;
        }
    }
    assert!(scripts > 100, "only {scripts} scripts");
}

#[test]
fn every_fixture_folder_belongs_to_a_rule() {
    let set = RuleSet::load_from(true, &[]).expect("built-in rules load");
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

#[test]
fn the_query_reader_counts_every_built_in_pattern_like_tree_sitter() {
    // At run time built-in queries are compiled per language, and each pattern's prefilter
    // literals come from the light reader; a miscount would silently turn the prefilter off.
    let set = RuleSet::load_from(true, &[]).expect("built-in rules load");
    for rule in &set.rules {
        let language = upshift::language::get(rule.language);
        let query = tree_sitter::Query::new(&language.grammar, &rule.query_source).unwrap();
        let read = upshift::rules::query_shape::read(&rule.query_source);
        assert_eq!(
            read.len(),
            query.pattern_count(),
            "{}: the reader miscounts patterns",
            rule.id
        );
    }
}

/// The prefilter numbers a rule's patterns as the light query reader counts them; for a
/// built-in rule (whose query is compiled only when a run needs it) that count must be
/// tree-sitter's, or a pattern's literals would gate another one.
#[test]
fn every_built_in_query_compiles_with_the_pattern_count_the_prefilter_assumes() {
    let set = RuleSet::load_from(true, &[]).expect("built-in rules load");
    for rule in &set.rules {
        assert_eq!(
            rule.patterns.len(),
            rule.query().pattern_count(),
            "{}: the light reader and tree-sitter count its patterns differently",
            rule.id
        );
    }
}
