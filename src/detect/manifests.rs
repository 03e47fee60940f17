//! Reading framework and language versions out of the manifests in one folder.
//!
//! Each reader takes a file's text and returns what it declares, with the line it is on. A
//! range keeps its lower bound as the version (`django>=3.2,<4` is on 3.2 at least) and is
//! marked as not pinned. Within a folder, lock files win over the manifests that allow a range:
//! the order of [`READERS`] is the order of trust.

use std::path::Path;

use crate::rules::Version;

/// One declaration: `framework` at `version`, as written (`spec`) on `line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub framework: &'static str,
    pub version: Version,
    pub spec: String,
    pub pinned: bool,
    pub line: usize,
}

type Reader = fn(&str) -> Vec<Declared>;

/// Manifest file names and their readers, most trusted first.
pub const READERS: &[(&str, Reader)] = &[
    ("Gemfile.lock", gemfile_lock),
    ("poetry.lock", poetry_lock),
    ("Pipfile.lock", pipfile_lock),
    (".python-version", python_version_file),
    (".ruby-version", ruby_version_file),
    ("pom.xml", pom),
    ("build.gradle", gradle),
    ("build.gradle.kts", gradle),
    ("gradle.properties", gradle_properties),
    ("Chart.yaml", helm_chart),
    ("Gemfile", gemfile),
    ("pyproject.toml", pyproject),
    ("Pipfile", pipfile),
    ("setup.cfg", setup_cfg),
    ("requirements*.txt", requirements),
];

/// Whether `name` is a manifest file name (`requirements-dev.txt` included).
pub fn is_manifest(name: &str) -> bool {
    READERS
        .iter()
        .any(|(pattern, _)| matches_name(pattern, name))
}

fn matches_name(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => name.starts_with(prefix) && name.ends_with(suffix),
        None => pattern == name,
    }
}

/// What the manifests in `dir` declare, per framework the most trusted declaration, with the
/// file it was read from.
pub fn read_dir(dir: &Path) -> Vec<(Declared, std::path::PathBuf)> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_manifest(n))
        .collect();
    names.sort();
    let mut found: Vec<(Declared, std::path::PathBuf)> = Vec::new();
    for (pattern, reader) in READERS {
        for name in names.iter().filter(|n| matches_name(pattern, n)) {
            let path = dir.join(name);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for declared in reader(&text) {
                if !found.iter().any(|(d, _)| d.framework == declared.framework) {
                    found.push((declared, path.clone()));
                }
            }
        }
    }
    found
}

/// The first `major[.minor[.patch]]` in `text`.
pub fn leading_version(text: &str) -> Option<Version> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let parts: Vec<&str> = digits
        .split('.')
        .filter(|p| !p.is_empty())
        .take(3)
        .collect();
    parts.join(".").parse().ok()
}

fn declared(framework: &'static str, spec: &str, line: usize) -> Option<Declared> {
    let spec = spec.trim().trim_matches(|c| c == '"' || c == '\'').trim();
    // `1.8` is how Java 8 is written in build files.
    let version = match leading_version(spec)? {
        v if framework == "java" && v.parts().first() == Some(&1) && v.parts().len() > 1 => {
            v.parts()[1].to_string().parse().ok()?
        }
        v => v,
    };
    // `==3.2.1`, `3.2.1` and `= 3.2.1` are pins; `>=`, `~>`, `^` and lists are ranges.
    let pinned = spec.starts_with(|c: char| c.is_ascii_digit() || c == '=')
        && !spec.contains([',', '*', '<', '>']);
    Some(Declared {
        framework,
        version,
        spec: spec.to_string(),
        pinned,
        line,
    })
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}

/// `    rails (7.0.4)` in the specs, and `RUBY VERSION` / `   ruby 3.1.2p20`.
fn gemfile_lock(text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some(rest) = line.strip_prefix("    rails (") {
            out.extend(declared("rails", rest.trim_end_matches(')'), i + 1));
        }
        if *line == "RUBY VERSION"
            && let Some(next) = lines.get(i + 1)
            && let Some(rest) = next.trim().strip_prefix("ruby ")
        {
            let version: String = rest.chars().take_while(|c| *c != 'p').collect();
            out.extend(declared("ruby", &version, i + 2));
        }
    }
    dedup(out)
}

/// `gem "rails", "~> 6.1.0"` and `ruby "3.1.2"` in a `Gemfile`.
fn gemfile(text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        let rest = line
            .strip_prefix("gem \"rails\"")
            .or_else(|| line.strip_prefix("gem 'rails'"));
        if let Some(rest) = rest {
            let spec = rest.trim_start_matches(',').split(',').next().unwrap_or("");
            out.extend(declared("rails", spec, i + 1));
        }
        if let Some(rest) = line.strip_prefix("ruby ") {
            out.extend(declared("ruby", rest, i + 1));
        }
    }
    dedup(out)
}

fn python_version_file(text: &str) -> Vec<Declared> {
    text.lines()
        .next()
        .and_then(|l| declared("python", l, 1))
        .into_iter()
        .collect()
}

fn ruby_version_file(text: &str) -> Vec<Declared> {
    let first = text.lines().next().unwrap_or("");
    declared("ruby", first.trim_start_matches("ruby-"), 1)
        .into_iter()
        .collect()
}

/// A PEP 508 requirement (`Django[argon2]>=3.2,<4 ; python_version > "3"`) for `package`: its
/// version specifier.
fn requirement_spec<'t>(requirement: &'t str, package: &str) -> Option<&'t str> {
    let requirement = requirement.split([';', '#']).next()?.trim();
    let name_end = requirement
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(requirement.len());
    if !requirement[..name_end].eq_ignore_ascii_case(package) {
        return None;
    }
    let spec = requirement[name_end..].trim_start();
    let spec = match spec.strip_prefix('[') {
        Some(rest) => rest.split_once(']')?.1.trim_start(),
        None => spec,
    };
    let spec = spec.trim_start_matches('(').trim_end_matches(')').trim();
    (spec.starts_with("==") || spec.starts_with(">=") || spec.starts_with("~=")).then_some(spec)
}

/// `django==3.2.25`, `Django>=3.2,<4.0` or `django~=3.2` in a requirements file.
fn requirements(text: &str) -> Vec<Declared> {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| declared("django", requirement_spec(line, "django")?, i + 1))
        .into_iter()
        .collect()
}

fn toml_table(text: &str) -> Option<toml::Table> {
    text.parse().ok()
}

/// A Poetry dependency: `"^3.2"` or `{ version = "^3.2", ... }`.
fn poetry_spec(value: &toml::Value) -> Option<&str> {
    value
        .as_str()
        .or_else(|| value.get("version").and_then(|v| v.as_str()))
}

/// PEP 621 `[project]` (`dependencies`, `requires-python`) and Poetry
/// `[tool.poetry.dependencies]`.
fn pyproject(text: &str) -> Vec<Declared> {
    let Some(doc) = toml_table(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(project) = doc.get("project") {
        let dependencies = project.get("dependencies").and_then(|d| d.as_array());
        for dependency in dependencies
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str())
        {
            if let Some(spec) = requirement_spec(dependency, "django") {
                out.extend(declared("django", spec, line_of(text, dependency)));
            }
        }
        if let Some(spec) = project.get("requires-python").and_then(|v| v.as_str()) {
            out.extend(declared("python", spec, line_of(text, "requires-python")));
        }
    }
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_table());
    for (name, value) in poetry.into_iter().flatten() {
        let framework = match name.to_ascii_lowercase().as_str() {
            "django" => "django",
            "python" => "python",
            _ => continue,
        };
        if let Some(spec) = poetry_spec(value) {
            out.extend(declared(
                framework,
                spec,
                line_of(text, &format!("{name} =")),
            ));
        }
    }
    dedup(out)
}

/// `[packages] django = "==3.2"` and `[requires] python_version = "3.8"`.
fn pipfile(text: &str) -> Vec<Declared> {
    let Some(doc) = toml_table(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let packages = doc.get("packages").and_then(|p| p.as_table());
    for (name, value) in packages.into_iter().flatten() {
        if name.eq_ignore_ascii_case("django")
            && let Some(spec) = poetry_spec(value).filter(|s| *s != "*")
        {
            out.extend(declared(
                "django",
                spec,
                line_of(text, &format!("{name} =")),
            ));
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
        out.extend(declared("python", spec, line_of(text, "python_")));
    }
    out
}

/// `"django": {"version": "==3.2.1"}` in the `default` section of a `Pipfile.lock`.
fn pipfile_lock(text: &str) -> Vec<Declared> {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    doc.get("default")
        .and_then(|d| d.get("django"))
        .and_then(|d| d.get("version"))
        .and_then(|v| v.as_str())
        .and_then(|spec| declared("django", spec, line_of(text, "\"django\"")))
        .into_iter()
        .collect()
}

/// `[[package]] name = "django" version = "3.2.1"` in a `poetry.lock`.
fn poetry_lock(text: &str) -> Vec<Declared> {
    let Some(doc) = toml_table(text) else {
        return Vec::new();
    };
    let packages = doc.get("package").and_then(|p| p.as_array());
    packages
        .into_iter()
        .flatten()
        .find(|p| {
            p.get("name")
                .and_then(|n| n.as_str())
                .is_some_and(|n| n.eq_ignore_ascii_case("django"))
        })
        .and_then(|p| p.get("version")?.as_str())
        .and_then(|v| declared("django", v, line_of(text, "name = \"django\"").max(1)))
        .into_iter()
        .collect()
}

/// `python_requires = >=3.8` and `Django>=2.2` under `install_requires` in `setup.cfg`.
fn setup_cfg(text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("python_requires") {
            out.extend(declared(
                "python",
                rest.trim_start_matches([' ', '=']),
                i + 1,
            ));
        }
        let requirement = trimmed
            .strip_prefix("install_requires =")
            .unwrap_or(trimmed);
        if let Some(spec) = requirement_spec(requirement, "django") {
            out.extend(declared("django", spec, i + 1));
        }
    }
    dedup(out)
}

/// The text of `<tag>...</tag>` on one line.
fn xml_value<'t>(line: &'t str, tag: &str) -> Option<&'t str> {
    let open = format!("<{tag}>");
    let start = line.find(&open)? + open.len();
    let end = line[start..].find("</")? + start;
    Some(line[start..end].trim())
}

/// Spring Boot from the `spring-boot-starter-parent` parent or the `spring-boot-dependencies`
/// BOM (resolving `${property}`), or a `spring-boot.version` property; Java from
/// `java.version`, `maven.compiler.release` or `maven.compiler.source`.
fn pom(text: &str) -> Vec<Declared> {
    let lines: Vec<&str> = text.lines().collect();
    let property = |name: &str| -> Option<(usize, &str)> {
        lines
            .iter()
            .enumerate()
            .find_map(|(i, l)| Some((i + 1, xml_value(l, name)?)))
    };
    let resolve = |value: &str, line: usize| -> Option<(usize, String)> {
        match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
            Some(name) => property(name).map(|(l, v)| (l, v.to_string())),
            None => Some((line, value.to_string())),
        }
    };
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let artifact = xml_value(line, "artifactId");
        if !matches!(
            artifact,
            Some("spring-boot-starter-parent" | "spring-boot-dependencies")
        ) {
            continue;
        }
        // The version is the next <version> within the same element.
        let version = lines[i..]
            .iter()
            .enumerate()
            .take_while(|(_, l)| !l.contains("</parent>") && !l.contains("</dependency>"))
            .find_map(|(j, l)| Some((i + j + 1, xml_value(l, "version")?)));
        if let Some((line, value)) = version
            && let Some((line, value)) = resolve(value, line)
        {
            out.extend(declared("spring-boot", &value, line));
            break;
        }
    }
    if out.is_empty()
        && let Some((line, value)) = property("spring-boot.version")
    {
        out.extend(declared("spring-boot", value, line));
    }
    for name in [
        "java.version",
        "maven.compiler.release",
        "maven.compiler.source",
    ] {
        if let Some((line, value)) = property(name)
            && let Some((line, value)) = resolve(value, line)
        {
            out.extend(declared("java", &value, line));
            break;
        }
    }
    out
}

/// `id 'org.springframework.boot' version '2.7.5'` (Groovy or Kotlin DSL), `springBootVersion
/// = '2.7.5'`, and `sourceCompatibility` / `JavaVersion.VERSION_17` / `JavaLanguageVersion.of(17)`.
fn gradle(text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.contains("org.springframework.boot")
            && let Some(at) = line.find(" version ")
        {
            out.extend(declared("spring-boot", &line[at + 9..], i + 1));
        }
        if let Some(rest) = line.strip_prefix("springBootVersion") {
            out.extend(declared(
                "spring-boot",
                rest.trim_start_matches([' ', '=']),
                i + 1,
            ));
        }
        if line.starts_with("sourceCompatibility") || line.contains("JavaLanguageVersion.of(") {
            let value = line
                .rsplit(['=', '(', '_'])
                .next()
                .unwrap_or("")
                .trim_end_matches(')');
            let value = match line.split_once("VERSION_") {
                Some((_, v)) => v.replace('_', "."),
                None => value.to_string(),
            };
            out.extend(declared("java", &value, i + 1));
        }
    }
    dedup(out)
}

/// `springBootVersion=2.7.5` in `gradle.properties`.
fn gradle_properties(text: &str) -> Vec<Declared> {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            let rest = line.trim().strip_prefix("springBootVersion")?;
            declared(
                "spring-boot",
                rest.trim_start_matches([' ', '=', ':']),
                i + 1,
            )
        })
        .into_iter()
        .collect()
}

/// `kubeVersion: ">= 1.21.0-0"` in a Helm chart's `Chart.yaml`: the Kubernetes versions the
/// chart supports, whose lower bound is the oldest cluster it is deployed to.
fn helm_chart(text: &str) -> Vec<Declared> {
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            let rest = line.strip_prefix("kubeVersion:")?;
            let spec = rest.split(" #").next().unwrap_or(rest);
            declared("kubernetes", spec, i + 1)
        })
        .into_iter()
        .collect()
}

/// The first declaration of each framework.
fn dedup(mut found: Vec<Declared>) -> Vec<Declared> {
    let mut seen = Vec::new();
    found.retain(|d| {
        let new = !seen.contains(&d.framework);
        seen.push(d.framework);
        new
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(found: Vec<Declared>) -> (String, String, bool, usize) {
        let d = found.into_iter().next().expect("a declaration");
        (
            d.framework.to_string(),
            d.version.to_string(),
            d.pinned,
            d.line,
        )
    }

    #[test]
    fn python_manifests() {
        assert_eq!(
            one(requirements("requests==2.0\nDjango==3.2.25  # LTS\n")),
            ("django".into(), "3.2.25".into(), true, 2)
        );
        assert_eq!(
            one(requirements("django>=3.2,<4.0\n")),
            ("django".into(), "3.2".into(), false, 1)
        );
        assert!(requirements("django-filter==2.0\ndjango\n").is_empty());
        let pep621 = "[project]\nname = \"shop\"\nrequires-python = \">=3.9\"\ndependencies = [\n  \"Django[argon2]>=4.1,<4.2\",\n]\n";
        let found = pyproject(pep621);
        assert_eq!(
            one(found.clone()),
            ("django".into(), "4.1".into(), false, 5)
        );
        assert_eq!(found[1].framework, "python");
        let poetry = "[tool.poetry.dependencies]\npython = \"^3.8\"\nDjango = { version = \"3.2.4\", extras = [\"bcrypt\"] }\n";
        let found = pyproject(poetry);
        let get = |name: &str| found.iter().find(|d| d.framework == name).unwrap();
        assert_eq!(
            (get("python").version.to_string(), get("python").line),
            ("3.8".into(), 2)
        );
        assert_eq!((get("django").pinned, get("django").line), (true, 3));
        let lock = "[[package]]\nname = \"asgiref\"\nversion = \"3.7\"\n\n[[package]]\nname = \"django\"\nversion = \"4.2.7\"\n";
        assert_eq!(
            one(poetry_lock(lock)),
            ("django".into(), "4.2.7".into(), true, 6)
        );
        let cfg = "[options]\npython_requires = >=3.6\ninstall_requires =\n    Django>=2.2\n";
        assert_eq!(setup_cfg(cfg).len(), 2);
        assert_eq!(one(python_version_file("3.11.4\n")).1, "3.11.4");
    }

    #[test]
    fn ruby_manifests() {
        let lock = "GEM\n  specs:\n    rails (6.1.7.3)\n\nRUBY VERSION\n   ruby 3.1.2p20\n";
        let found = gemfile_lock(lock);
        assert_eq!(
            one(found.clone()),
            ("rails".into(), "6.1.7".into(), true, 3)
        );
        assert_eq!(
            (
                found[1].framework,
                found[1].version.to_string(),
                found[1].line
            ),
            ("ruby", "3.1.2".into(), 6)
        );
        assert_eq!(
            one(gemfile("source 'x'\ngem \"rails\", \"~> 5.2.0\"\n")),
            ("rails".into(), "5.2.0".into(), false, 2)
        );
    }

    #[test]
    fn java_manifests() {
        let parent = "<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>2.7.18</version>\n  </parent>\n  <properties>\n    <java.version>1.8</java.version>\n  </properties>\n</project>\n";
        let found = pom(parent);
        assert_eq!(
            one(found.clone()),
            ("spring-boot".into(), "2.7.18".into(), true, 5)
        );
        assert_eq!(
            (found[1].framework, found[1].version.to_string()),
            ("java", "8".into())
        );
        let bom = "<properties>\n<boot.version>2.6.3</boot.version>\n</properties>\n<dependency>\n<artifactId>spring-boot-dependencies</artifactId>\n<version>${boot.version}</version>\n</dependency>\n";
        assert_eq!(
            one(pom(bom)),
            ("spring-boot".into(), "2.6.3".into(), true, 2)
        );
        let groovy = "plugins {\n    id 'org.springframework.boot' version '2.5.4'\n}\nsourceCompatibility = '11'\n";
        let found = gradle(groovy);
        assert_eq!(
            one(found.clone()),
            ("spring-boot".into(), "2.5.4".into(), true, 2)
        );
        assert_eq!(found[1].version.to_string(), "11");
        let kotlin = "plugins {\n    id(\"org.springframework.boot\") version \"3.1.0\"\n}\njava { toolchain { languageVersion.set(JavaLanguageVersion.of(17)) } }\n";
        let found = gradle(kotlin);
        assert_eq!(found[0].version.to_string(), "3.1.0");
        assert_eq!(found[1].version.to_string(), "17");
        assert_eq!(
            one(gradle_properties("springBootVersion=2.3.1\n")).1,
            "2.3.1"
        );
    }

    #[test]
    fn helm_charts_declare_the_kubernetes_versions_they_support() {
        let chart = "apiVersion: v2\nname: shop\nversion: 4.2.0\nkubeVersion: \">= 1.21.0-0 < 1.30.0-0\"  # EKS\n";
        assert_eq!(
            one(helm_chart(chart)),
            ("kubernetes".into(), "1.21.0".into(), false, 4)
        );
        // A nested `kubeVersion` (a dependency's values) is not the chart's.
        assert!(helm_chart("name: shop\nversion: 1.0.0\ndeps:\n  kubeVersion: 1.9\n").is_empty());
        assert!(is_manifest("Chart.yaml"));
    }
}
