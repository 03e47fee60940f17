//! The engine: from files on disk to findings and fixed texts.
//!
//! Per file, in parallel: read and decode ([`source`]), prefilter by literals and parse
//! ([`plan`], [`parse`]), match ([`matcher`]), and when fixing, run the fix loop
//! ([`fix_loop`]) with its edits ([`edit`], [`import_edit`]) and verification ([`verify`],
//! [`strict`]).
//! Writing ([`write`]) is left to the caller, which decides whether to write at all.

pub mod cache;
pub mod edit;
pub mod fix_loop;
pub mod import_edit;
pub mod imports;
pub mod interrupt;
pub mod matcher;
pub mod parse;
pub mod plan;
pub mod project;
pub mod script;
pub mod shard;
pub mod source;
pub mod strict;
pub mod suppress;
pub mod template;
pub mod undo;
pub mod verify;
pub mod walk;
pub mod write;
pub mod yaml_move;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::language::{self, Language, LanguageId};
use cache::Cache;
use fix_loop::FixProblem;
use imports::Imports;
use matcher::{FileContext, Finding};
use plan::{ActiveRule, LanguagePlan, Plan};
use source::{SkipReason, Source};
use walk::WalkedFile;

/// What a run does with each file.
#[derive(Debug, Clone)]
pub struct Options {
    /// Fix, and with unsafe fixes or not; `None` only checks.
    pub fix: Option<FixMode>,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// Time one file may take, parsing and matching included, before it is skipped.
    pub file_budget: Duration,
    /// The one folder scripts read project files from (the fixture harness); `None` looks
    /// them up from each file's folder upward.
    pub project_root: Option<PathBuf>,
}

/// How `fix` fixes.
#[derive(Debug, Clone, Copy)]
pub struct FixMode {
    pub unsafe_fixes: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fix: None,
            max_file_size: 10 * 1024 * 1024,
            file_budget: Duration::from_secs(10),
            project_root: None,
        }
    }
}

/// The result for one file.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub language: LanguageId,
    pub status: FileStatus,
}

/// Whether a file was analysed, and if not why.
#[derive(Debug)]
pub enum FileStatus {
    Skipped(SkipReason),
    Analyzed(Box<Analysis>),
}

/// A file's findings and, when fixing, its new text.
#[derive(Debug)]
pub struct Analysis {
    pub source: Source,
    /// The text after fixes; the findings' positions refer to it.
    pub text: String,
    pub findings: Vec<Finding>,
    /// Rule -> fixes applied.
    pub applied: BTreeMap<usize, usize>,
    pub problems: Vec<FixProblem>,
    /// Bare and unused suppression comments in the final text.
    pub suppressions: suppress::SuppressionNotes,
    /// Files the fixes create if they do not exist yet: (path, contents).
    pub creates: Vec<(PathBuf, String)>,
    /// The project files rule scripts read for this file.
    pub project_reads: Vec<project::Read>,
}

impl Analysis {
    /// Whether fixing changed the text.
    pub fn changed(&self) -> bool {
        self.text != self.source.text
    }
}

/// Matches one language's rules against one file's texts (the original and each fixed one).
pub struct Analyzer<'p> {
    pub plan: &'p LanguagePlan,
    pub rules: &'p [ActiveRule<'p>],
    pub prefilter: bool,
    pub language: &'static Language,
    pub path: &'p Path,
    pub newline: &'static str,
}

/// What analysing a text found.
pub enum FileAnalysis {
    /// No rule's required literals occur: the text was not parsed.
    NothingToMatch,
    Parsed {
        syntax_errors: usize,
        findings: Vec<Finding>,
        suppressions: suppress::SuppressionNotes,
    },
}

impl Analyzer<'_> {
    /// Prefilters, parses and matches `text`; `None` when `deadline` passed.
    pub fn analyze(&self, text: &str, deadline: Instant) -> Option<FileAnalysis> {
        let active = self
            .plan
            .active_patterns(self.rules, self.path, text, self.prefilter);
        // A file no rule can match is not parsed, unless it has suppression comments, which are
        // then all unused and worth reporting.
        if active.is_none() && !text.contains(suppress::MARKER) {
            return Some(FileAnalysis::NothingToMatch);
        }
        if Instant::now() >= deadline {
            return None;
        }
        let tree = parse::parse(
            self.language,
            &self.language.parse_text(self.path, text),
            self.budget(deadline),
        )?;
        let imports = match self.plan.needs_imports {
            true => Some(Imports::collect_until(
                self.language,
                &tree,
                text,
                deadline,
            )?),
            false => None,
        };
        let file = FileContext {
            text,
            tree: &tree,
            newline: self.newline,
            imports,
        };
        let mut findings = match &active {
            Some(active) => matcher::find(self.plan, self.rules, active, &file, deadline)?,
            None => Vec::new(),
        };
        // A suppression counts only where its marker sits in a comment node, not in a string.
        let root = tree.root_node();
        let suppressions: Vec<suppress::Suppression> = suppress::find(text, &self.language.comment)
            .into_iter()
            .filter(|s| {
                root.descendant_for_byte_range(s.offset, s.offset)
                    .is_some_and(|n| n.kind().contains("comment"))
            })
            .collect();
        let suppressions = suppress::apply(&mut findings, &suppressions, self.rules);
        Some(FileAnalysis::Parsed {
            syntax_errors: parse::syntax_errors(&tree),
            findings,
            suppressions,
        })
    }

    /// The time left before `deadline`.
    pub fn budget(&self, deadline: Instant) -> Duration {
        deadline.saturating_duration_since(Instant::now())
    }
}

/// Where a fix's `create_file` path lands for the file at `path`: the path's first folder must
/// be one the file is in (`app/models/application_record.rb` for `/repo/app/models/user.rb`
/// is `/repo/app/models/application_record.rb`); `None` when it is not.
pub fn create_path(path: &Path, relative: &str) -> Option<PathBuf> {
    let relative = Path::new(relative);
    let first = relative.components().next()?;
    let mut dir = path.parent();
    while let Some(candidate) = dir {
        if candidate.file_name() == Some(first.as_os_str()) {
            return Some(candidate.parent().unwrap_or(Path::new("")).join(relative));
        }
        dir = candidate.parent();
    }
    None
}

/// Processes `files` in parallel on the current rayon pool; results are in `files` order.
/// Files of a language no selected rule covers are left out. `progress` is called per file.
pub fn run(
    plan: &Plan,
    files: &[WalkedFile],
    options: &Options,
    cache: Option<&Cache>,
    progress: &(dyn Fn() + Sync),
) -> Vec<FileReport> {
    // The cache holds findings only: it serves `check`, never `fix`.
    let cache = cache.filter(|_| options.fix.is_none());
    project::start_run();
    files
        .par_iter()
        .filter(|file| plan.covers(file.language) && !interrupt::requested())
        .map(|file| {
            let report = match Source::read(&file.path, options.max_file_size) {
                Ok(source) => match cache {
                    Some(cache) => cached(plan, cache, source, file.language, options),
                    None => process_source(plan, source, file.language, options),
                },
                Err(reason) => FileReport {
                    path: file.path.clone(),
                    language: file.language,
                    status: FileStatus::Skipped(reason),
                },
            };
            progress();
            report
        })
        .collect()
}

/// Processes one decoded file through the cache.
fn cached(
    plan: &Plan,
    cache: &Cache,
    source: Source,
    language: LanguageId,
    options: &Options,
) -> FileReport {
    let key = cache::file_key(&source.path, &source.original);
    let anchor = project_anchor(&source.path, options);
    if let Some((findings, suppressions)) = cache.get(&key, plan, &anchor) {
        let analysis = Analysis {
            text: source.text.clone(),
            findings,
            applied: BTreeMap::new(),
            problems: Vec::new(),
            suppressions,
            creates: Vec::new(),
            project_reads: Vec::new(),
            source,
        };
        return FileReport {
            path: analysis.source.path.clone(),
            language,
            status: FileStatus::Analyzed(Box::new(analysis)),
        };
    }
    let report = process_source(plan, source, language, options);
    if let FileStatus::Analyzed(analysis) = &report.status {
        cache.put(key, plan, analysis);
    }
    report
}

/// Where the scripts run on the file at `path` look up project files.
fn project_anchor(path: &Path, options: &Options) -> project::Anchor {
    match &options.project_root {
        Some(root) => project::Anchor::Root(root.clone()),
        None => project::Anchor::Walk(path.to_path_buf()),
    }
}

/// Processes one decoded file.
pub fn process_source(
    plan: &Plan,
    source: Source,
    language: LanguageId,
    options: &Options,
) -> FileReport {
    let scope = project::Scope::enter(project_anchor(&source.path, options));
    let mut report = analyze_source(plan, source, language, options);
    let reads = scope.finish();
    if let FileStatus::Analyzed(analysis) = &mut report.status {
        analysis.project_reads = reads;
    }
    report
}

fn analyze_source(
    plan: &Plan,
    source: Source,
    language: LanguageId,
    options: &Options,
) -> FileReport {
    let path = source.path.clone();
    let skipped = |reason| FileReport {
        path: path.clone(),
        language,
        status: FileStatus::Skipped(reason),
    };
    let Some(language_plan) = plan.language(language) else {
        return skipped(SkipReason::NotAFile);
    };
    let analyzer = Analyzer {
        plan: language_plan,
        rules: &plan.rules,
        prefilter: plan.prefilter,
        language: language::get(language),
        path: &path,
        newline: source.newline,
    };
    // Work cut short still frees what it built (a syntax tree of millions of nodes takes up to
    // a third of the time it took to build), so the work itself gets seven tenths of the
    // budget and the file stays within the whole of it.
    let deadline = Instant::now() + options.file_budget.mul_f64(0.7);
    let analysis = match options.fix {
        Some(mode) => match fix_loop::fix(&analyzer, &source.text, mode.unsafe_fixes, deadline) {
            Some(outcome) => Analysis {
                text: outcome.text,
                findings: outcome.findings,
                applied: outcome.applied,
                problems: outcome.problems,
                suppressions: outcome.suppressions,
                creates: outcome
                    .creates
                    .into_iter()
                    .filter_map(|(relative, text)| Some((create_path(&path, &relative)?, text)))
                    .collect(),
                project_reads: Vec::new(),
                source,
            },
            None => return skipped(SkipReason::TimedOut),
        },
        None => match analyzer.analyze(&source.text, deadline) {
            Some(found) => {
                let (findings, suppressions) = match found {
                    FileAnalysis::Parsed {
                        findings,
                        suppressions,
                        ..
                    } => (findings, suppressions),
                    FileAnalysis::NothingToMatch => Default::default(),
                };
                Analysis {
                    text: source.text.clone(),
                    findings,
                    applied: BTreeMap::new(),
                    problems: Vec::new(),
                    suppressions,
                    creates: Vec::new(),
                    project_reads: Vec::new(),
                    source,
                }
            }
            None => return skipped(SkipReason::TimedOut),
        },
    };
    FileReport {
        path,
        language,
        status: FileStatus::Analyzed(Box::new(analysis)),
    }
}
