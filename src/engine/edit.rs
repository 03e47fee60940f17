//! Fixes as data: a fix is a set of byte-range edits plus import changes, applied together or
//! not at all.
//!
//! Edits from all the fixes on a file are applied in one go; when two fixes overlap, the one
//! that comes first in rule order (then position) wins and the other waits for the next pass of
//! the fix loop, when it is matched again on the new text.

use std::ops::Range;

use tree_sitter::Node;

use crate::rules::Safety;

/// Replace `range` of the text with `content` (an empty range inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

impl Ord for Edit {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.range.start, self.range.end, &self.content).cmp(&(
            other.range.start,
            other.range.end,
            &other.content,
        ))
    }
}

impl PartialOrd for Edit {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Edit {
    /// Whether two edits touch the same text. Adjacent edits do not overlap; two insertions
    /// at the same point do, since their order would be arbitrary.
    pub fn overlaps(&self, other: &Edit) -> bool {
        let (a, b) = (&self.range, &other.range);
        if a.is_empty() && b.is_empty() {
            return a.start == b.start;
        }
        if a.is_empty() {
            return b.start < a.start && a.start < b.end;
        }
        if b.is_empty() {
            return a.start < b.start && b.start < a.end;
        }
        a.start < b.end && b.start < a.end
    }
}

/// A change to a file's imports, made after the edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportChange {
    /// Bind the dotted name's last segment to it.
    Add(String),
    /// Remove the import of the dotted name if nothing uses it any more.
    Remove(String),
    /// Import the first dotted name's binding from the second instead, under the same local
    /// name (an alias stays, and `a.b.c` to `x.y.z` imports `z as c`).
    Move(String, String),
}

/// A fix: edits that stand or fall together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Sorted by position, non-overlapping.
    pub edits: Vec<Edit>,
    pub imports: Vec<ImportChange>,
    /// Files to create when missing: (path relative to the project, contents).
    pub creates: Vec<(String, String)>,
    pub safety: Safety,
}

impl Fix {
    /// Whether any edit of this fix overlaps any of `edits`.
    pub fn overlaps(&self, edits: &[Edit]) -> bool {
        self.edits
            .iter()
            .any(|a| edits.iter().any(|b| a.overlaps(b)))
    }
}

/// Applies sorted, non-overlapping `edits` to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for edit in edits {
        debug_assert!(edit.range.start >= last, "edits are sorted and disjoint");
        out.push_str(&text[last..edit.range.start]);
        out.push_str(&edit.content);
        last = edit.range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// `after` without the blank lines it starts with, when `before` did not start with one:
/// deleting a file's first statements (a coding comment, a `__future__` import) must not leave
/// the file opening on the blank lines that separated them from the rest. A byte-order mark
/// stays first.
pub fn without_new_leading_blank_lines(before: &str, after: String) -> String {
    fn blank_prefix(text: &str) -> usize {
        let mut end = 0;
        for line in text.split_inclusive('\n') {
            if !line.ends_with('\n') || !line.trim().is_empty() {
                break;
            }
            end += line.len();
        }
        end
    }
    let bom = |text: &str| {
        if text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        }
    };
    let (before_bom, after_bom) = (bom(before), bom(&after));
    let blank = blank_prefix(&after[after_bom..]);
    if blank == 0 || blank == after.len() - after_bom || blank_prefix(&before[before_bom..]) > 0 {
        return after;
    }
    let mut trimmed = String::with_capacity(after.len() - blank);
    trimmed.push_str(&after[..after_bom]);
    trimmed.push_str(&after[after_bom + blank..]);
    trimmed
}

/// Picks, in order, the fixes whose edits overlap none picked before; returns the picked edits
/// sorted for [`apply`] and the indexes of the picked fixes.
pub fn select<'a>(fixes: impl IntoIterator<Item = &'a Fix>) -> (Vec<Edit>, Vec<usize>) {
    let mut edits: Vec<Edit> = Vec::new();
    let mut picked = Vec::new();
    for (index, fix) in fixes.into_iter().enumerate() {
        let self_overlapping = fix
            .edits
            .iter()
            .enumerate()
            .any(|(i, a)| fix.edits[i + 1..].iter().any(|b| a.overlaps(b)));
        if self_overlapping || fix.overlaps(&edits) {
            continue;
        }
        edits.extend(fix.edits.iter().cloned());
        picked.push(index);
    }
    edits.sort();
    (edits, picked)
}

/// The range to delete to remove `node` cleanly: with its separating comma when it is an item
/// of a comma-separated list, and with its whole line when it stands alone on it.
pub fn deletion_range(node: Node, text: &str) -> Range<usize> {
    let start = node.start_byte();
    let mut end = node.end_byte();
    let next = node.next_sibling().filter(|n| n.kind() == ",");
    let prev = node.prev_sibling().filter(|n| n.kind() == ",");
    if let Some(comma) = next {
        end = comma.end_byte();
        end += text[end..]
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
    } else if let Some(comma) = prev {
        // `f(a, b)` loses `, b`; a last item on its own line loses the comma before it.
        return comma.start_byte()..end;
    }
    // A comment after it on its line goes with it when the line goes.
    let mut last = next.unwrap_or(node);
    // `b = 2` is an assignment inside a statement of the same extent; the comment is the
    // statement's sibling.
    while let Some(parent) = last
        .parent()
        .filter(|p| p.byte_range() == last.byte_range())
    {
        last = parent;
    }
    let comment = last.next_sibling().filter(|n| {
        n.kind().contains("comment") && n.start_position().row == last.end_position().row
    });
    if let Some(lines) = comment.and_then(|c| whole_lines(start, c.end_byte(), text)) {
        return lines;
    }
    whole_lines(start, end, text).unwrap_or(start..end)
}

/// `start..end` widened to whole lines when only whitespace surrounds it on them.
fn whole_lines(start: usize, end: usize, text: &str) -> Option<Range<usize>> {
    let line_begin = line_start(text, start);
    if !text[line_begin..start].trim().is_empty() {
        return None;
    }
    let line_end = after_line(text, end);
    if !text[end..line_end].trim().is_empty() {
        return None;
    }
    Some(line_begin..line_end)
}

/// The offset where the line holding `offset` starts.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset just past the line that `offset` is on (its line break included).
pub fn after_line(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// The whitespace that indents the line holding `offset`.
pub fn indentation_at(text: &str, offset: usize) -> &str {
    let begin = line_start(text, offset);
    let line = &text[begin..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

#[cfg(test)]
mod tests {
    #[test]
    fn blank_lines_a_fix_leaves_at_the_top_of_a_file_go() {
        use super::without_new_leading_blank_lines as trim;
        let before = "from __future__ import x\n\nimport os\n";
        assert_eq!(trim(before, "\nimport os\n".into()), "import os\n");
        assert_eq!(
            trim(before, "\r\n  \r\nimport os\r\n".into()),
            "import os\r\n"
        );
        assert_eq!(
            trim(before, "\u{feff}\nimport os\n".into()),
            "\u{feff}import os\n"
        );
        // Blank lines the file already started with are the author's.
        assert_eq!(
            trim("\nimport os\n", "\nimport sys\n".into()),
            "\nimport sys\n"
        );
        // Nothing but blank lines, or none at all: left as is.
        assert_eq!(trim(before, "\n\n".into()), "\n\n");
        assert_eq!(trim(before, "import os\n".into()), "import os\n");
    }

    use super::*;

    fn edit(start: usize, end: usize, content: &str) -> Edit {
        Edit {
            range: start..end,
            content: content.to_string(),
        }
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            edits,
            imports: vec![],
            creates: vec![],
            safety: Safety::Safe,
        }
    }

    /// `text` without the first statement or list item that is exactly `target`.
    fn deleted(text: &str, target: &str) -> String {
        let language = crate::language::by_name("python").unwrap();
        let tree =
            super::super::parse::parse(language, text, std::time::Duration::from_secs(5)).unwrap();
        let start = text.find(target).unwrap();
        let node = tree
            .root_node()
            .descendant_for_byte_range(start, start + target.len())
            .unwrap();
        let mut node = node;
        while node.byte_range() != (start..start + target.len()) {
            node = node.parent().unwrap();
        }
        let range = deletion_range(node, text);
        format!("{}{}", &text[..range.start], &text[range.end..])
    }

    #[test]
    fn a_deleted_line_takes_its_trailing_comment() {
        assert_eq!(
            deleted("a = 1\nb = 2  # why\nc = 3\n", "b = 2"),
            "a = 1\nc = 3\n"
        );
        assert_eq!(
            deleted("f(\n    a,  # first\n    b,\n)\n", "a"),
            "f(\n    b,\n)\n"
        );
        // Not when something else stays on the line.
        assert_eq!(
            deleted("a = 1; b = 2  # why\n", "b = 2"),
            "a = 1;   # why\n"
        );
    }

    #[test]
    fn edits_apply_in_order() {
        assert_eq!(
            apply("hello world", &[edit(0, 5, "goodbye"), edit(11, 11, "!")]),
            "goodbye world!"
        );
    }

    #[test]
    fn overlapping_fixes_are_deferred_in_order() {
        let fixes = [
            fix(vec![edit(0, 5, "a")]),
            fix(vec![edit(3, 8, "b")]),
            fix(vec![edit(8, 9, "c")]),
        ];
        let (edits, picked) = select(&fixes);
        assert_eq!(picked, vec![0, 2]);
        assert_eq!(edits, vec![edit(0, 5, "a"), edit(8, 9, "c")]);
    }

    #[test]
    fn adjacent_edits_do_not_overlap_but_same_point_inserts_do() {
        assert!(!edit(0, 3, "x").overlaps(&edit(3, 5, "y")));
        assert!(edit(3, 3, "x").overlaps(&edit(3, 3, "y")));
        assert!(!edit(3, 3, "x").overlaps(&edit(0, 3, "y")));
        assert!(edit(2, 2, "x").overlaps(&edit(0, 3, "y")));
    }

    #[test]
    fn indentation_is_read_from_the_line() {
        let text = "def f():\n    return 1\n";
        assert_eq!(indentation_at(text, text.find("return").unwrap()), "    ");
        assert_eq!(indentation_at(text, 0), "");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn arb_edit(len: usize) -> impl Strategy<Value = Edit> {
            (0..=len, 0..=len, "[a-z]{0,4}").prop_map(|(a, b, content)| Edit {
                range: a.min(b)..a.max(b),
                content,
            })
        }

        fn arb_fixes() -> impl Strategy<Value = (String, Vec<Fix>)> {
            "[a-z ]{0,40}".prop_flat_map(|text| {
                let len = text.len();
                let fixes = proptest::collection::vec(
                    proptest::collection::vec(arb_edit(len), 1..3).prop_map(|mut edits| {
                        edits.sort();
                        Fix {
                            edits,
                            imports: vec![],
                            creates: vec![],
                            safety: Safety::Safe,
                        }
                    }),
                    0..6,
                );
                (Just(text), fixes)
            })
        }

        proptest! {
            #[test]
            fn selected_edits_never_overlap_and_deferred_fixes_overlap_a_pick((_text, fixes) in arb_fixes()) {
                let (edits, picked) = select(&fixes);
                for (i, a) in edits.iter().enumerate() {
                    for b in &edits[i + 1..] {
                        prop_assert!(!a.overlaps(b), "{a:?} overlaps {b:?}");
                    }
                }
                prop_assert!(edits.windows(2).all(|w| w[0] <= w[1]), "edits are sorted");
                for (index, fix) in fixes.iter().enumerate() {
                    if picked.contains(&index) {
                        continue;
                    }
                    let self_overlap = fix.edits.iter().enumerate().any(|(i, a)| fix.edits[i + 1..].iter().any(|b| a.overlaps(b)));
                    let earlier: Vec<Edit> = picked.iter().filter(|&&p| p < index).flat_map(|&p| fixes[p].edits.clone()).collect();
                    prop_assert!(self_overlap || fix.overlaps(&earlier), "fix {index} was deferred without an overlap");
                }
            }

            #[test]
            fn applying_keeps_every_byte_outside_the_edits((text, fixes) in arb_fixes()) {
                let (edits, _) = select(&fixes);
                let out = apply(&text, &edits);
                // Rebuild the expected text piece by piece.
                let mut expected = String::new();
                let mut last = 0;
                for edit in &edits {
                    expected.push_str(&text[last..edit.range.start]);
                    expected.push_str(&edit.content);
                    last = edit.range.end;
                }
                expected.push_str(&text[last..]);
                prop_assert_eq!(&out, &expected);
                let removed: usize = edits.iter().map(|e| e.range.len()).sum();
                let added: usize = edits.iter().map(|e| e.content.len()).sum();
                prop_assert_eq!(out.len(), text.len() - removed + added);
            }
        }
    }
}
