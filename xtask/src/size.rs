//! `cargo xtask size [--top N]`: what the shipped wasm is made of.
//!
//! Builds `dist/`, then builds each package once more with its function names kept (the same
//! code otherwise) into `target/size/`, and asks twiggy (installed at a pinned version when
//! missing) for every item's size. Prints, per package: the gzip size of what ships (wasm and
//! JS glue) against its budget, the wasm by crate, and its N largest items (15).

use crate::build::{self, Names};
use crate::{flag_value, root, run, setup, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const TWIGGY: &str = "0.8.0";

/// Prints the size profile of `dist/main` and `dist/worker`.
pub fn size(args: &[String]) -> Result {
    let top = flag_value(args, "--top")?.unwrap_or(15);
    setup::for_build()?;
    let built = build::build()?;
    let twiggy = twiggy()?;
    let bindgen = setup::wasm_bindgen()?;
    for (package, budget) in library_packages() {
        let (artifact, dist) = (package.artifact, package.dir);
        let (wasm_gz, glue_gz) = shipped(dist, artifact)?;
        let limit = budget.on(built.nightly);
        println!(
            "\n## {dist}: {} bytes gzip ({wasm_gz} wasm + {glue_gz} JS glue; budget {limit})\n",
            wasm_gz + glue_gz
        );

        let named = build::package(
            &bindgen,
            &built.wasm_dir,
            artifact,
            &root().join("target/size").join(artifact),
            Names::Keep,
        )?;
        let csv = Command::new(&twiggy)
            .args(["top", "-n", "1000000", "-f", "csv"])
            .arg(&named)
            .output()
            .map_err(|e| format!("twiggy: {e}"))?;
        if !csv.status.success() {
            return Err(format!(
                "twiggy failed: {}",
                String::from_utf8_lossy(&csv.stderr)
            ));
        }
        let items = parse(&String::from_utf8_lossy(&csv.stdout));
        let total: u64 = items.iter().map(|(_, b)| b).sum();

        let mut groups: BTreeMap<&'static str, u64> = BTreeMap::new();
        for (name, bytes) in &items {
            *groups.entry(group(name)).or_default() += bytes;
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.1));
        println!("| part of the wasm | bytes (before gzip) | share |\n|---|---:|---:|");
        for (g, bytes) in &groups {
            println!(
                "| {g} | {bytes} | {:.1}% |",
                100.0 * *bytes as f64 / total as f64
            );
        }
        println!("| **all** | **{total}** | |\n");

        println!("| largest items | bytes |\n|---|---:|");
        for (name, bytes) in items.iter().take(top) {
            println!("| `{}` | {bytes} |", short(name));
        }
    }
    Ok(())
}

/// Gzip bytes of a package's wasm and of its JS glue, as in `dist/`.
fn shipped(dist: &str, artifact: &str) -> Result<(usize, usize)> {
    let dir = root().join(dist);
    Ok((
        gzip_len(&dir.join(format!("{artifact}_bg.wasm")))?,
        gzip_len(&dir.join(format!("{artifact}.js")))?,
    ))
}

/// The library packages (what users ship), each with its budget.
fn library_packages() -> impl Iterator<Item = (&'static build::Package, &'static build::Budget)> {
    build::PACKAGES
        .iter()
        .filter_map(|p| p.budget.as_ref().map(|b| (p, b)))
}

/// A library package as built, against its budget.
pub struct Weighed {
    /// Its folder in the repository (`dist/main`).
    pub dir: &'static str,
    /// Gzip bytes of its wasm.
    pub wasm: usize,
    /// Gzip bytes of its JS glue.
    pub glue: usize,
    /// Its budget for the toolchain it was built with.
    pub budget: usize,
    /// "nightly" or "stable".
    pub toolchain: &'static str,
}

impl Weighed {
    /// Wasm and glue together: what the budget covers.
    pub fn total(&self) -> usize {
        self.wasm + self.glue
    }
}

/// Each library package just built, weighed against its [`build::Budget`].
pub fn weigh(built: &build::Built) -> Result<Vec<Weighed>> {
    library_packages()
        .map(|(p, budget)| {
            let (wasm, glue) = shipped(p.dir, p.artifact)?;
            Ok(Weighed {
                dir: p.dir,
                wasm,
                glue,
                budget: budget.on(built.nightly),
                toolchain: if built.nightly { "nightly" } else { "stable" },
            })
        })
        .collect()
}

/// Fails when a library package just built weighs more than its [`build::Budget`].
pub fn check_budgets(built: &build::Built) -> Result {
    let mut over = Vec::new();
    for w in weigh(built)? {
        let (dir, total, limit, toolchain) = (w.dir, w.total(), w.budget, w.toolchain);
        eprintln!("xtask: {dir}: {total} bytes gzip, budget {limit} on {toolchain}");
        if total > limit {
            over.push(format!(
                "{dir} weighs {total} bytes gzip ({} wasm + {} glue), over its budget of {limit} on {toolchain}; `cargo xtask size` shows where the bytes go",
                w.wasm, w.glue
            ));
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(over.join("; "))
    }
}

/// twiggy at the pinned version, installed when missing.
fn twiggy() -> Result<String> {
    let have = Command::new("twiggy")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if !have.contains(TWIGGY) {
        run(Command::new("cargo").args(["install", "--locked", "twiggy", "--version", TWIGGY]))?;
    }
    Ok("twiggy".into())
}

fn gzip_len(path: &Path) -> Result<usize> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    if out.status.success() {
        Ok(out.stdout.len())
    } else {
        Err(format!("gzip {} failed", path.display()))
    }
}

/// (name, shallow bytes) of each item in twiggy's CSV, largest first, leaving out the name
/// sections that the shipped build strips.
fn parse(csv: &str) -> Vec<(String, u64)> {
    let mut items: Vec<(String, u64)> = csv
        .lines()
        .skip(1)
        .filter_map(|line| {
            // Names may hold commas (generics); the size is the first field after the name
            // that is a plain number, and the name is everything before it.
            let fields: Vec<&str> = line.split(',').collect();
            let at = fields
                .iter()
                .rposition(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))?;
            let name = fields[..at].join(",");
            let bytes = fields[at].parse().ok()?;
            // CSV quoting: a quoted field doubles its own quotes.
            let name = match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
                Some(inner) => inner.replace("\"\"", "\""),
                None => name,
            };
            Some((name, bytes))
        })
        .filter(|(name, _)| !name.contains("names\" subsection") && !name.contains(" names"))
        .collect();
    items.sort_by_key(|i| std::cmp::Reverse(i.1));
    items
}

/// The part of the program an item belongs to, from its name.
fn group(name: &str) -> &'static str {
    let path = name.trim_start_matches(['<', '&', '*', ' ']);
    let krate = path
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    match krate {
        "fshandles_main" => "fshandles-main",
        "fshandles_worker" => "fshandles-worker",
        "fshandles_shared" => "fshandles-shared",
        "core" => "core (drop glue, fmt, panics)",
        "alloc" | "__rustc" | "__rdl_alloc" | "__rdl_realloc" | "__rdl_dealloc" => "alloc",
        "std" => "std",
        "dlmalloc" => "dlmalloc (the allocator)",
        "serde" | "serde_core" | "postcard" => "serde + postcard",
        "js_sys" | "wasm_bindgen_futures" => "js-sys (incl. its futures executor)",
        "wasm_bindgen" | "web_sys" => "wasm-bindgen and web-sys",
        "futures_channel" | "futures_core" | "futures_util" => "futures-channel",
        "data" => "data (strings, tables)",
        "import" => "imports (one per JS function called)",
        "type" | "elem" | "table" | "export" | "global" | "memory" => "module tables",
        _ if name.contains(" shim")
            || name.starts_with("fshost_")
            || name.starts_with("fsclient_") =>
        {
            "exports (wasm-bindgen shims)"
        }
        _ => "other (unnamed code, sections)",
    }
}

/// A name without its crate hashes (`core[c5930c85a12de822]`) and symbol hash (`::h0123…`).
fn short(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        match tail.find(']') {
            Some(j) if j == 16 && tail[..j].bytes().all(|b| b.is_ascii_hexdigit()) => {
                rest = &tail[j + 1..];
            }
            _ => {
                out.push('[');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    match out.rfind("::h") {
        Some(i) if out.len() - i == 19 => out.truncate(i),
        _ => {}
    }
    out.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_twiggy_csv_with_commas_in_names() {
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent\n\
                   \"function names\" subsection,500,10.0,,\n\
                   \"data segment \"\".rodata\"\"\",70,1.0,,\n\
                   core::ptr::drop_in_place<(alloc::string::String, u32)>::h0123456789abcdef,40,1.0,,\n\
                   fshandles_main::host::Core::obtain::{{closure}}::h0123456789abcdef,900,20.0,,\n";
        let items = parse(csv);
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].1, 900);
        assert_eq!(items[1].0, "data segment \".rodata\"");
        assert_eq!(
            items[2].0,
            "core::ptr::drop_in_place<(alloc::string::String, u32)>::h0123456789abcdef"
        );
        assert_eq!(group(&items[0].0), "fshandles-main");
        assert_eq!(group(&items[1].0), "data (strings, tables)");
        assert_eq!(group(&items[2].0), "core (drop glue, fmt, panics)");
    }

    #[test]
    fn short_names_drop_hashes() {
        assert_eq!(
            short("<dlmalloc[e24a27700634d609]::Dlmalloc>::malloc"),
            "<dlmalloc::Dlmalloc>::malloc"
        );
        assert_eq!(
            short("fshandles_main::host::Core::obtain::{{closure}}::h9482e25a292fcd64"),
            "fshandles_main::host::Core::obtain::{{closure}}"
        );
        assert_eq!(short("code[550]"), "code[550]");
    }
}
