//! Framework versions and `--target FRAMEWORK@VERSION`.
//!
//! Versions are dotted numbers (`4.2`, `3.0.1`); missing components count as zero, so `4.2`
//! equals `4.2.0`. Pre-release tags are not accepted: rule metadata names releases.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A dotted release number such as `4.2` or `3.0.1`.
#[derive(Clone, Debug, Eq)]
pub struct Version {
    parts: Vec<u32>,
}

impl Version {
    /// The components as written (`4.2` has two).
    pub fn parts(&self) -> &[u32] {
        &self.parts
    }

    fn component(&self, index: usize) -> u32 {
        self.parts.get(index).copied().unwrap_or(0)
    }
}

impl FromStr for Version {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let parts = text
            .split('.')
            .map(|part| part.parse::<u32>().ok().filter(|_| !part.starts_with('+')))
            .collect::<Option<Vec<_>>>()
            .filter(|parts| (1..=4).contains(&parts.len()))
            .ok_or_else(|| {
                format!("`{text}` is not a version (expected numbers like `4.2` or `3.0.1`)")
            })?;
        Ok(Version { parts })
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.parts.len().max(other.parts.len());
        (0..len)
            .map(|i| self.component(i).cmp(&other.component(i)))
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: Vec<String> = self.parts.iter().map(u32::to_string).collect();
        f.write_str(&text.join("."))
    }
}

/// `FRAMEWORK@VERSION`, as given to `--target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub framework: String,
    pub version: Version,
}

impl FromStr for Target {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (framework, version) = text.split_once('@').ok_or_else(|| {
            format!("`{text}` is not a target (expected FRAMEWORK@VERSION, like `django@4.2`)")
        })?;
        if framework.is_empty() {
            return Err(format!(
                "`{text}` names no framework (expected FRAMEWORK@VERSION)"
            ));
        }
        Ok(Target {
            framework: framework.to_ascii_lowercase(),
            version: version.parse()?,
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.framework, self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn missing_components_count_as_zero() {
        assert_eq!(v("4.2"), v("4.2.0"));
        assert!(v("4.10") > v("4.9"));
        assert!(v("3") < v("3.0.1"));
    }

    #[test]
    fn malformed_versions_are_rejected_with_the_text() {
        for bad in ["", "4.x", "4..2", "v4", "1.2.3.4.5", "-1"] {
            let err = bad.parse::<Version>().unwrap_err();
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn targets_name_a_framework_and_a_version() {
        let target: Target = "Django@4.2".parse().unwrap();
        assert_eq!(target.framework, "django");
        assert_eq!(target.version, v("4.2"));
        assert!("django".parse::<Target>().is_err());
        assert!("@4.2".parse::<Target>().is_err());
        assert!("django@four".parse::<Target>().is_err());
    }
}
