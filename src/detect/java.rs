//! Java manifests: `pom.xml` (with its local parents and `${property}` references), Gradle
//! build scripts in Groovy or Kotlin (with `ext` properties, `gradle.properties` and the
//! version catalog `gradle/libs.versions.toml`).
//!
//! Spring Boot comes from the `spring-boot-starter-parent` parent or the
//! `spring-boot-dependencies` BOM, a `spring-boot.version` property, or the
//! `org.springframework.boot` Gradle plugin; Java from the compiler level.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::manifests::{Dependency, Ecosystem, Manifest, declared};

/// How many local parents of a POM are followed.
const MAX_PARENTS: usize = 10;

/// An XML element: its name, text, children and 1-based line.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub name: String,
    pub text: String,
    pub line: usize,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'e>(&'e self, name: &'e str) -> impl Iterator<Item = &'e Element> + 'e {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn text_of(&self, name: &str) -> Option<(&str, usize)> {
        self.child(name).map(|c| (c.text.trim(), c.line))
    }

    pub fn path(&self, names: &[&str]) -> Option<&Element> {
        names.iter().try_fold(self, |e, name| e.child(name))
    }
}

pub(crate) fn parse_xml(text: &str) -> Option<Element> {
    let language = crate::language::by_name("xml")?;
    let tree = crate::engine::parse::parse(language, text, Duration::from_secs(5))?;
    let root = tree.root_node().child_by_field_name("root")?;
    Some(element(root, text.as_bytes()))
}

fn element(node: tree_sitter::Node, source: &[u8]) -> Element {
    let mut out = Element {
        line: node.start_position().row + 1,
        ..Element::default()
    };
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "STag" | "EmptyElemTag" => {
                let mut c = child.walk();
                if let Some(name) = child.named_children(&mut c).find(|n| n.kind() == "Name") {
                    out.name = name.utf8_text(source).unwrap_or("").to_string();
                }
            }
            "content" => {
                let mut c = child.walk();
                for part in child.named_children(&mut c) {
                    match part.kind() {
                        "CharData" => out.text.push_str(part.utf8_text(source).unwrap_or("")),
                        "CDSect" => out.text.push_str(
                            part.utf8_text(source)
                                .unwrap_or("")
                                .trim_start_matches("<![CDATA[")
                                .trim_end_matches("]]>"),
                        ),
                        "element" => out.children.push(element(part, source)),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A POM and its properties, with the chain of local parents it inherits from.
struct Pom {
    root: Element,
    /// Properties, the child's winning over its parents'; each with its file and line.
    properties: HashMap<String, (String, PathBuf, usize)>,
    /// The POMs whose properties were read, the file's own first.
    chain: Vec<(PathBuf, Element)>,
}

impl Pom {
    fn load(path: &Path, text: &str) -> Option<Pom> {
        let root = parse_xml(text)?;
        let mut chain = vec![(path.to_path_buf(), root)];
        // Local parents: `<relativePath>` (default `../pom.xml`) when it names the parent.
        while chain.len() <= MAX_PARENTS {
            let (file, pom) = chain.last()?;
            let Some(parent) = pom.child("parent") else {
                break;
            };
            let relative = parent
                .text_of("relativePath")
                .map_or("../pom.xml", |(p, _)| p);
            let mut candidate = lexical(&file.parent().unwrap_or(Path::new(".")).join(relative));
            if candidate.is_dir() {
                candidate = candidate.join("pom.xml");
            }
            let Some(parent_pom) = std::fs::read_to_string(&candidate)
                .ok()
                .and_then(|t| parse_xml(&t))
            else {
                break;
            };
            let same = |key: &str| {
                parent.text_of(key).map(|v| v.0) == parent_pom.text_of(key).map(|v| v.0)
            };
            if !same("artifactId") || chain.iter().any(|(p, _)| *p == candidate) {
                break;
            }
            chain.push((candidate, parent_pom));
        }
        let mut properties = HashMap::new();
        for (file, pom) in chain.iter().rev() {
            for property in pom
                .child("properties")
                .into_iter()
                .flat_map(|p| &p.children)
            {
                properties.insert(
                    property.name.clone(),
                    (
                        property.text.trim().to_string(),
                        file.clone(),
                        property.line,
                    ),
                );
            }
            for (key, value) in [
                ("project.version", pom.text_of("version")),
                (
                    "project.parent.version",
                    pom.path(&["parent"]).and_then(|p| p.text_of("version")),
                ),
            ] {
                if let Some((value, line)) = value {
                    properties.insert(key.to_string(), (value.to_string(), file.clone(), line));
                }
            }
        }
        let root = chain.remove(0).1;
        Some(Pom {
            root,
            properties,
            chain,
        })
    }

    /// `value` with `${name}` references replaced, and where the last property came from.
    fn resolve(&self, value: &str, file: &Path, line: usize) -> (String, PathBuf, usize) {
        let mut text = value.to_string();
        let mut at = (file.to_path_buf(), line);
        for _ in 0..10 {
            let Some(start) = text.find("${") else {
                break;
            };
            let Some(len) = text[start..].find('}') else {
                break;
            };
            let name = &text[start + 2..start + len];
            let Some((replacement, from, from_line)) = self.properties.get(name) else {
                break;
            };
            at = (from.clone(), *from_line);
            text.replace_range(start..start + len + 1, replacement);
        }
        (text, at.0, at.1)
    }
}

/// `a/b/../c` as `a/c`, without asking the filesystem.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The Spring Boot version, Java level and dependencies of a `pom.xml`.
pub fn pom(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let Some(pom) = Pom::load(path, text) else {
        return out;
    };
    let boot = |element: &Element| {
        matches!(
            element.text_of("artifactId").map(|a| a.0),
            Some("spring-boot-starter-parent" | "spring-boot-dependencies")
        )
    };
    // The Spring Boot parent or BOM, in this POM or a local parent.
    let poms = std::iter::once((path.to_path_buf(), &pom.root))
        .chain(pom.chain.iter().map(|(p, e)| (p.clone(), e)));
    for (file, element) in poms {
        let managed = element
            .path(&["dependencyManagement", "dependencies"])
            .into_iter()
            .flat_map(|d| d.all("dependency"));
        let candidate = element
            .child("parent")
            .into_iter()
            .chain(managed)
            .find(|e| boot(e));
        if let Some(found) = candidate
            && let Some((version, line)) = found.text_of("version")
        {
            let (version, from, line) = pom.resolve(version, &file, line);
            out.declared
                .extend(declared("spring-boot", &version, &from, line));
            break;
        }
    }
    if out.declared.is_empty()
        && let Some((version, from, line)) = pom.properties.get("spring-boot.version")
    {
        out.declared
            .extend(declared("spring-boot", version, from, *line));
    }
    let plugin_level = pom
        .root
        .path(&["build", "plugins"])
        .into_iter()
        .flat_map(|p| p.all("plugin"))
        .find(|p| p.text_of("artifactId").map(|a| a.0) == Some("maven-compiler-plugin"))
        .and_then(|p| p.child("configuration"))
        .and_then(|c| c.text_of("release").or_else(|| c.text_of("source")));
    let property_level = [
        "java.version",
        "maven.compiler.release",
        "maven.compiler.source",
        "maven.compiler.target",
    ]
    .iter()
    .find_map(|name| pom.properties.get(*name));
    let level = match (property_level, plugin_level) {
        (Some((value, from, line)), _) => Some(pom.resolve(value, from, *line)),
        (None, Some((value, line))) => Some(pom.resolve(value, path, line)),
        _ => None,
    };
    if let Some((value, from, line)) = level {
        out.declared.extend(declared("java", &value, &from, line));
    }
    let dependencies = pom
        .root
        .child("dependencies")
        .into_iter()
        .flat_map(|d| d.all("dependency"));
    for dependency in dependencies {
        let (Some((group, _)), Some((artifact, line))) = (
            dependency.text_of("groupId"),
            dependency.text_of("artifactId"),
        ) else {
            continue;
        };
        let (version, spec) = match dependency.text_of("version") {
            Some((version, at)) => {
                let (resolved, _, _) = pom.resolve(version, path, at);
                (Some(resolved), version.to_string())
            }
            None => (None, String::new()),
        };
        let scope = dependency.text_of("scope").map(|s| s.0);
        out.dependencies.push(Dependency {
            ecosystem: Ecosystem::Maven,
            name: format!("{}:{}", pom.resolve(group, path, line).0, artifact),
            locked: version.filter(|v| !v.contains("${") && !v.starts_with(['[', '('])),
            spec,
            dev: scope == Some("test"),
            direct: true,
            path: path.to_path_buf(),
            line,
        });
    }
    out
}

/// A version catalog: libraries and plugins by their accessor (`libs.spring.boot.web` is
/// `spring-boot-web`, `spring_boot_web` or `spring.boot.web`), each `group:artifact` or plugin
/// id with its version and line.
#[derive(Debug, Default)]
struct Catalog {
    libraries: HashMap<String, (String, Option<String>, usize)>,
    plugins: HashMap<String, (String, Option<String>, usize)>,
    path: PathBuf,
}

fn accessor(alias: &str) -> String {
    alias.replace(['-', '_'], ".")
}

impl Catalog {
    /// The catalog of the build `dir` belongs to: `gradle/libs.versions.toml` in it or a folder
    /// above it.
    fn find(dir: &Path) -> Option<Catalog> {
        let path = dir
            .ancestors()
            .take(6)
            .map(|d| d.join("gradle/libs.versions.toml"))
            .find(|p| p.is_file())?;
        let text = std::fs::read_to_string(&path).ok()?;
        Some(Catalog::parse(&path, &text))
    }

    fn parse(path: &Path, text: &str) -> Catalog {
        let mut catalog = Catalog {
            path: path.to_path_buf(),
            ..Catalog::default()
        };
        let Ok(doc) = text.parse::<toml::Table>() else {
            return catalog;
        };
        let versions = doc.get("versions").and_then(|v| v.as_table());
        let version_of = |value: &toml::Value| -> Option<String> {
            let version = value.get("version");
            let reference = value
                .get("version.ref")
                .or_else(|| version.and_then(|v| v.get("ref")))
                .and_then(|r| r.as_str());
            let text = match reference {
                Some(name) => versions?.get(name)?.clone(),
                None => version?.clone(),
            };
            text.as_str().map(str::to_string).or_else(|| {
                ["strictly", "require", "prefer"]
                    .iter()
                    .find_map(|k| Some(text.get(k)?.as_str()?.to_string()))
            })
        };
        // A version by reference is declared where `[versions]` names it.
        let line = |alias: &str, value: &toml::Value| {
            let reference = value
                .get("version")
                .and_then(|v| v.get("ref"))
                .and_then(|r| r.as_str());
            super::manifests::line_of(text, &format!("{} =", reference.unwrap_or(alias)))
        };
        let table = |name: &str| {
            doc.get(name)
                .and_then(|t| t.as_table())
                .cloned()
                .unwrap_or_default()
        };
        for (alias, value) in table("libraries") {
            let entry = match value.as_str() {
                Some(coordinates) => {
                    let mut parts = coordinates.splitn(3, ':');
                    let (g, a, v) = (parts.next(), parts.next(), parts.next());
                    (
                        g.zip(a).map(|(g, a)| format!("{g}:{a}")),
                        v.map(str::to_string),
                    )
                }
                None => {
                    let module = value
                        .get("module")
                        .and_then(|m| m.as_str())
                        .map(str::to_string)
                        .or_else(|| {
                            Some(format!(
                                "{}:{}",
                                value.get("group")?.as_str()?,
                                value.get("name")?.as_str()?
                            ))
                        });
                    (module, version_of(&value))
                }
            };
            if let (Some(module), version) = entry {
                catalog
                    .libraries
                    .insert(accessor(&alias), (module, version, line(&alias, &value)));
            }
        }
        for (alias, value) in table("plugins") {
            let entry = match value.as_str() {
                Some(text) => text
                    .split_once(':')
                    .map(|(id, v)| (id.to_string(), Some(v.to_string()))),
                None => value
                    .get("id")
                    .and_then(|i| i.as_str())
                    .map(|id| (id.to_string(), version_of(&value))),
            };
            if let Some((id, version)) = entry {
                catalog
                    .plugins
                    .insert(accessor(&alias), (id, version, line(&alias, &value)));
            }
        }
        catalog
    }
}

/// The dependency configurations of Gradle's Java and Kotlin plugins (and the old ones);
/// `classpath` (the build's own plugins) is not one.
const CONFIGURATIONS: &[&str] = &[
    "implementation",
    "api",
    "compile",
    "compileOnly",
    "runtimeOnly",
    "runtime",
    "testImplementation",
    "testCompile",
    "testRuntimeOnly",
    "annotationProcessor",
    "kapt",
    "optional",
    "provided",
];

/// Properties a build script can use: `gradle.properties` of its folder and the folders above
/// it, then its own `ext` / `def` / `val` assignments.
fn gradle_properties_for(dir: &Path, text: &str) -> HashMap<String, String> {
    let mut properties = HashMap::new();
    for folder in dir
        .ancestors()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        if let Ok(file) = std::fs::read_to_string(folder.join("gradle.properties")) {
            for line in file.lines() {
                if let Some((key, value)) = line.split_once(['=', ':']) {
                    properties.insert(key.trim().to_string(), value.trim().to_string());
                }
            }
        }
    }
    for line in text.lines() {
        let line = line.trim();
        let line = ["ext.", "def ", "val ", "var ", "set("]
            .iter()
            .find_map(|p| line.strip_prefix(p))
            .unwrap_or(line);
        if let Some((key, value)) = line.split_once(['=', ','])
            && let Some(value) = quoted(value)
        {
            let key = key.trim().trim_matches(['"', '\'']);
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                properties.insert(key.to_string(), value.to_string());
            }
        }
    }
    properties
}

/// The first quoted string in `text`.
fn quoted(text: &str) -> Option<&str> {
    let start = text.find(['"', '\''])?;
    let quote = text[start..].chars().next()?;
    let end = text[start + 1..].find(quote)? + start + 1;
    Some(&text[start + 1..end])
}

/// `$name` and `${name}` replaced from `properties`.
fn interpolate(text: &str, properties: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = match after.strip_prefix('{') {
            Some(inner) => match inner.find('}') {
                Some(end) => (&inner[..end], end + 2),
                None => break,
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .unwrap_or(after.len());
                (&after[..end], end)
            }
        };
        let name = name
            .trim_start_matches("project.")
            .trim_start_matches("rootProject.");
        match properties.get(name) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[at..at + 1 + len]),
        }
        rest = &rest[at + 1 + len..];
    }
    out.push_str(rest);
    out
}

/// `id 'org.springframework.boot' version '2.7.5'` (Groovy or Kotlin), the plugin from the
/// catalog (`alias(libs.plugins.spring.boot)`), `springBootVersion`, the Java level
/// (`sourceCompatibility`, `JavaVersion.VERSION_17`, `JavaLanguageVersion.of(17)`), and the
/// dependencies: `implementation 'g:a:v'`, `implementation("g:a:v")`, `group: 'g', name: 'a',
/// version: 'v'` and `implementation(libs.some.library)`.
pub fn gradle(path: &Path, text: &str) -> Manifest {
    let mut out = Manifest::default();
    let dir = path.parent().unwrap_or(Path::new("."));
    let properties = gradle_properties_for(dir, text);
    let catalog = Catalog::find(dir);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let at = i + 1;
        if line.starts_with("//") {
            continue;
        }
        if line.contains("org.springframework.boot")
            && let Some(pos) = line.find(" version ")
        {
            let version = interpolate(
                line[pos + 9..].trim().trim_matches(['"', '\'', ')']),
                &properties,
            );
            out.declared
                .extend(declared("spring-boot", &version, path, at));
        }
        if let Some(rest) = line.split_once("libs.plugins.").map(|(_, r)| r)
            && let Some(catalog) = &catalog
        {
            let alias: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '.' || *c == '_' || *c == '-')
                .collect();
            if let Some((id, Some(version), catalog_line)) = catalog.plugins.get(&accessor(&alias))
                && id == "org.springframework.boot"
            {
                out.declared.extend(declared(
                    "spring-boot",
                    version,
                    &catalog.path,
                    *catalog_line,
                ));
            }
        }
        if let Some(rest) = line.strip_prefix("springBootVersion") {
            let value = rest.trim_start_matches([' ', '=']);
            out.declared.extend(declared(
                "spring-boot",
                &interpolate(value, &properties),
                path,
                at,
            ));
        }
        if line.contains("spring-boot-gradle-plugin:")
            && let Some(coordinates) = quoted(line)
            && let Some(version) = coordinates.rsplit(':').next()
        {
            out.declared.extend(declared(
                "spring-boot",
                &interpolate(version, &properties),
                path,
                at,
            ));
        }
        if line.starts_with("sourceCompatibility") || line.contains("JavaLanguageVersion.of(") {
            let value = match (
                line.split_once("JavaLanguageVersion.of("),
                line.split_once("VERSION_"),
            ) {
                (Some((_, rest)), _) => rest.split(')').next().unwrap_or("").to_string(),
                (None, Some((_, rest))) => rest
                    .split(|c: char| !(c.is_ascii_digit() || c == '_'))
                    .next()
                    .unwrap_or("")
                    .replace('_', "."),
                (None, None) => line.rsplit('=').next().unwrap_or("").trim().to_string(),
            };
            out.declared.extend(declared(
                "java",
                &interpolate(&value, &properties),
                path,
                at,
            ));
        }
        if let Some(dependency) = gradle_dependency(line, &properties, catalog.as_ref(), path, at) {
            out.dependencies.push(dependency);
        }
    }
    let mut seen = Vec::new();
    out.declared.retain(|d| {
        let new = !seen.contains(&d.framework);
        seen.push(d.framework);
        new
    });
    out
}

fn gradle_dependency(
    line: &str,
    properties: &HashMap<String, String>,
    catalog: Option<&Catalog>,
    path: &Path,
    at: usize,
) -> Option<Dependency> {
    let configuration = CONFIGURATIONS.iter().find(|c| {
        line.strip_prefix(**c)
            .is_some_and(|rest| rest.starts_with([' ', '(', '\t']))
    })?;
    let rest = line[configuration.len()..].trim_start_matches([' ', '(', '\t']);
    let rest = ["platform(", "enforcedPlatform("]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    let dev = configuration.starts_with("test");
    let dependency =
        |name: String, version: Option<String>, spec: String, path: &Path, line: usize| {
            Dependency {
                ecosystem: Ecosystem::Maven,
                name,
                locked: version
                    .filter(|v| !v.contains('$') && !v.contains('+') && !v.starts_with(['[', '('])),
                spec,
                dev,
                direct: true,
                path: path.to_path_buf(),
                line,
            }
        };
    if let Some(alias) = rest.strip_prefix("libs.") {
        let alias: String = alias
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '.' || *c == '_' || *c == '-')
            .collect();
        let catalog = catalog?;
        let (module, version, line) = catalog.libraries.get(&accessor(&alias))?;
        return Some(dependency(
            module.clone(),
            version.clone(),
            version.clone().unwrap_or_default(),
            &catalog.path,
            *line,
        ));
    }
    if rest.starts_with("group") {
        let field = |key: &str| -> Option<String> {
            let start = rest
                .find(&format!("{key}:"))
                .or_else(|| rest.find(&format!("{key} =")))?;
            quoted(&rest[start..]).map(|v| interpolate(v, properties))
        };
        let version = field("version");
        return Some(dependency(
            format!("{}:{}", field("group")?, field("name")?),
            version.clone(),
            version.unwrap_or_default(),
            path,
            at,
        ));
    }
    let coordinates = interpolate(quoted(rest)?, properties);
    let mut parts = coordinates.split(':');
    let (group, artifact) = (parts.next()?, parts.next()?);
    if group.is_empty() || artifact.is_empty() {
        return None;
    }
    let version = parts
        .next()
        .map(|v| v.split('@').next().unwrap_or(v).to_string());
    Some(dependency(
        format!("{group}:{artifact}"),
        version.clone(),
        version.unwrap_or_default(),
        path,
        at,
    ))
}

/// `springBootVersion=2.7.5` in `gradle.properties`.
pub fn gradle_properties(path: &Path, text: &str) -> Manifest {
    let declared = text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.trim().strip_prefix("springBootVersion")?;
        declared(
            "spring-boot",
            rest.trim_start_matches([' ', '=', ':']),
            path,
            i + 1,
        )
    });
    Manifest {
        declared: declared.into_iter().collect(),
        dependencies: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framework(found: &Manifest, name: &str) -> Option<(String, usize)> {
        found
            .declared
            .iter()
            .find(|d| d.framework == name)
            .map(|d| (d.version.as_ref().unwrap().to_string(), d.line))
    }

    #[test]
    fn a_pom_inherits_properties_and_spring_boot_from_its_local_parent() {
        let dir = tempfile::tempdir().unwrap();
        let parent = "<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>${boot.version}</version>\n  </parent>\n  <artifactId>acme-parent</artifactId>\n  <properties>\n    <boot.version>2.7.18</boot.version>\n    <java.version>1.8</java.version>\n    <guava.version>31.1-jre</guava.version>\n  </properties>\n</project>\n";
        std::fs::write(dir.path().join("pom.xml"), parent).unwrap();
        let module = dir.path().join("billing");
        std::fs::create_dir(&module).unwrap();
        let child = "<project>\n  <parent>\n    <artifactId>acme-parent</artifactId>\n  </parent>\n  <properties>\n    <java.version>11</java.version>\n  </properties>\n  <dependencies>\n    <dependency>\n      <groupId>com.google.guava</groupId>\n      <artifactId>guava</artifactId>\n      <version>${guava.version}</version>\n    </dependency>\n    <dependency>\n      <groupId>org.springframework.boot</groupId>\n      <artifactId>spring-boot-starter-web</artifactId>\n    </dependency>\n    <dependency>\n      <groupId>junit</groupId>\n      <artifactId>junit</artifactId>\n      <version>4.13.2</version>\n      <scope>test</scope>\n    </dependency>\n  </dependencies>\n</project>\n";
        let path = module.join("pom.xml");
        std::fs::write(&path, child).unwrap();
        let found = pom(&path, child);
        assert_eq!(framework(&found, "spring-boot"), Some(("2.7.18".into(), 9)));
        assert_eq!(found.declared[0].path, dir.path().join("pom.xml"));
        assert_eq!(framework(&found, "java"), Some(("11".into(), 6)));
        let deps: Vec<(&str, Option<&str>, bool)> = found
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.locked.as_deref(), d.dev))
            .collect();
        assert_eq!(
            deps,
            [
                ("com.google.guava:guava", Some("31.1-jre"), false),
                (
                    "org.springframework.boot:spring-boot-starter-web",
                    None,
                    false
                ),
                ("junit:junit", Some("4.13.2"), true),
            ]
        );
    }

    #[test]
    fn a_multi_line_pom_and_the_compiler_plugin_level() {
        let text = "<project>\n<dependencyManagement><dependencies><dependency>\n<groupId>org.springframework.boot</groupId>\n<artifactId>spring-boot-dependencies</artifactId>\n<version>\n  3.1.2\n</version>\n<type>pom</type></dependency></dependencies></dependencyManagement>\n<build><plugins><plugin><artifactId>maven-compiler-plugin</artifactId><configuration><release>17</release></configuration></plugin></plugins></build>\n</project>\n";
        let found = pom(Path::new("pom.xml"), text);
        assert_eq!(framework(&found, "spring-boot"), Some(("3.1.2".into(), 5)));
        assert_eq!(framework(&found, "java").unwrap().0, "17");
    }

    #[test]
    fn gradle_scripts_read_properties_and_the_version_catalog() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("gradle")).unwrap();
        std::fs::write(
            dir.path().join("gradle/libs.versions.toml"),
            "[versions]\nboot = \"3.2.1\"\njackson = { strictly = \"2.15.0\" }\n\n[libraries]\njackson-databind = { module = \"com.fasterxml.jackson.core:jackson-databind\", version.ref = \"jackson\" }\nguava = \"com.google.guava:guava:32.0.0-jre\"\n\n[plugins]\nspring-boot = { id = \"org.springframework.boot\", version.ref = \"boot\" }\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("gradle.properties"),
            "lombokVersion=1.18.30\n",
        )
        .unwrap();
        let text = "plugins {\n    alias(libs.plugins.spring.boot)\n}\next.aspectjVersion = \"1.9.7\"\ndependencies {\n    implementation(libs.jackson.databind)\n    implementation libs.guava\n    compileOnly \"org.projectlombok:lombok:${lombokVersion}\"\n    compile(\"org.aspectj:aspectjweaver:$aspectjVersion\")\n    testImplementation group: 'junit', name: 'junit', version: '4.13'\n    implementation(platform(\"org.springframework.cloud:spring-cloud-dependencies:2023.0.0\"))\n}\njava { toolchain { languageVersion = JavaLanguageVersion.of(17) } }\n";
        let path = dir.path().join("build.gradle.kts");
        let found = gradle(&path, text);
        assert_eq!(framework(&found, "spring-boot"), Some(("3.2.1".into(), 2)));
        assert_eq!(framework(&found, "java").unwrap().0, "17");
        let deps: Vec<(&str, Option<&str>, bool)> = found
            .dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.locked.as_deref(), d.dev))
            .collect();
        assert_eq!(
            deps,
            [
                (
                    "com.fasterxml.jackson.core:jackson-databind",
                    Some("2.15.0"),
                    false
                ),
                ("com.google.guava:guava", Some("32.0.0-jre"), false),
                ("org.projectlombok:lombok", Some("1.18.30"), false),
                ("org.aspectj:aspectjweaver", Some("1.9.7"), false),
                ("junit:junit", Some("4.13"), true),
                (
                    "org.springframework.cloud:spring-cloud-dependencies",
                    Some("2023.0.0"),
                    false
                ),
            ]
        );
    }

    #[test]
    fn plain_gradle_plugin_and_java_levels() {
        let groovy = "plugins {\n    id 'org.springframework.boot' version '2.5.4'\n}\nsourceCompatibility = '11'\n";
        let found = gradle(Path::new("/nonexistent/build.gradle"), groovy);
        assert_eq!(framework(&found, "spring-boot"), Some(("2.5.4".into(), 2)));
        assert_eq!(framework(&found, "java").unwrap().0, "11");
        let kotlin = "plugins {\n    id(\"org.springframework.boot\") version \"3.1.0\"\n}\njava.sourceCompatibility = JavaVersion.VERSION_1_8\n";
        let found = gradle(Path::new("/nonexistent/build.gradle.kts"), kotlin);
        assert_eq!(framework(&found, "spring-boot").unwrap().0, "3.1.0");
        assert_eq!(
            gradle_properties(Path::new("gradle.properties"), "springBootVersion=2.3.1\n").declared
                [0]
            .version
            .as_ref()
            .unwrap()
            .to_string(),
            "2.3.1"
        );
    }
}
