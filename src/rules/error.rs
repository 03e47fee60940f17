//! Errors found while loading rules: each names the rule file, the line and what is wrong.

use std::fmt;
use std::path::PathBuf;

/// A mistake in a rule file, found before any source file is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RuleError {
    pub path: PathBuf,
    /// 1-based line in the rule file; 0 when the error concerns the file as a whole.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    pub message: String,
    /// The text of the offending line, for rendering.
    pub source_line: Option<String>,
}

impl RuleError {
    /// An error at `line:column` of `text` (the rule file's contents).
    pub fn at(
        path: impl Into<PathBuf>,
        text: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        RuleError {
            path: path.into(),
            line,
            column,
            message: message.into(),
            source_line: line
                .checked_sub(1)
                .and_then(|i| text.lines().nth(i))
                .map(str::to_string),
        }
    }

    /// An error about the file as a whole.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        RuleError {
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            source_line: None,
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.path.display(), self.message),
            (line, 0) => write!(f, "{}:{line}: {}", self.path.display(), self.message),
            (line, column) => write!(
                f,
                "{}:{line}:{column}: {}",
                self.path.display(),
                self.message
            ),
        }
    }
}
