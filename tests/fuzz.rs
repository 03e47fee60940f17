//! Bounded random testing of the rule loader and of matching and fixing, for `fuzz/run.sh`.
//! Ignored by `cargo test`; run with `cargo test --release --test fuzz -- --ignored`, for
//! `UPSHIFT_FUZZ_SECS` seconds each (default 5). Inputs come from a seeded generator
//! (`UPSHIFT_FUZZ_SEED`), so a failure can be replayed.

use std::path::Path;
use std::time::{Duration, Instant};

use upshift::engine::plan::Plan;
use upshift::engine::source::Source;
use upshift::engine::{self, FileStatus, FixMode, Options};
use upshift::language;
use upshift::rules::{RuleSet, Selection};

/// xorshift64*: small, seedable, good enough to drive mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn budget() -> Duration {
    Duration::from_secs(
        std::env::var("UPSHIFT_FUZZ_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5),
    )
}

fn rng() -> Rng {
    Rng(std::env::var("UPSHIFT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1234_abcd_0001))
}

/// Every fixture case and rule file under the repository, as seeds.
fn corpus(dir: &str, extension: Option<&str>) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if extension.is_none_or(|e| path.extension().is_some_and(|x| x == e)) {
                out.push((
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&path).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Deletes, duplicates, inserts or flips a few bytes.
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    const TOKENS: &[&[u8]] = &[
        b"(", b")", b"[", b"]", b"{", b"}", b"\"", b"'", b"\n", b"\r\n", b":", b",", b"#", b"\0",
        b"\xff", b"\t", b"    ", b"- ", b"@",
    ];
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if !bytes.is_empty() => {
                let end = (at + rng.below(8)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            2 if !bytes.is_empty() => {
                let from = rng.below(bytes.len());
                let end = (from + rng.below(16)).min(bytes.len());
                let piece: Vec<u8> = bytes[from..end].to_vec();
                bytes.splice(at..at, piece);
            }
            _ if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] = bytes[i].wrapping_add(1 + rng.below(254) as u8);
            }
            _ => {}
        }
    }
}

#[test]
#[ignore = "bounded random testing: run by fuzz/run.sh"]
fn fuzz_the_rule_loader() {
    let seeds = corpus("rules", Some("yml"));
    // The case being loaded stays on disk: after a crash, target/fuzz/rules/fuzz/case.yml is it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz/rules");
    let pack = dir.join("fuzz");
    std::fs::create_dir_all(&pack).unwrap();
    let (mut rng, started, mut tried) = (rng(), Instant::now(), 0u64);
    while started.elapsed() < budget() {
        let (_, seed) = &seeds[rng.below(seeds.len())];
        let mut bytes = seed.clone();
        mutate(&mut rng, &mut bytes);
        std::fs::write(pack.join("case.yml"), &bytes).unwrap();
        // Loading must not panic; errors are fine.
        let _ = RuleSet::load_from(false, std::slice::from_ref(&dir));
        tried += 1;
    }
    eprintln!("rule loader: {tried} inputs, no panic");
}

#[test]
#[ignore = "bounded random testing: run by fuzz/run.sh"]
fn fuzz_matching_and_fixing() {
    let set = RuleSet::load(&[]).unwrap();
    let plan = Plan::new(&set, &Selection::default());
    let seeds: Vec<(String, Vec<u8>)> = corpus("fixtures", None)
        .into_iter()
        .filter(|(name, _)| language::for_path(Path::new(name)).is_some())
        .collect();
    let options = Options {
        fix: Some(FixMode { unsafe_fixes: true }),
        file_budget: Duration::from_secs(5),
        ..Options::default()
    };
    let (mut rng, started, mut tried, mut fixed) = (rng(), Instant::now(), 0u64, 0u64);
    while started.elapsed() < budget() {
        let (name, seed) = &seeds[rng.below(seeds.len())];
        let mut bytes = seed.clone();
        mutate(&mut rng, &mut bytes);
        let path = Path::new(name);
        let lang = language::for_path(path).unwrap();
        let Ok(source) = Source::decode(path, bytes, u64::MAX) else {
            continue;
        };
        tried += 1;
        if let FileStatus::Analyzed(analysis) =
            engine::process_source(&plan, source.clone(), lang.id, &options).status
            && analysis.changed()
        {
            fixed += 1;
            // A written fix never parses worse than the input did.
            let before = engine::parse::parse(lang, &source.text, Duration::from_secs(5))
                .map(|t| engine::parse::syntax_errors(&t));
            let after = engine::parse::parse(lang, &analysis.text, Duration::from_secs(5))
                .map(|t| engine::parse::syntax_errors(&t));
            if let (Some(before), Some(after)) = (before, after) {
                assert!(
                    after <= before,
                    "{name}: a fix added syntax errors:\n{}",
                    analysis.text
                );
            }
        }
    }
    eprintln!(
        "matching and fixing: {tried} inputs, {fixed} fixed, no panic, no fix that parses worse"
    );
}
