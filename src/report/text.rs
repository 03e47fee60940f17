//! Terminal diagnostics, in the style of rustc and Ruff: the rule, the message, the source line
//! with the finding underlined, whether it is fixable, and the docs link.

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::{Entry, Fixability, Summary};
use crate::rules::Severity;

/// At most this many source lines are shown for one finding.
const MAX_LINES: usize = 6;

/// Renders one finding.
pub fn diagnostic(entry: &Entry, renderer: &Renderer) -> String {
    let text = entry.text;
    let range = &entry.finding.range;
    // Show only the lines the finding covers, not the whole file.
    let first = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let mut last = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i);
    let lines: Vec<usize> = text[first..last]
        .match_indices('\n')
        .map(|(i, _)| first + i)
        .collect();
    let mut span_end = range.end;
    if lines.len() >= MAX_LINES {
        last = lines[MAX_LINES - 1];
        span_end = span_end.min(last);
    }
    let source = &text[first..last];
    let label = match entry.fixability {
        Fixability::Safe => "fixable with `upshift fix`",
        Fixability::Unsafe => "fixable with `upshift fix --unsafe-fixes`",
        Fixability::None => "needs a manual change",
    };
    let level = match entry.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let path = entry.path.display().to_string();
    let report = [level
        .primary_title(entry.finding.message.as_str())
        .id(entry.rule.id.as_str())
        .element(
            Snippet::source(source)
                .line_start(entry.finding.start.line)
                .path(path)
                .annotation(
                    AnnotationKind::Primary
                        .span(range.start - first..span_end - first)
                        .label(label),
                ),
        )
        .element(Level::NOTE.message(format!("docs: {}", entry.rule.docs)))];
    renderer.render(&report)
}

/// One line per finding: `path:line:col: severity[rule] message`, for `--format concise`.
pub fn concise(entry: &Entry) -> String {
    let fix = match entry.fixability {
        Fixability::Safe => " [*]",
        Fixability::Unsafe => " [unsafe fix]",
        Fixability::None => "",
    };
    format!(
        "{}:{}:{}: {}[{}] {}{fix}",
        entry.path.display(),
        entry.finding.start.line,
        entry.finding.start.column,
        entry.severity.as_str(),
        entry.rule.id,
        entry.finding.message
    )
}

/// `n` and the word, in the plural unless `n` is 1: `1 file`, `3 files`.
pub fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closing summary of `fix --diff`.
pub fn diff_summary(summary: &Summary) -> String {
    format!(
        "Would fix {} in {}; nothing was written.",
        count(summary.fixed, "finding"),
        count(summary.files_changed, "file")
    )
}

/// The closing summary of `check` or `fix`.
pub fn summary(summary: &Summary, fixing: bool) -> String {
    let mut out = String::new();
    if fixing {
        out.push_str(&format!(
            "Fixed {} in {}. ",
            count(summary.fixed, "finding"),
            count(summary.files_changed, "file")
        ));
    }
    if summary.findings == 0 {
        out.push_str(&format!(
            "No findings{} in {}.",
            if fixing { " left" } else { "" },
            count(summary.files, "file")
        ));
    } else {
        out.push_str(&format!(
            "Found {}{} in {} of {} checked",
            count(summary.findings, "finding"),
            if fixing { " left" } else { "" },
            summary.files_with_findings,
            count(summary.files, "file")
        ));
        let mut parts = Vec::new();
        if summary.fixable > 0 {
            parts.push(format!("{} fixable with `upshift fix`", summary.fixable));
        }
        if summary.unsafe_fixable > 0 {
            parts.push(format!(
                "{} more with `--unsafe-fixes`",
                summary.unsafe_fixable
            ));
        }
        if parts.is_empty() {
            out.push('.');
        } else {
            out.push_str(&format!(" ({}).", parts.join(", ")));
        }
    }
    if summary.skipped > 0 {
        out.push_str(&format!(
            " {} skipped (see notes).",
            count(summary.skipped, "file")
        ));
    }
    out
}
