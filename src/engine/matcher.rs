//! Running a language's rules over a parsed file: query matches, `where:` conditions, and the
//! findings with their fixes.

use std::collections::HashSet;
use std::ops::{ControlFlow, Range};
use std::time::Instant;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, QueryCursor, QueryCursorOptions, Tree};

use super::edit::{Edit, Fix, ImportChange, deletion_range, indentation_at};
use super::imports::Imports;
use super::plan::{ActiveRule, LanguagePlan};
use super::script;
use crate::rules::script::Script;
use crate::rules::template::TARGET;
use crate::rules::{Ancestor, Condition, FixStep, Rule, Template};

/// A 1-based line and column (in characters).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`.
    pub fn of(text: &str, offset: usize) -> Position {
        let line_begin = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: text[..line_begin].bytes().filter(|&b| b == b'\n').count() + 1,
            column: text[line_begin..offset].chars().count() + 1,
        }
    }
}

/// Positions of many offsets in one text, without rescanning it for each: lines through an
/// index of line starts, columns counted on from the previous offset when it is on the same
/// line and before. On a 10 MB single line with thousands of findings, counting from the
/// start of the line for each would take longer than any time budget.
struct Positions<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// The last offset asked for, with its line index and column.
    last: Option<(usize, usize, usize)>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Positions<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Positions {
            text,
            line_starts,
            last: None,
        }
    }

    fn of(&mut self, offset: usize) -> Position {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let column = match self.last {
            Some((at, last_line, column)) if last_line == line && at <= offset => {
                column + self.text[at..offset].chars().count()
            }
            _ => self.text[self.line_starts[line]..offset].chars().count(),
        };
        self.last = Some((offset, line, column));
        Position {
            line: line + 1,
            column: column + 1,
        }
    }
}

/// One place where a rule matched.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index into the run's [`Plan::rules`](super::plan::Plan::rules).
    pub rule: usize,
    pub range: Range<usize>,
    pub start: Position,
    pub end: Position,
    pub message: String,
    /// The fix, when the rule has one and it can be built here.
    pub fix: Option<Fix>,
}

/// The match limit per cursor: beyond it tree-sitter drops in-progress matches.
pub(crate) const MATCH_LIMIT: u32 = 64 * 1024;

/// Everything the matcher needs about one file.
pub struct FileContext<'t> {
    pub text: &'t str,
    pub tree: &'t Tree,
    pub newline: &'static str,
    pub imports: Option<Imports>,
}

/// Finds every match of the active patterns in the file, in text order (rule order on ties),
/// in one pass of the run's query for the language. Returns `None` when matching ran past
/// `deadline`.
pub fn find(
    plan: &LanguagePlan,
    rules: &[ActiveRule],
    active: &[bool],
    file: &FileContext,
    deadline: Instant,
) -> Option<Vec<Finding>> {
    let mut findings = Vec::new();
    let busy_in = |active: &[bool]| -> Vec<usize> {
        plan.rules
            .iter()
            .enumerate()
            .filter(|(_, (rule, first))| {
                active[*first..*first + rules[*rule].rule.patterns.len()]
                    .iter()
                    .any(|a| *a)
            })
            .map(|(slot, _)| slot)
            .collect()
    };
    let mut busy = busy_in(active);
    let narrowed;
    let mut active = active;
    if !busy.is_empty() && !plan.has_query_for(&busy) {
        // The query would grow: first set aside what cannot match in this tree.
        narrowed = plan.narrowed_to_kinds(active, file.tree);
        active = &narrowed;
        busy = busy_in(active);
    }
    if busy.is_empty() {
        return Some(findings);
    }
    // Compiling the run's query is work done once for every file of the language (it can take
    // seconds on a loaded machine), so it does not count against this file's budget.
    let compiling = Instant::now();
    let combined = plan.query_for(rules, &busy);
    let deadline = deadline + compiling.elapsed();
    let pattern = |index: usize| {
        let slot = combined.pattern_slot[index];
        let global = combined.pattern_global[index];
        (plan.rules[slot].0, global.is_none_or(|g| active[g]))
    };
    run(
        &combined.query,
        &pattern,
        rules,
        file,
        deadline,
        &mut findings,
    )?;
    findings.sort_by_key(|f| (f.range.start, f.rule, f.range.end));
    Some(findings)
}

/// The matches of `query`, whose pattern `i` belongs to rule `pattern(i).0` and is active when
/// `pattern(i).1`, added to `findings`.
fn run(
    query: &tree_sitter::Query,
    pattern: &dyn Fn(usize) -> (usize, bool),
    rules: &[ActiveRule],
    file: &FileContext,
    deadline: Instant,
    findings: &mut Vec<Finding>,
) -> Option<()> {
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    cursor.set_match_limit(MATCH_LIMIT);
    let timed_out = std::cell::Cell::new(false);
    let mut check = |_: &tree_sitter::QueryCursorState| {
        if Instant::now() > deadline {
            timed_out.set(true);
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let options = QueryCursorOptions::new().progress_callback(&mut check);
    let mut matches =
        cursor.matches_with_options(query, file.tree.root_node(), file.text.as_bytes(), options);
    let mut seen = HashSet::new();
    let mut captures: Vec<(&str, Node)> = Vec::new();
    let (mut starts, mut ends) = (None, None);
    while let Some(m) = matches.next() {
        // Checked per match too: tree-sitter checks only after a bounded amount of its own
        // work, and each match costs conditions, messages and fixes of ours.
        if Instant::now() > deadline {
            timed_out.set(true);
            break;
        }
        // The light reader's pattern count agrees with tree-sitter's for every built-in rule
        // (the test suite checks) and is corrected for a user's: a pattern beyond it is active.
        let (rule_index, active) = pattern(m.pattern_index);
        if !active {
            continue;
        }
        let rule = rules[rule_index].rule;
        captures.clear();
        captures.extend(
            m.captures()
                .iter()
                .map(|c| (names[c.index as usize], c.node)),
        );
        let Some(primary) = primary_node(&captures) else {
            continue;
        };
        if !seen.insert((rule_index, primary.byte_range())) {
            continue;
        }
        let target = rules[rule_index].target.as_deref();
        let options = rules[rule_index].options.as_slice();
        if !rule
            .conditions
            .iter()
            .all(|c| holds(c, rule, (target, options), primary, &captures, file))
        {
            seen.remove(&(rule_index, primary.byte_range()));
            continue;
        }
        let lookup = |name: &str| hole(&captures, file.text, target, name);
        findings.push(Finding {
            rule: rule_index,
            range: primary.byte_range(),
            start: starts
                .get_or_insert_with(|| Positions::new(file.text))
                .of(primary.start_byte()),
            end: ends
                .get_or_insert_with(|| Positions::new(file.text))
                .of(primary.end_byte()),
            message: rule
                .message
                .render(lookup, &|text| rule.map.get(text).map(String::as_str))
                .unwrap_or_else(|| rule.id.clone()),
            fix: build_fix(rule, (target, options), &captures, file),
        });
    }
    drop(matches);
    (!timed_out.get()).then_some(())
}

/// The node a finding points at: the `@match` capture, or else the widest one.
fn primary_node<'t>(captures: &[(&str, Node<'t>)]) -> Option<Node<'t>> {
    capture(captures, "match").or_else(|| {
        captures.iter().map(|(_, node)| *node).max_by_key(|n| {
            (
                n.end_byte() - n.start_byte(),
                std::cmp::Reverse(n.start_byte()),
            )
        })
    })
}

fn capture<'t>(captures: &[(&str, Node<'t>)], name: &str) -> Option<Node<'t>> {
    captures
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, node)| *node)
}

/// The text a template hole `name` is filled with: `{{$target}}`'s version, else the text of
/// the capture of that name.
fn hole<'t>(
    captures: &[(&str, Node)],
    text: &'t str,
    target: Option<&'t str>,
    name: &str,
) -> Option<&'t str> {
    if name == TARGET {
        return target;
    }
    capture(captures, name).map(|n| &text[n.byte_range()])
}

/// Every node bound to capture `name` (several for a quantified capture).
fn nodes<'t>(captures: &[(&str, Node<'t>)], name: &str) -> Vec<Node<'t>> {
    captures
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, node)| *node)
        .collect()
}

/// The run's target for a rule's framework, and the options of its pack switched on.
type Setting<'a> = (Option<&'a str>, &'a [String]);

/// What a script call on this match sees.
fn script_input<'a, 't>(
    rule: &'a Rule,
    script: &'a Script,
    (target, options): Setting<'a>,
    captures: &'a [(&'a str, Node<'t>)],
    file: &'a FileContext<'t>,
) -> script::Input<'a, 't> {
    script::Input {
        text: file.text,
        root: file.tree.root_node(),
        captures,
        names: &script.names,
        imports: file.imports.as_ref(),
        target,
        options,
        newline: file.newline,
        map: &rule.map,
    }
}

fn holds(
    condition: &Condition,
    rule: &Rule,
    setting: Setting,
    primary: Node,
    captures: &[(&str, Node)],
    file: &FileContext,
) -> bool {
    let node_for = |name: &Option<String>| match name {
        Some(name) => capture(captures, name),
        None => Some(primary),
    };
    match condition {
        // A condition on a capture this match does not bind holds, as query predicates do.
        Condition::ImportedFrom { capture, names } => {
            let Some(node) = node_for(capture) else {
                return true;
            };
            let Some(imports) = &file.imports else {
                return false;
            };
            let name = &file.text[node.byte_range()];
            is_reference(node)
                && !is_shadowed(node, name, file.text)
                && imports.refers_to(name, names)
        }
        Condition::NotImported { capture } => {
            let Some(node) = node_for(capture) else {
                return true;
            };
            file.imports
                .as_ref()
                .is_none_or(|i| i.resolve(&file.text[node.byte_range()]).is_empty())
        }
        Condition::FileImports {
            capture,
            names,
            negated,
        } => {
            if capture.is_some() && node_for(capture).is_none() {
                return true;
            }
            let imports = file.imports.as_ref();
            imports.is_some_and(|i| names.iter().any(|n| i.imports(n))) != *negated
        }
        Condition::Inside {
            capture,
            ancestor,
            negated,
        } => {
            let Some(node) = node_for(capture) else {
                return true;
            };
            has_ancestor(node, ancestor, file.text) != *negated
        }
        Condition::Script(script) => script::condition(
            &rule.id,
            script.ast(),
            script_input(rule, script, setting, captures, file),
        ),
    }
}

/// Places where a name is not a reference to a binding, though it is spelt like one: `x.name`
/// (an attribute or member), `name=` (a keyword argument), `def name` / `class name`, and a
/// method called on an object (Java's `obj.name()`).
const NOT_REFERENCES: &[(&str, &str)] = &[
    ("attribute", "attribute"),
    ("keyword_argument", "name"),
    ("function_definition", "name"),
    ("class_definition", "name"),
    ("field_access", "field"),
    ("method_declaration", "name"),
    ("default_parameter", "name"),
    ("typed_default_parameter", "name"),
    ("class_declaration", "name"),
];

/// Whether `node` can refer to an imported name.
pub(crate) fn is_reference(node: Node) -> bool {
    let Some(parent) = node.parent() else {
        return true;
    };
    if parent.kind() == "parameters" {
        return false;
    }
    if parent.kind() == "method_invocation" && parent.child_by_field_name("object").is_some() {
        return parent.child_by_field_name("name") != Some(node);
    }
    !NOT_REFERENCES.iter().any(|(kind, field)| {
        parent.kind() == *kind && parent.child_by_field_name(field) == Some(node)
    })
}

/// Whether `name` at `node` is a parameter of an enclosing function, method or lambda, which
/// hides a module-level import of the same name.
pub(crate) fn is_shadowed(node: Node, name: &str, text: &str) -> bool {
    let mut current = node.parent();
    while let Some(scope) = current {
        let parameters = match scope.kind() {
            "function_definition" | "lambda" | "method_declaration" | "constructor_declaration" => {
                scope.child_by_field_name("parameters")
            }
            _ => None,
        };
        if let Some(parameters) = parameters
            && declares(parameters, name, text)
        {
            return true;
        }
        current = scope.parent();
    }
    false
}

/// Whether a parameter list declares `name` (plain, typed, defaulted or splat parameters).
fn declares(parameters: Node, name: &str, text: &str) -> bool {
    let mut cursor = parameters.walk();
    parameters.named_children(&mut cursor).any(|parameter| {
        let declared = if parameter.kind() == "identifier" {
            Some(parameter)
        } else {
            parameter.child_by_field_name("name").or_else(|| {
                let mut inner = parameter.walk();
                parameter
                    .named_children(&mut inner)
                    .find(|child| child.kind() == "identifier")
            })
        };
        declared.is_some_and(|n| &text[n.byte_range()] == name)
    })
}

fn has_ancestor(node: Node, ancestor: &Ancestor, text: &str) -> bool {
    let mut current = node.parent();
    while let Some(candidate) = current {
        if ancestor.kinds.iter().any(|k| k == candidate.kind()) {
            let field_ok = match &ancestor.field {
                None => true,
                Some(field) => candidate.child_by_field_name(field).is_some_and(|f| {
                    ancestor
                        .matches
                        .as_ref()
                        .is_none_or(|re| re.is_match(&text[f.byte_range()]))
                }),
            };
            if field_ok {
                return true;
            }
        }
        current = candidate.parent();
    }
    false
}

/// The rule's fix at this match, or `None` when it has none or cannot be built here (a
/// capture it edits is absent, or the name it would import is taken by another import).
fn build_fix<'t>(
    rule: &Rule,
    setting: Setting<'t>,
    captures: &[(&str, Node)],
    file: &FileContext<'t>,
) -> Option<Fix> {
    if rule.fix.is_empty() {
        return None;
    }
    let text = file.text;
    let lookup = |name: &str| hole(captures, text, setting.0, name);
    let map = |key: &str| rule.map.get(key).map(String::as_str);
    let mut edits = Vec::new();
    let mut imports = Vec::new();
    let mut creates = Vec::new();
    let mut safety = rule.safety;
    for step in &rule.fix {
        match step {
            FixStep::Script(script) => {
                let output = script::fix(
                    &rule.id,
                    script.ast(),
                    script_input(rule, script, setting, captures, file),
                )?;
                edits.extend(output.edits);
                imports.extend(output.imports);
                creates.extend(output.creates);
                if output.unsafe_fix {
                    safety = crate::rules::Safety::Unsafe;
                }
            }
            FixStep::Replace { capture, with } => {
                let mut any = false;
                for node in nodes(captures, capture) {
                    any = true;
                    let content =
                        render(with, &lookup, &map, text, node.start_byte(), file.newline)?;
                    edits.push(Edit {
                        range: node.byte_range(),
                        content,
                    });
                }
                if !any {
                    return None;
                }
            }
            FixStep::ReplacePattern {
                capture,
                pattern,
                with,
            } => {
                let found = nodes(captures, capture);
                if found.is_empty() {
                    return None;
                }
                let with = with.render(lookup, &map)?;
                for node in found {
                    let old = &text[node.byte_range()];
                    if !pattern.is_match(old) {
                        return None;
                    }
                    edits.push(Edit {
                        range: node.byte_range(),
                        content: pattern.replace(old, with.as_str()).into_owned(),
                    });
                }
            }
            FixStep::Delete { capture } => {
                let mut any = false;
                for node in nodes(captures, capture) {
                    any = true;
                    edits.push(Edit {
                        range: deletion_range(node, text),
                        content: String::new(),
                    });
                }
                if !any {
                    return None;
                }
            }
            FixStep::InsertBefore {
                capture,
                text: template,
            }
            | FixStep::InsertAfter {
                capture,
                text: template,
            } => {
                let node = *nodes(captures, capture).first()?;
                let at = if matches!(step, FixStep::InsertBefore { .. }) {
                    node.start_byte()
                } else {
                    node.end_byte()
                };
                let content = render(
                    template,
                    &lookup,
                    &map,
                    text,
                    node.start_byte(),
                    file.newline,
                )?;
                edits.push(Edit {
                    range: at..at,
                    content,
                });
            }
            FixStep::AddImport(name) => {
                let name = &name.render(lookup, &map)?;
                if !crate::rules::compile::is_dotted_name(name) {
                    return None;
                }
                let local = name.rsplit('.').next().unwrap_or(name);
                if let Some(bound) = file.imports.as_ref().and_then(|i| i.binding(local))
                    && bound != name
                {
                    return None;
                }
                imports.push(ImportChange::Add(name.to_string()));
            }
            FixStep::RemoveImport(name) => {
                imports.push(ImportChange::Remove(name.render(lookup, &map)?))
            }
            FixStep::CreateFile { path, text } => {
                creates.push((path.clone(), text.render(lookup, &map)?));
            }
            FixStep::MoveKey { capture, to } => {
                let to = to.render(lookup, &map)?;
                let found = nodes(captures, capture);
                if found.is_empty() {
                    return None;
                }
                for node in found {
                    edits.extend(super::yaml_move::move_key(node, &to, text)?);
                }
            }
            FixStep::MoveImport(from, to) => {
                imports.push(ImportChange::Move(
                    from.render(lookup, &map)?,
                    to.render(lookup, &map)?,
                ));
            }
        }
    }
    if edits.is_empty() && imports.is_empty() && creates.is_empty() {
        return None;
    }
    edits.sort();
    Some(Fix {
        edits,
        imports,
        creates,
        safety,
    })
}

/// Renders a template for insertion at `offset`: line breaks in the template's own text take the
/// file's newline and the indentation of the line the text lands on; captured text is kept.
fn render<'a>(
    template: &Template,
    lookup: &impl Fn(&str) -> Option<&'a str>,
    map: &impl Fn(&str) -> Option<&'a str>,
    text: &str,
    offset: usize,
    newline: &str,
) -> Option<String> {
    let indent = indentation_at(text, offset);
    template.render_with(lookup, map, |literal, out| {
        let mut lines = literal.split('\n');
        if let Some(first) = lines.next() {
            out.push_str(first);
        }
        for line in lines {
            out.push_str(newline);
            if !line.is_empty() {
                out.push_str(indent);
            }
            out.push_str(line);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_order_agree_with_positions_one_by_one() {
        let text = "a\né\u{1F600}bc\n\nxyz é q\nlast";
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let mut positions = Positions::new(text);
        for &i in offsets.iter().chain(offsets.iter().rev()).chain(&offsets) {
            assert_eq!(positions.of(i), Position::of(text, i), "offset {i}");
        }
    }

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\ncé d\n";
        assert_eq!(Position::of(text, 0), Position { line: 1, column: 1 });
        assert_eq!(
            Position::of(text, text.find('d').unwrap()),
            Position { line: 2, column: 4 }
        );
    }
}
