//! `upshift detect` on trees shaped like released packages and apps: the manifests of four
//! Django apps as their source distributions carry them (Django only in `setup.py`, or only in
//! classifiers, or in a tox configuration), a Rails app whose Ruby requirement has two parts
//! and whose lock file is missing, and a Gradle build with `ext` versions and a version
//! catalog. The manifests are written here; only their shapes follow the originals.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// The document of `upshift detect --format json` in `root`.
fn detect_json(root: &Path) -> Value {
    let output = Command::cargo_bin("upshift")
        .unwrap()
        .current_dir(root)
        .args(["detect", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["version"], 2);
    doc
}

/// `upshift detect --format json` in `root`: per project, `framework version (kind) source`.
fn detect(root: &Path) -> Vec<(String, Vec<String>)> {
    let doc = detect_json(root);
    doc["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let versions = p["versions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    format!(
                        "{} {} ({}) {}",
                        v["framework"].as_str().unwrap(),
                        v["version"].as_str().unwrap_or("?"),
                        v["spec"].as_str().unwrap(),
                        v["source"].as_str().unwrap()
                    )
                })
                .collect();
            (p["root"].as_str().unwrap().to_string(), versions)
        })
        .collect()
}

const SETUP_WITH_INSTALL_REQUIRES: &str = r#"from setuptools import find_packages, setup

import mytags

with open("README.rst") as f:
    readme = f.read()

setup(
    name="mytags",
    version=".".join(str(i) for i in mytags.VERSION),
    long_description=readme,
    packages=find_packages(exclude=("tests*",)),
    python_requires=">=2.7, !=3.0.*, !=3.1.*",
    install_requires=["Django>=1.11"],
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 1.11",
        "Framework :: Django :: 2.2",
        "Programming Language :: Python :: 2.7",
    ],
)
"#;

const SETUP_WITH_CLASSIFIERS_ONLY: &str = r#"from setuptools import setup

import mymixins

setup(
    name="mymixins",
    version=mymixins.__version__,
    packages=["mymixins"],
    classifiers=[
        "Programming Language :: Python :: 2.6",
        "Programming Language :: Python :: 3.6",
        "Framework :: Django",
        "Framework :: Django :: 1.5",
        "Framework :: Django :: 1.10",
        "Framework :: Django :: 2.0"
    ],
)
"#;

const SETUP_WITH_BARE_CLASSIFIER: &str = r#"import os
import sys
from setuptools import setup, find_packages

if sys.argv[-1] == 'publish':
    os.system("twine upload dist/*")
    sys.exit()

setup(
    name='myforms',
    long_description=open('README.rst').read(),
    classifiers=[
        "Framework :: Django",
        "Programming Language :: Python :: 2.7",
        "Programming Language :: Python :: 3.6",
    ],
    packages=find_packages(exclude=['docs']),
)
"#;

const SETUP_WITH_A_BOUND_LIST: &str = r#"import sys
from setuptools import setup, find_packages

version = '2.1.0'
REQUIREMENTS = [
    'Django>=1.11',
]

setup(
    name='myfilters',
    version=version,
    classifiers=[
        'Framework :: Django :: 1.11',
#        'Framework :: Django :: 2.2',
        'Programming Language :: Python :: 3.4',
    ],
    python_requires='>=3.4',
    install_requires=REQUIREMENTS,
)
"#;

#[test]
fn django_apps_that_declare_django_only_in_setup_py_are_projects() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        &[
            ("mytags/setup.py", SETUP_WITH_INSTALL_REQUIRES),
            (
                "mytags/setup.cfg",
                "[metadata]\nlicense-file = LICENSE\n\n[flake8]\nignore = E501\n",
            ),
            (
                "mytags/tox.ini",
                "[tox]\nenvlist =\n    py{27,35}-django111\n    py{36,37}-django22\n[testenv]\ndeps =\n    django111: Django~=1.11.0\n    django22: Django>=2.2a1,<3.0\n",
            ),
            ("mymixins/setup.py", SETUP_WITH_CLASSIFIERS_ONLY),
            (
                "mymixins/setup.cfg",
                "[bumpversion]\ncurrent_version = 1.13.0\n",
            ),
            ("myforms/setup.py", SETUP_WITH_BARE_CLASSIFIER),
            ("myfilters/setup.py", SETUP_WITH_A_BOUND_LIST),
            (
                "myfilters/requirements/test.txt",
                "coverage\nmock\n-r test-ci.txt\n",
            ),
            (
                "myfilters/requirements/test-ci.txt",
                "django\ndjangorestframework\n",
            ),
        ],
    );
    let projects = detect(root.path());
    assert_eq!(
        projects,
        [
            (
                "myfilters".to_string(),
                vec![
                    "django 1.11 (>=1.11) myfilters/setup.py:6".to_string(),
                    "python 3.4 (>=3.4) myfilters/setup.py:17".into(),
                ]
            ),
            (
                "myforms".into(),
                vec![
                    "django ? (classifier) myforms/setup.py:13".into(),
                    "python 2.7 (classifiers 2.7 to 3.6) myforms/setup.py:14".into(),
                ]
            ),
            (
                "mymixins".into(),
                vec![
                    "django 1.5 (classifiers 1.5 to 2.0) mymixins/setup.py:13".into(),
                    "python 2.6 (classifiers 2.6 to 3.6) mymixins/setup.py:10".into(),
                ]
            ),
            (
                "mytags".into(),
                vec![
                    "django 1.11 (>=1.11) mytags/setup.py:14".into(),
                    "python 2.7 (>=2.7, !=3.0.*, !=3.1.*) mytags/setup.py:13".into(),
                ]
            ),
        ]
    );
}

#[test]
fn the_text_table_says_which_versions_are_only_hints() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        &[("mymixins/setup.py", SETUP_WITH_CLASSIFIERS_ONLY)],
    );
    let output = Command::cargo_bin("upshift")
        .unwrap()
        .current_dir(root.path())
        .arg("detect")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("classifiers 1.5 to 2.0 (hint)"), "{text}");
    // `--json` still works, as a hidden alias of `--format json`.
    let alias = Command::cargo_bin("upshift")
        .unwrap()
        .current_dir(root.path())
        .args(["detect", "--json"])
        .output()
        .unwrap();
    assert!(String::from_utf8(alias.stdout).unwrap().starts_with('{'));
}

#[test]
fn a_rails_app_without_its_lock_file_is_read_from_the_gemfile() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        &[(
            "tracker/Gemfile",
            "source 'https://rubygems.org'\n\nruby '>= 2.5.0', '< 3.2.0'\ngem 'bundler', '>= 1.12.0'\n\ngem 'rails', '~> 6.1.7'\ngem 'globalid', '~> 0.4.2' if Gem.ruby_version < Gem::Version.new('2.6.0')\ngem 'nokogiri', (Gem.ruby_version < Gem::Version.new('2.6.0') ? '~> 1.12.5' : '~> 1.13.4')\n\ngroup :test do\n  gem 'rails-controller-testing'\nend\n",
        )],
    );
    assert_eq!(
        detect(root.path()),
        [(
            "tracker".to_string(),
            vec![
                "rails 6.1.7 (~> 6.1.7) tracker/Gemfile:6".to_string(),
                "ruby 2.5.0 (>= 2.5.0, < 3.2.0) tracker/Gemfile:3".into(),
            ]
        )]
    );
}

#[test]
fn gradle_builds_and_maven_modules_with_parents() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        &[
            (
                "service/gradle/libs.versions.toml",
                "[versions]\nboot = \"2.7.18\"\n[plugins]\nspring-boot = { id = \"org.springframework.boot\", version.ref = \"boot\" }\n",
            ),
            (
                "service/build.gradle.kts",
                "plugins {\n    alias(libs.plugins.spring.boot)\n}\njava {\n    toolchain { languageVersion.set(JavaLanguageVersion.of(11)) }\n}\n",
            ),
            (
                "parent/pom.xml",
                "<project>\n  <parent>\n    <groupId>org.springframework.boot</groupId>\n    <artifactId>spring-boot-starter-parent</artifactId>\n    <version>2.6.3</version>\n  </parent>\n  <artifactId>acme-parent</artifactId>\n  <properties>\n    <java.version>17</java.version>\n  </properties>\n</project>\n",
            ),
            (
                "parent/orders/pom.xml",
                "<project>\n  <parent>\n    <artifactId>acme-parent</artifactId>\n  </parent>\n  <artifactId>orders</artifactId>\n</project>\n",
            ),
        ],
    );
    assert_eq!(
        detect(root.path()),
        [
            (
                "parent".to_string(),
                vec![
                    "java 17 (17) parent/pom.xml:9".to_string(),
                    "spring-boot 2.6.3 (2.6.3) parent/pom.xml:5".into(),
                ]
            ),
            (
                "parent/orders".into(),
                vec![
                    "java 17 (17) parent/pom.xml:9".to_string(),
                    "spring-boot 2.6.3 (2.6.3) parent/pom.xml:5".into(),
                ]
            ),
            (
                "service".into(),
                vec![
                    "java 11 (11) service/build.gradle.kts:5".to_string(),
                    "spring-boot 2.7.18 (2.7.18) service/gradle/libs.versions.toml:2".into(),
                ]
            ),
        ]
    );
}

#[test]
fn a_gradle_multi_project_build_with_ext_versions_is_one_java_project() {
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        &[
            ("framework/gradle.properties", "version=4.3.30.RELEASE\n"),
            (
                "framework/build.gradle",
                "buildscript {\n\tdependencies {\n\t\tclasspath(\"io.spring.gradle:propdeps-plugin:0.0.9.RELEASE\")\n\t}\n}\n\nconfigure(allprojects) { project ->\n\tgroup = \"org.springframework\"\n\text.junitVersion = \"4.12\"\n\text.jackson2Version = \"2.8.11.3\"\n\n\tsourceCompatibility = 1.6\n\ttargetCompatibility = 1.6\n\n\tdependencies {\n\t\ttestCompile(\"junit:junit:${junitVersion}\")\n\t\toptional(\"com.fasterxml.jackson.core:jackson-databind:${jackson2Version}\")\n\t}\n}\n",
            ),
            (
                "framework/settings.gradle",
                "rootProject.name = \"framework\"\ninclude \"core\"\n",
            ),
            ("framework/core/src/main/java/A.java", "class A {}\n"),
        ],
    );
    assert_eq!(
        detect(root.path()),
        [(
            "framework".to_string(),
            vec!["java 6 (1.6) framework/build.gradle:12".to_string()]
        )]
    );
    let doc = detect_json(root.path());
    let dependencies: Vec<String> = doc["projects"][0]["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["name"].as_str().unwrap(),
                d["current"].as_str().unwrap_or("-"),
                d["dev"]
            )
        })
        .collect();
    assert_eq!(
        dependencies,
        [
            "com.fasterxml.jackson.core:jackson-databind 2.8.11.3 false",
            "junit:junit 4.12 true",
        ]
    );
}
