//! `cargo xtask bench`: the benchmark in headless Chromium (`bench/run.mjs`), which prints its
//! table and writes it to `bench/RESULTS.md`.
//!
//! `FSH_BENCH_N` and `FSH_BENCH_BATCHES` change the calls per batch (2000) and batches (7).

use crate::{build, root, run, setup, test, Result};
use std::process::Command;

/// Builds the packages, serves the repository isolated and plain, and runs every row.
pub fn bench() -> Result {
    setup::for_test()?;
    build::build()?;
    let mut node = Command::new("node");
    node.arg(root().join("bench/run.mjs"));
    test::browser_env(&mut node)?;
    run(&mut node)
}
