//! The verify step: a fixed text is only kept if it parses at least as cleanly as before.

use std::time::Duration;

use super::parse::{parse, syntax_errors};
use crate::language::Language;

/// Whether `text` has no more syntax errors than `baseline`; `None` if parsing timed out.
pub fn still_parses(
    language: &Language,
    text: &str,
    baseline: usize,
    budget: Duration,
) -> Option<bool> {
    let tree = parse(language, text, budget)?;
    Some(syntax_errors(&tree) <= baseline)
}
