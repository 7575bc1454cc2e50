//! `cargo xtask bench`: the benchmark in headless Chromium (`bench/run.mjs`), which prints its
//! table and writes it to `bench/RESULTS.md`.
//!
//! `FSH_BENCH_N` and `FSH_BENCH_BATCHES` change the calls per batch (2000) and batches (7).

use crate::{build, root, run, serve, setup, Result};
use std::process::Command;

/// Builds the packages, serves the repository isolated and plain, and runs every row.
pub fn bench() -> Result {
    setup::for_test()?;
    build::build()?;
    let chromium = setup::chromium()?;
    let isolated = serve::start(0, true)?;
    let plain = serve::start(0, false)?;
    run(Command::new("node")
        .arg(root().join("bench/run.mjs"))
        .env("FSH_ISOLATED_URL", &isolated.url)
        .env("FSH_PLAIN_URL", &plain.url)
        .env("CHROMIUM", &chromium))
}
