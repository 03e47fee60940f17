//! A run's rules, arranged for speed: per language, one literal automaton (a file none of
//! whose rules' required literals occur is not parsed at all), and one query holding the
//! patterns of the rules files have needed so far, run in one pass over each file.
//!
//! A pattern that starts with a named node (not a wildcard or a sequence of siblings) can
//! match only where the file's tree has a node of that kind. Before the query grows for a
//! file, its patterns whose root kinds the tree lacks are set aside: a run over one file
//! compiles only what can match there.
//!
//! Compiling a tree-sitter query costs a scan of the grammar's whole parse table, whatever the
//! query's size, on top of the analysis of each pattern: one query of many patterns is far
//! cheaper than many queries of one. So a run compiles one query per language, first for just
//! the rules the first file may match (a run over one file pays for those only), grows it
//! once to the union with a later file's, and after that takes every rule of the language.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use aho_corasick::AhoCorasick;
use tree_sitter::{Query, Tree};

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
    /// The options of the rule's pack switched on for this run, which scripts read.
    pub options: Vec<String>,
}

/// The rules of a run.
pub struct Plan<'a> {
    pub rules: Vec<ActiveRule<'a>>,
    /// Skip files by literals (on by default; the fixture harness turns it off to check it).
    pub prefilter: bool,
    languages: HashMap<LanguageId, OnceLock<LanguagePlan>>,
}

/// One language's rules, arranged for matching.
pub struct LanguagePlan {
    pub language: &'static Language,
    /// The language's rules: index into [`Plan::rules`] and the global index of the rule's
    /// first pattern; its patterns are numbered on from there.
    pub rules: Vec<(usize, usize)>,
    /// Global pattern index -> position in `rules`.
    pattern_slot: Vec<usize>,
    /// Global pattern index -> ids of the literals of which one must occur; `None`: no
    /// requirement.
    pattern_literals: Vec<Option<Vec<usize>>>,
    /// Global pattern index -> the ids of the node kinds its matches' root nodes have, if
    /// known (see [`root_kind_ids`]).
    pattern_roots: Vec<Option<Vec<u16>>>,
    literals: Option<AhoCorasick>,
    literal_count: usize,
    /// Whether any of the language's rules needs the import model.
    pub needs_imports: bool,
    /// The query of the rules needed so far, and how many times it was compiled.
    query: Mutex<(Option<Arc<Combined>>, usize)>,
}

/// Some of the language's rules in one query.
pub struct Combined {
    pub query: Query,
    /// Pattern index in `query` -> global pattern index, `None` past a rule's own count.
    pub pattern_global: Vec<Option<usize>>,
    /// Pattern index in `query` -> position in [`LanguagePlan::rules`].
    pub pattern_slot: Vec<usize>,
    /// Position in [`LanguagePlan::rules`] -> whether the query holds that rule.
    covers: Vec<bool>,
}

/// After this many compiles of a language's query, the next takes every rule.
const GROWTH: usize = 2;

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
                options: selection.options_for(set, rule),
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
        let mut slots = Vec::new();
        let mut pattern_slot = Vec::new();
        let mut literal_ids: HashMap<&str, usize> = HashMap::new();
        let mut pattern_literals = Vec::new();
        let mut pattern_roots = Vec::new();
        let mut needs_imports = false;
        for (index, active) in rules.iter().enumerate() {
            let rule = active.rule;
            if rule.language != language.id {
                continue;
            }
            needs_imports |= rule.conditions.iter().any(|c| match c {
                Condition::ImportedFrom { .. }
                | Condition::NotImported { .. }
                | Condition::FileImports { .. } => true,
                Condition::Script(script) => script.uses_imports,
                Condition::Inside { .. } => false,
            }) || rule.fix.iter().any(|s| match s {
                FixStep::AddImport(_) | FixStep::RemoveImport(_) | FixStep::MoveImport(..) => true,
                FixStep::Script(script) => script.uses_imports,
                _ => false,
            });
            slots.push((index, pattern_slot.len()));
            for shape in &rule.patterns {
                pattern_slot.push(slots.len() - 1);
                pattern_roots.push(root_kind_ids(language, shape.root_kinds.as_deref()));
                pattern_literals.push(shape.required_literals.as_ref().map(|set| {
                    set.iter()
                        .map(|lit| {
                            let next = literal_ids.len();
                            *literal_ids.entry(lit.as_str()).or_insert(next)
                        })
                        .collect()
                }));
            }
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
            rules: slots,
            pattern_slot,
            pattern_literals,
            pattern_roots,
            literals: automaton,
            literal_count,
            needs_imports,
            query: Mutex::new((None, 0)),
        }
    }

    /// Whether the run's current query holds the rules at these positions of
    /// [`LanguagePlan::rules`].
    pub fn has_query_for(&self, slots: &[usize]) -> bool {
        let current = self.query.lock().unwrap_or_else(|e| e.into_inner());
        current
            .0
            .as_ref()
            .is_some_and(|query| slots.iter().all(|&slot| query.covers[slot]))
    }

    /// `active` less the patterns whose root kinds do not occur in `tree` (see the module
    /// docs).
    pub fn narrowed_to_kinds(&self, active: &[bool], tree: &Tree) -> Vec<bool> {
        let mut present = vec![false; tree.language().node_kind_count()];
        let mut cursor = tree.walk();
        'walk: loop {
            if let Some(seen) = present.get_mut(usize::from(cursor.node().kind_id())) {
                *seen = true;
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        active
            .iter()
            .zip(&self.pattern_roots)
            .map(|(&on, roots)| {
                on && roots.as_ref().is_none_or(|ids| {
                    ids.iter()
                        .any(|&id| present.get(usize::from(id)).copied().unwrap_or(false))
                })
            })
            .collect()
    }

    /// A query holding at least the rules at these positions of [`LanguagePlan::rules`]:
    /// the run's current one when it does, else a new one that does (see the module docs).
    pub fn query_for(&self, rules: &[ActiveRule], slots: &[usize]) -> Arc<Combined> {
        let mut current = self.query.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(query) = &current.0
            && slots.iter().all(|&slot| query.covers[slot])
        {
            return Arc::clone(query);
        }
        let mut wanted = vec![current.1 >= GROWTH; self.rules.len()];
        if let Some(query) = &current.0 {
            for (want, had) in wanted.iter_mut().zip(&query.covers) {
                *want |= *had;
            }
        }
        for &slot in slots {
            wanted[slot] = true;
        }
        let query = Arc::new(self.compile_query(rules, wanted));
        *current = (Some(Arc::clone(&query)), current.1 + 1);
        query
    }

    /// The rules at the `wanted` positions in one query.
    fn compile_query(&self, rules: &[ActiveRule], covers: Vec<bool>) -> Combined {
        let mut source = String::new();
        let mut starts: Vec<(usize, usize)> = Vec::new();
        for (slot, &(rule, _)) in self.rules.iter().enumerate() {
            if !covers[slot] {
                continue;
            }
            starts.push((source.len(), slot));
            source.push_str(&rules[rule].rule.query_source);
            source.push('\n');
        }
        let query = Query::new(&self.language.grammar, &source).unwrap_or_else(|err| {
            panic!("built-in rules compile (the test suite checks them): {err}")
        });
        let mut pattern_slot = Vec::new();
        let mut pattern_global = Vec::new();
        for pattern in 0..query.pattern_count() {
            let at = query.start_byte_for_pattern(pattern);
            let slot = starts[starts.partition_point(|(start, _)| *start <= at) - 1].1;
            let nth = pattern_slot.iter().filter(|s| **s == slot).count();
            let (rule, first) = self.rules[slot];
            pattern_global.push((nth < rules[rule].rule.patterns.len()).then_some(first + nth));
            pattern_slot.push(slot);
        }
        Combined {
            query,
            pattern_global,
            pattern_slot,
            covers,
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
            .pattern_slot
            .iter()
            .zip(&self.pattern_literals)
            .map(|(&slot, literals)| {
                let literal_ok = literals
                    .as_ref()
                    .is_none_or(|ids| ids.iter().any(|&id| present[id]));
                let rule = self.rules[slot].0;
                literal_ok
                    && *rule_applies
                        .entry(rule)
                        .or_insert_with(|| rules[rule].rule.applies_to(path))
            })
            .collect();
        active.iter().any(|a| *a).then_some(active)
    }
}

/// The ids of the node kinds named `kinds` (a name may belong to several ids, as aliases do);
/// `None` when they are not known, or one is a supertype (`expression`), which never appears
/// in a tree as itself.
fn root_kind_ids(language: &Language, kinds: Option<&[String]>) -> Option<Vec<u16>> {
    let grammar = &language.grammar;
    let mut ids = Vec::new();
    for kind in kinds? {
        let named: Vec<u16> = (0..grammar.node_kind_count() as u16)
            .filter(|&id| grammar.node_kind_for_id(id) == Some(kind.as_str()))
            .collect();
        if named.is_empty() || named.iter().any(|&id| grammar.node_kind_is_supertype(id)) {
            return None;
        }
        ids.extend(named);
    }
    Some(ids)
}
