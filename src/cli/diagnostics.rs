//! How the CLI prints errors and notes: rule errors with the offending YAML line, per-file
//! notes on standard error, and colour only on a terminal.

use std::fmt;
use std::io::IsTerminal;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use upshift::rules::RuleError;

/// Rule files that failed to load; displayed as one diagnostic per error.
#[derive(Debug)]
pub struct RuleErrors(pub Vec<RuleError>);

impl std::error::Error for RuleErrors {}

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let renderer = renderer(std::io::stderr().is_terminal());
        for (i, err) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            f.write_str(&render_rule_error(err, &renderer))?;
        }
        write!(f, "\n{} rule error(s); no file was read", self.0.len())
    }
}

fn render_rule_error(err: &RuleError, renderer: &Renderer) -> String {
    let path = err.path.display().to_string();
    let Some(line) = err.source_line.as_deref() else {
        return format!("invalid rule: {err}");
    };
    let column = err.column.saturating_sub(1).min(line.len());
    let end = line[column..]
        .find(char::is_whitespace)
        .map_or(line.len(), |i| column + i)
        .max(column + 1)
        .min(line.len().max(column + 1));
    let source = if line.is_empty() { " " } else { line };
    let report = [Level::ERROR
        .primary_title(format!("invalid rule: {}", err.message))
        .element(
            Snippet::source(source)
                .line_start(err.line)
                .path(path)
                .annotation(
                    AnnotationKind::Primary.span(column.min(source.len())..end.min(source.len())),
                ),
        )];
    renderer.render(&report)
}

/// A renderer with colour when `terminal` and `NO_COLOR` is unset.
pub fn renderer(terminal: bool) -> Renderer {
    if terminal && std::env::var_os("NO_COLOR").is_none() {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}
