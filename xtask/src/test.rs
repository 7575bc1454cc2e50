//! `cargo xtask test`: native tests (and those needing JS values, and the JS that needs no
//! browser, in Node), then the packages' size budgets and the browser tests in headless
//! Chromium.
//!
//! `--native` or `--browser` runs one half; `--grep PATTERN` picks browser tests by name.

use crate::{build, root, run, serve, setup, size, Result};
use std::process::Command;

/// Runs every test; fails when any fails.
pub fn test(args: &[String]) -> Result {
    let only = |flag: &str| args.iter().any(|a| a == flag);
    let (native, browser) = match (only("--native"), only("--browser")) {
        (false, false) => (true, true),
        (n, b) => (n, b),
    };
    let grep = args
        .iter()
        .position(|a| a == "--grep")
        .and_then(|i| args.get(i + 1));
    if native {
        run(Command::new("cargo").args(["test", "--workspace"]))?;
        js_value_tests()?;
        node_tests()?;
    }
    if browser {
        setup::for_test()?;
        let built = build::build()?;
        size::check_budgets(&built)?;
        browser_tests(grep.map(String::as_str))?;
    }
    Ok(())
}

/// The Rust tests that need JS values (options parsing, attachment bookkeeping): built for
/// wasm32 and run in Node by wasm-bindgen-test-runner, which comes with wasm-bindgen-cli.
fn js_value_tests() -> Result {
    setup::wasm_target()?;
    setup::wasm_bindgen()?;
    let runs: [(&str, &[&str]); 2] = [
        ("fshandles-main", &["--lib"]),
        ("fshandles-worker", &["--test", "options_js"]),
    ];
    for (package, target) in runs {
        let mut cargo = Command::new("cargo");
        cargo
            .args(["test", "--target", "wasm32-unknown-unknown", "-p", package])
            .args(target)
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            );
        run(&mut cargo)?;
    }
    Ok(())
}

/// The JS tests that need no browser (`tests/node`: the direct mount's blocking call, its
/// steps in real threads under a scheduler): Node's own test runner.
fn node_tests() -> Result {
    let files = test_files("tests/node")?;
    run(Command::new("node")
        .args(["--test", "--test-reporter=spec"])
        .args(&files))
}

/// Serves the repository isolated and plain, and points `node` at both servers and at
/// Chromium (the variables `tests/browser/harness.mjs` reads).
pub fn browser_env(node: &mut Command) -> Result {
    let chromium = setup::chromium()?;
    let (isolated, plain) = serve::start_pair(0)?;
    node.env("FSH_ISOLATED_URL", &isolated.url)
        .env("FSH_PLAIN_URL", &plain.url)
        .env("CHROMIUM", &chromium);
    Ok(())
}

/// The browser tests: Chromium's (`tests/browser`), then Firefox's (`tests/firefox`) and
/// WebKitGTK's (`tests/webkit`), each file after the other.
fn browser_tests(grep: Option<&str>) -> Result {
    let mut files = test_files("tests/browser")?;
    files.extend(test_files("tests/firefox")?);
    files.extend(test_files("tests/webkit")?);
    let mut node = Command::new("node");
    // One file at a time: the machine has two cores and each file drives a browser.
    node.args(["--test", "--test-concurrency=1", "--test-reporter=spec"]);
    if let Some(g) = grep {
        node.args(["--test-name-pattern", g]);
    }
    node.args(&files);
    browser_env(&mut node)?;
    node.env("FIREFOX", setup::firefox()?)
        .env("WEBKIT_DRIVER", setup::webkit()?);
    run(&mut node)
}

/// The `*.test.mjs` files of `folder`, sorted; an error when there are none.
fn test_files(folder: &str) -> Result<Vec<std::path::PathBuf>> {
    let dir = root().join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no tests found in {folder}"));
    }
    Ok(files)
}
