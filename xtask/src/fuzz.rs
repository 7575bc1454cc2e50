//! `cargo xtask fuzz [--seconds N]`: a bounded run of each cargo-fuzz target of
//! `fshandles-shared` (the message decoder and the shared-buffer frame parser), N seconds each
//! (default 60). Installs cargo-fuzz and the nightly toolchain's use of it when missing.
//!
//! Runs start from the committed seeds in `shared/fuzz/corpus`; what a run finds goes to
//! `target/fuzz-corpus`, so the seeds stay small. A crash fails the command and leaves its
//! input under `shared/fuzz/artifacts`.

use crate::{flag_value, root, run, Result};
use std::process::Command;

const TARGETS: [&str; 2] = ["decode", "frame"];

/// Runs every target for `--seconds` (60).
pub fn fuzz(args: &[String]) -> Result {
    let seconds: u32 = flag_value(args, "--seconds")?.unwrap_or(60);
    cargo_fuzz()?;
    for target in TARGETS {
        let found = root().join("target/fuzz-corpus").join(target);
        std::fs::create_dir_all(&found).map_err(|e| format!("{}: {e}", found.display()))?;
        let seeds = root().join("shared/fuzz/corpus").join(target);
        run(Command::new("cargo")
            .current_dir(root().join("shared"))
            .args(["+nightly", "fuzz", "run", target])
            .arg(&found)
            .arg(&seeds)
            .arg("--")
            .arg(format!("-max_total_time={seconds}")))?;
    }
    Ok(())
}

fn cargo_fuzz() -> Result {
    let have = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if have {
        return Ok(());
    }
    run(Command::new("cargo").args(["install", "--locked", "cargo-fuzz"]))
}
