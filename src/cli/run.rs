//! `upshift check` and `upshift fix`: walk, run the engine, write (or diff), report.

use std::io::{IsTerminal, Read};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use std::collections::BTreeMap;

use super::args::{Format, RuleArgs, RunArgs};
use super::output::Output;
use super::settings::FileSettings;
use super::{diagnostics, git, settings};
use upshift::config::Discovery;
use upshift::detect::Detector;
use upshift::engine::cache::Cache;
use upshift::engine::fix_loop::FixProblem;
use upshift::engine::plan::Plan;
use upshift::engine::source::{SkipReason, Source};
use upshift::engine::undo::{JournalEntry, JournalWriter, Record, canonical, journal_root};
use upshift::engine::walk::{WalkedFile, walk};
use upshift::engine::write::{create_new, write_atomic};
use upshift::engine::{self, FileReport, FileStatus, FixMode, Options};
use upshift::language;
use upshift::report::baseline::Baseline;
use upshift::report::{self, Entry, Summary, json::Note};

/// What `fix` was asked to do.
#[derive(Debug, Clone, Copy)]
pub struct FixFlags<'a> {
    pub unsafe_fixes: bool,
    pub diff: bool,
    pub allow_dirty: bool,
    pub backup_patch: Option<&'a Path>,
}

/// What the findings of a run are for.
pub enum Mode<'a> {
    Check,
    Fix(FixFlags<'a>),
    /// Hand the findings to a report instead of printing them.
    Report(&'a mut dyn FnMut(Findings) -> Result<ExitCode>),
}

/// A run's findings, for reports made from them.
pub struct Findings<'a> {
    pub entries: &'a [Entry<'a>],
    pub summary: &'a Summary,
    pub rules: &'a upshift::rules::RuleSet,
}

/// Files that share settings, and therefore one rule plan.
struct Group {
    settings: FileSettings,
    files: Vec<WalkedFile>,
}

/// Runs `check`, `fix`, or the check behind a report.
pub fn execute(rule_args: &RuleArgs, run: &RunArgs, mut mode: Mode) -> Result<ExitCode> {
    let fix = match &mode {
        Mode::Fix(flags) => Some(*flags),
        _ => None,
    };
    let mut out = Output::stdout();
    let mut discovery = Discovery::default();
    let mut detector = Detector::default();
    let here = discovery.for_dir(Path::new("."))?;
    let pool = settings::pool(run.threads.or(here.threads().map(|s| s.value)))?;
    let unsafe_fixes = fix.is_some_and(|f| f.unsafe_fixes);
    engine::interrupt::install();

    if let Some(name) = &run.stdin_filename {
        let config = discovery.for_dir(name.parent().unwrap_or(Path::new(".")))?;
        let detected = detector.for_dir(name.parent().unwrap_or(Path::new(".")));
        let settings =
            FileSettings::resolve(rule_args, run, unsafe_fixes, &config, &detected, name);
        let set = settings::load_rules(
            &[rule_args.rule_dirs.clone(), config.rule_dirs()].concat(),
            !rule_args.no_builtin_rules,
        )?;
        let plan = Plan::new(&set, &settings.selection(&set)?);
        return stdin(
            &plan,
            name,
            &options(&settings, fix, run),
            run,
            fix,
            &mut out,
        );
    }

    let (paths, walk_options) = settings::walk(run);
    let mut walked = walk(&paths, &walk_options);
    if let Some(shard) = run.shard {
        walked.files.retain(|f| shard.includes(&f.path));
    }
    let mut notes: Vec<Note> = walked
        .problems
        .iter()
        .map(|(path, problem)| Note {
            path: path.display().to_string(),
            message: problem.clone(),
        })
        .collect();
    let mut had_error = !walked.problems.is_empty();

    // Each file's configuration decides its settings; equal settings share a plan.
    let mut rule_dirs = rule_args.rule_dirs.clone();
    let mut groups: BTreeMap<FileSettings, Group> = BTreeMap::new();
    let total = walked.files.len();
    for file in walked.files {
        let config = discovery.for_dir(file.path.parent().unwrap_or(Path::new(".")))?;
        if config.excludes(&file.path) || config.migration_is_old(&file.path) {
            continue;
        }
        rule_dirs.extend(config.rule_dirs());
        let detected = detector.for_dir(file.path.parent().unwrap_or(Path::new(".")));
        let mut settings =
            FileSettings::resolve(rule_args, run, unsafe_fixes, &config, &detected, &file.path);
        settings.migration_history = fix.is_some() && !config.migration_fixable(&file.path);
        groups
            .entry(settings.clone())
            .or_insert_with(|| Group {
                settings,
                files: Vec::new(),
            })
            .files
            .push(file);
    }
    if fix.is_some_and(|f| !f.diff) {
        let mut dirs: Vec<&Path> = groups
            .values()
            .flat_map(|g| &g.files)
            .filter_map(|f| f.path.parent())
            .collect();
        dirs.sort();
        dirs.dedup();
        upshift::engine::write::remove_stale_temp_files(dirs.into_iter().map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        }));
    }
    // A check or fix reads only the built-in rules of the languages it has files of; a report
    // describes every rule.
    let languages: Vec<&str> = {
        let mut names: Vec<&str> = groups
            .values()
            .flat_map(|g| &g.files)
            .map(|f| upshift::language::get(f.language).name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    };
    let reporting = matches!(mode, Mode::Report(_));
    let set = settings::load_rules_for(
        &rule_dirs,
        !rule_args.no_builtin_rules,
        (!reporting).then_some(languages.as_slice()),
    )?;
    if groups.is_empty() {
        // Still validate the command line's selectors against the rules.
        FileSettings::resolve(rule_args, run, unsafe_fixes, &here, &[], Path::new("."))
            .selection(&set)?;
    }
    let mut plans = Vec::new();
    for group in groups.values() {
        plans.push((
            Plan::new(&set, &group.settings.selection(&set)?),
            options(&group.settings, fix, run),
        ));
    }

    let progress = progress_bar(total, run.quiet);
    let mut runs: Vec<(&Plan, Vec<FileReport>)> = Vec::new();
    for ((plan, options), group) in plans.iter().zip(groups.values()) {
        let cache = Cache::dir()
            .filter(|_| fix.is_none() && !run.no_cache)
            .map(|dir| Cache::open(&dir, Path::new("."), plan));
        let reports = pool.install(|| {
            engine::run(plan, &group.files, options, cache.as_ref(), &|| {
                progress.inc(1)
            })
        });
        if let Some(cache) = &cache {
            cache.save();
        }
        runs.push((plan, reports));
    }
    progress.finish_and_clear();
    for (plan, reports) in &runs {
        collect_notes(plan, reports, &mut notes, &mut had_error);
    }
    let all_reports: Vec<&FileReport> = runs.iter().flat_map(|(_, reports)| reports).collect();

    let mut diff_output = String::new();
    let mut interrupted = false;
    if let Some(flags) = fix {
        let mut changed: Vec<&FileReport> = all_reports
            .iter()
            .copied()
            .filter(|r| analysis_changed(r))
            .collect();
        changed.sort_by(|a, b| a.path.cmp(&b.path));
        let creates = files_to_create(&all_reports);
        if flags.diff {
            for report in &changed {
                if let FileStatus::Analyzed(a) = &report.status {
                    diff_output.push_str(&report::diff::unified(
                        &report.path,
                        &a.source.text,
                        &a.text,
                    ));
                }
            }
            for (path, text) in &creates {
                diff_output.push_str(&report::diff::created(path, text));
            }
        } else {
            if !flags.allow_dirty {
                let files: Vec<&Path> = changed.iter().map(|r| r.path.as_path()).collect();
                let dirty = git::dirty(&files);
                if !dirty.is_empty() {
                    let list: Vec<String> =
                        dirty.iter().map(|p| format!("  {}", p.display())).collect();
                    bail!(
                        "these files have uncommitted changes, and fixing them would mix upshift's edits with yours:\n{}\ncommit or stash them, or pass --allow-dirty; nothing was written",
                        list.join("\n")
                    );
                }
            }
            interrupted = write_fixes(
                &changed,
                &creates,
                flags.backup_patch,
                &mut notes,
                &mut had_error,
            )?;
        }
    }
    notes.sort_by(|a, b| a.path.cmp(&b.path));
    // A rule's script that failed on some match is a bug in the rule: say so, with its file.
    for (rule, messages) in upshift::engine::script::take_errors() {
        let path = set.get(&rule).map_or(rule.clone(), |r| r.source.clone());
        for message in messages {
            notes.push(Note {
                path: path.clone(),
                message: format!("rule {rule}: its script failed on a match: {message}"),
            });
        }
    }

    let mut entries: Vec<Entry> = runs
        .iter()
        .flat_map(|(plan, reports)| report::entries(plan, reports))
        .collect();
    entries.sort_by(|a, b| {
        (a.path, a.finding.range.start, &a.rule.id).cmp(&(
            b.path,
            b.finding.range.start,
            &b.rule.id,
        ))
    });
    let reports: Vec<&FileReport> = all_reports;
    if let Some(path) = &run.write_baseline {
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let baseline = Baseline::of(&entries, base);
        std::fs::write(path, baseline.to_json())
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!(
            "Wrote {} findings to the baseline {}.",
            baseline.findings.len(),
            path.display()
        );
        return Ok(exit_code(had_error, false, true));
    }
    let entries = filter_entries(entries, run)?;
    let summary = Summary::of(reports.iter().copied(), &entries);
    if let Mode::Report(sink) = &mut mode {
        return sink(Findings {
            entries: &entries,
            summary: &summary,
            rules: &set,
        });
    }
    let diffing = fix.is_some_and(|f| f.diff);
    if diffing && run.format != Format::Json && run.format != Format::Sarif {
        out.text(&diff_output)?;
        for note in &notes {
            eprintln!("note: {}: {}", note.path, note.message);
        }
        eprintln!("{}", report::text::diff_summary(&summary));
    } else {
        print_report(
            &mut out,
            run.format,
            &entries,
            &notes,
            &summary,
            fix.is_some(),
        )?;
    }
    if interrupted {
        eprintln!(
            "interrupted: files already written are complete; the rest were left as they were"
        );
        return Ok(ExitCode::from(130));
    }
    Ok(exit_code(
        had_error,
        !entries.is_empty() || (diffing && !diff_output.is_empty()),
        run.exit_zero,
    ))
}

/// The write-ahead journals of one `fix` run, one per repository root its files belong to.
struct Journals {
    cwd: std::path::PathBuf,
    writers: std::collections::HashMap<std::path::PathBuf, JournalWriter>,
    /// The roots of folders seen so far.
    roots: std::collections::HashMap<std::path::PathBuf, std::path::PathBuf>,
}

impl Journals {
    fn new() -> Journals {
        Journals {
            cwd: std::env::current_dir().unwrap_or_else(|_| ".".into()),
            writers: Default::default(),
            roots: Default::default(),
        }
    }

    /// Appends `record` about the file at `path` (canonical) to its repository's journal; it is
    /// on disk once [`sync`](Self::sync) returns.
    fn record(&mut self, path: &Path, record: &Record) -> Result<()> {
        let dir = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let cwd = &self.cwd;
        let root = self
            .roots
            .entry(dir.clone())
            .or_insert_with(|| journal_root(&dir, cwd))
            .clone();
        let writer = match self.writers.entry(root) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let writer = JournalWriter::create(e.key()).map_err(|e| anyhow!(e))?;
                e.insert(writer)
            }
        };
        writer.append(record).map_err(|e| anyhow!(e))
    }

    /// Syncs every journal to disk.
    fn sync(&mut self) -> Result<()> {
        for writer in self.writers.values_mut() {
            writer.sync().map_err(|e| anyhow!(e))?;
        }
        Ok(())
    }
}

/// Writes the fixed files and creates the requested ones. Every file is first recorded in the
/// undo journal, and the journal synced to disk, before any is written, so `upshift undo` can
/// restore every file even after a crash (one sync for the run, not one per file: a record
/// whose file is never written is harmless). Stops writing at Ctrl-C; returns whether it did.
fn write_fixes(
    changed: &[&FileReport],
    creates: &[(std::path::PathBuf, String)],
    backup_patch: Option<&Path>,
    notes: &mut Vec<Note>,
    had_error: &mut bool,
) -> Result<bool> {
    let mut journals = Journals::new();
    let not_journaled = |e: anyhow::Error| {
        e.context("cannot record the files in the undo journal; none was written")
    };
    // What will be written: (path as given, original bytes, new bytes, journal entry).
    let mut replaces = Vec::new();
    for report in changed {
        let FileStatus::Analyzed(a) = &report.status else {
            continue;
        };
        let after = a.source.encode(&a.text);
        let entry = JournalEntry {
            path: canonical(&report.path),
            before: String::from_utf8_lossy(&a.source.original).into_owned(),
            after: String::from_utf8_lossy(&after).into_owned(),
        };
        journals
            .record(&entry.path, &Record::Replace(entry.clone()))
            .map_err(not_journaled)?;
        replaces.push((&report.path, &a.source.original, after, entry));
    }
    let mut creating = Vec::new();
    for (path, text) in creates {
        if std::fs::symlink_metadata(path).is_ok() {
            continue;
        }
        let entry = JournalEntry {
            path: canonical(path),
            before: String::new(),
            after: text.clone(),
        };
        journals
            .record(&entry.path, &Record::Create(entry.clone()))
            .map_err(not_journaled)?;
        creating.push((path, entry));
    }
    journals.sync().map_err(not_journaled)?;

    let mut written: Vec<JournalEntry> = Vec::new();
    let mut interrupted = false;
    for (path, original, after, entry) in replaces {
        if engine::interrupt::requested() {
            interrupted = true;
            break;
        }
        match write_atomic(path, original, &after) {
            Ok(()) => written.push(entry),
            Err(err) => {
                let _ = journals.record(
                    &entry.path,
                    &Record::NotWritten {
                        path: entry.path.clone(),
                    },
                );
                notes.push(Note {
                    path: path.display().to_string(),
                    message: err.to_string(),
                });
                *had_error = true;
            }
        }
    }
    for (path, entry) in creating.into_iter().filter(|_| !interrupted) {
        let created = create_new(path, entry.after.as_bytes());
        if !matches!(created, Ok(true)) {
            let _ = journals.record(
                &entry.path,
                &Record::NotWritten {
                    path: entry.path.clone(),
                },
            );
        }
        match created {
            Ok(true) => eprintln!("created {}", path.display()),
            Ok(false) => {}
            Err(err) => {
                notes.push(Note {
                    path: path.display().to_string(),
                    message: err.to_string(),
                });
                *had_error = true;
            }
        }
    }
    // The records of writes that did not happen only spare undo some work: no need to wait.
    let _ = journals.sync();
    if let Some(patch) = backup_patch.filter(|_| !written.is_empty()) {
        let reverse: String = written
            .iter()
            .map(|e| report::diff::unified(&e.path, &e.after, &e.before))
            .collect();
        std::fs::write(patch, reverse)
            .with_context(|| format!("cannot write {}", patch.display()))?;
    }
    Ok(interrupted)
}

/// Keeps the findings that `--baseline` does not know and that `--diff-base` touches.
fn filter_entries<'a>(entries: Vec<Entry<'a>>, run: &RunArgs) -> Result<Vec<Entry<'a>>> {
    let mut keep = vec![true; entries.len()];
    if let Some(path) = &run.baseline {
        let baseline = Baseline::read(path)?;
        let base = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        for (keep, new) in keep.iter_mut().zip(baseline.new_entries(&entries, base)) {
            *keep &= new;
        }
    }
    if let Some(rev) = &run.diff_base {
        let changed = git::changed_lines(rev).map_err(|e| anyhow!(e))?;
        for (keep, entry) in keep.iter_mut().zip(&entries) {
            let file =
                std::fs::canonicalize(entry.path).unwrap_or_else(|_| entry.path.to_path_buf());
            let line = entry.finding.start.line;
            *keep &= changed
                .get(&file)
                .is_some_and(|ranges| ranges.iter().any(|r| r.contains(&line)));
        }
    }
    Ok(entries
        .into_iter()
        .zip(keep)
        .filter_map(|(e, k)| k.then_some(e))
        .collect())
}

/// Prints findings, notes and the summary in `format`.
fn print_report(
    out: &mut Output,
    format: Format,
    entries: &[Entry],
    notes: &[Note],
    summary: &Summary,
    fixing: bool,
) -> Result<()> {
    match format {
        Format::Json => out.line(&report::json::document(entries, notes, summary))?,
        Format::Sarif => out.line(&report::sarif::document(entries))?,
        Format::Github => {
            for entry in entries {
                out.line(&report::github::annotation(entry))?;
            }
            for note in notes {
                eprintln!("note: {}: {}", note.path, note.message);
            }
        }
        Format::Text | Format::Concise => {
            let renderer = diagnostics::renderer(std::io::stdout().is_terminal());
            for entry in entries {
                if format == Format::Concise {
                    out.line(&report::text::concise(entry))?;
                } else {
                    out.line(&report::text::diagnostic(entry, &renderer))?;
                    out.line("")?;
                }
            }
            for note in notes {
                eprintln!("note: {}: {}", note.path, note.message);
            }
            out.line(&report::text::summary(summary, fixing))?;
        }
    }
    Ok(())
}

/// The files that fixes ask to create, once each, that do not exist yet and whose text parses
/// (when upshift knows the file's language: a list file such as `META-INF/spring/*.imports`
/// has no grammar to check it with).
fn files_to_create(reports: &[&FileReport]) -> Vec<(std::path::PathBuf, String)> {
    let mut out: Vec<(std::path::PathBuf, String)> = Vec::new();
    for report in reports {
        let FileStatus::Analyzed(a) = &report.status else {
            continue;
        };
        for (path, text) in &a.creates {
            let parses = language::for_path(path).is_none_or(|lang| {
                let text = lang.parse_text(path, text);
                engine::parse::parse(lang, &text, std::time::Duration::from_secs(5))
                    .is_some_and(|tree| engine::parse::syntax_errors(&tree) == 0)
            });
            if parses && !path.exists() && !out.iter().any(|(p, _)| p == path) {
                out.push((path.clone(), text.clone()));
            }
        }
    }
    out.sort();
    out
}

/// The engine options for a group of files.
fn options(settings: &FileSettings, fix: Option<FixFlags>, run: &RunArgs) -> Options {
    Options {
        // A migration that has run is history: no rule of any pack fixes it, it is only checked.
        fix: fix
            .filter(|_| !settings.migration_history)
            .map(|_| FixMode {
                unsafe_fixes: settings.unsafe_fixes,
            }),
        max_file_size: settings.max_file_size,
        file_budget: std::time::Duration::from_secs_f64(run.file_timeout.max(0.0)),
        project_root: None,
    }
}

fn analysis_changed(report: &FileReport) -> bool {
    matches!(&report.status, FileStatus::Analyzed(a) if a.changed())
}

fn exit_code(had_error: bool, findings: bool, exit_zero: bool) -> ExitCode {
    if had_error {
        ExitCode::from(2)
    } else if findings && !exit_zero {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Notes for skipped files and for fixes that were not applied.
fn collect_notes(plan: &Plan, reports: &[FileReport], notes: &mut Vec<Note>, had_error: &mut bool) {
    let rule_names = |rules: &[usize]| -> String {
        rules
            .iter()
            .map(|&r| plan.rules[r].rule.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for report in reports {
        let path = report.path.display().to_string();
        match &report.status {
            FileStatus::Skipped(reason) => {
                *had_error |= matches!(reason, SkipReason::Unreadable(_));
                notes.push(Note {
                    path,
                    message: reason.to_string(),
                });
            }
            FileStatus::Analyzed(analysis) => {
                for (line, warning) in &analysis.suppressions.warnings {
                    notes.push(Note {
                        path: format!("{path}:{line}"),
                        message: warning.clone(),
                    });
                }
                for problem in &analysis.problems {
                    let message = match problem {
                        FixProblem::Unverified {
                            rules,
                            compiler_error: None,
                        } => format!(
                            "fixes of {} were not applied: they would introduce a syntax error",
                            rule_names(rules)
                        ),
                        FixProblem::Unverified {
                            rules,
                            compiler_error: Some(kind),
                        } => format!(
                            "fixes of {} were not applied: they would introduce an error the \
                             compiler reports ({kind})",
                            rule_names(rules)
                        ),
                        FixProblem::Cycle { rules } => format!(
                            "left unchanged: the fixes of {} undo each other",
                            rule_names(rules)
                        ),
                        FixProblem::NotConverged { rules } => format!(
                            "left unchanged: the fixes of {} did not settle after {} passes",
                            rule_names(rules),
                            engine::fix_loop::MAX_PASSES
                        ),
                    };
                    notes.push(Note {
                        path: path.clone(),
                        message,
                    });
                }
            }
        }
    }
}

/// `--stdin-filename`: the source comes from standard input; `fix` writes the result to
/// standard output and the diagnostics to standard error.
fn stdin(
    plan: &Plan,
    name: &std::path::Path,
    options: &Options,
    run: &RunArgs,
    fix: Option<FixFlags>,
    out: &mut Output,
) -> Result<ExitCode> {
    let lang = language::for_path(name).ok_or_else(|| {
        anyhow!(
            "{}: no language is known for this file name",
            name.display()
        )
    })?;
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    let source = match Source::decode(name, bytes.clone(), options.max_file_size) {
        Ok(source) => source,
        Err(reason) => {
            eprintln!("note: {}: {reason}", name.display());
            if fix.is_some() {
                out.bytes(&bytes)?;
            }
            return Ok(ExitCode::from(2));
        }
    };
    let reports = if plan.covers(lang.id) {
        vec![engine::process_source(
            plan,
            source.clone(),
            lang.id,
            options,
        )]
    } else {
        Vec::new()
    };
    let mut notes = Vec::new();
    let mut had_error = false;
    collect_notes(plan, &reports, &mut notes, &mut had_error);
    let entries = filter_entries(report::entries(plan, &reports), run)?;
    if fix.is_none() {
        let summary = Summary::of(&reports, &entries);
        print_report(out, run.format, &entries, &notes, &summary, false)?;
        return Ok(exit_code(had_error, !entries.is_empty(), run.exit_zero));
    }
    // Fixing: the source goes to standard output, what is left to standard error.
    let text = match reports.first().map(|r| &r.status) {
        Some(FileStatus::Analyzed(a)) => a.text.clone(),
        _ => source.text.clone(),
    };
    out.bytes(&source.encode(&text))?;
    for entry in &entries {
        eprintln!("{}", report::text::concise(entry));
    }
    for note in &notes {
        eprintln!("note: {}: {}", note.path, note.message);
    }
    Ok(exit_code(had_error, !entries.is_empty(), run.exit_zero))
}

fn progress_bar(files: usize, quiet: bool) -> ProgressBar {
    if quiet || files < 200 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
            .expect("valid template"),
    );
    bar
}
