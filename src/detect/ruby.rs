//! Ruby manifests: `Gemfile` and `*.gemspec` (read as syntax trees, never run), `Gemfile.lock`
//! and `.ruby-version`.
//!
//! Rails comes from the `rails` gem (or `railties`, for apps that take the frameworks one by
//! one); a gemspec that depends on any Rails framework gem is a Rails plugin.

use std::path::Path;
use std::time::Duration;

use super::manifests::{Declared, Dependency, Ecosystem, Manifest, declared};

/// The gems that are Rails itself: a dependency on any of them is a dependency on Rails.
pub const RAILS_GEMS: &[&str] = &[
    "rails",
    "railties",
    "activerecord",
    "activesupport",
    "actionpack",
    "actionview",
    "activemodel",
    "actionmailer",
    "activejob",
    "actioncable",
    "activestorage",
    "actiontext",
    "actionmailbox",
];

/// The literal strings among a call's arguments, in order.
fn string_arguments(call: tree_sitter::Node, source: &[u8]) -> Vec<String> {
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    let children: Vec<_> = arguments.named_children(&mut cursor).collect();
    children
        .into_iter()
        .filter_map(|a| string_text(a, source))
        .collect()
}

/// The text of a string literal without interpolation.
fn string_text(node: tree_sitter::Node, source: &[u8]) -> Option<String> {
    if node.kind() != "string" {
        return None;
    }
    let mut cursor = node.walk();
    let mut out = String::new();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_content" => out.push_str(child.utf8_text(source).ok()?),
            "interpolation" => return None,
            _ => {}
        }
    }
    Some(out)
}

fn method_name<'s>(call: tree_sitter::Node, source: &'s [u8]) -> Option<&'s str> {
    call.child_by_field_name("method")?.utf8_text(source).ok()
}

/// Every call in the tree, with whether it sits in a development or test group.
fn calls<'t>(root: tree_sitter::Node<'t>, source: &[u8]) -> Vec<(tree_sitter::Node<'t>, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![(root, false)];
    while let Some((node, dev)) = stack.pop() {
        let mut dev = dev;
        if node.kind() == "call" {
            out.push((node, dev));
            if method_name(node, source) == Some("group") {
                let text = node
                    .child_by_field_name("arguments")
                    .and_then(|a| a.utf8_text(source).ok())
                    .unwrap_or("");
                dev |= !text.contains("production") && !text.contains("default");
            }
        }
        let mut cursor = node.walk();
        let children: Vec<_> = node.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev().map(|c| (c, dev)));
    }
    out.sort_by_key(|(n, _)| n.start_byte());
    out
}

fn parse_ruby(text: &str) -> Option<tree_sitter::Tree> {
    let language = crate::language::by_name("ruby")?;
    crate::engine::parse::parse(language, text, Duration::from_secs(5))
}

fn gem(name: &str, spec: &str, dev: bool, path: &Path, line: usize) -> Dependency {
    Dependency {
        ecosystem: Ecosystem::Rubygems,
        name: name.to_string(),
        spec: spec.to_string(),
        locked: None,
        dev,
        direct: true,
        path: path.to_path_buf(),
        line,
    }
}

/// `gem "rails", "~> 6.1.0"`, `ruby ">= 2.5.0", "< 3.2.0"` and the other gems of a `Gemfile`.
pub fn gemfile(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let Some(tree) = parse_ruby(text) else {
        return out;
    };
    let source = text.as_bytes();
    for (call, dev) in calls(tree.root_node(), source) {
        if call.child_by_field_name("receiver").is_some() {
            continue;
        }
        let line = call.start_position().row + 1;
        let strings = string_arguments(call, source);
        match method_name(call, source) {
            Some("gem") => {
                let Some((name, specs)) = strings.split_first() else {
                    continue;
                };
                let spec = specs.join(", ");
                if !dev && (name == "rails" || name == "railties") {
                    out.declared.extend(
                        declared("rails", &spec, path, line)
                            .or_else(|| Some(Declared::unversioned("rails", &spec, path, line))),
                    );
                }
                out.dependencies.push(gem(name, &spec, dev, path, line));
            }
            Some("ruby") if !strings.is_empty() => {
                out.declared
                    .extend(declared("ruby", &strings.join(", "), path, line));
            }
            _ => {}
        }
    }
    out
}

/// `spec.add_dependency "rails", ">= 6.1"` (runtime and development), and
/// `spec.required_ruby_version = ">= 2.7"`.
pub fn gemspec(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let Some(tree) = parse_ruby(text) else {
        return out;
    };
    let source = text.as_bytes();
    let root = tree.root_node();
    for (call, _) in calls(root, source) {
        let line = call.start_position().row + 1;
        let dev = match method_name(call, source) {
            Some("add_dependency" | "add_runtime_dependency") => false,
            Some("add_development_dependency") => true,
            _ => continue,
        };
        let strings = string_arguments(call, source);
        let Some((name, specs)) = strings.split_first() else {
            continue;
        };
        let spec = specs.join(", ");
        if !dev
            && RAILS_GEMS.contains(&name.as_str())
            && !out.declared.iter().any(|d| d.framework == "rails")
        {
            out.declared.extend(
                declared("rails", &spec, path, line)
                    .or_else(|| Some(Declared::unversioned("rails", &spec, path, line))),
            );
        }
        out.dependencies.push(gem(name, &spec, dev, path, line));
    }
    // `required_ruby_version = ">= 2.7"` is an assignment to an attribute.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "assignment"
            && let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            )
            && left.kind() == "call"
            && method_name(left, source) == Some("required_ruby_version")
        {
            let mut specs: Vec<String> = string_text(right, source).into_iter().collect();
            if right.kind() == "array" {
                let mut cursor = right.walk();
                specs.extend(
                    right
                        .named_children(&mut cursor)
                        .filter_map(|s| string_text(s, source)),
                );
            }
            let line = node.start_position().row + 1;
            out.declared
                .extend(declared("ruby", &specs.join(", "), path, line));
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    out
}

/// The specs of a `Gemfile.lock` (`    rails (7.0.4)`), which of them the `DEPENDENCIES` section
/// names, and `RUBY VERSION` / `   ruby 3.1.2p20`.
pub fn gemfile_lock(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut direct: Vec<&str> = Vec::new();
    let mut section = "";
    for line in &lines {
        if !line.starts_with(' ') {
            section = line.trim();
        } else if section == "DEPENDENCIES"
            && let Some(name) = line.trim().split([' ', '!']).next()
        {
            direct.push(name);
        }
    }
    section = "";
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with(' ') {
            section = line.trim();
        }
        if matches!(section, "GEM" | "PATH" | "GIT")
            && let Some(rest) = line.strip_prefix("    ")
            && !rest.starts_with(' ')
            && let Some((name, version)) = rest.split_once(" (")
        {
            let version = version.trim_end_matches(')');
            // `nokogiri (1.13.4-x86_64-linux)`: the platform is not part of the version.
            let version = version.split('-').next().unwrap_or(version);
            if name == "rails" || (name == "railties" && !direct.contains(&"rails")) {
                out.declared.extend(declared("rails", version, path, i + 1));
            }
            out.dependencies.push(Dependency {
                locked: Some(version.to_string()),
                spec: String::new(),
                direct: direct.contains(&name),
                ..gem(name, "", false, path, i + 1)
            });
        }
        if *line == "RUBY VERSION"
            && let Some(next) = lines.get(i + 1)
            && let Some(rest) = next.trim().strip_prefix("ruby ")
        {
            let version: String = rest.chars().take_while(|c| *c != 'p').collect();
            out.declared.extend(declared("ruby", &version, path, i + 2));
        }
    }
    if let Some(rails) = out.declared.iter().position(|d| d.framework == "rails") {
        // `rails` wins over `railties` when both are locked.
        let first = out.declared.remove(rails);
        out.declared.retain(|d| d.framework != "rails");
        out.declared.insert(0, first);
    }
    out
}

/// `.ruby-version`: `3.1.2` or `ruby-3.1.2`.
pub fn ruby_version_file(path: &Path, text: &str) -> Manifest {
    let first = text.lines().next().unwrap_or("");
    Manifest {
        declared: declared("ruby", first.trim_start_matches("ruby-"), path, 1)
            .into_iter()
            .collect(),
        dependencies: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemfile_specs_are_joined_without_stray_quotes() {
        let text = "source 'https://rubygems.org'\n\nruby '>= 2.5.0', '< 3.2.0'\ngem 'rails', '~> 6.1.7'\ngem 'nokogiri', (RUBY_VERSION < '2.6' ? '~> 1.12' : '~> 1.13')\ngem \"rexml\", require: false if RUBY_VERSION >= '3.0'\ngroup :development, :test do\n  gem 'rspec-rails', '>= 5'\nend\n";
        let found = gemfile(Path::new("Gemfile"), text);
        let ruby = found
            .declared
            .iter()
            .find(|d| d.framework == "ruby")
            .unwrap();
        assert_eq!(ruby.spec, ">= 2.5.0, < 3.2.0");
        assert_eq!(ruby.version.as_ref().unwrap().to_string(), "2.5.0");
        let rails = found
            .declared
            .iter()
            .find(|d| d.framework == "rails")
            .unwrap();
        assert_eq!((rails.spec.as_str(), rails.line), ("~> 6.1.7", 4));
        let gems: Vec<(&str, &str, bool)> = found
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.spec.as_str(), d.dev))
            .collect();
        assert_eq!(
            gems,
            [
                ("rails", "~> 6.1.7", false),
                ("nokogiri", "", false),
                ("rexml", "", false),
                ("rspec-rails", ">= 5", true),
            ]
        );
    }

    #[test]
    fn a_gemspec_that_depends_on_rails_is_a_rails_plugin() {
        let text = "Gem::Specification.new do |spec|\n  spec.name = 'acts_as_thing'\n  spec.required_ruby_version = '>= 2.7.0'\n  spec.add_dependency 'activerecord', '>= 6.0', '< 7.1'\n  spec.add_development_dependency 'rspec'\nend\n";
        let found = gemspec(Path::new("x.gemspec"), text);
        let frameworks: Vec<(&str, String)> = found
            .declared
            .iter()
            .map(|d| (d.framework, d.version.as_ref().unwrap().to_string()))
            .collect();
        assert_eq!(
            frameworks,
            [("rails", "6.0".into()), ("ruby", "2.7.0".into())]
        );
        assert_eq!(found.dependencies.len(), 2);
        assert!(found.dependencies[1].dev);
    }

    #[test]
    fn lock_files_mark_the_direct_dependencies() {
        let lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    actionpack (6.1.7.3)\n      rack (~> 2.0)\n    nokogiri (1.13.4-x86_64-linux)\n    rails (6.1.7.3)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  nokogiri\n  rails (~> 6.1)\n\nRUBY VERSION\n   ruby 3.1.2p20\n";
        let found = gemfile_lock(Path::new("Gemfile.lock"), lock);
        let rails = &found.declared[0];
        assert_eq!(
            (
                rails.framework,
                rails.version.as_ref().unwrap().to_string(),
                rails.line
            ),
            ("rails", "6.1.7".into(), 7)
        );
        assert!(rails.pinned);
        let ruby = &found.declared[1];
        assert_eq!(
            (ruby.version.as_ref().unwrap().to_string(), ruby.line),
            ("3.1.2".into(), 17)
        );
        let gems: Vec<(&str, &str, bool)> = found
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.locked.as_deref().unwrap(), d.direct))
            .collect();
        assert_eq!(
            gems,
            [
                ("actionpack", "6.1.7.3", false),
                ("nokogiri", "1.13.4", true),
                ("rails", "6.1.7.3", true)
            ]
        );
    }
}
