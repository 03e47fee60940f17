#!/usr/bin/env bash
# Bounded random testing of the rule loader and of matching+fixing (tests/fuzz.rs), in release
# mode. cargo-fuzz needs a nightly toolchain, which this project's machines do not have; the
# seeded generator in tests/fuzz.rs mutates the repository's own rules and fixtures instead.
#   UPSHIFT_FUZZ_SECS=120 UPSHIFT_FUZZ_SEED=42 fuzz/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export UPSHIFT_FUZZ_SECS="${UPSHIFT_FUZZ_SECS:-60}"
cargo test --release --test fuzz -- --ignored --nocapture --test-threads 1
