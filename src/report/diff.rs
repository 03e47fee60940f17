//! Unified diffs of fixed files, for `upshift fix --diff`.

use std::path::Path;

use similar::TextDiff;

/// The unified diff from `old` to `new` for `path`, with git-style `a/` and `b/` headers.
pub fn unified(path: &Path, old: &str, new: &str) -> String {
    let path = path.display().to_string();
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// The diff that creates `path` with `text`.
pub fn created(path: &Path, text: &str) -> String {
    let path = path.display().to_string();
    TextDiff::from_lines("", text)
        .unified_diff()
        .context_radius(3)
        .header("/dev/null", &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_changed_lines_with_headers() {
        let diff = unified(Path::new("x.py"), "a\nb\n", "a\nc\n");
        assert!(diff.starts_with("--- a/x.py\n+++ b/x.py\n"), "{diff}");
        assert!(diff.contains("-b\n+c\n"), "{diff}");
    }

    #[test]
    fn a_diff_ending_in_an_added_line_ends_with_a_line_break() {
        let diff = unified(Path::new("x.py"), "a\nb\n", "a\nc\nd\n");
        assert!(diff.ends_with("+d\n"), "{diff:?}");
    }
}
