//! A light reading of a tree-sitter query's text, for what the compiled `Query` does not expose.
//!
//! The engine skips a file without parsing it when none of its rules could match; for that it
//! needs, per pattern, literal strings that every match must contain. tree-sitter keeps text
//! predicates private, so this module reads them from the query source: `(#eq? @c "x")` and
//! `(#any-of? @c "x" "y")` on a capture that every match has (not under `?` or `*`, and in
//! every branch of an alternation) make `x` (or one of `x`, `y`) a required literal, and
//! `(#match? @c "^x")` the literals every match of its regex starts with. It does not validate the
//! query: `tree_sitter::Query::new` has done that before this runs.

/// What one top-level pattern requires.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatternShape {
    /// Captures that every match of the pattern binds.
    pub required_captures: Vec<String>,
    /// Literal strings of which at least one occurs in any file the pattern matches, if known.
    pub required_literals: Option<Vec<String>>,
    /// The node kinds a match's root node has, when the pattern starts with named nodes
    /// (not a wildcard, a string or a sequence of siblings).
    pub root_kinds: Option<Vec<String>>,
    /// A capture whose `#eq?`/`#any-of?` predicates admit no text at all, so the pattern can
    /// never match (tree-sitter applies a predicate to its whole pattern, even one written in
    /// a branch of an alternation): the capture and the value lists.
    pub contradiction: Option<(String, Vec<Vec<String>>)>,
}

#[derive(Debug, Clone)]
enum Token {
    Open,
    Close,
    OpenAlt,
    CloseAlt,
    Str(String),
    Capture(String),
    Quantifier(char),
    Word(String),
}

fn tokenize(source: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ';' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '[' => tokens.push(Token::OpenAlt),
            ']' => tokens.push(Token::CloseAlt),
            '?' | '*' | '+' => tokens.push(Token::Quantifier(c)),
            '"' => {
                let mut text = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some('n') => text.push('\n'),
                            Some('t') => text.push('\t'),
                            Some(other) => text.push(other),
                            None => break,
                        },
                        '"' => break,
                        other => text.push(other),
                    }
                }
                tokens.push(Token::Str(text));
            }
            '@' => {
                let mut name = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || "_.-".contains(c) {
                        name.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Capture(name));
            }
            c if c.is_whitespace() => {}
            c => {
                let mut word = c.to_string();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "()[]\";@".contains(c) {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                // A trailing quantifier belongs to the item, not the word (`_?`).
                if let Some(q) = word
                    .strip_suffix(['?', '*', '+'])
                    .filter(|w| !w.starts_with('#'))
                {
                    let quantifier = word.chars().last().unwrap_or('?');
                    tokens.push(Token::Word(q.to_string()));
                    tokens.push(Token::Quantifier(quantifier));
                } else {
                    tokens.push(Token::Word(word));
                }
            }
        }
    }
    tokens
}

#[derive(Default)]
struct Pattern {
    captures: Vec<(String, bool)>,
    predicates: Vec<(String, Vec<Token>)>,
    /// Every predicate of the pattern, those in alternation branches included.
    all_predicates: Vec<(String, Vec<Token>)>,
    root_kinds: Option<Vec<String>>,
}

/// The position after the item (node, group, alternation, string, wildcard, anchor or
/// predicate) at `pos`, with its field name, quantifiers and captures.
fn skip_item(tokens: &[Token], mut pos: usize) -> usize {
    if matches!(tokens.get(pos), Some(Token::Word(w)) if w.ends_with(':')) {
        pos += 1;
    }
    match tokens.get(pos) {
        Some(Token::Open | Token::OpenAlt) => {
            let mut depth = 0usize;
            while let Some(token) = tokens.get(pos) {
                pos += 1;
                match token {
                    Token::Open | Token::OpenAlt => depth += 1,
                    Token::Close | Token::CloseAlt => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(_) => pos += 1,
        None => return pos,
    }
    while matches!(
        tokens.get(pos),
        Some(Token::Quantifier(_) | Token::Capture(_))
    ) {
        pos += 1;
    }
    pos
}

/// The node kinds that the root node of a match of the item at `pos` may have; `None` when
/// any node may be the root (a wildcard, a string, a sequence of siblings).
fn root_kinds(tokens: &[Token], pos: usize) -> Option<Vec<String>> {
    let end = skip_item(tokens, pos);
    match tokens.get(pos)? {
        Token::Open => match tokens.get(pos + 1)? {
            Token::Word(word)
                if !word.starts_with('#')
                    && !word.ends_with(':')
                    && !matches!(word.as_str(), "_" | "ERROR" | "MISSING" | ".") =>
            {
                let kind = word.rsplit('/').next().unwrap_or(word);
                Some(vec![kind.to_string()])
            }
            Token::Open | Token::OpenAlt => {
                // A group: rooted when it holds one node besides its predicates.
                let mut items = Vec::new();
                let mut at = pos + 1;
                while at < end - 1 && !matches!(tokens.get(at), Some(Token::Close)) {
                    let is_predicate = matches!(
                        (tokens.get(at), tokens.get(at + 1)),
                        (Some(Token::Open), Some(Token::Word(w))) if w.starts_with('#')
                    );
                    if !is_predicate {
                        items.push(at);
                    }
                    at = skip_item(tokens, at);
                }
                match items.as_slice() {
                    [only] => root_kinds(tokens, *only),
                    _ => None,
                }
            }
            _ => None,
        },
        Token::OpenAlt => {
            let mut kinds = Vec::new();
            let mut at = pos + 1;
            while !matches!(tokens.get(at), Some(Token::CloseAlt) | None) {
                kinds.extend(root_kinds(tokens, at)?);
                at = skip_item(tokens, at);
            }
            (!kinds.is_empty()).then_some(kinds)
        }
        _ => None,
    }
}

struct Reader {
    tokens: Vec<Token>,
    pos: usize,
}

impl Reader {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    /// Reads one item (node, group, alternation, string, wildcard or anchor) with its
    /// quantifier and captures, recording captures as optional when `optional` or quantified.
    fn item(&mut self, pattern: &mut Pattern, optional: bool) {
        let first_capture = pattern.captures.len();
        match self.tokens.get(self.pos) {
            Some(Token::Open) => {
                self.pos += 1;
                if let Some(Token::Word(word)) = self.peek()
                    && word.starts_with('#')
                {
                    let name = word.clone();
                    self.pos += 1;
                    let mut args = Vec::new();
                    while let Some(token) = self.tokens.get(self.pos) {
                        self.pos += 1;
                        match token {
                            Token::Close => break,
                            Token::Capture(c) => args.push(Token::Capture(c.clone())),
                            Token::Str(s) => args.push(Token::Str(s.clone())),
                            _ => {}
                        }
                    }
                    pattern.all_predicates.push((name.clone(), args.clone()));
                    pattern.predicates.push((name, args));
                    return;
                }
                while !matches!(self.peek(), Some(Token::Close) | None) {
                    self.item(pattern, optional);
                }
                self.pos += 1;
            }
            Some(Token::OpenAlt) => {
                self.pos += 1;
                // A capture that every branch binds is bound by every match; a predicate inside
                // a branch holds only for that branch, so it is not a requirement.
                let mut branches: Vec<Vec<(String, bool)>> = Vec::new();
                while !matches!(self.peek(), Some(Token::CloseAlt) | None) {
                    let mut branch = Pattern::default();
                    self.item(&mut branch, optional);
                    pattern.all_predicates.append(&mut branch.all_predicates);
                    if !branch.captures.is_empty() || branch.predicates.is_empty() {
                        branches.push(branch.captures);
                    }
                }
                self.pos += 1;
                let mut seen: Vec<String> = Vec::new();
                for (name, _) in branches.iter().flatten() {
                    if seen.contains(name) {
                        continue;
                    }
                    seen.push(name.clone());
                    let everywhere = branches
                        .iter()
                        .all(|b| b.iter().any(|(n, o)| n == name && !o));
                    pattern
                        .captures
                        .push((name.clone(), optional || !everywhere));
                }
            }
            Some(Token::Word(word)) if word.ends_with(':') => {
                // `field: item`
                self.pos += 1;
                self.item(pattern, optional);
                return;
            }
            Some(_) => self.pos += 1,
            None => return,
        }
        let mut quantified = false;
        loop {
            match self.peek() {
                Some(Token::Quantifier(q)) => {
                    quantified |= *q != '+';
                    self.pos += 1;
                }
                Some(Token::Capture(name)) => {
                    pattern.captures.push((name.clone(), optional));
                    self.pos += 1;
                }
                _ => break,
            }
        }
        if quantified {
            for capture in &mut pattern.captures[first_capture..] {
                capture.1 = true;
            }
        }
    }
}

/// A query's text read into tokens once, for the questions below.
pub struct QueryText {
    tokens: Vec<Token>,
}

impl QueryText {
    pub fn new(source: &str) -> QueryText {
        QueryText {
            tokens: tokenize(source),
        }
    }

    /// The shape of each top-level pattern, in pattern-index order.
    pub fn read(self) -> Vec<PatternShape> {
        read_tokens(self.tokens)
    }

    /// See [`has_bare_predicate`].
    pub fn has_bare_predicate(&self) -> bool {
        bare_predicate(&self.tokens)
    }

    /// See [`has_predicate_only_group`].
    pub fn has_predicate_only_group(&self) -> bool {
        predicate_only_group(&self.tokens)
    }

    /// See [`capture_names`].
    pub fn capture_names(&self) -> Vec<String> {
        names(&self.tokens)
    }
}

/// The shape of each top-level pattern in `source`, in pattern-index order.
pub fn read(source: &str) -> Vec<PatternShape> {
    read_tokens(tokenize(source))
}

fn read_tokens(tokens: Vec<Token>) -> Vec<PatternShape> {
    let mut reader = Reader { tokens, pos: 0 };
    let mut patterns: Vec<Pattern> = Vec::new();
    while reader.peek().is_some() {
        let mut pattern = Pattern {
            root_kinds: root_kinds(&reader.tokens, reader.pos),
            ..Pattern::default()
        };
        reader.item(&mut pattern, false);
        match patterns.last_mut() {
            // A bare predicate belongs to the pattern before it.
            Some(last) if pattern.captures.is_empty() && !pattern.predicates.is_empty() => {
                last.predicates.append(&mut pattern.predicates);
                last.all_predicates.append(&mut pattern.all_predicates);
            }
            _ => patterns.push(pattern),
        }
    }
    patterns.into_iter().map(shape).collect()
}

fn shape(pattern: Pattern) -> PatternShape {
    let required_captures: Vec<String> = pattern
        .captures
        .iter()
        .filter(|(name, optional)| {
            !optional && !pattern.captures.iter().any(|(n, o)| n == name && *o)
        })
        .map(|(name, _)| name.clone())
        .collect();
    let mut best: Option<Vec<String>> = None;
    for (name, args) in &pattern.predicates {
        let Some((capture, strings)) = capture_and_strings(args) else {
            continue;
        };
        if !required_captures.contains(capture) {
            continue;
        }
        let candidate = match name.as_str() {
            "#eq?" if strings.len() == 1 => strings,
            "#any-of?" if !strings.is_empty() => strings,
            "#match?" if strings.len() == 1 => match regex_literals(&strings[0]) {
                Some(literals) => literals,
                None => continue,
            },
            _ => continue,
        };
        best = Some(choose(best, candidate));
    }
    let required_literals = best.filter(|set| set.iter().all(|s| !s.is_empty()));
    PatternShape {
        required_captures,
        root_kinds: pattern.root_kinds,
        required_literals,
        contradiction: contradiction(&pattern.all_predicates),
    }
}

/// A predicate's capture (its first argument) and its string arguments; `None` when it does
/// not start with a capture.
fn capture_and_strings(args: &[Token]) -> Option<(&String, Vec<String>)> {
    let Some(Token::Capture(capture)) = args.first() else {
        return None;
    };
    let strings = args[1..]
        .iter()
        .filter_map(|arg| match arg {
            Token::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    Some((capture, strings))
}

/// The first capture whose `#eq?` and `#any-of?` lists have no value in common.
fn contradiction(predicates: &[(String, Vec<Token>)]) -> Option<(String, Vec<Vec<String>>)> {
    let mut lists: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for (name, args) in predicates {
        let Some((capture, strings)) = capture_and_strings(args) else {
            continue;
        };
        if !matches!(name.as_str(), "#eq?" | "#any-of?") {
            continue;
        }
        // `#eq? @a @b` compares two captures: not a list of values.
        if strings.len() + 1 != args.len() || strings.is_empty() {
            continue;
        }
        match lists.iter_mut().find(|(c, _)| c == capture) {
            Some((_, sets)) => sets.push(strings),
            None => lists.push((capture.clone(), vec![strings])),
        }
    }
    lists.into_iter().find(|(_, sets)| {
        sets.len() > 1
            && !sets[0]
                .iter()
                .any(|value| sets[1..].iter().all(|set| set.contains(value)))
    })
}

/// Strings of which every match of `pattern` starts with one: its prefix literals, when they
/// are few and long enough to be worth searching for (`^django\.utils\.(a|b)` gives two).
fn regex_literals(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(64);
    let seq = extractor.extract(&hir);
    let literals: Vec<String> = seq
        .literals()?
        .iter()
        .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
        .collect::<Option<_>>()?;
    let useful = !literals.is_empty() && literals.iter().all(|l| l.len() >= 2);
    useful.then_some(literals)
}

/// Whether the query has a predicate outside any pattern's parentheses, such as
/// `(call) @c (#eq? @c "x")`: tree-sitter accepts it but applies it to nothing.
pub fn has_bare_predicate(source: &str) -> bool {
    bare_predicate(&tokenize(source))
}

fn bare_predicate(tokens: &[Token]) -> bool {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Open | Token::OpenAlt => {
                if depth == 0
                    && matches!(tokens.get(i + 1), Some(Token::Word(w)) if w.starts_with('#'))
                {
                    return true;
                }
                depth += 1;
            }
            Token::Close | Token::CloseAlt => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Whether a pair of parentheses holds nothing but predicates, as in `((#eq? @a "x")) @c`:
/// meaningless, and a form that makes tree-sitter's query parser abort the process.
pub fn has_predicate_only_group(source: &str) -> bool {
    predicate_only_group(&tokenize(source))
}

fn predicate_only_group(tokens: &[Token]) -> bool {
    // For each open group: (is a plain grouping, has a predicate child, has another child).
    let mut stack: Vec<(bool, bool, bool)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Open => {
                let next = tokens.get(i + 1);
                let is_predicate = matches!(next, Some(Token::Word(w)) if w.starts_with('#'));
                if let Some(parent) = stack.last_mut() {
                    if is_predicate {
                        parent.1 = true;
                    } else {
                        parent.2 = true;
                    }
                }
                let grouping = matches!(next, Some(Token::Open | Token::OpenAlt | Token::Str(_)));
                stack.push((grouping && !is_predicate, false, false));
            }
            Token::OpenAlt | Token::Str(_) | Token::Word(_) => {
                if let Some(parent) = stack.last_mut()
                    && !matches!(token, Token::Word(w) if w.starts_with('#'))
                {
                    parent.2 = true;
                }
                if matches!(token, Token::OpenAlt) {
                    stack.push((false, false, true));
                }
            }
            Token::Close | Token::CloseAlt => {
                if let Some((grouping, predicate, other)) = stack.pop()
                    && grouping
                    && predicate
                    && !other
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Every capture name the query text defines, in order of first appearance.
pub fn capture_names(source: &str) -> Vec<String> {
    names(&tokenize(source))
}

fn names(tokens: &[Token]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for token in tokens {
        if let Token::Capture(name) = token
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    }
    names
}

/// The more selective of two literal sets: the one whose shortest literal is longer.
pub fn choose(current: Option<Vec<String>>, candidate: Vec<String>) -> Vec<String> {
    let shortest = |set: &[String]| set.iter().map(String::len).min().unwrap_or(0);
    match current {
        Some(current) if shortest(&current) >= shortest(&candidate) => current,
        _ => candidate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literals(source: &str) -> Vec<Option<Vec<String>>> {
        read(source)
            .into_iter()
            .map(|s| s.required_literals)
            .collect()
    }

    #[test]
    fn a_capture_in_every_branch_of_an_alternation_is_required() {
        let q = r#"(import_statement
                     name: [(dotted_name) @m (aliased_import name: (dotted_name) @m)]
                     (#eq? @m "six"))"#;
        assert_eq!(literals(q), vec![Some(vec!["six".to_string()])]);
        let partial = r#"(call function: [(identifier) @f (attribute)] (#eq? @f "url"))"#;
        assert_eq!(literals(partial), vec![None]);
    }

    #[test]
    fn a_match_gives_its_prefix_literals_when_they_are_useful() {
        let q = r#"((dotted_name) @m (#match? @m "^django\\.utils\\.(datetime_safe|baseconv)$"))"#;
        assert_eq!(
            literals(q),
            vec![Some(vec![
                "django.utils.datetime_safe".to_string(),
                "django.utils.baseconv".to_string()
            ])]
        );
        let vague = r#"((comment) @c (#match? @c "^.*x"))"#;
        assert_eq!(literals(vague), vec![None]);
    }

    #[test]
    fn eq_on_a_required_capture_gives_a_literal() {
        let q = r#"(call function: (identifier) @fn (#eq? @fn "url")) @call"#;
        assert_eq!(literals(q), vec![Some(vec!["url".to_string()])]);
    }

    #[test]
    fn any_of_gives_a_set_and_the_most_selective_set_wins() {
        let q = r#"(call function: (identifier) @fn arguments: (_) @a
                     (#any-of? @fn "ugettext" "ungettext") (#eq? @a "x"))"#;
        assert_eq!(
            literals(q),
            vec![Some(vec!["ugettext".into(), "ungettext".into()])]
        );
    }

    #[test]
    fn optional_and_alternative_captures_give_no_literal() {
        let q = r#"(call (identifier)? @fn (#eq? @fn "url"))
                   [(identifier) @a (string) @b] (#eq? @a "x")
                   ((identifier) @c)* (#eq? @c "y")"#;
        assert_eq!(literals(q), vec![None, None, None]);
    }

    #[test]
    fn predicates_that_admit_no_value_are_a_contradiction_even_in_separate_branches() {
        let q = r#"[
            (call method: (identifier) @m (#any-of? @m "link_to" "button_to"))
            (call method: (identifier) @m (#eq? @m "submit_tag"))
          ] @match"#;
        let (capture, sets) = read(q)[0].contradiction.clone().unwrap();
        assert_eq!(capture, "m");
        assert_eq!(sets.len(), 2);
        // Lists that share a value, and separate patterns, are fine.
        let shared = r#"(call method: (identifier) @m (#any-of? @m "a" "b") (#eq? @m "b"))"#;
        assert_eq!(read(shared)[0].contradiction, None);
        let separate = r#"(call method: (identifier) @m (#eq? @m "a"))
                          (call method: (identifier) @m (#eq? @m "b"))"#;
        assert!(read(separate).iter().all(|p| p.contradiction.is_none()));
    }

    #[test]
    fn a_group_of_nothing_but_predicates_is_found() {
        assert!(has_predicate_only_group(
            r#"(call function: (identifier) @op ((#eq? @op "x")) @m)"#
        ));
        assert!(!has_predicate_only_group(
            r#"((identifier) @op (#eq? @op "x"))"#
        ));
        assert!(!has_predicate_only_group(
            r#"(call function: (identifier) @op (#eq? @op "x"))"#
        ));
        assert!(!has_predicate_only_group(r#"[(a) (b)] @x"#));
    }

    #[test]
    fn a_predicate_outside_its_pattern_is_found() {
        assert!(has_bare_predicate(r#"(call) @c (#eq? @c "x")"#));
        assert!(!has_bare_predicate(r#"((call) @c (#eq? @c "x"))"#));
        assert!(!has_bare_predicate(
            r#"(call (identifier) @i (#eq? @i "x"))"#
        ));
    }

    #[test]
    fn patterns_are_counted_like_tree_sitter_counts_them() {
        let q = r#"; a comment (with parens)
                   (a) @x
                   ((b) @y (#match? @y "z"))
                   "lit" @s"#;
        assert_eq!(read(q).len(), 3);
    }

    fn roots(source: &str) -> Vec<Option<Vec<String>>> {
        read(source).into_iter().map(|s| s.root_kinds).collect()
    }

    #[test]
    fn a_pattern_that_starts_with_named_nodes_knows_its_root_kinds() {
        let kinds = |k: &[&str]| Some(k.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            roots("(call function: (identifier) @f)"),
            vec![kinds(&["call"])]
        );
        // A group around one node and its predicates is rooted at that node.
        let grouped = r#"((call function: (identifier) @f) @c (#eq? @f "url"))"#;
        assert_eq!(roots(grouped), vec![kinds(&["call"])]);
        let branches = "[(call) (attribute object: (identifier))] @x";
        assert_eq!(roots(branches), vec![kinds(&["call", "attribute"])]);
        // A supertype-qualified node is the subtype.
        assert_eq!(
            roots("(expression/identifier) @x"),
            vec![kinds(&["identifier"])]
        );
    }

    #[test]
    fn a_wildcard_a_string_or_a_sequence_of_siblings_has_no_root_kind() {
        assert_eq!(roots("(_ (identifier)) @x"), vec![None]);
        assert_eq!(roots(r#""def" @kw"#), vec![None]);
        assert_eq!(roots("((comment) . (function_definition)) @x"), vec![None]);
        assert_eq!(roots("[(call) (_)] @x"), vec![None]);
    }
}
