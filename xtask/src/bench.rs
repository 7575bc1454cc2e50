//! `cargo xtask bench`: the benchmark in headless Chromium (`bench/run.mjs`), which prints its
//! table and writes it to `bench/RESULTS.md`.
//!
//! `FSH_BENCH_N` and `FSH_BENCH_BATCHES` change the calls per batch (2000) and batches (7).

use crate::{build, root, run, setup, size, test, Result};
use std::process::Command;

/// Builds the packages, serves the repository isolated and plain, and runs every row; the
/// packages' sizes go to the page with their budgets.
pub fn bench() -> Result {
    setup::for_test()?;
    let built = build::build()?;
    // The packages' sizes, graded against the budgets `cargo xtask test` enforces.
    let budgets: Vec<String> = size::weigh(&built)?
        .iter()
        .map(|w| {
            format!(
                r#"{{"dir":"{}","wasm":{},"glue":{},"budget":{},"toolchain":"{}"}}"#,
                w.dir, w.wasm, w.glue, w.budget, w.toolchain
            )
        })
        .collect();
    let mut node = Command::new("node");
    node.arg(root().join("bench/run.mjs"))
        .env("FSH_BENCH_BUDGETS", format!("[{}]", budgets.join(",")));
    test::browser_env(&mut node)?;
    run(&mut node)
}
