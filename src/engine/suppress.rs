//! Inline suppression comments: `# upshift: ignore[rule-id, other-rule] reason` (or `//` in
//! Java) after code on the finding's line, or on a line of its own just above it, silences
//! those rules there.
//!
//! A bare `# upshift: ignore` silences every rule on that line but is reported, since it hides
//! more than intended; a suppression that silenced nothing is reported as unused, so stale ones
//! do not pile up (as Ruff and ast-grep do). Rule names may be ids, packs or globs.

use globset::Glob;

use super::matcher::Finding;
use super::plan::ActiveRule;

/// The text every suppression comment contains.
pub const MARKER: &str = "upshift:";

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line of the comment.
    pub line: usize,
    /// Byte offset of the `upshift:` marker, to check that it sits in a comment node.
    pub offset: usize,
    /// The rules named; empty for a bare `ignore`.
    pub rules: Vec<String>,
    /// Text after the bracket, if any: why the finding is accepted.
    pub reason: Option<String>,
    /// Whether the comment has a line of its own: it then covers the next line too, while a
    /// comment after code covers only its own line.
    pub standalone: bool,
}

/// What suppression did in one file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SuppressionNotes {
    /// `(line, message)` for bare or unused suppressions.
    pub warnings: Vec<(usize, String)>,
    /// How many findings were silenced.
    pub silenced: usize,
}

/// Finds suppression comments, given the language's line-comment marker. The caller keeps
/// those whose marker lies in a comment node of the syntax tree (a string can look the same).
pub fn find(text: &str, comment: &str) -> Vec<Suppression> {
    if !text.contains(MARKER) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut line_offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let start = line_offset;
        line_offset += line.len();
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        // Only a comment counts: the marker must follow the comment start, with nothing but
        // spaces in between.
        let before = &line[..at];
        let Some(comment_at) = before.rfind(comment) else {
            continue;
        };
        if !before[comment_at + comment.len()..].trim().is_empty() {
            continue;
        }
        let rest = line[at + MARKER.len()..].trim_start();
        let Some(rest) = rest.strip_prefix("ignore") else {
            continue;
        };
        let (rules, reason) = match rest.strip_prefix('[') {
            Some(inner) => match inner.split_once(']') {
                Some((list, reason)) => (
                    list.split(',')
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty())
                        .collect(),
                    reason,
                ),
                None => continue,
            },
            None => (Vec::new(), rest),
        };
        let reason = reason.trim();
        out.push(Suppression {
            line: index + 1,
            offset: start + at,
            standalone: before[..comment_at].trim().is_empty(),
            rules,
            reason: (!reason.is_empty()).then(|| reason.to_string()),
        });
    }
    out
}

fn names_rule(name: &str, id: &str, pack: &str) -> bool {
    if name.contains(['*', '?', '[']) {
        return Glob::new(name).is_ok_and(|g| g.compile_matcher().is_match(id));
    }
    name == id || name == pack
}

/// Removes the findings that a suppression covers and says which suppressions were bare or
/// unused. A name that matches no rule of this run is not called unused: it may belong to a
/// rule that is not selected.
pub fn apply(
    findings: &mut Vec<Finding>,
    suppressions: &[Suppression],
    rules: &[ActiveRule],
) -> SuppressionNotes {
    let mut notes = SuppressionNotes::default();
    if suppressions.is_empty() {
        return notes;
    }
    let mut used = vec![false; suppressions.len()];
    findings.retain(|finding| {
        let rule = rules[finding.rule].rule;
        let line = finding.start.line;
        let covering = suppressions.iter().position(|s| {
            (s.line == line || (s.standalone && s.line + 1 == line))
                && (s.rules.is_empty()
                    || s.rules
                        .iter()
                        .any(|name| names_rule(name, &rule.id, &rule.pack)))
        });
        match covering {
            Some(index) => {
                used[index] = true;
                notes.silenced += 1;
                false
            }
            None => true,
        }
    });
    for (suppression, used) in suppressions.iter().zip(used) {
        if suppression.rules.is_empty() {
            notes.warnings.push((
                suppression.line,
                "bare `upshift: ignore` silences every rule here; name the rule: `upshift: ignore[rule-id]`".to_string(),
            ));
            continue;
        }
        let known = suppression.rules.iter().all(|name| {
            rules
                .iter()
                .any(|r| names_rule(name, &r.rule.id, &r.rule.pack))
        });
        if !used && known {
            notes.warnings.push((
                suppression.line,
                format!(
                    "unused suppression: nothing here matches {}",
                    suppression.rules.join(", ")
                ),
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressions_are_read_from_comments_only() {
        let text = "x = 1  # upshift: ignore[django/url, rails] legacy route\ns = \"# upshift: ignore[a]\" + y\n# upshift: ignore\n";
        let found = find(text, "#");
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].rules, vec!["django/url", "rails"]);
        assert_eq!(found[0].reason.as_deref(), Some("legacy route"));
        assert!(found[2].rules.is_empty());
        // A line scan cannot tell the string on line 2 from a comment; the tree can (see
        // `engine::Analyzer`).
        assert_eq!(
            (found[1].line, found[1].offset),
            (2, text.find("# upshift: ignore[a]").unwrap() + 2)
        );
        assert!(find("foo(upshift: ignore)\n", "#").is_empty());
        assert_eq!(
            find("a(); // upshift: ignore[java/x]\n", "//")[0].rules,
            vec!["java/x"]
        );
    }

    #[test]
    fn names_are_ids_packs_or_globs() {
        assert!(names_rule("django/url", "django/url", "django"));
        assert!(names_rule("django", "django/url", "django"));
        assert!(names_rule("django/u*", "django/url", "django"));
        assert!(!names_rule("rails", "django/url", "django"));
    }
}
