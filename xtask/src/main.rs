//! `cargo xtask`: builds, tests and serves fshandles, installing what a fresh machine lacks.
//!
//! - `cargo xtask build`: the JS packages in `dist/` (wasm-bindgen `--target web`, wasm-opt).
//! - `cargo xtask test`: native tests, then every browser test in headless Chromium.
//! - `cargo xtask bench`: the benchmark in headless Chromium; writes `bench/RESULTS.md`.
//! - `cargo xtask size [--top N]`: what the shipped wasm is made of, by crate and by item.
//! - `cargo xtask fuzz [--seconds N]`: each cargo-fuzz target for N seconds (60), on nightly.
//! - `cargo xtask demo [--port N]`: builds and serves the demo, in sab and async mode.
//! - `cargo xtask serve [--port N]`: serves the repository with and without COOP/COEP.
//! - `cargo xtask lint`: rustfmt, the library crates' structure (`structure.rs`), and clippy,
//!   for the host and for wasm32; the library crates'
//!   docs with no warning, and `cargo package` of the three.
#![allow(clippy::disallowed_macros, clippy::disallowed_types)] // a native tool: its size ships nowhere

mod bench;
mod build;
mod demo;
mod fuzz;
mod serve;
mod setup;
mod shrink;
mod size;
mod snippets;
mod structure;
mod test;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// A failed step, said plainly.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root.
///
/// `cargo run` sets `CARGO_MANIFEST_DIR` when it starts xtask, so the checkout that ran the
/// command wins; the path baked in at compile time would be another clone's when two clones
/// share one `CARGO_TARGET_DIR` and cargo reuses the binary.
pub fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}

/// Runs a command in the root, echoing it; fails when it fails.
pub fn run(cmd: &mut Command) -> Result {
    eprintln!("xtask: $ {}", describe(cmd));
    let status = cmd
        .current_dir(
            cmd.get_current_dir()
                .map(Path::to_path_buf)
                .unwrap_or_else(root),
        )
        .status()
        .map_err(|e| format!("cannot start {}: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(cmd)))
    }
}

/// The value after `flag` in `args` (`--seconds 20`), if the flag is there.
pub fn flag_value<T: std::str::FromStr>(args: &[String], flag: &str) -> Result<Option<T>> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{flag} takes a number")),
    }
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

const USAGE: &str =
    "usage: cargo xtask <build | test | bench | size [--top N] | fuzz [--seconds N] | demo [--port N] | serve [--port N] | lint>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("build") => setup::for_build().and_then(|_| build::build().map(drop)),
        Some("test") => test::test(&args[1..]),
        Some("bench") => bench::bench(),
        Some("size") => size::size(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("serve") => serve::serve_command(&args[1..]),
        Some("demo") => demo::demo(&args[1..]),
        Some("lint") => lint(),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn lint() -> Result {
    setup::wasm_target()?;
    run(Command::new("cargo").args(["fmt", "--all", "--check"]))?;
    structure::check()?;
    run(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--exclude",
        "xtask",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(Command::new("cargo")
        .args(["doc", "--no-deps", "--target", "wasm32-unknown-unknown"])
        .args(LIBRARIES)
        .env("RUSTDOCFLAGS", "-D warnings"))?;
    // What a release would upload, built on its own (the three together: two need the third).
    forget_packaged_sources()?;
    run(Command::new("cargo")
        .args(["package", "--allow-dirty"])
        .args(LIBRARIES))
}

/// The three library crates, as cargo's package arguments.
const LIBRARIES: [&str; 6] = [
    "-p",
    "fshandles-shared",
    "-p",
    "fshandles-main",
    "-p",
    "fshandles-worker",
];

/// `cargo package` verifies the crates that need fshandles-shared against a registry of its
/// own in target/package. Cargo treats a registry's crate as never changing: it unpacks it
/// under `$CARGO_HOME/registry/src/<registry>/<name>-<version>` once and keeps what it built
/// from it by name and version. A second run would build fshandles-main against the first
/// run's fshandles-shared. Both are forgotten first: the unpacked copies of our own crates
/// (no other registry holds crates of these names) and their builds (seconds to redo).
fn forget_packaged_sources() -> Result {
    run(Command::new("cargo")
        .args(["clean", "--quiet"])
        .args(LIBRARIES))?;
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
        .ok_or("neither CARGO_HOME nor HOME is set")?;
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        let Ok(crates) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for unpacked in crates.flatten() {
            let name = unpacked.file_name();
            if name.to_string_lossy().starts_with("fshandles-") {
                std::fs::remove_dir_all(unpacked.path())
                    .map_err(|e| format!("{}: {e}", unpacked.path().display()))?;
            }
        }
    }
    Ok(())
}
