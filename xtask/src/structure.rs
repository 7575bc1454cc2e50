//! The library crates' structure, checked by `cargo xtask lint`: no module that needs a
//! module which needs it back, and no file too long to read in one sitting.
//!
//! A crate's modules are its top-level ones (`src/x.rs` or `src/x/`); `crate::x` and
//! `super::x` name them. The crate root (`lib.rs`) is left out: every module is declared
//! there, and what it re-exports belongs to the crate as a whole.

use crate::{root, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose structure is checked: what users ship.
const CRATES: [&str; 3] = ["shared", "main-thread", "worker"];

/// The most lines a library file may have before its tests.
pub const MAX_LINES: usize = 350;

/// Every problem found in the library crates, or none.
pub fn check() -> Result {
    let mut problems = Vec::new();
    for krate in CRATES {
        let src = root().join(krate).join("src");
        let files = rust_files(&src)?;
        for file in &files {
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
            let lines = lines_before_tests(&text);
            if lines > MAX_LINES {
                problems.push(format!(
                    "{}: {lines} lines before its tests, over {MAX_LINES}: split it by concern",
                    relative(file)
                ));
            }
        }
        problems.extend(cycles(krate, &src, &files)?);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the structure rules are broken:\n  {}",
            problems.join("\n  ")
        ))
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            out.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Lines up to the first `#[cfg(test)]` at the start of a line (all of them if none).
pub fn lines_before_tests(text: &str) -> usize {
    text.lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .count()
}

/// The top-level module `file` belongs to (`None`: the crate root).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel
        .components()
        .next()?
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    let name = first.trim_end_matches(".rs").to_owned();
    (name != "lib").then_some(name)
}

/// What the crate root re-exports from its modules (`pub use x::{A, B};`): name -> module.
pub fn reexports(lib: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(rest) = statement.trim().strip_prefix("pub use ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once("::") else {
            continue;
        };
        if !modules.contains(module) {
            continue;
        }
        let names = names.trim().trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',') {
            let name = name.trim();
            if !name.is_empty() {
                out.insert(name.to_owned(), module.to_owned());
            }
        }
    }
    out
}

/// The top-level modules `text` (of module `me`) refers to, by `crate::x` or `super::x`, or
/// by `crate::Name` for a `Name` the root re-exports from module x.
pub fn references(
    text: &str,
    me: &str,
    modules: &BTreeSet<String>,
    reexported: &BTreeMap<String, String>,
    nested: bool,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let code: String = text
        .lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut seen = |prefix: &str| {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(prefix) {
            // A path segment, not the end of a longer word (`my_crate::`).
            let before = rest[..i].chars().next_back();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `crate::{a, b}`: each name in the braces.
            let names: Vec<String> = if name.is_empty() && rest.starts_with('{') {
                let inner = rest[1..].split('}').next().unwrap_or("");
                inner
                    .split(',')
                    .map(|n| n.trim().split("::").next().unwrap_or("").to_owned())
                    .collect()
            } else {
                vec![name]
            };
            for n in names {
                let module = if modules.contains(&n) {
                    Some(&n)
                } else {
                    reexported.get(&n)
                };
                if let Some(m) = module.filter(|m| *m != me) {
                    out.insert(m.clone());
                }
            }
        }
    };
    seen("crate::");
    // In a file of a module's folder, `super::` is that module itself.
    if !nested {
        seen("super::");
    }
    out
}

fn cycles(krate: &str, src: &Path, files: &[PathBuf]) -> Result<Vec<String>> {
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(src, f)).collect();
    let lib = src.join("lib.rs");
    let lib = std::fs::read_to_string(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    let reexported = reexports(&lib, &modules);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(me) = module_of(src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let nested = file.parent() != Some(src);
        graph.entry(me.clone()).or_default().extend(references(
            &text,
            &me,
            &modules,
            &reexported,
            nested,
        ));
    }
    Ok(find_cycles(&graph)
        .into_iter()
        .map(|c| {
            format!(
                "{krate}: a module cycle, {}: move what both need into a module of its own",
                c.join(" -> ")
            )
        })
        .collect())
}

/// Each cycle of `graph` once, as the modules along it (the first repeated at the end).
pub fn find_cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let mut found: Vec<Vec<String>> = Vec::new();
    let mut seen_sets: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in graph.keys() {
        // Depth-first from `start`, back to `start`.
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        while let Some((at, path)) = stack.pop() {
            for next in graph.get(&at).into_iter().flatten() {
                if next == start {
                    let mut key = path.clone();
                    key.sort();
                    if seen_sets.insert(key) {
                        let mut cycle = path.clone();
                        cycle.push(start.clone());
                        found.push(cycle);
                    }
                } else if !path.contains(next) && next > start {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn references_read_paths_braces_and_super_but_not_comments_or_tests() {
        let modules = set(&["client", "conn", "link", "js"]);
        let none = BTreeMap::new();
        let text = "use crate::conn::Conn;\nuse crate::{js::Resolvers, link};\n// crate::client is only mentioned\nfn f() { super::client::go() }\n#[cfg(test)]\nuse crate::client;\n";
        assert_eq!(
            references(text, "post", &modules, &none, false),
            set(&["client", "conn", "js", "link"])
        );
        assert_eq!(
            references(text, "post", &modules, &none, true),
            set(&["conn", "js", "link"])
        );
        assert_eq!(
            references("use other_crate::client;", "post", &modules, &none, false),
            set(&[])
        );
    }

    #[test]
    fn names_the_root_reexports_lead_to_their_module() {
        let modules = set(&["client", "options"]);
        let lib = "mod client;\npub use client::FsClient;\npub use options::{ConnectOptions, Mode};\npub use fshandles_shared::Error;";
        let reexported = reexports(lib, &modules);
        assert_eq!(reexported.get("Mode").map(String::as_str), Some("options"));
        assert_eq!(reexported.get("Error"), None);
        let text = "use crate::{ConnectOptions, FsClient};";
        assert_eq!(
            references(text, "js", &modules, &reexported, false),
            set(&["client", "options"])
        );
    }

    #[test]
    fn cycles_are_found_once_each() {
        let mut g = BTreeMap::new();
        g.insert("client".to_string(), set(&["conn", "post"]));
        g.insert("conn".to_string(), set(&["link"]));
        g.insert("link".to_string(), set(&["client"]));
        g.insert("post".to_string(), set(&["js"]));
        g.insert("js".to_string(), set(&["client"]));
        let cycles = find_cycles(&g);
        assert_eq!(cycles.len(), 2, "{cycles:?}");
        assert!(cycles.contains(&vec![
            "client".into(),
            "conn".into(),
            "link".into(),
            "client".into()
        ]));
        g.insert("link".to_string(), set(&[]));
        g.insert("js".to_string(), set(&[]));
        assert!(find_cycles(&g).is_empty());
    }

    #[test]
    fn lines_stop_at_the_tests() {
        assert_eq!(lines_before_tests("a\nb\n#[cfg(test)]\nmod tests {}\n"), 2);
        assert_eq!(lines_before_tests("a\nb\n"), 2);
    }
}
