//! `--format github`: GitHub Actions workflow commands, which annotate the pull request diff.

use super::Entry;
use crate::rules::Severity;

/// Escapes a workflow-command property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Escapes a workflow-command message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// One annotation line per finding.
pub fn annotation(entry: &Entry) -> String {
    let level = match entry.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let f = entry.finding;
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        property(&entry.path.display().to_string()),
        f.start.line,
        f.start.column,
        f.end.line,
        f.end.column,
        property(&format!("upshift {}", entry.rule.id)),
        data(&format!("{} ({})", f.message, entry.rule.docs)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        assert_eq!(property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
    }
}
