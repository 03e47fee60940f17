//! `--shard K/N`: a deterministic share of the files, so N machines each take one and together
//! cover every file exactly once. A file's shard depends on its path alone (a stable hash), not
//! on which other files exist, so shards agree without talking to each other.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::fingerprint::{SEED, fnv1a};

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether `path` belongs to this shard.
    pub fn includes(&self, path: &Path) -> bool {
        let path = path.strip_prefix(".").unwrap_or(path);
        let text = path.to_string_lossy().replace('\\', "/");
        fnv1a(SEED, text.as_bytes()) % self.count == self.index - 1
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard: write K/N with 1 <= K <= N, such as 2/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_in_exactly_one_shard() {
        let shards: Vec<Shard> = (1..=4).map(|k| format!("{k}/4").parse().unwrap()).collect();
        for i in 0..500 {
            let path = format!("./services/app{}/module_{i}.py", i % 7);
            let owners = shards
                .iter()
                .filter(|s| s.includes(Path::new(&path)))
                .count();
            assert_eq!(owners, 1, "{path}");
        }
        // The same file, written with or without `./`, is in the same shard.
        let a = Path::new("./x/y.py");
        let b = Path::new("x/y.py");
        assert!(shards.iter().all(|s| s.includes(a) == s.includes(b)));
    }

    #[test]
    fn malformed_shards_are_refused() {
        for text in ["0/4", "5/4", "1/0", "a/b", "3"] {
            assert!(text.parse::<Shard>().is_err(), "{text}");
        }
        assert_eq!("2/8".parse::<Shard>().unwrap().to_string(), "2/8");
    }
}
