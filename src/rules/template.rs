//! Text templates with `{{capture}}` holes, used by fix steps and messages.
//!
//! Templates are parsed once when a rule is compiled, so a hole naming a capture the query does
//! not define is a load error, not a surprise while fixing.

/// One piece of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Capture(String),
}

/// A parsed template: literal text and `{{name}}` holes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
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
            let name = after[..close].trim();
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || "_.-".contains(c)) {
                return Err(format!("`{{{{{name}}}}}` is not a capture name"));
            }
            parts.push(Part::Capture(name.to_string()));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// The capture names the template refers to.
    pub fn captures(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Capture(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// The template's text with each hole replaced by `lookup(name)`.
    pub fn render<'a>(&self, lookup: impl Fn(&str) -> Option<&'a str>) -> String {
        self.render_with(&lookup, |text, out| out.push_str(text))
    }

    /// Like [`render`](Self::render), with the template's own text passed through `literal`
    /// (which re-indents it); captured text is inserted as it is.
    pub fn render_with<'a>(
        &self,
        lookup: &impl Fn(&str) -> Option<&'a str>,
        mut literal: impl FnMut(&str, &mut String),
    ) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => literal(text, &mut out),
                Part::Capture(name) => out.push_str(lookup(name).unwrap_or("")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_are_filled_from_captures() {
        let template = Template::parse("re_path({{ args }}) # {{fn}}").unwrap();
        assert_eq!(template.captures().collect::<Vec<_>>(), vec!["args", "fn"]);
        let out = template.render(|name| Some(if name == "args" { "a, b" } else { "url" }));
        assert_eq!(out, "re_path(a, b) # url");
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
        assert_eq!(template.render(|_| None), "plain");
    }
}
