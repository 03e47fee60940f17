//! `upshift detect`, `upshift report` (and `report merge`) and `upshift plan`: planning an
//! upgrade before changing code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};

use super::args::{
    DetectArgs, ListFormat, PlanArgs, PlanFormat, RegistryArgs, ReportArgs, ReportCommand,
    ReportFormat, ReportOutput, RuleArgs, RunArgs, ScanArgs,
};
use super::output::Output;
use super::run::{self, Findings, Mode};
use upshift::detect::Detector;
use upshift::detect::compat::Status;
use upshift::detect::compat::fetch::Fetcher;
use upshift::detect::compat::registries::Registries;
use upshift::detect::projects::{self, Project};
use upshift::engine::cache::Cache;
use upshift::report::owners::CodeOwners;
use upshift::report::upgrade::{
    ProjectEntry, UpgradeReport, csv, display, html, markdown, plan as batches,
};

fn scan_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

/// `upshift detect`: the projects and their versions.
pub fn detect(args: &DetectArgs) -> Result<ExitCode> {
    let found = projects::find(&scan_paths(&args.paths), &mut Detector::default());
    let entries: Vec<ProjectEntry> = found.iter().map(ProjectEntry::of).collect();
    let mut out = Output::stdout();
    if args.format.with_alias(args.json) == ListFormat::Json {
        let projects: Vec<serde_json::Value> = entries
            .iter()
            .zip(&found)
            .map(|(entry, project)| {
                let dependencies: Vec<serde_json::Value> = project
                    .dependencies
                    .iter()
                    .map(|d| {
                        serde_json::json!({
                            "ecosystem": d.ecosystem, "name": d.name, "spec": d.spec,
                            "current": d.locked, "dev": d.dev,
                            "source": format!("{}:{}", display(&d.path), d.line),
                        })
                    })
                    .collect();
                serde_json::json!({
                    "root": entry.root, "versions": entry.versions, "dependencies": dependencies,
                })
            })
            .collect();
        let doc = serde_json::json!({ "version": 2, "projects": projects });
        out.line(&serde_json::to_string_pretty(&doc)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = vec![[
        "PROJECT".to_string(),
        "FRAMEWORK".into(),
        "VERSION".into(),
        "REQUIREMENT".into(),
        "READ FROM".into(),
    ]];
    for project in &entries {
        for version in &project.versions {
            rows.push([
                project.root.clone(),
                version.framework.clone(),
                version.version.clone().unwrap_or_else(|| "?".into()),
                format!("{} ({})", version.spec, version.kind()),
                version.source.clone(),
            ]);
        }
    }
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.line(line.join("  ").trim_end())?;
    }
    let dependencies: usize = found.iter().map(|p| p.dependencies.len()).sum();
    eprintln!(
        "{} projects, {dependencies} dependencies (`--format json` lists them).",
        entries.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks `scan`'s files and builds the upgrade report of what was found, with the
/// dependencies checked as `registry` says.
fn build(rule_args: &RuleArgs, scan: &ScanArgs, registry: &RegistryArgs) -> Result<UpgradeReport> {
    let paths = scan_paths(&scan.paths);
    let found: Vec<Project> = projects::find(&paths, &mut Detector::default());
    let owners = owners_for(&paths);
    let mut report = None;
    let mut sink = |findings: Findings| -> Result<ExitCode> {
        report = Some(UpgradeReport::build(
            findings.entries,
            findings.summary.files,
            &rule_args.targets,
            findings.rules,
            &found,
            owners.as_ref(),
        ));
        Ok(ExitCode::SUCCESS)
    };
    let code = run::execute(rule_args, &RunArgs::scan(scan), Mode::Report(&mut sink))?;
    if code != ExitCode::SUCCESS {
        return Err(anyhow!("the check behind the report failed"));
    }
    let mut report = report.ok_or_else(|| anyhow!("the check produced no report"))?;
    if !registry.no_dependencies {
        let cache = Cache::dir().map(|dir| dir.join("registry"));
        let fetcher = Fetcher::new(cache, registry.offline);
        report.check_dependencies(&found, &fetcher, &Registries::from_env());
        let unknown = report
            .dependencies
            .iter()
            .filter(|d| d.status == Status::Unknown)
            .count();
        if unknown > 0 {
            eprintln!(
                "note: {unknown} of {} dependencies could not be checked{}; the report marks them unknown",
                report.dependencies.len(),
                if registry.offline { " offline" } else { "" }
            );
        }
    }
    Ok(report)
}

/// The `CODEOWNERS` that covers `paths`: in the first path or the closest folder above it.
fn owners_for(paths: &[PathBuf]) -> Option<CodeOwners> {
    let first = std::path::absolute(paths.first()?).ok()?;
    first.ancestors().find_map(CodeOwners::find)
}

fn write_report(report: &UpgradeReport, output: &ReportOutput) -> Result<ExitCode> {
    let text = match output.format {
        ReportFormat::Markdown => markdown::render(report),
        ReportFormat::Html => html::render(report),
        ReportFormat::Json => report.to_json() + "\n",
        ReportFormat::Csv => csv::render(report),
    };
    emit(&text, output.output.as_deref())
}

fn emit(text: &str, path: Option<&Path>) -> Result<ExitCode> {
    match path {
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("Wrote {}.", path.display());
        }
        None => Output::stdout().text(text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `upshift report` and `upshift report merge`.
pub fn report(args: &ReportArgs) -> Result<ExitCode> {
    if let Some(ReportCommand::Merge(merge)) = &args.command {
        let mut parts = Vec::new();
        for file in &merge.files {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            parts.push(UpgradeReport::from_json(&text).map_err(|e| {
                anyhow!(
                    "{}: not a JSON report of `upshift report`: {e}",
                    file.display()
                )
            })?);
        }
        let merged = UpgradeReport::merge(parts).map_err(|e| anyhow!(e))?;
        return write_report(&merged, &merge.output);
    }
    let report = build(&args.rules, &args.scan, &args.registry)?;
    write_report(&report, &args.output)
}

/// `upshift plan`.
pub fn plan(args: &PlanArgs) -> Result<ExitCode> {
    if args.max_files == 0 {
        return Err(anyhow!("--max-files must be at least 1"));
    }
    let report = build(&args.rules, &args.scan, &args.registry)?;
    let list = batches::batches(&report, args.max_files);
    let json = args.json || args.format == PlanFormat::Json;
    let text = if json {
        let doc = serde_json::json!({ "version": 2, "targets": report.targets, "batches": list });
        serde_json::to_string_pretty(&doc)? + "\n"
    } else {
        batches::markdown(&report, &list, args.max_files)
    };
    emit(&text, None)
}
