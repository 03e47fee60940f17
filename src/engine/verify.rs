//! The verify step: a fixed text is only kept if it parses at least as cleanly as the original,
//! for tree-sitter (ERROR and MISSING nodes) and for the language's compiler as far as strict
//! verification ([`super::strict`]) knows it. Both are counted before and after, so a file that
//! was already broken can still be fixed, and only a fix that adds an error is refused.

use std::cell::OnceCell;
use std::path::Path;
use std::time::Duration;

use super::parse::{parse, syntax_errors};
use super::strict;
use crate::language::Language;

/// The original text a fix is measured against.
pub struct Baseline<'a> {
    language: &'a Language,
    /// The file's path, which says whether it is a template ([`Language::parse_text`]).
    path: &'a Path,
    original: &'a str,
    syntax: usize,
    /// Its strict errors' kinds, found the first time a fixed text has any (most never do).
    strict: OnceCell<Option<Vec<&'static str>>>,
}

impl<'a> Baseline<'a> {
    /// The baseline of `original`, which has `syntax` syntax errors.
    pub fn new(
        language: &'a Language,
        path: &'a Path,
        original: &'a str,
        syntax: usize,
    ) -> Baseline<'a> {
        Baseline {
            language,
            path,
            original,
            syntax,
            strict: OnceCell::new(),
        }
    }

    /// The kinds of the original's strict errors; `None` if parsing it again timed out.
    fn strict(&self, budget: Duration) -> Option<&[&'static str]> {
        self.strict
            .get_or_init(|| {
                let original = self.language.parse_text(self.path, self.original);
                let tree = parse(self.language, &original, budget)?;
                let found = strict::violations(self.language, &tree, &original);
                Some(found.into_iter().map(|v| v.kind).collect())
            })
            .as_deref()
    }
}

/// What a fixed text adds that the original did not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    /// A syntax error for tree-sitter.
    Syntax,
    /// An error the language's compiler reports, of this kind.
    Compiler(&'static str),
}

/// `Ok` if `text` has no more syntax errors, and no more strict errors, than `baseline`, else
/// what it adds; `None` if parsing timed out.
pub fn still_parses(
    text: &str,
    baseline: &Baseline,
    budget: Duration,
) -> Option<Result<(), Broken>> {
    let text = baseline.language.parse_text(baseline.path, text);
    let tree = parse(baseline.language, &text, budget)?;
    if syntax_errors(&tree) > baseline.syntax {
        return Some(Err(Broken::Syntax));
    }
    let found = strict::violations(baseline.language, &tree, &text);
    if found.is_empty() {
        return Some(Ok(()));
    }
    let before = baseline.strict(budget)?;
    if found.len() <= before.len() {
        return Some(Ok(()));
    }
    // Name a kind there is more of now; there is one, since there are more errors in all.
    let count =
        |list: &mut dyn Iterator<Item = &'static str>, kind| list.filter(|k| *k == kind).count();
    let added = found
        .iter()
        .map(|v| v.kind)
        .find(|&kind| {
            count(&mut found.iter().map(|v| v.kind), kind)
                > count(&mut before.iter().copied(), kind)
        })
        .unwrap_or(found[0].kind);
    Some(Err(Broken::Compiler(added)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language;

    #[test]
    fn a_new_compiler_error_fails_and_an_old_one_does_not() {
        let python = language::by_name("python").unwrap();
        let budget = Duration::from_secs(5);
        let clean = Baseline::new(python, Path::new("a.py"), "f(\"x\", null=True)\n", 0);
        assert_eq!(
            still_parses("f(null=True, \"x\")\n", &clean, budget),
            Some(Err(Broken::Compiler(
                strict::python::POSITIONAL_AFTER_KEYWORD
            )))
        );
        assert_eq!(
            still_parses("f(\"y\", null=True)\n", &clean, budget),
            Some(Ok(()))
        );
        // Already there before the fix: not the fix's doing.
        let broken = Baseline::new(python, Path::new("a.py"), "f(null=True, \"x\")\nurl()\n", 0);
        assert_eq!(
            still_parses("f(null=True, \"x\")\nre_path()\n", &broken, budget),
            Some(Ok(()))
        );
        assert_eq!(
            still_parses("f(null=True, \"x\")\ng(a=1, a=2)\n", &broken, budget),
            Some(Err(Broken::Compiler(strict::python::REPEATED_KEYWORD)))
        );
        // Syntax errors are counted as before.
        assert_eq!(
            still_parses("x = (1,\n", &clean, budget),
            Some(Err(Broken::Syntax))
        );
    }
}
