//! Helpers a script needs for text: slices of the file by byte offset, lines and indentation,
//! regular expressions (the `regex` crate's syntax, compiled once per thread), versions and
//! the rule's `map:` table.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;
use rhai::{Array, Dynamic, Engine, EvalAltResult};

use super::context::with;
use crate::engine::edit::{after_line, indentation_at, line_start};
use crate::rules::Version;

type Result<T> = std::result::Result<T, Box<EvalAltResult>>;

thread_local! {
    static REGEXES: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// `pattern` compiled, from this thread's cache.
fn regex<R>(pattern: &str, f: impl FnOnce(&Regex) -> R) -> Result<R> {
    REGEXES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(pattern) {
            let compiled =
                Regex::new(pattern).map_err(|err| format!("bad regex `{pattern}`: {err}"))?;
            cache.insert(pattern.to_string(), compiled);
        }
        Ok(f(&cache[pattern]))
    })
}

fn groups(captures: &regex::Captures) -> Array {
    captures
        .iter()
        .map(|group| group.map_or(Dynamic::UNIT, |m| Dynamic::from(m.as_str().to_string())))
        .collect()
}

fn offset(c: &super::context::Context, at: i64) -> Result<usize> {
    let at = at.max(0) as usize;
    if at > c.text.len() || !c.text.is_char_boundary(at) {
        return Err(format!("offset {at} is not a character boundary of the file").into());
    }
    Ok(at)
}

fn version(text: &str) -> Result<Version> {
    text.parse()
        .map_err(|err: String| format!("`{text}`: {err}").into())
}

/// `text` with up to `width` columns of leading spaces or tabs removed from every line.
pub fn dedent(text: &str, width: usize) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let blank = line.len() - line.trim_start_matches([' ', '\t']).len();
            &line[blank.min(width)..]
        })
        .collect()
}

/// `text` with `prefix` put before every line but the first, except blank ones.
pub fn indent(text: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i > 0 && !line.trim().is_empty() {
            out.push_str(prefix);
        }
        out.push_str(line);
    }
    out
}

pub(super) fn register(engine: &mut Engine) {
    engine.register_fn("source", |start: i64, end: i64| -> Result<String> {
        with(|c| -> Result<String> {
            let (start, end) = (offset(c, start)?, offset(c, end)?);
            Ok(c.text.get(start..end.max(start)).unwrap_or("").to_string())
        })?
    });
    engine.register_fn("file_length", || -> Result<i64> {
        with(|c| c.text.len() as i64)
    });
    engine.register_fn("newline", || -> Result<String> {
        with(|c| c.newline.to_string())
    });
    engine.register_fn("line_start", |at: i64| -> Result<i64> {
        with(|c| -> Result<i64> { Ok(line_start(c.text, offset(c, at)?) as i64) })?
    });
    engine.register_fn("line_end", |at: i64| -> Result<i64> {
        with(|c| -> Result<i64> { Ok(after_line(c.text, offset(c, at)?) as i64) })?
    });
    engine.register_fn("indentation_at", |at: i64| -> Result<String> {
        with(|c| -> Result<String> { Ok(indentation_at(c.text, offset(c, at)?).to_string()) })?
    });
    engine.register_fn("dedent", |text: &str, width: i64| {
        dedent(text, width.max(0) as usize)
    });
    engine.register_fn("indent", |text: &str, prefix: &str| indent(text, prefix));

    // The target and versions.
    engine.register_fn("target", || -> Result<Dynamic> {
        with(|c| {
            c.target
                .map_or(Dynamic::UNIT, |t| Dynamic::from(t.to_string()))
        })
    });
    engine.register_fn("target_at_least", |wanted: &str| -> Result<bool> {
        let wanted = version(wanted)?;
        let target = with(|c| c.target.map(str::to_string))?;
        match target {
            Some(target) => Ok(version(&target)? >= wanted),
            None => Ok(false),
        }
    });
    engine.register_fn("option", |name: &str| -> Result<bool> {
        with(|c| c.options.iter().any(|o| o == name))
    });
    engine.register_fn("version_cmp", |a: &str, b: &str| -> Result<i64> {
        Ok(match version(a)?.cmp(&version(b)?) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        })
    });
    // Other files of the project, read-only.
    engine.register_fn("project_file", |path: &str| -> Result<Dynamic> {
        with(|_| ())?;
        match crate::engine::project::read(path) {
            Ok(text) => Ok(text.map_or(Dynamic::UNIT, |t| Dynamic::from(t.to_string()))),
            Err(err) => Err(err.to_string().into()),
        }
    });
    engine.register_fn(
        "project_files",
        |marker: &str, glob: &str| -> Result<Dynamic> {
            with(|_| ())?;
            match crate::engine::project::list(marker, glob) {
                Ok(paths) => Ok(paths.map_or(Dynamic::UNIT, |paths| {
                    Dynamic::from(paths.into_iter().map(Dynamic::from).collect::<Array>())
                })),
                Err(err) => Err(err.to_string().into()),
            }
        },
    );
    engine.register_fn("map_get", |key: &str| -> Result<Dynamic> {
        with(|c| {
            c.map
                .get(key)
                .map_or(Dynamic::UNIT, |v| Dynamic::from(v.clone()))
        })
    });

    // Regular expressions.
    engine.register_fn("re_match", |pattern: &str, text: &str| -> Result<bool> {
        regex(pattern, |re| re.is_match(text))
    });
    engine.register_fn("re_find", |pattern: &str, text: &str| -> Result<Dynamic> {
        regex(pattern, |re| {
            re.captures(text)
                .map_or(Dynamic::UNIT, |caps| Dynamic::from(groups(&caps)))
        })
    });
    engine.register_fn(
        "re_find_all",
        |pattern: &str, text: &str| -> Result<Array> {
            regex(pattern, |re| {
                re.captures_iter(text)
                    .map(|caps| Dynamic::from(groups(&caps)))
                    .collect()
            })
        },
    );
    engine.register_fn(
        "re_replace",
        |pattern: &str, text: &str, with: &str| -> Result<String> {
            regex(pattern, |re| re.replace_all(text, with).into_owned())
        },
    );
    engine.register_fn("re_split", |pattern: &str, text: &str| -> Result<Array> {
        regex(pattern, |re| {
            re.split(text)
                .map(|part| Dynamic::from(part.to_string()))
                .collect()
        })
    });
    engine.register_fn("re_escape", |text: &str| regex::escape(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedent_removes_at_most_the_width_asked() {
        assert_eq!(dedent("    a\n      b\n  c\n", 4), "a\n  b\nc\n");
        assert_eq!(dedent("\tx\n", 1), "x\n");
    }

    #[test]
    fn indent_skips_the_first_and_blank_lines() {
        assert_eq!(indent("a\nb\n\nc", "  "), "a\n  b\n\n  c");
    }
}
