//! `cargo xtask build`: the two JS packages in `dist/`.

use crate::{root, run, setup, shrink, snippets, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A crate turned into a JS package.
pub struct Package {
    krate: &'static str,
    /// The wasm file's stem, and the JS glue's.
    pub artifact: &'static str,
    /// Where the package goes.
    pub dir: &'static str,
    extra: &'static [Extra],
    /// A library package's (what users ship) size budget; the demo's has none.
    pub budget: Option<Budget>,
}

/// A file of a package beside its wasm and glue.
pub enum Extra {
    /// A file copied as it is.
    Copy(&'static str),
    /// A folder copied as it is, with what it holds.
    Folder(&'static str),
    /// A JS module bundled with what it imports (esbuild) into one file of the same name: a
    /// bundler that copies the shipped file as a plain asset gets all of it, while the source
    /// keeps one job a file.
    Bundle(&'static str),
}

/// The most a library package may weigh, in bytes of gzip (wasm and JS glue), built on nightly
/// and on stable. `cargo xtask test` fails past it (`size::check_budgets`), so a change that
/// makes a package heavier cannot go unnoticed; raise a budget on purpose, saying why in the
/// commit. Each is what the package weighed when it was set, plus under 1%. (The issue's
/// target is 20 KB a side; bench/RESULTS.md says how far each is from it.)
pub struct Budget {
    /// On nightly (`NIGHTLY_RUSTFLAGS`, `NIGHTLY_BUILD_STD`).
    pub nightly: usize,
    /// On stable.
    pub stable: usize,
}

impl Budget {
    /// The budget for a build on nightly, or on stable.
    pub fn on(&self, nightly: bool) -> usize {
        if nightly {
            self.nightly
        } else {
            self.stable
        }
    }
}

/// Every package `cargo xtask build` writes.
pub const PACKAGES: [Package; 3] = [
    Package {
        krate: "fshandles-main",
        artifact: "fshandles_main",
        dir: "dist/main",
        extra: &[
            Extra::Copy("main-thread/js/pyscript.js"),
            Extra::Copy("main-thread/js/pyscript.d.ts"),
            Extra::Copy("main-thread/js/fshandles_dialog.js"),
            Extra::Copy("main-thread/js/fshandles_files.js"),
            Extra::Copy("main-thread/js/file_picks.js"),
            Extra::Copy("main-thread/js/file_drops.js"),
            Extra::Copy("main-thread/js/file_records.js"),
            Extra::Copy("main-thread/js/fshandles_files.d.ts"),
        ],
        budget: Some(Budget {
            nightly: 43_500,
            stable: 55_900,
        }),
    },
    Package {
        krate: "fshandles-worker",
        artifact: "fshandles_worker",
        dir: "dist/worker",
        extra: &[
            Extra::Folder("worker/python/fshandles"),
            Extra::Bundle("worker/js/fshandles_copy.js"),
            Extra::Bundle("worker/js/fshandles_direct.js"),
            Extra::Bundle("worker/js/fshandles_watch.js"),
            Extra::Bundle("worker/js/fshandles_file.js"),
            Extra::Copy("worker/js/fshandles_file.d.ts"),
        ],
        budget: Some(Budget {
            nightly: 25_950,
            stable: 35_700,
        }),
    },
    // The demo's Rust side (a gloo worker and the page's handle on it).
    Package {
        krate: "fshandles-demo",
        artifact: "fshandles_demo",
        dir: "dist/demo",
        extra: &[],
        budget: None,
    },
];

/// rustc's flags for a build on nightly: a panic aborts at once, with no message formatted and
/// no source paths kept. A panic is a bug, and `unreachable` in the browser's console says as
/// much as the message would; the formatting machinery it drops is a tenth of the wasm.
///
/// MIR optimisation level 3 lets rustc's MIR inliner fold the many small poll and accessor
/// functions into their callers before LLVM sees them: 3.5% off the host's wasm and 5% off
/// the worker's (gzip), where no LLVM inlining setting saved anything.
///
/// Without the reference-types feature, wasm-bindgen keeps the JS values Rust holds in an array
/// in the glue rather than in a wasm table, and needs no adapter function in the wasm for
/// each export and import that passes one: 0.9 KB gzip off the host and 0.7 KB off the worker
/// (wasm and glue together). The standard library is rebuilt with the same features.
const NIGHTLY_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort \
    -Zlocation-detail=none -Zmir-opt-level=3 -Ctarget-feature=-reference-types";

/// cargo's flags for a build on nightly: the standard library rebuilt under
/// [`NIGHTLY_RUSTFLAGS`], with `optimize_for_size`, which picks std's small variants of
/// sorting, rotating, counting chars and printing numbers (0.3 KB gzip a side). Their speed
/// shows only on inputs far longer than a uid or a handful of records.
const NIGHTLY_BUILD_STD: [&str; 2] = [
    "-Zbuild-std=std,panic_abort",
    "-Zbuild-std-features=optimize_for_size",
];

/// What [`build`] made `dist/` from.
pub struct Built {
    /// The directory of the release wasm.
    pub wasm_dir: PathBuf,
    /// Whether it was built on nightly (smaller), not on stable.
    pub nightly: bool,
}

/// Builds `dist/main` and `dist/worker` (and the demo's package).
///
/// On nightly where the machine has it (`setup::nightly_std`), with the standard library
/// rebuilt ([`NIGHTLY_BUILD_STD`], [`NIGHTLY_RUSTFLAGS`]); otherwise, or if that build fails,
/// on stable.
pub fn build() -> Result<Built> {
    let root = root();
    let mut nightly = setup::nightly_std();
    let wasm_dir = compile(nightly).or_else(|e| {
        if !nightly {
            return Err(e);
        }
        eprintln!("xtask: the nightly build failed ({e}); building on stable");
        nightly = false;
        compile(false)
    })?;
    let bindgen = setup::wasm_bindgen()?;
    for p in &PACKAGES {
        let out = root.join(p.dir);
        let bg = package(&bindgen, &wasm_dir, p.artifact, &out, Names::Strip)?;
        for extra in p.extra {
            add(extra, &out)?;
        }
        let size = std::fs::metadata(&bg).map(|m| m.len()).unwrap_or(0);
        eprintln!("xtask: {} ({} bytes of wasm)", out.display(), size);
    }
    write_package_json(&root.join("dist"))?;
    Ok(Built { wasm_dir, nightly })
}

/// Puts `extra` into the package folder `out`.
fn add(extra: &Extra, out: &Path) -> Result {
    let (Extra::Copy(src) | Extra::Folder(src) | Extra::Bundle(src)) = *extra;
    let src = root().join(src);
    let to = out.join(src.file_name().expect("a file or folder"));
    match extra {
        Extra::Copy(_) => std::fs::copy(&src, &to)
            .map(drop)
            .map_err(|e| format!("{}: {e}", src.display())),
        Extra::Folder(_) => copy_folder(&src, &to),
        Extra::Bundle(_) => {
            let esbuild = setup::esbuild().ok_or("esbuild not found (npm package esbuild)")?;
            let from = src
                .strip_prefix(root())
                .unwrap_or(&src)
                .display()
                .to_string();
            run(Command::new(esbuild)
                .arg(&src)
                .args(["--bundle", "--format=esm", "--log-level=warning"])
                .arg(format!(
                    "--banner:js=// fshandles: {from} and the modules it imports, bundled by \
                     `cargo xtask build` (esbuild). The sources, one job a file, are in the \
                     repository's worker/js/."
                ))
                // The copy engine loads the direct one, the watch and the file's module beside
                // it, at run time.
                .arg("--external:./fshandles_direct.js")
                .arg("--external:./fshandles_watch.js")
                .arg("--external:./fshandles_file.js")
                .arg(format!("--outfile={}", to.display())))
        }
    }
}

fn copy_folder(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().expect("an entry has a name");
        if path.is_dir() {
            // Python's byte-code caches are not the package's.
            if name != "__pycache__" {
                copy_folder(&path, &to.join(name))?;
            }
        } else {
            std::fs::copy(&path, to.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// `cargo build`s every package's crate for wasm32; returns where the wasm went.
fn compile(nightly: bool) -> Result<PathBuf> {
    let root = root();
    // Cargo's own target directory, moved if CARGO_TARGET_DIR says so.
    let mut target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|t| root.join(t))
        .unwrap_or_else(|| root.join("target"));
    let mut cargo = Command::new("cargo");
    if nightly {
        // Its own directory: the two compilers would otherwise rebuild over each other.
        target = target.join("nightly-std");
        cargo
            .arg("+nightly")
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", NIGHTLY_RUSTFLAGS);
    }
    cargo.args(["build", "--release", "--target", "wasm32-unknown-unknown"]);
    if nightly {
        cargo.args(NIGHTLY_BUILD_STD);
    }
    for p in &PACKAGES {
        cargo.args(["-p", p.krate]);
    }
    // The packages' allocator (the demo's worker gets it through fshandles-worker).
    cargo.args(["--features", "fshandles-main/talc,fshandles-worker/talc"]);
    run(&mut cargo)?;
    Ok(target.join("wasm32-unknown-unknown/release"))
}

/// `dist/package.json`: `dist/` is the npm package `fshandles` (`npm pack` in it works).
fn write_package_json(dist: &Path) -> Result {
    let json = r#"{
  "name": "fshandles",
  "version": "VERSION",
  "description": "Give code in a Web Worker (PyScript, Rust, JS) a folder of the user's device: the main thread shows the picker and prompts, workers ask by postMessage or SharedArrayBuffer",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "exports": {
    "./main": {
      "types": "./main/fshandles_main.d.ts",
      "default": "./main/fshandles_main.js"
    },
    "./main/fshandles_main_bg.wasm": "./main/fshandles_main_bg.wasm",
    "./main/fshandles_dialog.js": "./main/fshandles_dialog.js",
    "./files": {
      "types": "./main/fshandles_files.d.ts",
      "default": "./main/fshandles_files.js"
    },
    "./worker": {
      "types": "./worker/fshandles_worker.d.ts",
      "default": "./worker/fshandles_worker.js"
    },
    "./worker/fshandles_worker_bg.wasm": "./worker/fshandles_worker_bg.wasm",
    "./pyscript": {
      "types": "./main/pyscript.d.ts",
      "default": "./main/pyscript.js"
    },
    "./fshandles/*": "./worker/fshandles/*",
    "./worker/fshandles/*": "./worker/fshandles/*",
    "./worker/fshandles_copy.js": "./worker/fshandles_copy.js",
    "./worker/fshandles_direct.js": "./worker/fshandles_direct.js",
    "./worker/fshandles_watch.js": "./worker/fshandles_watch.js",
    "./worker/fshandles_file.js": {
      "types": "./worker/fshandles_file.d.ts",
      "default": "./worker/fshandles_file.js"
    },
    "./package.json": "./package.json"
  },
  "files": [
    "main/fshandles_main.js",
    "main/fshandles_main.d.ts",
    "main/fshandles_main_bg.wasm",
    "main/fshandles_main_bg.wasm.d.ts",
    "main/fshandles_dialog.js",
    "main/fshandles_files.js",
    "main/fshandles_files.d.ts",
    "main/file_picks.js",
    "main/file_drops.js",
    "main/file_records.js",
    "main/pyscript.js",
    "main/pyscript.d.ts",
    "worker/fshandles_worker.js",
    "worker/fshandles_worker.d.ts",
    "worker/fshandles_worker_bg.wasm",
    "worker/fshandles_worker_bg.wasm.d.ts",
    "worker/fshandles/",
    "worker/fshandles_copy.js",
    "worker/fshandles_direct.js",
    "worker/fshandles_watch.js",
    "worker/fshandles_file.js",
    "worker/fshandles_file.d.ts"
  ],
  "sideEffects": false
}
"#
    .replace("VERSION", env!("CARGO_PKG_VERSION"));
    let path = dist.join("package.json");
    std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))
}

/// Whether a package keeps its wasm's function names (for a size profile) or not (to ship).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Stripped, as shipped.
    Strip,
    /// Kept, so that a profiler can name what takes the room; otherwise the same code.
    Keep,
}

/// Runs `bindgen` (from [`setup::wasm_bindgen`]) on `artifact`'s wasm in `wasm_dir` (from
/// [`build`]) into `out`, folds its JS snippets into the glue, and runs wasm-opt and terser;
/// returns the path of the `_bg.wasm`.
pub fn package(
    bindgen: &Path,
    wasm_dir: &Path,
    artifact: &str,
    out: &Path,
    names: Names,
) -> Result<PathBuf> {
    let _ = std::fs::remove_dir_all(out);
    let wasm = wasm_dir.join(format!("{artifact}.wasm"));
    // `TextEncoder.encodeInto` is in every browser with workers and ES modules this runs in
    // (Safari since 14.1): the glue needs no fallback for strings passed to Rust.
    run(Command::new(bindgen)
        .args(["--target", "web", "--encode-into", "always"])
        .arg("--out-dir")
        .arg(out)
        .arg(&wasm))?;
    snippets::fold(out, artifact)?;
    let bg = out.join(format!("{artifact}_bg.wasm"));
    match setup::wasm_opt() {
        Some(opt) => optimise(&opt, &bg, names)?,
        None => eprintln!(
            "xtask: wasm-opt not found (npm package binaryen); {} left unoptimised",
            bg.display()
        ),
    }
    if names == Names::Strip {
        shrink::shorten_names(out, artifact)?;
    }
    minify(&out.join(format!("{artifact}.js")))?;
    Ok(bg)
}

/// wasm-opt `-Oz` on `bg` in place, keeping function names if a profiler is to read them.
fn optimise(opt: &Path, bg: &Path, names: Names) -> Result {
    let mut cmd = Command::new(opt);
    cmd.arg("-Oz");
    match names {
        // The producers and target-features sections say how the wasm was made; no browser
        // reads them.
        Names::Strip => cmd.args([
            "--strip-debug",
            "--strip-producers",
            "--strip-target-features",
        ]),
        Names::Keep => cmd.arg("--debuginfo"),
    };
    run(cmd
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(bg)
        .arg("-o")
        .arg(bg))
}

/// Minifies wasm-bindgen's JS glue in place: a third of a package's gzip size is glue, and
/// terser halves it. Its exports keep their names (`--module` mangles only what is local), and
/// the bundlers' comments stay on the `import()`s of files loaded at run time (the watch's
/// module): without `webpackIgnore`, webpack makes the import its own and fails it.
fn minify(js: &Path) -> Result {
    let Some(terser) = setup::terser() else {
        eprintln!(
            "xtask: terser not found (npm package terser); {} left as generated",
            js.display()
        );
        return Ok(());
    };
    run(Command::new(terser)
        .arg(js)
        .args(["--module", "--compress", "--mangle"])
        .args(["--comments", "/webpackIgnore|@vite-ignore/"])
        .arg("--output")
        .arg(js))
}
