//! Whether a version requirement allows a version, in the three notations the registries use:
//! PEP 440 specifiers (`>=3.2,<4.0`, `~=2.2`, `==4.*`, `!=3.0.*`), RubyGems requirements
//! (`~> 6.1`, `>= 5.2, < 7.1`) and Maven ranges (`[5.0,6.0)`, a bare version being a
//! recommendation that allows anything).
//!
//! Versions are compared by their leading numbers; pre-release tags are not looked at, since
//! the versions asked about are framework releases (`5.0`, `7.2`).

use crate::detect::manifests::Ecosystem;
use crate::rules::Version;

/// The numeric prefix of a release (`2.2.4.post1` is 2.2.4, `4.3.30.RELEASE` 4.3.30).
pub fn release(text: &str) -> Option<Version> {
    let digits: String = text
        .trim()
        .trim_start_matches(['v', '='])
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let parts: Vec<&str> = digits
        .split('.')
        .filter(|p| !p.is_empty())
        .take(4)
        .collect();
    parts.join(".").parse().ok()
}

/// Whether a release name is a pre-release or snapshot (`5.0a1`, `7.1.0.rc2`, `6.0.0-M3`).
pub fn is_prerelease(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let rest = lower.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    [
        "a", "b", "rc", "dev", "pre", "alpha", "beta", "snapshot", "-m", ".m",
    ]
    .iter()
    .any(|tag| {
        rest.starts_with(tag)
            || rest.starts_with(&format!("-{tag}"))
            || rest.starts_with(&format!(".{tag}"))
    }) && !rest.starts_with(".release")
        && !rest.starts_with(".final")
        && !rest.starts_with("-jre")
        && !rest.starts_with("-android")
}

/// Whether `spec` allows `version`; `None` when the requirement cannot be read.
pub fn allows(ecosystem: Ecosystem, spec: &str, version: &Version) -> Option<bool> {
    let spec = spec.trim();
    if spec.is_empty() || spec == "*" {
        return Some(true);
    }
    match ecosystem {
        Ecosystem::Maven => maven_range(spec, version),
        Ecosystem::Pypi | Ecosystem::Rubygems => spec
            .split(',')
            .map(|clause| clause_allows(clause.trim(), version))
            .try_fold(true, |all, one| Some(all && one?)),
    }
}

fn clause_allows(clause: &str, version: &Version) -> Option<bool> {
    let operators = [
        "~>", "~=", "===", "==", "!=", ">=", "<=", ">", "<", "=", "^",
    ];
    let (operator, rest) = operators
        .iter()
        .find_map(|op| clause.strip_prefix(op).map(|rest| (*op, rest.trim())))
        .unwrap_or(("==", clause));
    let wildcard = rest.ends_with(".*");
    let bound = release(rest.trim_end_matches(".*"))?;
    let parts = bound.parts().len();
    let prefix_equal = |v: &Version| {
        v.parts().iter().take(parts).eq(bound.parts().iter()) || {
            // A missing component is zero: `5.0` starts with `5.0`.
            let padded: Vec<u32> = (0..parts)
                .map(|i| v.parts().get(i).copied().unwrap_or(0))
                .collect();
            padded == bound.parts()
        }
    };
    Some(match operator {
        "==" | "===" | "=" if wildcard => prefix_equal(version),
        "==" | "===" | "=" => version == &bound,
        "!=" if wildcard => !prefix_equal(version),
        "!=" => version != &bound,
        ">=" => version >= &bound,
        "<=" => version <= &bound,
        ">" => version > &bound,
        "<" => version < &bound,
        // `~> 6.1` is `>= 6.1, < 7`; `~> 6.1.2` is `>= 6.1.2, < 6.2` (`~=` alike).
        "~>" | "~=" => {
            if parts < 2 {
                version >= &bound
            } else {
                let upper_parts: Vec<u32> = bound.parts()[..parts - 1].to_vec();
                let mut upper = upper_parts;
                if let Some(last) = upper.last_mut() {
                    *last += 1;
                }
                let upper: Version = upper
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".")
                    .parse()
                    .ok()?;
                version >= &bound && version < &upper
            }
        }
        // Poetry's caret: `^3.2` is `>= 3.2, < 4`.
        "^" => {
            let major = bound.parts()[0];
            let upper: Version = (major + 1).to_string().parse().ok()?;
            version >= &bound && version < &upper
        }
        _ => return None,
    })
}

/// `[1.0,2.0)`, `(,6.0]`, `[5.0,)`; unions (`[1,2),[3,4)`) allow what any part allows.
fn maven_range(spec: &str, version: &Version) -> Option<bool> {
    if !spec.starts_with(['[', '(']) {
        // A bare version is a soft requirement: Maven takes another one when it must.
        return Some(true);
    }
    let mut any = false;
    let mut rest = spec;
    while let Some(start) = rest.find(['[', '(']) {
        let end = rest[start..].find([']', ')'])? + start;
        let (low, high) = match rest[start + 1..end].split_once(',') {
            Some((l, h)) => (l.trim(), h.trim()),
            None => {
                let exact = rest[start + 1..end].trim();
                (exact, exact)
            }
        };
        let low_ok = low.is_empty()
            || release(low).is_some_and(|l| {
                if rest[start..].starts_with('[') {
                    version >= &l
                } else {
                    version > &l
                }
            });
        let high_ok = high.is_empty()
            || release(high).is_some_and(|h| {
                if rest[end..].starts_with(']') {
                    version <= &h
                } else {
                    version < &h
                }
            });
        any |= low_ok && high_ok;
        rest = &rest[end + 1..];
    }
    Some(any)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn pep_440_specifiers() {
        let ok = |spec: &str, version: &str| allows(Ecosystem::Pypi, spec, &v(version)).unwrap();
        assert!(ok(">=3.2,<4.0", "3.2"));
        assert!(!ok(">=3.2,<4.0", "4.0"));
        assert!(ok("~=4.2", "4.9"));
        assert!(!ok("~=4.2", "5.0"));
        assert!(ok("~=4.2.0", "4.2"));
        assert!(!ok("~=4.2.0", "4.3"));
        assert!(ok("==4.*", "4.2"));
        assert!(!ok("!=5.0.*,>=4.2", "5.0"));
        assert!(ok(">=1.11", "5.0"));
        assert!(ok("", "5.0"));
        assert_eq!(allows(Ecosystem::Pypi, ">=x", &v("1")), None);
    }

    #[test]
    fn rubygems_requirements() {
        let ok =
            |spec: &str, version: &str| allows(Ecosystem::Rubygems, spec, &v(version)).unwrap();
        assert!(ok("~> 6.1", "6.2"));
        assert!(!ok("~> 6.1", "7.0"));
        assert!(ok("~> 6.1.0", "6.1"));
        assert!(!ok("~> 6.1.0", "6.2"));
        assert!(ok(">= 5.2, < 7.2", "7.1"));
        assert!(!ok(">= 5.2, < 7.2", "7.2"));
        assert!(ok("= 7.2.1", "7.2.1"));
    }

    #[test]
    fn maven_ranges() {
        let ok = |spec: &str, version: &str| allows(Ecosystem::Maven, spec, &v(version)).unwrap();
        assert!(ok("[5.0,6.0)", "5.3"));
        assert!(!ok("[5.0,6.0)", "6.0"));
        assert!(ok("(,6.0]", "6.0"));
        assert!(ok("[3.0,)", "3.3"));
        assert!(ok("[1,2),[3,4)", "3.5"));
        assert!(ok("2.7.0", "3.3"));
    }

    #[test]
    fn releases_and_pre_releases() {
        assert_eq!(release("4.3.30.RELEASE").unwrap().to_string(), "4.3.30");
        assert_eq!(release("2.2.4.post1").unwrap().to_string(), "2.2.4");
        for pre in [
            "5.0a1",
            "5.0rc1",
            "7.1.0.rc2",
            "6.0.0-M3",
            "1.0-SNAPSHOT",
            "2.0.0.beta1",
            "3.0.dev1",
        ] {
            assert!(is_prerelease(pre), "{pre}");
        }
        for final_release in [
            "5.0",
            "4.3.30.RELEASE",
            "5.2.10.Final",
            "32.0.0-jre",
            "1.13.4",
        ] {
            assert!(!is_prerelease(final_release), "{final_release}");
        }
    }
}
