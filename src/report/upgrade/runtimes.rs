//! The language version each framework release needs: Django X needs Python Y or newer, Rails
//! X needs Ruby Y, Spring Boot X needs Java Y. A data table, each row with the release notes
//! that state it, so a report can show the runtime upgrade as a step of its own and say where
//! the requirement comes from.

use crate::rules::Version;

/// From `release` on, `framework` needs `language` at `minimum` or newer (until a later row of
/// the same framework says otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub framework: &'static str,
    pub release: &'static str,
    pub language: &'static str,
    pub minimum: &'static str,
    /// The page that states the requirement.
    pub source: &'static str,
}

const fn row(
    framework: &'static str,
    release: &'static str,
    language: &'static str,
    minimum: &'static str,
    source: &'static str,
) -> Requirement {
    Requirement {
        framework,
        release,
        language,
        minimum,
        source,
    }
}

const DJANGO_FAQ: &str = "https://docs.djangoproject.com/en/stable/faq/install/#what-python-version-can-i-use-with-django";
const RAILS_GUIDE: &str =
    "https://guides.rubyonrails.org/upgrading_ruby_on_rails.html#ruby-versions";

/// The table, per framework oldest release first.
pub const TABLE: &[Requirement] = &[
    row(
        "django",
        "2.0",
        "python",
        "3.4",
        "https://docs.djangoproject.com/en/2.0/releases/2.0/#python-compatibility",
    ),
    row(
        "django",
        "2.1",
        "python",
        "3.5",
        "https://docs.djangoproject.com/en/2.1/releases/2.1/#python-compatibility",
    ),
    row("django", "2.2", "python", "3.5", DJANGO_FAQ),
    row(
        "django",
        "3.0",
        "python",
        "3.6",
        "https://docs.djangoproject.com/en/3.0/releases/3.0/#python-compatibility",
    ),
    row("django", "3.2", "python", "3.6", DJANGO_FAQ),
    row(
        "django",
        "4.0",
        "python",
        "3.8",
        "https://docs.djangoproject.com/en/4.0/releases/4.0/#python-compatibility",
    ),
    row("django", "4.2", "python", "3.8", DJANGO_FAQ),
    row(
        "django",
        "5.0",
        "python",
        "3.10",
        "https://docs.djangoproject.com/en/5.0/releases/5.0/#python-compatibility",
    ),
    row("django", "5.2", "python", "3.10", DJANGO_FAQ),
    row("rails", "5.0", "ruby", "2.2.2", RAILS_GUIDE),
    row("rails", "6.0", "ruby", "2.5.0", RAILS_GUIDE),
    row("rails", "7.0", "ruby", "2.7.0", RAILS_GUIDE),
    row(
        "rails",
        "7.2",
        "ruby",
        "3.1.0",
        "https://guides.rubyonrails.org/7_2_release_notes.html",
    ),
    row("rails", "8.0", "ruby", "3.2.0", RAILS_GUIDE),
    row(
        "spring-boot",
        "2.0",
        "java",
        "8",
        "https://github.com/spring-projects/spring-boot/wiki/Spring-Boot-2.0-Release-Notes#java-8-baseline-and-java-9-support",
    ),
    row(
        "spring-boot",
        "3.0",
        "java",
        "17",
        "https://github.com/spring-projects/spring-boot/wiki/Spring-Boot-3.0-Release-Notes#minimum-requirements-changes",
    ),
];

/// What `framework` at `version` needs, when the table knows.
pub fn requirement(framework: &str, version: &Version) -> Option<Requirement> {
    TABLE
        .iter()
        .rev()
        .filter(|r| r.framework == framework)
        .find(|r| {
            r.release
                .parse::<Version>()
                .is_ok_and(|release| release <= *version)
        })
        .copied()
}

/// The language a framework runs on, when the table knows it.
pub fn language_of(framework: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|r| r.framework == framework)
        .map(|r| r.language)
}

/// The display name of a framework or language.
pub fn display_name(name: &str) -> String {
    match name {
        "django" => "Django".into(),
        "rails" => "Rails".into(),
        "spring-boot" => "Spring Boot".into(),
        "python" => "Python".into(),
        "ruby" => "Ruby".into(),
        "java" => "Java".into(),
        "junit" => "JUnit".into(),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        text.parse().unwrap()
    }

    #[test]
    fn the_latest_row_at_or_before_the_release_applies() {
        let django = requirement("django", &v("5.1")).unwrap();
        assert_eq!((django.language, django.minimum), ("python", "3.10"));
        assert_eq!(requirement("django", &v("4.1")).unwrap().minimum, "3.8");
        assert_eq!(requirement("rails", &v("7.2")).unwrap().minimum, "3.1.0");
        assert_eq!(requirement("rails", &v("7.1")).unwrap().minimum, "2.7.0");
        assert_eq!(requirement("spring-boot", &v("3.3")).unwrap().minimum, "17");
        assert_eq!(requirement("django", &v("1.11")), None);
        assert_eq!(requirement("flask", &v("3.0")), None);
    }

    #[test]
    fn every_row_parses_and_names_its_source() {
        for row in TABLE {
            assert!(row.release.parse::<Version>().is_ok(), "{row:?}");
            assert!(row.minimum.parse::<Version>().is_ok(), "{row:?}");
            assert!(row.source.starts_with("https://"), "{row:?}");
        }
    }
}
