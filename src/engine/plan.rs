//! A run's rules, arranged for speed: per language, one query holding every rule's patterns
//! (one cursor pass per file) and one literal automaton (a file none of whose rules' required
//! literals occur is not parsed at all).
//!
//! A language's query is compiled the first time a file of that language is seen, so a run
//! over Python files never compiles the Java rules.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use tree_sitter::Query;

use crate::language::{self, Language, LanguageId};
use crate::rules::{Condition, FixStep, Rule, RuleSet, Selection, Severity};

/// A rule as this run uses it.
#[derive(Debug)]
pub struct ActiveRule<'a> {
    pub rule: &'a Rule,
    /// The severity at the run's target.
    pub severity: Severity,
    /// The `--target` version of the rule's framework, which `{{$target}}` renders.
    pub target: Option<String>,
}

/// The rules of a run.
pub struct Plan<'a> {
    pub rules: Vec<ActiveRule<'a>>,
    /// Skip files by literals (on by default; the fixture harness turns it off to check it).
    pub prefilter: bool,
    languages: HashMap<LanguageId, OnceLock<LanguagePlan>>,
}

/// One language's rules compiled together.
pub struct LanguagePlan {
    pub language: &'static Language,
    pub query: Query,
    /// Pattern index -> index into [`Plan::rules`].
    pub pattern_rule: Vec<usize>,
    /// Pattern index -> ids of the literals of which one must occur; `None`: no requirement.
    pattern_literals: Vec<Option<Vec<usize>>>,
    literals: Option<AhoCorasick>,
    literal_count: usize,
    /// Whether any of the language's rules needs the import model.
    pub needs_imports: bool,
}

impl<'a> Plan<'a> {
    /// The rules of `set` that `selection` keeps, in rule order.
    pub fn new(set: &'a RuleSet, selection: &Selection) -> Plan<'a> {
        let rules: Vec<ActiveRule<'a>> = set
            .rules
            .iter()
            .filter(|rule| selection.includes(rule))
            .map(|rule| ActiveRule {
                rule,
                severity: selection.severity(rule),
                target: selection.target_for(rule).map(|t| t.version.to_string()),
            })
            .collect();
        let mut languages = HashMap::new();
        for active in &rules {
            languages
                .entry(active.rule.language)
                .or_insert_with(OnceLock::new);
        }
        Plan {
            rules,
            prefilter: true,
            languages,
        }
    }

    /// Whether any rule runs on files of `language`.
    pub fn covers(&self, language: LanguageId) -> bool {
        self.languages.contains_key(&language)
    }

    /// The compiled rules for `language`, compiling them on first use.
    pub fn language(&self, language: LanguageId) -> Option<&LanguagePlan> {
        let cell = self.languages.get(&language)?;
        Some(cell.get_or_init(|| LanguagePlan::compile(language::get(language), &self.rules)))
    }
}

impl LanguagePlan {
    fn compile(language: &'static Language, rules: &[ActiveRule]) -> LanguagePlan {
        let mut source = String::new();
        // (offset of the rule's text in `source`, rule index), in order.
        let mut starts: Vec<(usize, usize)> = Vec::new();
        let mut needs_imports = false;
        for (index, active) in rules.iter().enumerate() {
            let rule = active.rule;
            if rule.language != language.id {
                continue;
            }
            needs_imports |= rule.conditions.iter().any(|c| {
                matches!(
                    c,
                    Condition::ImportedFrom { .. } | Condition::NotImported { .. }
                )
            }) || rule.fix.iter().any(|s| {
                matches!(
                    s,
                    FixStep::AddImport(_) | FixStep::RemoveImport(_) | FixStep::MoveImport(..)
                )
            });
            starts.push((source.len(), index));
            source.push_str(&rule.query_source);
            source.push('\n');
        }
        let query = Query::new(&language.grammar, &source).unwrap_or_else(|err| {
            panic!("built-in rules compile (the test suite checks them): {err}")
        });
        // Map each pattern back to its rule by where its text starts.
        let pattern_rule: Vec<usize> = (0..query.pattern_count())
            .map(|pattern| {
                let at = query.start_byte_for_pattern(pattern);
                let slot = starts.partition_point(|(start, _)| *start <= at) - 1;
                starts[slot].1
            })
            .collect();
        let mut literal_ids: HashMap<&str, usize> = HashMap::new();
        let mut pattern_literals = Vec::with_capacity(pattern_rule.len());
        let mut nth = 0;
        for (pattern, &rule_index) in pattern_rule.iter().enumerate() {
            nth = if pattern > 0 && pattern_rule[pattern - 1] == rule_index {
                nth + 1
            } else {
                0
            };
            let rule = rules[rule_index].rule;
            let count = pattern_rule.iter().filter(|&&r| r == rule_index).count();
            // The light reader must agree with tree-sitter on the count, or nothing is skipped.
            let shape = (rule.patterns.len() == count).then(|| &rule.patterns[nth]);
            pattern_literals.push(shape.and_then(|s| s.required_literals.as_ref()).map(|set| {
                set.iter()
                    .map(|lit| {
                        let next = literal_ids.len();
                        *literal_ids.entry(lit.as_str()).or_insert(next)
                    })
                    .collect()
            }));
        }
        let mut literals: Vec<(&str, usize)> = literal_ids.into_iter().collect();
        literals.sort_by_key(|(_, id)| *id);
        let literal_count = literals.len();
        let automaton = (!literals.is_empty()).then(|| {
            AhoCorasick::new(literals.iter().map(|(lit, _)| lit))
                .expect("literals build an automaton")
        });
        LanguagePlan {
            language,
            query,
            pattern_rule,
            pattern_literals,
            literals: automaton,
            literal_count,
            needs_imports,
        }
    }

    /// Which patterns may match a file with this path and text; `None` when none may, so the
    /// file need not be parsed.
    pub fn active_patterns(
        &self,
        rules: &[ActiveRule],
        path: &Path,
        text: &str,
        prefilter: bool,
    ) -> Option<Vec<bool>> {
        let mut present = vec![!prefilter; self.literal_count];
        if let Some(automaton) = self.literals.as_ref().filter(|_| prefilter) {
            for found in automaton.find_overlapping_iter(text) {
                present[found.pattern().as_usize()] = true;
            }
        }
        let mut rule_applies: HashMap<usize, bool> = HashMap::new();
        let active: Vec<bool> = self
            .pattern_rule
            .iter()
            .zip(&self.pattern_literals)
            .map(|(&rule, literals)| {
                let literal_ok = literals
                    .as_ref()
                    .is_none_or(|ids| ids.iter().any(|&id| present[id]));
                literal_ok
                    && *rule_applies
                        .entry(rule)
                        .or_insert_with(|| rules[rule].rule.applies_to(path))
            })
            .collect();
        active.iter().any(|a| *a).then_some(active)
    }
}
