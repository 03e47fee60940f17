//! Code owners from a `CODEOWNERS` file (at the root, in `.github/` or in `docs/`), with
//! GitHub's rules: gitignore-style patterns relative to the repository root, and the last
//! matching line wins.

use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The parsed file: one matcher per line, in file order.
pub struct CodeOwners {
    root: PathBuf,
    lines: Vec<(Gitignore, Vec<String>)>,
}

const PLACES: &[&str] = &["CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"];

impl CodeOwners {
    /// The `CODEOWNERS` of the repository at `root`, if there is one.
    pub fn find(root: &Path) -> Option<CodeOwners> {
        PLACES.iter().find_map(|place| {
            let text = std::fs::read_to_string(root.join(place)).ok()?;
            Some(CodeOwners::parse(root, &text))
        })
    }

    pub fn parse(root: &Path, text: &str) -> CodeOwners {
        let mut lines = Vec::new();
        for line in text.lines() {
            let line = line.split(" #").next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            let Some(pattern) = words.next() else {
                continue;
            };
            let mut builder = GitignoreBuilder::new(root);
            if builder.add_line(None, pattern).is_err() {
                continue;
            }
            let Ok(matcher) = builder.build() else {
                continue;
            };
            lines.push((matcher, words.map(str::to_string).collect()));
        }
        CodeOwners {
            root: std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
            lines,
        }
    }

    /// The owners of `path` (relative to the working directory, or absolute); empty if none.
    pub fn owners_of(&self, path: &Path) -> &[String] {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let Ok(path) = absolute.strip_prefix(&self.root) else {
            return &[];
        };
        self.lines
            .iter()
            .rev()
            .find(|(matcher, _)| matcher.matched_path_or_any_parents(path, false).is_ignore())
            .map_or(&[], |(_, owners)| owners.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_matching_line_wins() {
        let owners = CodeOwners::parse(
            Path::new("."),
            "# owners\n*  @acme/platform\n/services/shop/ @acme/shop\n*.rb @acme/ruby # Ruby\nservices/shop/legacy/ @ann\n",
        );
        let of = |p: &str| owners.owners_of(Path::new(p)).join(" ");
        assert_eq!(of("README.md"), "@acme/platform");
        assert_eq!(of("services/shop/views.py"), "@acme/shop");
        assert_eq!(of("services/shop/legacy/old.py"), "@ann");
        assert_eq!(of("apps/store/app/models/order.rb"), "@acme/ruby");
        assert_eq!(of("./services/shop/urls.py"), "@acme/shop");
    }
}
