//! Whether each dependency of a project supports the target, and which release does: the
//! check that `bundle report compatibility` of next_rails makes for gems, for PyPI, RubyGems
//! and Maven packages alike.
//!
//! For a dependency, the release in use (locked, pinned, else the requirement's lower bound) is
//! asked first; when it does not support the target, the newest release of each `major.minor`
//! series after it is, newest first, until one does ([`MAX_PROBES`] at most): newer releases
//! often drop old framework versions, so the newest release alone does not tell. What
//! could not be checked (offline and not cached, a registry down, a package it does not know)
//! is [`Status::Unknown`], with the reason.

pub mod fetch;
pub mod registries;
pub mod requirement;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::manifests::{Dependency, Ecosystem};
use crate::rules::{Target, Version};
use fetch::{FetchError, Fetcher};
use registries::{Registries, Support};
use requirement::release;

/// How many release series of one package are asked about at most.
pub const MAX_PROBES: usize = 12;

/// What the registry says about a dependency and the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No release supports the target.
    Incompatible,
    /// The release in use does not support the target; a newer one does.
    Upgrade,
    /// Could not be checked.
    Unknown,
    /// The release in use supports the target.
    Compatible,
    /// Does not depend on the framework (and allows the language version the target needs).
    Independent,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Incompatible => "incompatible",
            Status::Upgrade => "upgrade",
            Status::Unknown => "unknown",
            Status::Compatible => "compatible",
            Status::Independent => "independent",
        }
    }
}

/// The answer for one dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub status: Status,
    /// The newest release that supports the target (`upgrade`), or the newest one
    /// (`incompatible`).
    pub version: Option<String>,
    /// Why: what excludes the target, or why it could not be checked.
    pub note: String,
}

impl Check {
    fn unknown(note: impl Into<String>) -> Check {
        Check {
            status: Status::Unknown,
            version: None,
            note: note.into(),
        }
    }
}

/// The framework target a dependency of `ecosystem` is checked against, among `targets`.
pub fn target_for(ecosystem: Ecosystem, targets: &[Target]) -> Option<&Target> {
    let framework = match ecosystem {
        Ecosystem::Pypi => "django",
        Ecosystem::Rubygems => "rails",
        Ecosystem::Maven => "spring-boot",
    };
    targets.iter().find(|t| t.framework == framework)
}

/// Checks one dependency against `target`, which needs the language at `runtime`.
pub fn check(
    fetcher: &Fetcher,
    registries: &Registries,
    dependency: &Dependency,
    target: &Target,
    runtime: Option<&Version>,
) -> Check {
    match try_check(fetcher, registries, dependency, target, runtime) {
        Ok(check) => check,
        Err(FetchError::Offline) => Check::unknown("offline, and not in the cache"),
        Err(err) => Check::unknown(err.to_string()),
    }
}

fn try_check(
    fetcher: &Fetcher,
    registries: &Registries,
    dependency: &Dependency,
    target: &Target,
    runtime: Option<&Version>,
) -> Result<Check, FetchError> {
    let ecosystem = dependency.ecosystem;
    let name = &dependency.name;
    let Some(releases) = registries::releases(fetcher, registries, ecosystem, name)? else {
        return Ok(Check::unknown(format!(
            "{} does not know this package",
            registries.base(ecosystem)
        )));
    };
    let Some(latest) = releases.last() else {
        return Ok(Check::unknown("the registry lists no release"));
    };
    let support = |version: &str| {
        registries::support(
            fetcher, registries, ecosystem, name, version, target, runtime,
        )
    };
    let current = current_release(dependency, &releases);
    let mut current_no = None;
    if let Some(current) = &current
        && let Some(verdict) = support(current)?
    {
        match verdict {
            Support::Yes => {
                return Ok(Check {
                    status: Status::Compatible,
                    version: Some(current.clone()),
                    note: String::new(),
                });
            }
            Support::Independent => {
                return Ok(Check {
                    status: Status::Independent,
                    version: Some(current.clone()),
                    note: String::new(),
                });
            }
            Support::No { why } => current_no = Some(why),
        }
    }
    // The newest release series after the one in use that supports the target.
    let after = current.as_deref().and_then(release);
    let heads = series_heads(&releases, after.as_ref());
    let mut newest_why = None;
    let mut without_metadata = 0;
    for head in heads.iter().rev().take(MAX_PROBES) {
        match support(head)? {
            Some(Support::Independent) if current_no.is_none() => {
                return Ok(Check {
                    status: Status::Independent,
                    version: None,
                    note: String::new(),
                });
            }
            Some(Support::Yes | Support::Independent) => {
                return Ok(Check {
                    status: Status::Upgrade,
                    version: Some(head.clone()),
                    note: match (&current, current_no) {
                        (Some(current), Some(why)) => format!("{current} {why}"),
                        _ => String::new(),
                    },
                });
            }
            Some(Support::No { why }) => {
                newest_why.get_or_insert_with(|| format!("the newest release, {head}, {why}"));
            }
            None => without_metadata += 1,
        }
    }
    match newest_why {
        Some(note) if without_metadata > 0 => Ok(Check::unknown(format!(
            "{note}; the registry has no metadata for {} older release series",
            without_metadata
        ))),
        Some(note) => Ok(Check {
            status: Status::Incompatible,
            version: Some(latest.clone()),
            note: if heads.len() > MAX_PROBES {
                format!("{note}; the {MAX_PROBES} newest release series were looked at")
            } else {
                note
            },
        }),
        None if current_no.is_some() && heads.is_empty() => Ok(Check {
            status: Status::Incompatible,
            version: Some(latest.clone()),
            note: format!(
                "{} {}",
                current.unwrap_or_default(),
                current_no.unwrap_or_default()
            ),
        }),
        None => Ok(Check::unknown(format!(
            "the registry has no metadata for {latest}"
        ))),
    }
}

/// The release in use: the locked (or pinned) version, else the oldest release the requirement
/// allows.
fn current_release(dependency: &Dependency, releases: &[String]) -> Option<String> {
    if let Some(locked) = &dependency.locked {
        let wanted = release(locked)?;
        return releases
            .iter()
            .find(|r| *r == locked)
            .or_else(|| {
                releases
                    .iter()
                    .find(|r| release(r).as_ref() == Some(&wanted))
            })
            .cloned();
    }
    releases
        .iter()
        .find(|r| {
            release(r).is_some_and(|v| {
                requirement::allows(dependency.ecosystem, &dependency.spec, &v).unwrap_or(false)
            })
        })
        .cloned()
}

/// The newest release of each `major.minor` series after `after`, oldest series first.
fn series_heads(releases: &[String], after: Option<&Version>) -> Vec<String> {
    let mut heads: Vec<(Vec<u32>, String)> = Vec::new();
    for name in releases {
        let Some(version) = release(name) else {
            continue;
        };
        if after.is_some_and(|a| version <= *a) {
            continue;
        }
        let key: Vec<u32> = version.parts().iter().take(2).copied().collect();
        match heads.last_mut() {
            Some((last, head)) if *last == key => *head = name.clone(),
            _ => heads.push((key, name.clone())),
        }
    }
    heads.into_iter().map(|(_, head)| head).collect()
}

/// Checks many dependencies in parallel; each result in the order given.
pub fn check_all(
    fetcher: &Fetcher,
    registries: &Registries,
    work: &[(Dependency, Target, Option<Version>)],
) -> Vec<Check> {
    work.par_iter()
        .map(|(dependency, target, runtime)| {
            check(fetcher, registries, dependency, target, runtime.as_ref())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_heads_are_the_newest_of_each_minor_release_after_the_one_in_use() {
        let releases: Vec<String> = ["1.0", "1.1", "1.1.2", "2.0", "2.0.1", "2.1"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            series_heads(&releases, Some(&"1.1".parse().unwrap())),
            ["1.1.2", "2.0.1", "2.1"]
        );
        assert_eq!(series_heads(&releases, None).len(), 4);
    }
}
