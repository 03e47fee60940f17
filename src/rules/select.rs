//! Which rules run, and how: `--select` / `--ignore`, `--target` and `--option`.

use std::collections::BTreeSet;

use globset::Glob;

use super::compile::Rule;
use super::load::RuleSet;
use super::model::Severity;
use super::version::Target;

/// A rule selector: a rule id (`django/url`), a pack (`django`) or a glob (`django/u*`).
#[derive(Debug, Clone)]
pub struct Selector {
    text: String,
    glob: Option<globset::GlobMatcher>,
}

impl Selector {
    pub fn parse(text: &str) -> Result<Self, String> {
        let glob = if text.contains(['*', '?', '[']) {
            Some(
                Glob::new(text)
                    .map_err(|err| format!("bad selector `{text}`: {}", err.kind()))?
                    .compile_matcher(),
            )
        } else {
            None
        };
        Ok(Selector {
            text: text.to_string(),
            glob,
        })
    }

    pub fn matches(&self, rule: &Rule) -> bool {
        self.matches_id(&rule.id, &rule.pack)
    }

    /// Whether the selector names the rule with this id, in this pack.
    pub fn matches_id(&self, id: &str, pack: &str) -> bool {
        match &self.glob {
            Some(glob) => glob.is_match(id),
            None => self.text == id || self.text == pack,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// `--select`, `--ignore` and `--target` together.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub targets: Vec<Target>,
    /// The database migrations run on (`postgresql@15`); PostgreSQL of any version when unset.
    pub database: Option<Target>,
    /// Pack options switched on (`--option keep-runtime-typing`), each declared by a pack.
    pub options: BTreeSet<String>,
}

/// The `targets` named, with those they imply: a framework with no target of its own gets the
/// lowest version that a named target's release needs of it (a pack's `requires:`), the
/// highest such version when several targets need it. Spring Boot 3.0 implies Java 17, so a
/// Java rule whose replacement needs Java 21 does not run on a Boot 3 project.
pub fn with_implied(targets: Vec<Target>, set: &RuleSet) -> Vec<Target> {
    let mut implied: Vec<Target> = Vec::new();
    for target in &targets {
        let needs = set
            .packs
            .values()
            .filter(|p| p.framework.as_deref() == Some(target.framework.as_str()))
            .flat_map(|p| &p.requires)
            .filter(|r| r.release <= target.version)
            .map(|r| &r.needs);
        for need in needs {
            if targets.iter().any(|t| t.framework == need.framework) {
                continue;
            }
            match implied.iter_mut().find(|t| t.framework == need.framework) {
                Some(t) if t.version < need.version => t.version = need.version.clone(),
                Some(_) => {}
                None => implied.push(need.clone()),
            }
        }
    }
    let mut out = targets;
    out.extend(implied);
    out
}

impl Selection {
    /// Whether `rule` runs at all.
    pub fn includes(&self, rule: &Rule) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| s.matches(rule));
        selected
            && !self.ignore.iter().any(|s| s.matches(rule))
            && self.in_target(rule)
            && self.on_database(rule)
    }

    /// A rule about some databases runs for those; one about old servers only when the
    /// database's version is given and older.
    fn on_database(&self, rule: &Rule) -> bool {
        let kind = self
            .database
            .as_ref()
            .map_or("postgresql", |d| d.framework.as_str());
        let version = self
            .database
            .as_ref()
            .map(|d| &d.version)
            .filter(|v| !v.parts().is_empty() && v.parts() != [0]);
        (rule.databases.is_empty() || rule.databases.iter().any(|d| d == kind))
            && rule
                .database_before
                .as_ref()
                .is_none_or(|before| version.is_some_and(|v| v < before))
    }

    /// The options switched on that the rule's pack declares, which its scripts read with
    /// `option(name)`.
    pub fn options_for(&self, set: &RuleSet, rule: &Rule) -> Vec<String> {
        let Some(pack) = set.packs.get(&rule.pack) else {
            return Vec::new();
        };
        self.options
            .iter()
            .filter(|o| pack.options.contains_key(*o))
            .cloned()
            .collect()
    }

    /// The target named for the rule's framework, if any.
    pub fn target_for(&self, rule: &Rule) -> Option<&Target> {
        let framework = rule.versions.framework.as_deref()?;
        self.targets.iter().find(|t| t.framework == framework)
    }

    /// With a target for its framework, a fixable rule applies once its replacement exists
    /// (`fixable_from`; in a pack that fixes from deprecation, not before the old form is
    /// deprecated or removed either), a flag-only rule once the old form is deprecated or removed.
    fn in_target(&self, rule: &Rule) -> bool {
        let Some(target) = self.target_for(rule) else {
            return true;
        };
        let v = &rule.versions;
        let old = [v.deprecated_in.as_ref(), v.removed_in.as_ref()]
            .into_iter()
            .flatten()
            .min();
        let from = if rule.is_fixable() {
            match v.fix_at_deprecation {
                true => v.fixable_from.as_ref().max(old),
                false => v.fixable_from.as_ref(),
            }
        } else {
            old
        };
        from.is_none_or(|from| &target.version >= from)
    }

    /// The severity of the rule's findings: at a target, `error` once the old form is removed,
    /// `warning` once deprecated, `info` before; the rule's own severity without a target.
    pub fn severity(&self, rule: &Rule) -> Severity {
        let Some(target) = self.target_for(rule) else {
            return rule.severity;
        };
        let v = &rule.versions;
        if v.removed_in.as_ref().is_some_and(|r| &target.version >= r) {
            Severity::Error
        } else if v
            .deprecated_in
            .as_ref()
            .is_some_and(|d| &target.version >= d)
        {
            Severity::Warning
        } else if v.deprecated_in.is_some() || v.removed_in.is_some() {
            Severity::Info
        } else {
            rule.severity
        }
    }
}
