//! The commands for rule authors and readers: `rules`, `explain`, `parse`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use include_dir::{Dir, include_dir};
use rayon::prelude::*;

use super::args::{ExplainArgs, ListFormat, ParseArgs, RulesArgs};
use super::output::Output;
use super::settings;
use upshift::engine::parse::{parse, syntax_errors};
use upshift::engine::source::Source;
use upshift::engine::walk::{WalkOptions, walk};
use upshift::fixtures;
use upshift::language;
use upshift::rules::Rule;

static FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");

fn versions(rule: &Rule) -> String {
    let v = &rule.versions;
    let mut parts = Vec::new();
    if let Some(d) = &v.deprecated_in {
        parts.push(format!("deprecated {d}"));
    }
    if let Some(r) = &v.removed_in {
        parts.push(format!("removed {r}"));
    }
    if let Some(f) = &v.fixable_from {
        parts.push(format!("fix from {f}"));
    }
    match (&v.framework, parts.is_empty()) {
        (Some(framework), false) => format!("{framework} {}", parts.join(", ")),
        _ => String::new(),
    }
}

fn fix_kind(rule: &Rule) -> &'static str {
    if rule.is_fixable() {
        rule.safety.as_str()
    } else {
        "flag"
    }
}

/// `upshift rules`.
pub fn rules(args: &RulesArgs) -> Result<ExitCode> {
    let (set, selection) = settings::rules(&args.rules)?;
    let mut out = Output::stdout();
    let listed: Vec<&Rule> = set
        .rules
        .iter()
        .filter(|r| args.pack.as_ref().is_none_or(|p| &r.pack == p))
        .filter(|r| selection.select.is_empty() || selection.includes(r))
        .collect();
    if let Some(pack) = &args.pack
        && !set.packs.contains_key(pack)
    {
        return Err(anyhow!(
            "no pack named `{pack}` (packs: {})",
            set.packs.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    if args.format.with_alias(args.json) == ListFormat::Json {
        let items: Vec<serde_json::Value> = listed
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "language": language::get(r.language).name, "severity": r.severity,
                    "fix": fix_kind(r), "framework": r.versions.framework,
                    "deprecated_in": r.versions.deprecated_in.as_ref().map(|v| v.to_string()),
                    "removed_in": r.versions.removed_in.as_ref().map(|v| v.to_string()),
                    "fixable_from": r.versions.fixable_from.as_ref().map(|v| v.to_string()),
                    "docs": r.docs,
                })
            })
            .collect();
        out.line(&serde_json::to_string_pretty(&items)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let width = listed.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for rule in &listed {
        out.line(&format!(
            "{:width$}  {:6}  {:6}  {}",
            rule.id,
            language::get(rule.language).name,
            fix_kind(rule),
            versions(rule)
        ))?;
    }
    out.line(&format!("{} rules", listed.len()))?;
    for pack in set.packs.values() {
        if pack.options.is_empty() || args.pack.as_ref().is_some_and(|p| p != &pack.name) {
            continue;
        }
        out.line(&format!("{} pack options (--option NAME):", pack.name))?;
        let width = pack.options.keys().map(String::len).max().unwrap_or(0);
        for (name, what) in &pack.options {
            out.line(&format!("  {name:width$}  {}", what.trim()))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `upshift explain RULE`.
pub fn explain(args: &ExplainArgs) -> Result<ExitCode> {
    let set = super::settings::load_rules(&args.rules.rule_dirs, !args.rules.no_builtin_rules)?;
    let rule = set
        .get(&args.rule)
        .ok_or_else(|| anyhow!("no rule `{}` (see `upshift rules`)", args.rule))?;
    let mut text = String::new();
    writeln!(text, "{}", rule.id)?;
    writeln!(text, "{}", "=".repeat(rule.id.len()))?;
    writeln!(text, "language: {}", language::get(rule.language).name)?;
    writeln!(text, "severity: {}", rule.severity.as_str())?;
    let versions = versions(rule);
    if !versions.is_empty() {
        writeln!(text, "versions: {versions}")?;
    }
    writeln!(
        text,
        "fix:      {}",
        match fix_kind(rule) {
            "safe" => "safe (applied by `upshift fix`)",
            "unsafe" => "unsafe (applied by `upshift fix --unsafe-fixes`; review it)",
            _ => "none: a person must make this change",
        }
    )?;
    if !rule.file_globs.is_empty() {
        writeln!(text, "files:    {}", rule.file_globs.join(", "))?;
    }
    writeln!(text, "docs:     {}", rule.docs)?;
    if let Some(description) = &rule.description {
        writeln!(text, "\n{}", description.trim_end())?;
    }
    if let Some((before, after)) = example(rule) {
        writeln!(text, "\nExample:\n{}", indent(&before))?;
        if let Some(after) = after {
            writeln!(text, "Becomes:\n{}", indent(&after))?;
        }
    }
    Output::stdout().text(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("    {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The rule's first matching fixture case and its fixed text, from the embedded fixtures.
fn example(rule: &Rule) -> Option<(String, Option<String>)> {
    let dir = FIXTURES.get_dir(Path::new(&rule.pack).join(rule.name()))?;
    let mut files: Vec<&include_dir::File> = Vec::new();
    fn collect<'a>(dir: &'a Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
        out.extend(dir.files());
        for sub in dir.dirs() {
            collect(sub, out);
        }
    }
    collect(dir, &mut files);
    files.sort_by_key(|f| f.path());
    let case = files.iter().find(|f| {
        let name = f
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        !name.starts_with("ok") && !name.contains(".fixed")
    })?;
    let fixed = FIXTURES
        .get_file(fixtures::fixed_path(case.path()))
        .and_then(|f| f.contents_utf8())
        .map(str::to_string);
    Some((case.contents_utf8()?.to_string(), fixed))
}

/// `upshift parse FILE`, and `--stats` for the parse-only floor.
pub fn parse_files(args: &ParseArgs) -> Result<ExitCode> {
    if args.stats {
        return stats(args);
    }
    let mut out = Output::stdout();
    for path in &args.paths {
        let lang = language::for_path(path).ok_or_else(|| {
            anyhow!(
                "{}: no language is known for this file name",
                path.display()
            )
        })?;
        let source = Source::read(path, u64::MAX)
            .map_err(|reason| anyhow!("{}: {reason}", path.display()))?;
        let text = lang.parse_text(path, &source.text);
        let tree = parse(lang, &text, Duration::from_secs(60))
            .ok_or_else(|| anyhow!("{}: parsing timed out", path.display()))?;
        out.text(&render_tree(tree.root_node(), &text))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The tree as indented S-expressions with field names, positions and leaf text.
fn render_tree(root: tree_sitter::Node, text: &str) -> String {
    let mut out = String::new();
    let mut cursor = root.walk();
    let mut depth = 0;
    loop {
        let node = cursor.node();
        if node.is_named() || node.is_missing() {
            let field = cursor
                .field_name()
                .map(|f| format!("{f}: "))
                .unwrap_or_default();
            let (s, e) = (node.start_position(), node.end_position());
            let kind = if node.is_missing() {
                format!("MISSING {}", node.kind())
            } else {
                node.kind().to_string()
            };
            let leaf = if node.named_child_count() == 0 && node.end_byte() - node.start_byte() <= 60
            {
                format!(" {:?}", &text[node.byte_range()])
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{}{field}({kind} [{}, {}] - [{}, {}]){leaf}",
                "  ".repeat(depth),
                s.row + 1,
                s.column + 1,
                e.row + 1,
                e.column + 1
            );
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
            depth -= 1;
        }
    }
}

fn stats(args: &ParseArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let walked = walk(&args.paths, &WalkOptions::default());
    let pool = settings::pool(args.threads)?;
    let counts: Vec<(usize, usize, usize)> = pool.install(|| {
        walked
            .files
            .par_iter()
            .filter_map(|file| {
                let source = Source::read(&file.path, 10 * 1024 * 1024).ok()?;
                if args.read_only {
                    return Some((source.text.len(), source.text.lines().count(), 0));
                }
                let lang = language::get(file.language);
                let text = lang.parse_text(&file.path, &source.text);
                let tree = parse(lang, &text, Duration::from_secs(10))?;
                Some((
                    source.text.len(),
                    source.text.lines().count(),
                    syntax_errors(&tree),
                ))
            })
            .collect()
    });
    let (bytes, lines, errors) = counts
        .iter()
        .fold((0, 0, 0), |acc, c| (acc.0 + c.0, acc.1 + c.1, acc.2 + c.2));
    Output::stdout().line(&format!(
        "{} files parsed, {bytes} bytes, {lines} lines, {errors} syntax errors, in {:.3}s",
        counts.len(),
        started.elapsed().as_secs_f64()
    ))?;
    Ok(ExitCode::SUCCESS)
}
