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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv1a() {
        assert_eq!(fnv1a(SEED, b""), SEED);
        assert_eq!(fnv1a(SEED, b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
