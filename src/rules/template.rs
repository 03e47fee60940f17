//! Text templates with `{{capture}}` holes, used by fix steps and messages.
//!
//! Templates are parsed once when a rule is compiled, so a hole naming a capture the query does
//! not define is a load error, not a surprise while fixing.

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Capture(String),
    /// `{{name|map}}`: the capture's text looked up in the rule's `map`.
    Mapped(String),
    /// `{{$target}}`: the run's `--target` version of the rule's framework.
    Target,
}

/// What `lookup` is asked for to fill `{{$target}}`.
pub const TARGET: &str = "$target";

/// A parsed template: literal text and `{{name}}` holes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
    source: String,
}

impl Template {
    /// Parses `text`; `{{ name }}` is a hole (spaces inside the braces are ignored).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 2..];
            let close = after
                .find("}}")
                .ok_or_else(|| format!("`{{{{` without a closing `}}}}` in `{text}`"))?;
            let hole = after[..close].trim();
            if hole == TARGET {
                parts.push(Part::Target);
                rest = &after[close + 2..];
                continue;
            }
            let (name, mapped) = match hole.split_once('|') {
                Some((name, "map")) => (name.trim(), true),
                Some((_, filter)) => {
                    return Err(format!("unknown filter `|{filter}` (only `|map` exists)"));
                }
                None => (hole, false),
            };
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || "_.-".contains(c))
            {
                return Err(format!("`{{{{{name}}}}}` is not a capture name"));
            }
            parts.push(if mapped {
                Part::Mapped(name.to_string())
            } else {
                Part::Capture(name.to_string())
            });
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template {
            parts,
            source: text.to_string(),
        })
    }

    /// The template as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The capture names the template refers to.
    pub fn captures(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Capture(name) | Part::Mapped(name) => Some(name.as_str()),
            Part::Text(_) | Part::Target => None,
        })
    }

    /// Whether the template uses `{{$target}}`.
    pub fn uses_target(&self) -> bool {
        self.parts.contains(&Part::Target)
    }

    /// Whether the template uses `{{name|map}}`.
    pub fn uses_map(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Mapped(_)))
    }

    /// The template's text with each hole replaced by `lookup(name)`; a `|map` hole takes
    /// `map(text)`, and the whole render fails (`None`) when the map has no entry.
    pub fn render<'a>(
        &self,
        lookup: impl Fn(&str) -> Option<&'a str>,
        map: &impl Fn(&str) -> Option<&'a str>,
    ) -> Option<String> {
        self.render_with(&lookup, map, |text, out| out.push_str(text))
    }

    /// Like [`render`](Self::render), with the template's own text passed through `literal`
    /// (which re-indents it); captured text is inserted as it is.
    pub fn render_with<'a>(
        &self,
        lookup: &impl Fn(&str) -> Option<&'a str>,
        map: &impl Fn(&str) -> Option<&'a str>,
        mut literal: impl FnMut(&str, &mut String),
    ) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => literal(text, &mut out),
                Part::Capture(name) => out.push_str(lookup(name).unwrap_or("")),
                Part::Mapped(name) => out.push_str(map(lookup(name)?)?),
                // No target, no text: the fix is not made.
                Part::Target => out.push_str(lookup(TARGET)?),
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_are_filled_from_captures() {
        let template = Template::parse("re_path({{ args }}) # {{fn}}").unwrap();
        assert_eq!(template.captures().collect::<Vec<_>>(), vec!["args", "fn"]);
        let out = template.render(
            |name| Some(if name == "args" { "a, b" } else { "url" }),
            &|_| None,
        );
        assert_eq!(out.unwrap(), "re_path(a, b) # url");
    }

    #[test]
    fn the_target_hole_renders_the_target_or_nothing_at_all() {
        let template = Template::parse("<version>{{$target}}.0</version>").unwrap();
        assert!(template.uses_target());
        assert_eq!(template.captures().count(), 0);
        let with = |name: &str| (name == TARGET).then_some("3.3");
        assert_eq!(
            template.render(with, &|_| None).unwrap(),
            "<version>3.3.0</version>"
        );
        assert_eq!(template.render(|_| None, &|_| None), None);
    }

    #[test]
    fn unclosed_or_empty_holes_are_errors() {
        assert!(Template::parse("x {{ y").is_err());
        assert!(Template::parse("x {{ }}").is_err());
        assert!(Template::parse("x {{a b}}").is_err());
    }

    #[test]
    fn text_without_holes_is_kept() {
        let template = Template::parse("plain").unwrap();
        assert_eq!(template.render(|_| None, &|_| None).unwrap(), "plain");
    }

    #[test]
    fn mapped_holes_look_up_the_capture_text() {
        let template = Template::parse("{{fn|map}}").unwrap();
        let map = |text: &str| (text == "ugettext").then_some("gettext");
        assert_eq!(
            template.render(|_| Some("ugettext"), &map).unwrap(),
            "gettext"
        );
        assert_eq!(template.render(|_| Some("other"), &map), None);
        assert!(Template::parse("{{fn|upper}}").is_err());
    }
}
