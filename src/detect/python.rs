//! Python manifests: requirements files (with their `-r` and `-c` includes), `pyproject.toml`
//! (PEP 621, Poetry, PDM, uv), `setup.py` (read as a syntax tree, never run), `setup.cfg`,
//! `tox.ini` (a hint only), Pipfile and the lock files of pip-tools' successors (Pipfile.lock,
//! poetry.lock, uv.lock, pdm.lock).
//!
//! Django comes from a requirement on `django`, else from `Framework :: Django :: X.Y`
//! classifiers (their lowest version, as a hint); Python from `requires-python` /
//! `python_requires`, else from `Programming Language :: Python :: X.Y` classifiers.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::manifests::{Declared, Dependency, Ecosystem, Manifest, declared, line_of};
use crate::rules::Version;

/// How deep `-r` includes are followed.
const MAX_INCLUDE_DEPTH: usize = 8;

/// A PEP 508 requirement split into its normalized name and its version specifier
/// (`Django[argon2]>=3.2,<4 ; python_version > "3"` is `django`, `>=3.2,<4`).
pub fn split_requirement(requirement: &str) -> Option<(String, String)> {
    let requirement = requirement.split([';', '#']).next()?.trim();
    let name_end = requirement
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(requirement.len());
    let name = &requirement[..name_end];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let rest = requirement[name_end..].trim_start();
    let rest = match rest.strip_prefix('[') {
        Some(extras) => extras.split_once(']')?.1.trim_start(),
        None => rest,
    };
    // A direct reference (`name @ https://...`) has no version to read.
    if rest.starts_with('@') {
        return Some((normalize(name), String::new()));
    }
    let spec = rest.trim_start_matches('(').trim_end_matches(')').trim();
    Some((normalize(name), spec.replace(' ', "")))
}

/// PEP 503 normalization: lower case, runs of `-`, `_` and `.` as one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The framework a Python package is, when it is one upshift plans for.
fn framework_of(name: &str) -> Option<&'static str> {
    (name == "django").then_some("django")
}

/// Adds one requirement: a dependency, and a framework declaration when it is Django.
fn add_requirement(out: &mut Manifest, requirement: &str, path: &Path, line: usize, dev: bool) {
    let Some((name, spec)) = split_requirement(requirement) else {
        return;
    };
    if let Some(framework) = framework_of(&name) {
        out.declared.extend(
            declared(framework, &spec, path, line)
                .or_else(|| (!dev).then(|| Declared::unversioned(framework, &spec, path, line))),
        );
    }
    out.dependencies.push(Dependency {
        ecosystem: Ecosystem::Pypi,
        locked: pinned_version(&spec),
        name,
        spec,
        dev,
        direct: true,
        path: path.to_path_buf(),
        line,
    });
}

/// The version an `==X.Y.Z` specifier pins.
fn pinned_version(spec: &str) -> Option<String> {
    let version = spec.strip_prefix("==")?;
    (!version.contains([',', '*'])).then(|| version.to_string())
}

/// A requirements file, following `-r`/`--requirement` and `-c`/`--constraint` includes
/// relative to it (each file once). Constraints pin versions but add no dependency.
pub fn requirements(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let mut seen = vec![path.to_path_buf()];
    requirements_into(path, text, false, 0, &mut seen, &mut out);
    out
}

fn requirements_into(
    path: &Path,
    text: &str,
    constraints: bool,
    depth: usize,
    seen: &mut Vec<PathBuf>,
    out: &mut Manifest,
) {
    let dev = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_dev_file);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let include = include_of(line);
        if let Some((file, is_constraint)) = include {
            let target = path.parent().unwrap_or(Path::new(".")).join(&file);
            if depth < MAX_INCLUDE_DEPTH && !seen.contains(&target) {
                seen.push(target.clone());
                if let Ok(included) = std::fs::read_to_string(&target) {
                    requirements_into(&target, &included, is_constraint, depth + 1, seen, out);
                }
            }
            continue;
        }
        if line.starts_with('-') {
            continue;
        }
        if constraints {
            if let Some((name, spec)) = split_requirement(line)
                && let Some(version) = pinned_version(&spec)
            {
                out.dependencies.push(Dependency {
                    ecosystem: Ecosystem::Pypi,
                    name,
                    spec: String::new(),
                    locked: Some(version),
                    dev,
                    direct: false,
                    path: path.to_path_buf(),
                    line: i + 1,
                });
            }
            continue;
        }
        add_requirement(out, line, path, i + 1, dev);
    }
}

/// `-r other.txt`, `--requirement=other.txt`, `-c constraints.txt`: the file, and whether it
/// holds constraints.
fn include_of(line: &str) -> Option<(String, bool)> {
    [
        ("--requirement", false),
        ("--constraint", true),
        ("-r", false),
        ("-c", true),
    ]
    .into_iter()
    .find_map(|(flag, constraint)| {
        let rest = line.strip_prefix(flag)?;
        let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
        (!rest.is_empty()).then(|| (rest.to_string(), constraint))
    })
}

/// `requirements-dev.txt`, `test.txt`, `docs.txt`: files for development, not the runtime.
fn is_dev_file(name: &str) -> bool {
    let stem = name.trim_end_matches(".txt").trim_end_matches(".in");
    ["dev", "test", "doc", "lint", "ci", "maintainer"]
        .iter()
        .any(|word| stem.contains(word))
}

/// `Framework :: Django :: 4.2` and `Programming Language :: Python :: 3.9` classifiers: per
/// framework the lowest version listed, as a hint; `Framework :: Django` alone says Django
/// without a version.
pub fn classifiers(list: &[(String, usize)], path: &Path) -> Vec<Declared> {
    let mut out = Vec::new();
    for (framework, prefix) in [
        ("django", "Framework :: Django"),
        ("python", "Programming Language :: Python ::"),
    ] {
        let mut versions: Vec<(Version, usize)> = Vec::new();
        let mut bare = None;
        for (classifier, line) in list {
            let Some(rest) = classifier.trim().strip_prefix(prefix) else {
                continue;
            };
            let rest = rest.trim_start_matches(" ::").trim();
            if rest.is_empty() {
                bare.get_or_insert(*line);
            } else if rest.contains('.')
                && let Ok(version) = rest.parse::<Version>()
            {
                versions.push((version, *line));
            }
        }
        versions.sort_by(|a, b| a.0.cmp(&b.0));
        match (versions.first(), versions.last()) {
            (Some((low, line)), Some((high, _))) => {
                let spec = if low == high {
                    format!("classifier {low}")
                } else {
                    format!("classifiers {low} to {high}")
                };
                out.push(Declared {
                    version: Some(low.clone()),
                    hint: true,
                    ..Declared::unversioned(framework, &spec, path, *line)
                });
            }
            _ => {
                if let Some(line) = bare.filter(|_| framework == "django") {
                    out.push(Declared {
                        hint: true,
                        ..Declared::unversioned(framework, "classifier", path, line)
                    });
                }
            }
        }
    }
    out
}

fn toml_table(text: &str) -> Option<toml::Table> {
    text.parse().ok()
}

/// A Poetry or Pipfile dependency value: `"^3.2"` or `{ version = "^3.2", ... }`.
fn table_spec(value: &toml::Value) -> Option<String> {
    value
        .as_str()
        .or_else(|| value.get("version").and_then(|v| v.as_str()))
        .map(|s| {
            if s == "*" {
                String::new()
            } else {
                s.to_string()
            }
        })
        .or_else(|| value.is_table().then(String::new))
}

/// The strings of a TOML array.
fn strings(value: Option<&toml::Value>) -> Vec<&str> {
    value
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect()
}

/// PEP 621 `[project]` (dependencies, optional dependencies, `requires-python`, classifiers),
/// PEP 735 `[dependency-groups]`, Poetry `[tool.poetry.dependencies]` and its groups, PDM
/// `[tool.pdm.dev-dependencies]` and uv `[tool.uv] dev-dependencies`.
pub fn pyproject(path: &Path, text: &str) -> Manifest {
    let Some(doc) = toml_table(text) else {
        return Manifest::default();
    };
    let mut out = Manifest::default();
    let line = |needle: &str| line_of(text, needle);
    if let Some(project) = doc.get("project") {
        for requirement in strings(project.get("dependencies")) {
            add_requirement(&mut out, requirement, path, line(requirement), false);
        }
        let optional = project
            .get("optional-dependencies")
            .and_then(|o| o.as_table());
        for (_, list) in optional.into_iter().flatten() {
            for requirement in strings(Some(list)) {
                add_requirement(&mut out, requirement, path, line(requirement), true);
            }
        }
        if let Some(spec) = project.get("requires-python").and_then(|v| v.as_str()) {
            out.declared
                .extend(declared("python", spec, path, line("requires-python")));
        }
        let listed: Vec<(String, usize)> = strings(project.get("classifiers"))
            .into_iter()
            .map(|c| (c.to_string(), line(c)))
            .collect();
        out.declared.extend(classifiers(&listed, path));
    }
    let tool = doc.get("tool");
    let groups = doc.get("dependency-groups").and_then(|g| g.as_table());
    let pdm_dev = tool
        .and_then(|t| t.get("pdm"))
        .and_then(|p| p.get("dev-dependencies"))
        .and_then(|d| d.as_table());
    for (_, list) in groups
        .into_iter()
        .flatten()
        .chain(pdm_dev.into_iter().flatten())
    {
        for requirement in strings(Some(list)) {
            add_requirement(&mut out, requirement, path, line(requirement), true);
        }
    }
    let uv_dev = tool
        .and_then(|t| t.get("uv"))
        .and_then(|u| u.get("dev-dependencies"));
    for requirement in strings(uv_dev) {
        add_requirement(&mut out, requirement, path, line(requirement), true);
    }
    let poetry = tool.and_then(|t| t.get("poetry"));
    let main = poetry
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_table());
    let poetry_groups = poetry
        .and_then(|p| p.get("group"))
        .and_then(|g| g.as_table())
        .into_iter()
        .flatten()
        .filter_map(|(_, group)| group.get("dependencies")?.as_table());
    let dev = poetry
        .and_then(|p| p.get("dev-dependencies"))
        .and_then(|d| d.as_table());
    let tables = main
        .into_iter()
        .map(|t| (t, false))
        .chain(poetry_groups.map(|t| (t, true)))
        .chain(dev.into_iter().map(|t| (t, true)));
    for (table, is_dev) in tables {
        for (name, value) in table {
            let Some(spec) = table_spec(value) else {
                continue;
            };
            let at = line(&format!("{name} ="));
            if name.eq_ignore_ascii_case("python") {
                out.declared.extend(declared("python", &spec, path, at));
            } else {
                add_requirement(
                    &mut out,
                    &format!("{name}{}", poetry_spec(&spec)),
                    path,
                    at,
                    is_dev,
                );
            }
        }
    }
    out
}

/// A Poetry constraint as a PEP 440 specifier for display and pins: `3.2.4` is `==3.2.4`.
fn poetry_spec(spec: &str) -> String {
    if spec.starts_with(|c: char| c.is_ascii_digit()) && !spec.contains([',', '*', ' ']) {
        format!("=={spec}")
    } else {
        spec.to_string()
    }
}

/// `[packages]` and `[dev-packages]`, and `[requires] python_version`.
pub fn pipfile(path: &Path, text: &str) -> Manifest {
    let Some(doc) = toml_table(text) else {
        return Manifest::default();
    };
    let mut out = Manifest::default();
    for (section, dev) in [("packages", false), ("dev-packages", true)] {
        let table = doc.get(section).and_then(|p| p.as_table());
        for (name, value) in table.into_iter().flatten() {
            if let Some(spec) = table_spec(value) {
                let at = line_of(text, &format!("{name} ="));
                add_requirement(&mut out, &format!("{name}{spec}"), path, at, dev);
            }
        }
    }
    let requires = doc.get("requires");
    if let Some(spec) = requires
        .and_then(|r| {
            r.get("python_full_version")
                .or_else(|| r.get("python_version"))
        })
        .and_then(|v| v.as_str())
    {
        out.declared
            .extend(declared("python", spec, path, line_of(text, "python_")));
    }
    out
}

/// A locked package: a pinned dependency whose place in the tree is not known.
fn locked(out: &mut Manifest, name: &str, version: &str, path: &Path, line: usize) {
    let name = normalize(name);
    if let Some(framework) = framework_of(&name) {
        out.declared
            .extend(declared(framework, version, path, line));
    }
    out.dependencies.push(Dependency {
        ecosystem: Ecosystem::Pypi,
        name,
        spec: String::new(),
        locked: Some(version.to_string()),
        dev: false,
        direct: false,
        path: path.to_path_buf(),
        line,
    });
}

/// `"django": {"version": "==3.2.1"}` in the `default` and `develop` sections.
pub fn pipfile_lock(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return out;
    };
    for section in ["default", "develop"] {
        let packages = doc.get(section).and_then(|d| d.as_object());
        for (name, value) in packages.into_iter().flatten() {
            if let Some(version) = value
                .get("version")
                .and_then(|v| v.as_str())
                .and_then(|v| v.strip_prefix("=="))
            {
                locked(
                    &mut out,
                    name,
                    version,
                    path,
                    line_of(text, &format!("\"{name}\"")),
                );
            }
        }
    }
    out
}

/// `[[package]] name = "django" version = "3.2.1"`: poetry.lock, uv.lock and pdm.lock.
pub fn package_lock(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let Some(doc) = toml_table(text) else {
        return out;
    };
    let packages = doc.get("package").and_then(|p| p.as_array());
    for package in packages.into_iter().flatten() {
        let name = package.get("name").and_then(|n| n.as_str());
        let version = package.get("version").and_then(|v| v.as_str());
        // uv lists the project itself, from its own folder.
        let is_self = package
            .get("source")
            .and_then(|s| s.get("editable").or_else(|| s.get("virtual")))
            .is_some();
        if let (Some(name), Some(version), false) = (name, version, is_self) {
            let at = line_of(text, &format!("name = \"{name}\""));
            locked(&mut out, name, version, path, at);
        }
    }
    out
}

/// The entries of one `setup.cfg` option: its value on the key's line and its indented
/// continuation lines, each with its line number.
fn cfg_values(text: &str, section: &str, key: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut in_section = false;
    let mut in_key = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_section = trimmed == format!("[{section}]");
            in_key = false;
            continue;
        }
        if !in_section || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with([' ', '\t']) && in_key {
            if !trimmed.is_empty() {
                out.push((trimmed.to_string(), i + 1));
            }
            continue;
        }
        in_key = false;
        if let Some((name, value)) = trimmed.split_once(['=', ':'])
            && name.trim() == key
        {
            in_key = true;
            let value = value.trim();
            if !value.is_empty() {
                out.push((value.to_string(), i + 1));
            }
        }
    }
    out
}

/// `[options] install_requires`, `python_requires` and `[metadata] classifiers`.
pub fn setup_cfg(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    for (requirement, line) in cfg_values(text, "options", "install_requires") {
        add_requirement(&mut out, &requirement, path, line, false);
    }
    for (spec, line) in cfg_values(text, "options", "python_requires") {
        out.declared.extend(declared("python", &spec, path, line));
    }
    let listed = cfg_values(text, "metadata", "classifiers");
    out.declared.extend(classifiers(&listed, path));
    out
}

/// Django and Python from a tox configuration: `deps` such as `django22: Django~=2.2.0` and
/// `py37` environments; the lowest of each, as a hint.
pub fn tox_ini(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let mut django: Vec<(Version, String, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let entry = line.trim();
        let requirement = entry.rsplit_once(": ").map_or(entry, |(_, r)| r).trim();
        if let Some((name, spec)) = split_requirement(requirement)
            && name == "django"
            && let Some(found) = declared("django", &spec, path, i + 1)
            && let Some(version) = found.version
        {
            django.push((version, spec, i + 1));
        }
    }
    django.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some((version, spec, line)) = django.into_iter().next() {
        out.declared.push(Declared {
            version: Some(version),
            hint: true,
            ..Declared::unversioned("django", &format!("tox {spec}"), path, line)
        });
    }
    let envlist = text
        .lines()
        .position(|l| l.trim_start().starts_with("envlist"))
        .map(|start| {
            text.lines()
                .skip(start)
                .take_while(|l| !l.trim_start().starts_with('['))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let mut pythons: Vec<Version> = Vec::new();
    for (at, _) in envlist.match_indices("py") {
        let rest = &envlist[at + 2..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        for token in rest.split([',', '}']).take_while(|t| !t.is_empty()) {
            let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
            if digits.len() >= 2
                && let Ok(version) = format!("{}.{}", &digits[..1], &digits[1..]).parse()
            {
                pythons.push(version);
            }
            if !rest.starts_with(|c: char| c.is_ascii_digit()) || token.len() != digits.len() {
                break;
            }
        }
    }
    pythons.sort();
    if let Some(low) = pythons.first() {
        let line = line_of(text, "envlist");
        out.declared.push(Declared {
            version: Some(low.clone()),
            hint: true,
            ..Declared::unversioned(
                "python",
                &format!("tox py{}", low.to_string().replace('.', "")),
                path,
                line,
            )
        });
    }
    out
}

/// `setup(install_requires=[...], python_requires=..., classifiers=[...])`, read from the
/// syntax tree: string lists written in the call or bound to a name in the same file. The
/// file is never run.
pub fn setup_py(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let Some(language) = crate::language::by_name("python") else {
        return out;
    };
    let Some(tree) = crate::engine::parse::parse(language, text, Duration::from_secs(5)) else {
        return out;
    };
    let source = text.as_bytes();
    let root = tree.root_node();
    let Some(call) = find_setup_call(root, source) else {
        return out;
    };
    let mut cursor = call.walk();
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return out;
    };
    for argument in arguments.named_children(&mut cursor) {
        if argument.kind() != "keyword_argument" {
            continue;
        }
        let (Some(name), Some(value)) = (
            argument.child_by_field_name("name"),
            argument.child_by_field_name("value"),
        ) else {
            continue;
        };
        let values = string_values(value, root, source, 0);
        match name.utf8_text(source).unwrap_or("") {
            "install_requires" => {
                for (requirement, line) in values {
                    add_requirement(&mut out, &requirement, path, line, false);
                }
            }
            "tests_require" => {
                for (requirement, line) in values {
                    add_requirement(&mut out, &requirement, path, line, true);
                }
            }
            "python_requires" => {
                if let Some((spec, line)) = values.first() {
                    out.declared.extend(declared("python", spec, path, *line));
                }
            }
            "classifiers" => out.declared.extend(classifiers(&values, path)),
            _ => {}
        }
    }
    out
}

/// The first call of `setup(...)` or `setuptools.setup(...)`.
fn find_setup_call<'t>(
    node: tree_sitter::Node<'t>,
    source: &[u8],
) -> Option<tree_sitter::Node<'t>> {
    if node.kind() == "call"
        && let Some(function) = node.child_by_field_name("function")
    {
        let name = match function.kind() {
            "identifier" => function.utf8_text(source).ok(),
            "attribute" => function
                .child_by_field_name("attribute")
                .and_then(|a| a.utf8_text(source).ok()),
            _ => None,
        };
        if name == Some("setup") {
            return Some(node);
        }
    }
    let mut cursor = node.walk();
    let children: Vec<_> = node.named_children(&mut cursor).collect();
    children
        .into_iter()
        .find_map(|child| find_setup_call(child, source))
}

/// The strings an expression stands for: a string, a list or tuple of strings, `a + b`, or a
/// name assigned one of those at the top level of the module. Each with its 1-based line.
fn string_values(
    node: tree_sitter::Node,
    root: tree_sitter::Node,
    source: &[u8],
    depth: usize,
) -> Vec<(String, usize)> {
    if depth > 8 {
        return Vec::new();
    }
    let line = node.start_position().row + 1;
    match node.kind() {
        "string" | "concatenated_string" => string_text(node, source)
            .map(|s| vec![(s, line)])
            .unwrap_or_default(),
        "list" | "tuple" | "parenthesized_expression" => {
            let mut cursor = node.walk();
            let children: Vec<_> = node.named_children(&mut cursor).collect();
            children
                .into_iter()
                .flat_map(|child| string_values(child, root, source, depth + 1))
                .collect()
        }
        "binary_operator" => ["left", "right"]
            .iter()
            .filter_map(|field| node.child_by_field_name(field))
            .flat_map(|side| string_values(side, root, source, depth + 1))
            .collect(),
        "identifier" => {
            let name = node.utf8_text(source).unwrap_or("");
            assigned(root, name, source)
                .map(|value| string_values(value, root, source, depth + 1))
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The value last assigned to `name` at the top level of the module.
fn assigned<'t>(
    root: tree_sitter::Node<'t>,
    name: &str,
    source: &[u8],
) -> Option<tree_sitter::Node<'t>> {
    let mut cursor = root.walk();
    let statements: Vec<_> = root.named_children(&mut cursor).collect();
    statements
        .into_iter()
        .rev()
        .filter(|s| s.kind() == "expression_statement")
        .filter_map(|s| s.named_child(0))
        .filter(|a| a.kind() == "assignment")
        .filter(|a| {
            a.child_by_field_name("left")
                .is_some_and(|l| l.kind() == "identifier" && l.utf8_text(source) == Ok(name))
        })
        .find_map(|a| a.child_by_field_name("right"))
}

/// The text of a plain string literal (or implicitly concatenated literals); `None` for an
/// f-string with replacement fields.
fn string_text(node: tree_sitter::Node, source: &[u8]) -> Option<String> {
    let mut cursor = node.walk();
    let mut out = String::new();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_content" => out.push_str(child.utf8_text(source).ok()?),
            "string" => out.push_str(&string_text(child, source)?),
            "interpolation" => return None,
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("p/setup.py")
    }

    fn versions(found: &Manifest) -> Vec<(String, String, bool)> {
        found
            .declared
            .iter()
            .map(|d| {
                (
                    d.framework.to_string(),
                    d.version.as_ref().map_or("?".into(), ToString::to_string),
                    d.hint,
                )
            })
            .collect()
    }

    #[test]
    fn requirements_are_split_into_name_and_specifier() {
        assert_eq!(
            split_requirement("Django[argon2] >= 3.2, <4 ; python_version > '3'"),
            Some(("django".into(), ">=3.2,<4".into()))
        );
        assert_eq!(
            split_requirement("zope.interface"),
            Some(("zope-interface".into(), String::new()))
        );
        assert_eq!(split_requirement("-e ."), None);
    }

    #[test]
    fn setup_py_lists_are_read_from_the_call_and_from_names_bound_in_the_file() {
        let text = r#"
from setuptools import setup
import mypkg

REQUIRES = ["requests>=2.0", 'Django>=' '2.2']
EXTRA = ("six",)

setup(
    name="mypkg",
    version=mypkg.__version__,
    python_requires=">=3.6",
    install_requires=REQUIRES + list(EXTRA) + ["pytz"],
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 3.2",
        "Framework :: Django :: 2.2",
        "Programming Language :: Python :: 3.6",
    ],
)
"#;
        let found = setup_py(path(), text);
        let names: Vec<&str> = found.dependencies.iter().map(|d| d.name.as_str()).collect();
        // `list(EXTRA)` is a call: not read.
        assert_eq!(names, ["requests", "django", "pytz"]);
        assert_eq!(
            versions(&found),
            [
                ("python".into(), "3.6".into(), false),
                ("django".into(), "2.2".into(), false),
                ("django".into(), "2.2".into(), true),
                ("python".into(), "3.6".into(), true),
            ]
        );
        assert_eq!(found.declared[1].line, 5);
    }

    #[test]
    fn classifiers_alone_say_django_with_or_without_a_version() {
        let text = "from setuptools import setup\nsetup(name='x', classifiers=['Framework :: Django', 'Environment :: Web'])\n";
        let found = setup_py(path(), text);
        assert_eq!(versions(&found), [("django".into(), "?".into(), true)]);
        let text = "setup(classifiers=['Framework :: Django :: 1.10', 'Framework :: Django :: 2.0', 'Framework :: Django :: 1.5'])";
        let found = setup_py(path(), text);
        assert_eq!(versions(&found), [("django".into(), "1.5".into(), true)]);
        assert_eq!(found.declared[0].spec, "classifiers 1.5 to 2.0");
    }

    #[test]
    fn a_broken_or_dynamic_setup_py_gives_what_it_can() {
        assert!(
            setup_py(path(), "setup(install_requires=get_requires())")
                .dependencies
                .is_empty()
        );
        assert!(setup_py(path(), "def f(:\n").declared.is_empty());
        let f = setup_py(path(), "setup(install_requires=[f'django>={v}', 'pytz'])");
        assert_eq!(f.dependencies.len(), 1);
    }

    #[test]
    fn requirements_follow_includes_and_constraints() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            p
        };
        write(
            "requirements/base.txt",
            "Django>=3.2,<4.0\nrequests\n-r base.txt\n",
        );
        write("constraints.txt", "requests==2.31.0\n");
        let main = write(
            "requirements.txt",
            "-r requirements/base.txt\n-c constraints.txt\ncelery==5.3.1  # workers\n",
        );
        let text = std::fs::read_to_string(&main).unwrap();
        let found = requirements(&main, &text);
        let deps: Vec<(&str, Option<&str>, bool)> = found
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.locked.as_deref(), d.direct))
            .collect();
        assert_eq!(
            deps,
            [
                ("django", None, true),
                ("requests", None, true),
                ("requests", Some("2.31.0"), false),
                ("celery", Some("5.3.1"), true),
            ]
        );
        assert_eq!(
            found.declared[0].path,
            dir.path().join("requirements/base.txt")
        );
    }

    #[test]
    fn pyproject_flavours() {
        let p = Path::new("pyproject.toml");
        let pep621 = "[project]\nname = \"shop\"\nrequires-python = \">=3.9\"\ndependencies = [\n  \"Django[argon2]>=4.1,<4.2\",\n  \"celery\",\n]\n[project.optional-dependencies]\ntest = [\"pytest\"]\n[dependency-groups]\nlint = [\"ruff\"]\n[tool.uv]\ndev-dependencies = [\"mypy\"]\n";
        let found = pyproject(p, pep621);
        assert_eq!(
            versions(&found),
            [
                ("django".into(), "4.1".into(), false),
                ("python".into(), "3.9".into(), false)
            ]
        );
        assert_eq!(found.declared[0].line, 5);
        let names: Vec<(&str, bool)> = found
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.dev))
            .collect();
        assert_eq!(
            names,
            [
                ("django", false),
                ("celery", false),
                ("pytest", true),
                ("ruff", true),
                ("mypy", true)
            ]
        );
        let poetry = "[tool.poetry.dependencies]\npython = \"^3.8\"\nDjango = { version = \"3.2.4\", extras = [\"bcrypt\"] }\n[tool.poetry.group.dev.dependencies]\npytest = \"^7\"\n";
        let found = pyproject(p, poetry);
        assert_eq!(
            versions(&found),
            [
                ("django".into(), "3.2.4".into(), false),
                ("python".into(), "3.8".into(), false)
            ]
        );
        assert!(found.declared[0].pinned);
        assert_eq!(found.dependencies[0].locked.as_deref(), Some("3.2.4"));
        let pdm = "[project]\ndependencies = [\"django>=4.2\"]\n[tool.pdm.dev-dependencies]\ntest = [\"pytest-django>=4\"]\n";
        assert_eq!(pyproject(p, pdm).dependencies[1].name, "pytest-django");
    }

    #[test]
    fn lock_files_pin_every_package() {
        let p = Path::new("uv.lock");
        let lock = "version = 1\n[[package]]\nname = \"shop\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n\n[[package]]\nname = \"Django\"\nversion = \"4.2.7\"\n";
        let found = package_lock(p, lock);
        assert_eq!(versions(&found), [("django".into(), "4.2.7".into(), false)]);
        assert_eq!(found.dependencies.len(), 1);
        assert_eq!(found.declared[0].line, 8);
        let pipfile_lock = r#"{"default": {"django": {"version": "==3.2.1"}}, "develop": {"pytest": {"version": "==7.0"}}}"#;
        assert_eq!(super::pipfile_lock(p, pipfile_lock).dependencies.len(), 2);
    }

    #[test]
    fn setup_cfg_and_tox_ini() {
        let p = Path::new("setup.cfg");
        let cfg = "[metadata]\nclassifiers =\n    Framework :: Django :: 3.2\n[options]\npython_requires = >=3.6\ninstall_requires =\n    Django>=2.2\n    pytz\n";
        let found = setup_cfg(p, cfg);
        assert_eq!(
            versions(&found),
            [
                ("django".into(), "2.2".into(), false),
                ("python".into(), "3.6".into(), false),
                ("django".into(), "3.2".into(), true)
            ]
        );
        assert_eq!(found.dependencies.len(), 2);
        let tox = "[tox]\nenvlist =\n    py{27,34,35}-django111\n    py{36,37}-django22\n[testenv]\ndeps =\n    django111: Django~=1.11.0\n    django22: Django>=2.2a1,<3.0\n    coverage\n";
        let found = tox_ini(Path::new("tox.ini"), tox);
        assert_eq!(
            versions(&found),
            [
                ("django".into(), "1.11.0".into(), true),
                ("python".into(), "2.7".into(), true)
            ]
        );
        assert!(found.dependencies.is_empty());
    }
}
