//! What the package registries say about one package: its releases, and whether a release
//! supports a framework target, from its own metadata.
//!
//! - PyPI (JSON API): `requires_dist` on Django, the `Framework :: Django :: X.Y` classifiers,
//!   `requires_python` against the Python the target needs.
//! - RubyGems (API v1 and v2): runtime dependencies on Rails' gems, `required_ruby_version`.
//! - Maven repositories (`maven-metadata.xml`, the release's POM): its Spring Boot parent or
//!   dependencies, its Spring Framework version (Boot 3 is Framework 6), and `javax` or
//!   `jakarta` APIs.

use super::fetch::{FetchError, Fetcher};
use super::requirement::{allows, is_prerelease, release};
use crate::detect::manifests::Ecosystem;
use crate::detect::python::split_requirement;
use crate::detect::ruby::RAILS_GEMS;
use crate::rules::{Target, Version};

/// Where the registries are; each can be pointed elsewhere (a mirror, a test server) with
/// `UPSHIFT_PYPI_URL`, `UPSHIFT_RUBYGEMS_URL` and `UPSHIFT_MAVEN_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registries {
    pub pypi: String,
    pub rubygems: String,
    pub maven: String,
}

impl Default for Registries {
    fn default() -> Registries {
        Registries {
            pypi: "https://pypi.org".into(),
            rubygems: "https://rubygems.org".into(),
            maven: "https://repo1.maven.org/maven2".into(),
        }
    }
}

impl Registries {
    /// The defaults, with the environment's overrides.
    pub fn from_env() -> Registries {
        let var = |name: &str, default: String| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .map_or(default, |v| v.trim_end_matches('/').to_string())
        };
        let defaults = Registries::default();
        Registries {
            pypi: var("UPSHIFT_PYPI_URL", defaults.pypi),
            rubygems: var("UPSHIFT_RUBYGEMS_URL", defaults.rubygems),
            maven: var("UPSHIFT_MAVEN_URL", defaults.maven),
        }
    }

    pub fn base(&self, ecosystem: Ecosystem) -> &str {
        match ecosystem {
            Ecosystem::Pypi => &self.pypi,
            Ecosystem::Rubygems => &self.rubygems,
            Ecosystem::Maven => &self.maven,
        }
    }
}

/// What a release's metadata says about a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Support {
    /// It supports the target.
    Yes,
    /// It does not (`why` says what excludes it).
    No { why: String },
    /// It does not depend on the framework, and allows the language version the target needs.
    Independent,
}

/// Another framework's component of the same target (`activerecord` of Rails, `django`): left
/// out of the dependency check, as it moves with the framework.
pub fn is_framework_itself(ecosystem: Ecosystem, name: &str) -> bool {
    match ecosystem {
        Ecosystem::Pypi => name == "django",
        Ecosystem::Rubygems => RAILS_GEMS.contains(&name),
        Ecosystem::Maven => name.starts_with("org.springframework.boot:"),
    }
}

fn json(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text).ok()
}

/// The releases of `name`, oldest first, without pre-releases; `None` when the registry does not
/// know the package.
pub fn releases(
    fetcher: &Fetcher,
    registries: &Registries,
    ecosystem: Ecosystem,
    name: &str,
) -> Result<Option<Vec<String>>, FetchError> {
    let base = registries.base(ecosystem);
    let mut out: Vec<String> = match ecosystem {
        Ecosystem::Pypi => {
            let Some(doc) = fetcher.get(&format!("{base}/pypi/{name}/json"))? else {
                return Ok(None);
            };
            let doc = json(&doc).unwrap_or_default();
            doc.get("releases")
                .and_then(|r| r.as_object())
                .into_iter()
                .flatten()
                .filter(|(_, files)| {
                    // A release whose every file is yanked is not offered.
                    files.as_array().is_none_or(|f| {
                        f.is_empty()
                            || f.iter()
                                .any(|file| file.get("yanked") != Some(&true.into()))
                    })
                })
                .map(|(version, _)| version.clone())
                .collect()
        }
        Ecosystem::Rubygems => {
            let Some(doc) = fetcher.get(&format!("{base}/api/v1/versions/{name}.json"))? else {
                return Ok(None);
            };
            let doc = json(&doc).unwrap_or_default();
            doc.as_array()
                .into_iter()
                .flatten()
                .filter(|v| v.get("prerelease") != Some(&true.into()))
                .filter(|v| v.get("platform").is_none_or(|p| p == "ruby"))
                .filter_map(|v| Some(v.get("number")?.as_str()?.to_string()))
                .collect()
        }
        Ecosystem::Maven => {
            let Some((group, artifact)) = name.split_once(':') else {
                return Ok(None);
            };
            let url = format!(
                "{base}/{}/{artifact}/maven-metadata.xml",
                group.replace('.', "/")
            );
            let Some(doc) = fetcher.get(&url)? else {
                return Ok(None);
            };
            doc.split("<version>")
                .skip(1)
                .filter_map(|rest| Some(rest.split_once("</version>")?.0.trim().to_string()))
                .collect()
        }
    };
    out.retain(|v| !is_prerelease(v) && release(v).is_some());
    out.sort_by(|a, b| release(a).cmp(&release(b)).then(a.cmp(b)));
    out.dedup();
    Ok(Some(out))
}

/// Whether `name` at `version` supports `target`, which needs `runtime` (the language version,
/// when known); `None` when the registry has no metadata for that release.
pub fn support(
    fetcher: &Fetcher,
    registries: &Registries,
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
    target: &Target,
    runtime: Option<&Version>,
) -> Result<Option<Support>, FetchError> {
    let base = registries.base(ecosystem);
    match ecosystem {
        Ecosystem::Pypi => {
            // The package's own document describes its newest release: no second request.
            let project = fetcher
                .get(&format!("{base}/pypi/{name}/json"))?
                .and_then(|d| json(&d))
                .filter(|d| d.pointer("/info/version").and_then(|v| v.as_str()) == Some(version));
            let doc = match project {
                Some(doc) => Some(doc),
                None => fetcher
                    .get(&format!("{base}/pypi/{name}/{version}/json"))?
                    .and_then(|d| json(&d)),
            };
            Ok(doc.map(|doc| pypi_support(&doc, target, runtime)))
        }
        Ecosystem::Rubygems => {
            let url = format!("{base}/api/v2/rubygems/{name}/versions/{version}.json");
            let doc = fetcher.get(&url)?.and_then(|d| json(&d));
            Ok(doc.map(|doc| rubygems_support(&doc, target, runtime)))
        }
        Ecosystem::Maven => {
            let Some((group, artifact)) = name.split_once(':') else {
                return Ok(None);
            };
            let url = format!(
                "{base}/{}/{artifact}/{version}/{artifact}-{version}.pom",
                group.replace('.', "/")
            );
            Ok(fetcher.get(&url)?.map(|doc| maven_support(&doc, target)))
        }
    }
}

/// Whether a language requirement rules out `minimum` and everything newer: `<3.8` does for
/// 3.10; `>=3.11` does not (the project can move to 3.11).
fn excludes_from(ecosystem: Ecosystem, spec: &str, minimum: &Version) -> bool {
    let bounded_above = spec.contains('<') || spec.contains('~') || spec.contains("==");
    bounded_above && allows(ecosystem, spec, minimum) == Some(false)
}

/// `major.minor` of a target, as classifiers write it.
fn feature(version: &Version) -> String {
    let parts = version.parts();
    format!("{}.{}", parts[0], parts.get(1).copied().unwrap_or(0))
}

fn pypi_support(doc: &serde_json::Value, target: &Target, runtime: Option<&Version>) -> Support {
    let info = doc.get("info").cloned().unwrap_or_default();
    let strings = |key: &str| -> Vec<String> {
        info.get(key)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    if let (Some(python), Some(spec)) = (
        runtime,
        info.get("requires_python").and_then(|v| v.as_str()),
    ) && excludes_from(Ecosystem::Pypi, spec, python)
    {
        return Support::No {
            why: format!("requires Python {spec}"),
        };
    }
    let framework_name = target.framework.as_str();
    let requirement = strings("requires_dist")
        .into_iter()
        .filter(|r| !r.contains("extra"))
        .filter_map(|r| split_requirement(&r))
        .find(|(name, _)| name == framework_name);
    let prefix = "Framework :: Django :: ";
    let classified: Vec<String> = strings("classifiers")
        .into_iter()
        .filter_map(|c| c.strip_prefix(prefix).map(|v| v.trim().to_string()))
        .filter(|v| v.contains('.'))
        .collect();
    let django_related = requirement.is_some()
        || strings("classifiers")
            .iter()
            .any(|c| c.starts_with("Framework :: Django"));
    if target.framework != "django" || !django_related {
        return Support::Independent;
    }
    if let Some((_, spec)) = &requirement {
        match allows(Ecosystem::Pypi, spec, &target.version) {
            Some(false) => {
                return Support::No {
                    why: format!("requires Django {spec}"),
                };
            }
            // An upper bound that allows the target is a claim of support.
            Some(true) if spec.contains('<') || spec.contains("~=") || spec.contains("==") => {
                return Support::Yes;
            }
            _ => {}
        }
    }
    // A Django package that names no Django version does not claim the target.
    if classified.is_empty() {
        return Support::No {
            why: "names no Django version it supports".into(),
        };
    }
    if classified.contains(&feature(&target.version)) {
        Support::Yes
    } else {
        Support::No {
            why: format!("classifiers name Django {} only", classified.join(", ")),
        }
    }
}

fn rubygems_support(
    doc: &serde_json::Value,
    target: &Target,
    runtime: Option<&Version>,
) -> Support {
    if let (Some(ruby), Some(spec)) = (runtime, doc.get("ruby_version").and_then(|v| v.as_str()))
        && excludes_from(Ecosystem::Rubygems, spec, ruby)
    {
        return Support::No {
            why: format!("requires Ruby {spec}"),
        };
    }
    let runtime_dependencies = doc
        .get("dependencies")
        .and_then(|d| d.get("runtime"))
        .and_then(|r| r.as_array())
        .cloned()
        .unwrap_or_default();
    let mut depends = false;
    for dependency in &runtime_dependencies {
        let name = dependency
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("");
        if target.framework != "rails" || !RAILS_GEMS.contains(&name) {
            continue;
        }
        depends = true;
        let spec = dependency
            .get("requirements")
            .and_then(|r| r.as_str())
            .unwrap_or("");
        if allows(Ecosystem::Rubygems, spec, &target.version) == Some(false) {
            return Support::No {
                why: format!("requires {name} {spec}"),
            };
        }
    }
    if depends {
        Support::Yes
    } else {
        Support::Independent
    }
}

fn maven_support(pom: &str, target: &Target) -> Support {
    let Some(root) = crate::detect::java::parse_xml(pom) else {
        return Support::Independent;
    };
    if target.framework != "spring-boot" {
        return Support::Independent;
    }
    let boot_major = target.version.parts()[0];
    let properties: Vec<(String, String)> = root
        .child("properties")
        .into_iter()
        .flat_map(|p| &p.children)
        .map(|p| (p.name.clone(), p.text.trim().to_string()))
        .collect();
    let resolve = |value: &str| -> String {
        match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
            Some(name) => properties
                .iter()
                .find(|(k, _)| k == name)
                .map_or(value.to_string(), |(_, v)| v.clone()),
            None => value.to_string(),
        }
    };
    let major = |value: &str| release(&resolve(value)).map(|v| v.parts()[0]);
    let mut verdict = Support::Independent;
    let parent = root.child("parent");
    let dependencies = root
        .path(&["dependencies"])
        .into_iter()
        .chain(root.path(&["dependencyManagement", "dependencies"]))
        .flat_map(|d| d.all("dependency"));
    for element in parent.into_iter().chain(dependencies) {
        let group = element.text_of("groupId").map_or("", |g| g.0);
        let optional = element.text_of("optional").is_some_and(|o| o.0 == "true")
            || element
                .text_of("scope")
                .is_some_and(|s| matches!(s.0, "test" | "provided"));
        let version = element.text_of("version").map(|v| v.0);
        let (expected, found) = match (group, version) {
            ("org.springframework.boot", Some(v)) => (boot_major, major(v)),
            // Spring Boot 2 is Spring Framework 5, Boot 3 is Framework 6.
            ("org.springframework", Some(v)) => (boot_major + 3, major(v)),
            _ => {
                let jakarta = group.starts_with("jakarta.");
                let javax = [
                    "javax.servlet",
                    "javax.persistence",
                    "javax.validation",
                    "javax.annotation",
                ]
                .contains(&group);
                if !optional && javax && boot_major >= 3 {
                    return Support::No {
                        why: format!("uses {group} (Spring Boot 3 is on Jakarta EE)"),
                    };
                }
                if !optional && jakarta && boot_major < 3 {
                    return Support::No {
                        why: format!("uses {group} (Spring Boot 2 is on Java EE)"),
                    };
                }
                if jakarta && boot_major >= 3 {
                    verdict = Support::Yes;
                }
                continue;
            }
        };
        match found {
            Some(found) if found == expected => verdict = Support::Yes,
            Some(_) => {
                return Support::No {
                    why: format!("built on {group} {}", resolve(version.unwrap_or_default())),
                };
            }
            None => {}
        }
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(text: &str) -> Target {
        text.parse().unwrap()
    }

    #[test]
    fn pypi_metadata_decides_django_support() {
        let doc = |requires: &str, classifiers: &str, python: &str| {
            json(&format!(
                r#"{{"info": {{"requires_dist": {requires}, "classifiers": {classifiers}, "requires_python": {python}}}}}"#
            ))
            .unwrap()
        };
        let t = target("django@5.0");
        let py = "3.10".parse().unwrap();
        let s = |d| pypi_support(&d, &t, Some(&py));
        assert_eq!(
            s(doc(
                r#"["Django>=3.2"]"#,
                r#"["Framework :: Django :: 5.0"]"#,
                "null"
            )),
            Support::Yes
        );
        assert!(matches!(
            s(doc(r#"["Django<5.0,>=3.2"]"#, "[]", "null")),
            Support::No { .. }
        ));
        assert!(matches!(
            s(doc(r#"["Django>=1.11"]"#, r#"["Framework :: Django :: 2.0", "Framework :: Django :: 2.1"]"#, "null")),
            Support::No { why } if why.contains("2.0, 2.1")
        ));
        assert_eq!(
            s(doc(
                r#"["Django>=4.2,<5.1"]"#,
                r#"["Framework :: Django :: 4.2"]"#,
                "null"
            )),
            Support::Yes
        );
        assert!(matches!(
            s(doc("null", r#"["Framework :: Django"]"#, "null")),
            Support::No { why } if why.contains("names no Django version")
        ));
        assert_eq!(
            s(doc(
                r#"["pytz", "sphinx; extra == 'docs'"]"#,
                "[]",
                r#"">=3.6""#
            )),
            Support::Independent
        );
        assert!(
            matches!(s(doc("null", "[]", r#""<3.8""#)), Support::No { why } if why.contains("Python"))
        );
    }

    #[test]
    fn rubygems_metadata_decides_rails_support() {
        let t = target("rails@7.2");
        let ruby = "3.1.0".parse().unwrap();
        let doc = |deps: &str, ruby: &str| {
            json(&format!(
                r#"{{"ruby_version": {ruby}, "dependencies": {{"runtime": {deps}}}}}"#
            ))
            .unwrap()
        };
        let s = |d| rubygems_support(&d, &t, Some(&ruby));
        assert_eq!(
            s(doc(
                r#"[{"name": "railties", "requirements": ">= 6.1"}]"#,
                "null"
            )),
            Support::Yes
        );
        assert!(matches!(
            s(doc(r#"[{"name": "activerecord", "requirements": ">= 5.2, < 7.1"}]"#, "null")),
            Support::No { why } if why == "requires activerecord >= 5.2, < 7.1"
        ));
        assert_eq!(
            s(doc(
                r#"[{"name": "rack", "requirements": ">= 2"}]"#,
                r#"">= 2.5""#
            )),
            Support::Independent
        );
        assert!(matches!(s(doc("[]", r#""< 3.0""#)), Support::No { .. }));
    }

    #[test]
    fn a_pom_decides_spring_boot_support() {
        let t = target("spring-boot@3.2");
        let pom = |deps: &str| {
            format!(
                "<project><properties><spring.version>6.1.2</spring.version></properties><dependencies>{deps}</dependencies></project>"
            )
        };
        assert_eq!(
            maven_support(
                &pom(
                    "<dependency><groupId>org.springframework</groupId><artifactId>spring-web</artifactId><version>${spring.version}</version></dependency>"
                ),
                &t
            ),
            Support::Yes
        );
        assert!(matches!(
            maven_support(
                &pom(
                    "<dependency><groupId>javax.servlet</groupId><artifactId>javax.servlet-api</artifactId><version>4.0.1</version></dependency>"
                ),
                &t
            ),
            Support::No { .. }
        ));
        assert!(matches!(
            maven_support(&pom("<dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-autoconfigure</artifactId><version>2.7.18</version></dependency>"), &t),
            Support::No { why } if why.contains("2.7.18")
        ));
        assert_eq!(
            maven_support(
                &pom(
                    "<dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>32.0</version></dependency>"
                ),
                &t
            ),
            Support::Independent
        );
    }
}
