//! Templates whose code is another language's: the Ruby of an ERB view.
//!
//! A template is parsed as its code language over a *masked* copy of its text, the same length
//! byte for byte: the code of each tag stays where it is, the tag's closing `%>` becomes `;` (a
//! statement ends there), and everything else (markup, delimiters, comments) becomes spaces,
//! line breaks kept. Offsets in the masked text are offsets in the template, so rules match
//! and edit the template itself, and a fixed template is verified by masking it again.

use std::borrow::Cow;

/// A template syntax a language's files may be written in (`templates:` in `language.yml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// `<% code %>`, `<%= expression %>`, `<%# comment %>`, `<%% literal`, with `-` trim marks.
    Erb,
}

impl Template {
    pub fn from_name(name: &str) -> Option<Template> {
        match name {
            "erb" => Some(Template::Erb),
            _ => None,
        }
    }

    /// The text the code language's parser sees.
    pub fn mask<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self {
            Template::Erb => Cow::Owned(mask_erb(text)),
        }
    }
}

fn mask_erb(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let blank = |out: &mut Vec<u8>, part: &[u8]| {
        out.extend(part.iter().map(|&b| if b == b'\n' { b'\n' } else { b' ' }));
    };
    let mut at = 0;
    while at < bytes.len() {
        let Some(open) = find(bytes, at, b"<%") else {
            blank(&mut out, &bytes[at..]);
            break;
        };
        blank(&mut out, &bytes[at..open]);
        let rest = &bytes[open + 2..];
        // `<%%` is a literal `<%` in the output.
        if rest.first() == Some(&b'%') {
            blank(&mut out, &bytes[open..open + 3]);
            at = open + 3;
            continue;
        }
        let comment = rest.first() == Some(&b'#');
        let marker = match rest {
            [b'=', b'=', ..] => 3,
            [b'=' | b'-', ..] => 1,
            _ => 0,
        };
        let code_start = open + 2 + marker;
        let close = find(bytes, code_start, b"%>").unwrap_or(bytes.len());
        // A `-%>` trim mark is part of the delimiter, not of the code.
        let code_end = if close > code_start && bytes[close - 1] == b'-' {
            close - 1
        } else {
            close
        };
        blank(&mut out, &bytes[open..code_start]);
        if comment {
            blank(&mut out, &bytes[code_start..(close + 2).min(bytes.len())]);
            at = (close + 2).min(bytes.len());
            continue;
        }
        out.extend_from_slice(&bytes[code_start..code_end]);
        blank(&mut out, &bytes[code_end..close]);
        if close < bytes.len() {
            out.extend_from_slice(b"; ");
        }
        at = (close + 2).min(bytes.len());
    }
    // Only whole UTF-8 sequences were copied, and blanks are ASCII.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes[from.min(bytes.len())..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        let out = Template::Erb.mask(text).into_owned();
        assert_eq!(out.len(), text.len(), "offsets are kept");
        out
    }

    #[test]
    fn code_stays_in_place_and_everything_else_is_blank() {
        assert_eq!(
            masked("<p><%= link_to \"é\", x %></p>\n<% end -%>\n"),
            format!(
                "{}{}{}{}",
                " ".repeat(6),
                " link_to \"é\", x ; ",
                " ".repeat(4),
                "\n   end  ; \n"
            )
        );
    }

    #[test]
    fn comments_literals_and_markup_are_blank() {
        assert_eq!(masked("<%# note %>é<%% x %>\n"), " ".repeat(21) + "\n");
        assert_eq!(masked("<%== raw %>"), "     raw ; ");
        assert_eq!(masked("<%- if a %>"), "    if a ; ");
    }

    #[test]
    fn an_unclosed_tag_runs_to_the_end() {
        assert_eq!(masked("a <% x"), "     x");
    }
}
