//! `upshift config [PATH]`: the configuration that applies to a path, and where each value
//! comes from.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::args::ConfigArgs;
use super::output::Output;
use super::settings::DEFAULT_MAX_FILE_SIZE;
use upshift::config::{Discovery, Origin, Setting};

pub fn show(args: &ConfigArgs) -> Result<ExitCode> {
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    let dir = if path.is_dir() {
        path.as_path()
    } else {
        path.parent().unwrap_or(Path::new("."))
    };
    let config = Discovery::default().for_dir(dir)?;
    let mut out = Output::stdout();
    if config.files.is_empty() {
        out.line("# no configuration file applies; every value is the default")?;
    } else {
        out.line("# configuration files, outermost first:")?;
        for file in &config.files {
            out.line(&format!("#   {}", file.path.display()))?;
        }
    }
    let list = |value: &[String]| {
        format!(
            "[{}]",
            value
                .iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let line = |key: &str, value: String, origin: &Origin| format!("{key} = {value}  # {origin}");
    let mut lines = Vec::new();
    let strings = |key: &str, setting: Option<Setting<Vec<String>>>| match setting {
        Some(s) => line(key, list(&s.value), &s.origin),
        None => line(key, "[]".into(), &Origin::Default),
    };
    lines.push(strings("target", config.target()));
    lines.push(strings("select", config.select()));
    lines.push(strings("ignore", config.ignore()));
    lines.push(strings("options", config.options()));
    lines.push(match config.unsafe_fixes() {
        Some(s) => line("unsafe-fixes", s.value.to_string(), &s.origin),
        None => line("unsafe-fixes", "false".into(), &Origin::Default),
    });
    lines.push(match config.threads() {
        Some(s) => line("threads", s.value.to_string(), &s.origin),
        None => line("threads", "0".into(), &Origin::Default) + " (all cores)",
    });
    lines.push(match config.max_file_size() {
        Some(s) => line("max-file-size", s.value.to_string(), &s.origin),
        None => line(
            "max-file-size",
            DEFAULT_MAX_FILE_SIZE.to_string(),
            &Origin::Default,
        ),
    });
    let dirs: Vec<String> = config
        .rule_dirs()
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    lines.push(format!("rules = {}  # from every layer", list(&dirs)));
    if let Some(m) = config.migrations() {
        lines.push(format!("[migrations]  # {}", m.origin));
        if let Some(db) = &m.value.database {
            lines.push(format!("database = {db:?}"));
        }
        for (app, after) in &m.value.start_after {
            lines.push(format!("start-after.{app} = {after:?}"));
        }
        if m.value.fix_history {
            lines.push("fix-history = true".to_string());
        }
    }
    if !path.is_dir() {
        let ignored = config.ignored_for(&path);
        if !ignored.is_empty() {
            lines.push(format!(
                "# per-file-ignores for {}: {}",
                path.display(),
                list(&ignored)
            ));
        }
        if config.excludes(&path) {
            lines.push(format!("# {} is excluded", path.display()));
        }
    }
    for found in upshift::detect::Detector::default().for_dir(dir) {
        let Some(target) = found.target() else {
            continue;
        };
        lines.push(format!(
            "# detected {target} (used where no target names {}): {}:{}",
            found.framework,
            found.path.display(),
            found.line
        ));
    }
    for l in lines {
        out.line(&l)?;
    }
    Ok(ExitCode::SUCCESS)
}
