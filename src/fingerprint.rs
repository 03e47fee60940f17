//! Stable hashes, for what must compare equal across runs and releases (baselines, the result
//! cache); std's hasher may change between Rust versions.

/// 64-bit FNV-1a over `bytes`, continuing from `seed` (start with [`SEED`]).
pub fn fnv1a(seed: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(seed, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The FNV-1a offset basis.
pub const SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// A 64-bit hash of a whole file's bytes (XXH3, seeded), for keys over large inputs: FNV-1a
/// takes a byte at a time, which made hashing every file the largest cost of a cached re-run.
pub fn content_hash(seed: u64, bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a() {
        assert_eq!(fnv1a(SEED, b""), SEED);
        assert_eq!(fnv1a(SEED, b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_content_hash_depends_on_every_byte_and_the_seed() {
        let text = vec![b'x'; 4096];
        let mut changed = text.clone();
        changed[4000] = b'y';
        assert_ne!(content_hash(SEED, &text), content_hash(SEED, &changed));
        assert_ne!(content_hash(SEED, &text), content_hash(SEED + 1, &text));
        assert_eq!(content_hash(SEED, &text), content_hash(SEED, &text.clone()));
    }
}
