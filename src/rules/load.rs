//! Finding rule files (embedded built-ins and `--rules` directories) and loading them.
//!
//! Layout, for built-ins and user directories alike: `<root>/<pack>/<name>.yml`, with an
//! optional `<root>/<pack>/pack.yml` describing the pack. A rule's id must be `<pack>/<name>`,
//! so that its fixtures are found at `fixtures/<pack>/<name>/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::compile::{PackContext, Rule, compile};
use super::error::RuleError;
use super::model::{PackDoc, RuleDoc};
use super::script::Library;
use super::version::{Target, Version};

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// A rule pack's description.
#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub description: String,
    pub framework: Option<String>,
    /// The framework's feature releases, oldest first.
    pub releases: Vec<String>,
    /// Options a run can switch on: name -> what it does.
    pub options: BTreeMap<String, String>,
    /// From which target version its fixes run.
    pub fix_from: super::model::FixFrom,
    /// What its framework's releases need of other frameworks, from the oldest release.
    pub requires: Vec<Requirement>,
}

/// From `release` of a pack's framework on, a project runs on `needs` (`java@17`) or later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub release: Version,
    pub needs: Target,
}

/// Every loaded rule, in a fixed order: built-ins first, then each `--rules` directory; within
/// a source by pack, then by file name. Overlapping fixes are resolved in this order.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub packs: BTreeMap<String, Pack>,
    /// Built-in rules left unread because the run has no file of their language: (id, pack).
    /// A selector that names one of them is still valid.
    pub unloaded: Vec<(String, String)>,
}

/// A pack's `requires:` table as requirements, oldest release first.
fn requirements(
    table: &BTreeMap<String, BTreeMap<String, String>>,
) -> Result<Vec<Requirement>, String> {
    let mut out = Vec::new();
    for (framework, steps) in table {
        for (release, needs) in steps {
            let release: Version = release
                .parse()
                .map_err(|e| format!("requires: {framework}: release `{release}`: {e}"))?;
            let needs: Target = format!("{framework}@{needs}")
                .parse()
                .map_err(|e| format!("requires: {framework}: {e}"))?;
            out.push(Requirement { release, needs });
        }
    }
    out.sort_by(|a, b| a.release.cmp(&b.release));
    Ok(out)
}

/// A rule or pack file, read into memory.
struct RuleFile {
    /// The path shown in messages.
    path: PathBuf,
    /// Shipped in the binary (and tested), rather than read from a user's directory.
    built_in: bool,
    pack: String,
    text: String,
}

impl RuleSet {
    /// Loads the built-in rules and the rules under each of `dirs`. Every rule from `dirs` is
    /// fully validated; built-in queries are compiled when their language is first needed.
    pub fn load(dirs: &[PathBuf]) -> Result<RuleSet, Vec<RuleError>> {
        Self::load_with(true, false, dirs, None)
    }

    /// Like [`load`](Self::load), but reads only the built-in rules for these languages: what
    /// a run over files of just these languages needs. A user's rules are all read (and
    /// checked) whatever their language.
    pub fn load_for(dirs: &[PathBuf], languages: &[&str]) -> Result<RuleSet, Vec<RuleError>> {
        Self::load_with(true, false, dirs, Some(languages))
    }

    /// Loads the rules under each of `dirs`, after the built-in ones when `built_in`; every
    /// query is compiled now.
    pub fn load_from(built_in: bool, dirs: &[PathBuf]) -> Result<RuleSet, Vec<RuleError>> {
        Self::load_with(built_in, true, dirs, None)
    }

    fn load_with(
        built_in: bool,
        check_built_in: bool,
        dirs: &[PathBuf],
        languages: Option<&[&str]>,
    ) -> Result<RuleSet, Vec<RuleError>> {
        let mut files = if built_in {
            built_in_files()
        } else {
            Vec::new()
        };
        let mut errors = Vec::new();
        for dir in dirs {
            match dir_files(dir) {
                Ok(found) => files.extend(found),
                Err(err) => errors.push(err),
            }
        }
        let mut set = RuleSet::default();
        let (library_files, files): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|f| is_script(&f.path));
        let libraries = libraries(library_files, &mut errors);
        let (pack_files, rule_files): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|f| f.path.file_name().is_some_and(|n| n == "pack.yml"));
        for file in pack_files {
            match serde_saphyr::from_str::<PackDoc>(&file.text) {
                Ok(doc) => {
                    let requires = match requirements(&doc.requires) {
                        Ok(requires) => requires,
                        Err(message) => {
                            errors.push(RuleError::file(&file.path, message));
                            continue;
                        }
                    };
                    set.packs.insert(
                        file.pack.clone(),
                        Pack {
                            name: file.pack,
                            description: doc.description,
                            framework: doc.framework,
                            releases: doc.releases,
                            options: doc.options,
                            fix_from: doc.fix_from,
                            requires,
                        },
                    );
                }
                Err(err) => errors.push(yaml_error(&file, &err)),
            }
        }
        for file in rule_files {
            if let Some(languages) = languages
                && file.built_in
                && !languages.contains(&declared_language(&file.text))
            {
                let id = format!(
                    "{}/{}",
                    file.pack,
                    file.path.file_stem().unwrap_or_default().to_string_lossy()
                );
                set.unloaded.push((id, file.pack));
                continue;
            }
            let framework = set.packs.get(&file.pack).and_then(|p| p.framework.clone());
            let fix_from = set
                .packs
                .get(&file.pack)
                .map(|p| p.fix_from)
                .unwrap_or_default();
            let doc = match serde_saphyr::from_str::<RuleDoc>(&file.text) {
                Ok(doc) => doc,
                Err(err) => {
                    errors.push(yaml_error(&file, &err));
                    continue;
                }
            };
            let pack = PackContext {
                name: &file.pack,
                framework: framework.as_deref(),
                fix_from,
                library: libraries.get(&file.pack).cloned(),
            };
            match compile(
                doc,
                &file.path,
                &file.text,
                &pack,
                check_built_in || !file.built_in,
            ) {
                Ok(rule) => {
                    if let Some(first) = set.rules.iter().find(|r| r.id == rule.id) {
                        errors.push(RuleError::file(
                            &file.path,
                            format!(
                                "rule id `{}` is already defined in {}",
                                rule.id, first.source
                            ),
                        ));
                    } else {
                        set.packs.entry(rule.pack.clone()).or_insert_with(|| Pack {
                            name: rule.pack.clone(),
                            description: String::new(),
                            framework: None,
                            releases: Vec::new(),
                            options: BTreeMap::new(),
                            fix_from: Default::default(),
                            requires: Vec::new(),
                        });
                        set.rules.push(rule);
                    }
                }
                Err(mut errs) => errors.append(&mut errs),
            }
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// Whether a selector names some rule, read or left unread.
    pub fn selects_any(&self, selector: &super::Selector) -> bool {
        self.rules.iter().any(|rule| selector.matches(rule))
            || self
                .unloaded
                .iter()
                .any(|(id, pack)| selector.matches_id(id, pack))
    }
}

/// The `language:` a built-in rule file declares, read without parsing the YAML (built-in
/// rules are tested to declare it on a line of its own).
fn declared_language(text: &str) -> &str {
    text.lines()
        .find_map(|line| line.strip_prefix("language:"))
        .map_or("", |value| value.trim().trim_matches(['"', '\'']))
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yml" || e == "yaml")
}

/// A pack's script library file: `<pack>/<name>.rhai`.
fn is_script(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rhai")
}

/// Each pack's script library, from its `*.rhai` files (built-in ones first).
fn libraries(
    files: Vec<RuleFile>,
    errors: &mut Vec<RuleError>,
) -> BTreeMap<String, std::sync::Arc<Library>> {
    let mut by_pack: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    let mut user_packs = std::collections::BTreeSet::new();
    for file in files {
        if !file.built_in {
            user_packs.insert(file.pack.clone());
        }
        let path = file.path.display().to_string();
        texts.insert(path.clone(), file.text.clone());
        by_pack
            .entry(file.pack)
            .or_default()
            .push((path, file.text));
    }
    let mut out = BTreeMap::new();
    for (pack, files) in by_pack {
        if !user_packs.contains(&pack) {
            out.insert(pack, std::sync::Arc::new(Library::lazy(&files)));
            continue;
        }
        match Library::compile(&files) {
            Ok(library) => {
                out.insert(pack, std::sync::Arc::new(library));
            }
            Err((path, err)) => errors.push(RuleError::at(
                &path,
                texts.get(&path).map_or("", String::as_str),
                err.line,
                err.column,
                format!("script does not compile: {}", err.message),
            )),
        }
    }
    out
}

fn pack_of(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn built_in_files() -> Vec<RuleFile> {
    fn visit(dir: &Dir<'static>, out: &mut Vec<RuleFile>) {
        for file in dir.files() {
            if is_yaml(file.path()) || is_script(file.path()) {
                out.push(RuleFile {
                    built_in: true,
                    path: Path::new("rules").join(file.path()),
                    pack: pack_of(file.path()),
                    text: file.contents_utf8().unwrap_or_default().to_string(),
                });
            }
        }
        for sub in dir.dirs() {
            visit(sub, out);
        }
    }
    let mut out = Vec::new();
    visit(&BUILT_IN, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn dir_files(dir: &Path) -> Result<Vec<RuleFile>, RuleError> {
    if !dir.is_dir() {
        return Err(RuleError::file(
            dir,
            "rule directory does not exist or is not a directory",
        ));
    }
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).hidden(true).build() {
        let entry = entry.map_err(|err| RuleError::file(dir, err.to_string()))?;
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) || !(is_yaml(path) || is_script(path)) {
            continue;
        }
        let text = std::fs::read_to_string(path)
            .map_err(|err| RuleError::file(path, format!("cannot read: {err}")))?;
        out.push(RuleFile {
            built_in: false,
            path: path.to_path_buf(),
            pack: pack_of(path),
            text,
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn yaml_error(file: &RuleFile, err: &serde_saphyr::Error) -> RuleError {
    let message = err.without_snippet().to_string();
    let message = message.lines().next().unwrap_or("invalid YAML");
    // The position is shown separately; drop the parser's own ` at line N, column M`.
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains(", column ") => &message[..i],
        _ => message,
    }
    .to_string();
    match err.location() {
        Some(loc) => RuleError::at(
            &file.path,
            &file.text,
            loc.line() as usize,
            loc.column() as usize,
            message,
        ),
        None => RuleError::file(&file.path, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_rule_declares_its_language_on_a_line_of_its_own() {
        for file in built_in_files().iter().filter(|f| is_yaml(&f.path)) {
            if file.path.file_name().is_some_and(|n| n == "pack.yml") {
                continue;
            }
            let declared = declared_language(&file.text);
            let doc: RuleDoc = serde_saphyr::from_str(&file.text).unwrap();
            assert_eq!(declared, doc.language.value, "{}", file.path.display());
        }
    }

    #[test]
    fn loading_for_some_languages_leaves_the_others_unread_but_selectable() {
        let all = RuleSet::load(&[]).unwrap();
        let python = RuleSet::load_for(&[], &["python"]).unwrap();
        assert!(
            python
                .rules
                .iter()
                .all(|r| crate::language::get(r.language).name == "python")
        );
        assert_eq!(python.rules.len() + python.unloaded.len(), all.rules.len());
        let rails = super::super::Selector::parse("rails").unwrap();
        assert!(python.selects_any(&rails));
        let none = super::super::Selector::parse("nosuchpack").unwrap();
        assert!(!python.selects_any(&none));
    }
}
