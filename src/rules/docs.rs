//! Per-pack reference pages (`docs/rules/<pack>.md`), generated from the rule files so they
//! cannot drift: a test fails when a page is not current.

use std::fmt::Write as _;

use super::compile::Rule;
use super::load::RuleSet;
use crate::language;

/// The Markdown page for `pack`.
pub fn pack_page(set: &RuleSet, pack: &str) -> String {
    let mut out = String::new();
    let rules: Vec<&Rule> = set.rules.iter().filter(|r| r.pack == pack).collect();
    let _ = writeln!(out, "# `{pack}` rules\n");
    if let Some(info) = set.packs.get(pack) {
        if !info.description.is_empty() {
            let _ = writeln!(out, "{}\n", info.description.trim());
        }
        if let Some(framework) = &info.framework {
            let _ = writeln!(
                out,
                "Versions refer to `{framework}` unless a rule says otherwise; `--target {framework}@X.Y` selects them.\n"
            );
        }
        if !info.requires.is_empty() {
            let steps: Vec<String> = info
                .requires
                .iter()
                .map(|r| format!("{} from {}", r.needs, r.release))
                .collect();
            let _ = writeln!(
                out,
                "A target for it implies, where the run names none: {}.\n",
                steps.join(", ")
            );
        }
        if !info.options.is_empty() {
            let _ = writeln!(
                out,
                "Options (off by default; `--option NAME`, or `options = [...]` in `upshift.toml`):\n"
            );
            for (name, what) in &info.options {
                let _ = writeln!(out, "- `{name}`: {}", what.trim());
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(
        out,
        "Generated from `rules/{pack}/` by `UPSHIFT_WRITE_DOCS=1 cargo test --test docs`; do not edit by hand.\n"
    );
    let _ = writeln!(out, "{} rules.\n", rules.len());
    let _ = writeln!(
        out,
        "| rule | language | deprecated | removed | fix | from |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for rule in &rules {
        let v = &rule.versions;
        let show = |x: &Option<super::Version>| {
            x.as_ref()
                .map(|v| v.to_string())
                .unwrap_or_else(|| "-".into())
        };
        let fix = if rule.is_fixable() {
            rule.safety.as_str()
        } else {
            "flag"
        };
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} | {fix} | {} |",
            rule.id,
            anchor(&rule.id),
            language::get(rule.language).name,
            show(&v.deprecated_in),
            show(&v.removed_in),
            show(&v.fixable_from),
        );
    }
    for rule in &rules {
        let _ = writeln!(out, "\n## `{}`\n", rule.id);
        let framework = rule.versions.framework.as_deref().unwrap_or("-");
        let _ = writeln!(out, "{}\n", rule.message.source());
        if let Some(description) = &rule.description {
            let _ = writeln!(out, "{}\n", description.trim());
        }
        let _ = writeln!(out, "- framework: `{framework}`");
        let _ = writeln!(
            out,
            "- fix: {}",
            if rule.is_fixable() {
                rule.safety.as_str()
            } else {
                "none (reported only)"
            }
        );
        if !rule.file_globs.is_empty() {
            let _ = writeln!(out, "- files: `{}`", rule.file_globs.join("`, `"));
        }
        let _ = writeln!(out, "- docs: <{}>", rule.docs);
    }
    out
}

fn anchor(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect::<String>()
        .to_lowercase()
}
