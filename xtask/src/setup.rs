//! Installs what a fresh machine lacks, and nothing it already has: the wasm32 target,
//! wasm-bindgen-cli at the exact version in Cargo.lock, Chromium and its driver, Firefox ESR,
//! WebKitGTK's driver with Xvfb, and the pinned npm packages.

use crate::{root, run, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Everything `build` needs.
pub fn for_build() -> Result {
    wasm_target()?;
    wasm_bindgen()?;
    npm()
}

/// Everything `test` needs.
pub fn for_test() -> Result {
    for_build()?;
    chromium()?;
    firefox()?;
    webkit().map(drop)
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `rustup target add wasm32-unknown-unknown` when missing.
pub fn wasm_target() -> Result {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The wasm-bindgen version Cargo.lock pins.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen version".into())
}

/// The `wasm-bindgen` binary, installed at the locked version when missing or different.
pub fn wasm_bindgen() -> Result<PathBuf> {
    let want = locked_wasm_bindgen()?;
    let have = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if have.split_whitespace().nth(1) != Some(want.as_str()) {
        eprintln!(
            "xtask: installing wasm-bindgen-cli {want} (found: {:?})",
            have.trim()
        );
        // `--locked` is tried first; its lock file can name a crate version the registry no
        // longer serves, and then a fresh resolution (same CLI version) is the way.
        let locked = run(Command::new("cargo").args([
            "install",
            "--locked",
            "wasm-bindgen-cli",
            "--version",
            &want,
            "--force",
        ]));
        if locked.is_err() {
            run(Command::new("cargo").args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &want,
                "--force",
            ]))?;
        }
    }
    Ok(PathBuf::from("wasm-bindgen"))
}

/// `npm ci` when node_modules does not match package-lock.json.
pub fn npm() -> Result {
    let root = root();
    let lock = std::fs::read(root.join("package-lock.json"))
        .map_err(|e| format!("package-lock.json: {e}"))?;
    let installed = std::fs::read(root.join("node_modules/.package-lock.json")).unwrap_or_default();
    let stamp = root.join("node_modules/.fshandles-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) && !installed.is_empty() {
        return Ok(());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    std::fs::write(&stamp, &lock).map_err(|e| e.to_string())
}

/// The browser: Debian's chromium and chromium-driver, installed by apt when missing.
pub fn chromium() -> Result<PathBuf> {
    installed(
        "CHROMIUM",
        "/usr/bin/chromium",
        &["/usr/bin/chromedriver"],
        &["chromium", "chromium-driver"],
    )
}

/// The second browser: Debian's firefox-esr (driven over Marionette by
/// tests/firefox/marionette.mjs, which needs no driver of its own), installed by apt when missing.
pub fn firefox() -> Result<PathBuf> {
    installed("FIREFOX", "/usr/bin/firefox-esr", &[], &["firefox-esr"])
}

/// The third browser: Debian's WebKitGTK, whose WebKitWebDriver drives its MiniBrowser on a
/// virtual display (Xvfb), installed by apt when missing.
pub fn webkit() -> Result<PathBuf> {
    installed(
        "WEBKIT_DRIVER",
        "/usr/bin/WebKitWebDriver",
        &["/usr/bin/Xvfb"],
        &["webkit2gtk-driver", "xvfb"],
    )
}

/// The program the variable `env` names; else `program`, after installing Debian's `packages`
/// when it or any of `also` is missing.
fn installed(env: &str, program: &str, also: &[&str], packages: &[&str]) -> Result<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Ok(PathBuf::from(path));
    }
    if ![program].iter().chain(also).all(|p| Path::new(p).exists()) {
        apt_install(packages)?;
    }
    Ok(PathBuf::from(program))
}

/// `apt-get install -y` of Debian's `packages` (after an update), through sudo unless root.
fn apt_install(packages: &[&str]) -> Result {
    eprintln!("xtask: installing {} with apt-get", packages.join(" "));
    let sudo = output(Command::new("id").arg("-u"))
        .map(|u| u.trim() != "0")
        .unwrap_or(true);
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            Command::new("sudo")
        } else {
            Command::new("apt-get")
        };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update"])?;
    apt(&[&["install", "-y"][..], packages].concat())
}

/// Whether `cargo xtask build` can rebuild the standard library on the machine's nightly
/// toolchain (see `build`): it has one, and its `rust-src` and wasm32 target are there or can
/// be added now. False, saying why, when it cannot or `FSH_STABLE` is set: the build then uses
/// stable, and ships a larger wasm.
pub fn nightly_std() -> bool {
    if std::env::var_os("FSH_STABLE").is_some() {
        eprintln!("xtask: FSH_STABLE is set: building on stable");
        return false;
    }
    let rustup = |args: &[&str]| output(Command::new("rustup").args(args));
    if rustup(&["run", "nightly", "rustc", "--version"]).is_none() {
        eprintln!("xtask: no nightly toolchain: building on stable");
        return false;
    }
    // `rustup component` or `rustup target`, and what it must list.
    let installed = |kind: &str, name: &str| {
        rustup(&[kind, "list", "--installed", "--toolchain", "nightly"])
            .unwrap_or_default()
            .lines()
            .any(|l| l.trim() == name)
    };
    let ensure = |kind: &str, name: &str| {
        installed(kind, name)
            || run(Command::new("rustup").args([kind, "add", name, "--toolchain", "nightly"]))
                .is_ok()
                && installed(kind, name)
    };
    let ready = ensure("component", "rust-src") && ensure("target", "wasm32-unknown-unknown");
    if !ready {
        eprintln!("xtask: nightly lacks rust-src or the wasm32 target: building on stable");
    }
    ready
}

/// `wasm-opt` from the npm package `binaryen`, if installed.
pub fn wasm_opt() -> Option<PathBuf> {
    npm_bin("wasm-opt")
}

/// `terser` from the npm package of that name, if installed.
pub fn terser() -> Option<PathBuf> {
    npm_bin("terser")
}

/// `esbuild` from the npm package of that name, if installed.
pub fn esbuild() -> Option<PathBuf> {
    npm_bin("esbuild")
}

/// A command installed by an npm package of package.json, if installed.
fn npm_bin(name: &str) -> Option<PathBuf> {
    let p = root().join("node_modules/.bin").join(name);
    p.exists().then_some(p)
}
