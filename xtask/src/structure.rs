//! The library's structure, checked by `cargo xtask lint`: no module that needs a module which
//! needs it back, and no file too long to read in one sitting, in the Rust crates and in the
//! JS and Python they ship.
//!
//! A crate's modules are its top-level ones (`src/x.rs` or `src/x/`); `crate::x` and
//! `super::x` name them. The crate root (`lib.rs`) is left out: every module is declared
//! there, and what it re-exports belongs to the crate as a whole. A JS module is a file; its
//! static `import … from "./x.js"` name the others (a dynamic `import()` loads at run time, as
//! a user would, and makes no cycle at load).

use crate::{root, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The crates whose structure is checked: what users ship.
const CRATES: [&str; 3] = ["shared", "main-thread", "worker"];

/// The folders of the JS and Python the packages ship (tests live elsewhere), and the
/// extension of their files.
const SCRIPTS: [(&str, &str); 3] = [
    ("worker/js", "js"),
    ("main-thread/js", "js"),
    ("worker/python", "py"),
];

/// The most lines a library file may have before its tests.
pub const MAX_LINES: usize = 350;

/// Why a file must stay short, said with each file over the limit.
const WHY_SHORT: &str = "a file is read whole by whoever changes it; split it by job, \
    one concern a file (the rule holds for Rust, JS and Python alike)";

/// Every problem found in the library crates, or none.
pub fn check() -> Result {
    let mut problems = Vec::new();
    for krate in CRATES {
        let src = root().join(krate).join("src");
        let files = rust_files(&src)?;
        for file in &files {
            let text =
                std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
            // A `tests.rs` is a test module itself (`#[cfg(test)] mod tests;`).
            let lines = if file.ends_with("tests.rs") {
                0
            } else {
                lines_before_tests(&text)
            };
            if lines > MAX_LINES {
                problems.push(format!(
                    "{}: {lines} lines before its tests, over {MAX_LINES}: {WHY_SHORT}",
                    relative(file)
                ));
            }
        }
        problems.extend(cycles(krate, &src, &files)?);
    }
    for (dir, ext) in SCRIPTS {
        problems.extend(scripts(&root().join(dir), ext)?);
    }
    problems.extend(layout()?);
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
    files_of(dir, "rs")
}

/// The files of `dir` and its folders whose name ends in `.ext`, sorted.
fn files_of(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            out.extend(files_of(&path, ext)?);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The folders whose every file the README's Layout names.
const LISTED: [&str; 6] = [
    "shared/src",
    "main-thread/src",
    "main-thread/js",
    "worker/src",
    "worker/js",
    "worker/python",
];

/// Where the README's Layout and the tree disagree: a library file it does not name, or a
/// file it names that is not there. A newcomer reads the Layout to find their way; a list
/// that is out of date sends them wrong.
fn layout() -> Result<Vec<String>> {
    let readme = root().join("README.md");
    let text = std::fs::read_to_string(&readme).map_err(|e| format!("README.md: {e}"))?;
    let listed = layout_entries(&text);
    let mut present = BTreeSet::new();
    for dir in LISTED {
        for file in all_files(&root().join(dir))? {
            let rel = relative(&file);
            let (folder, name) = rel.rsplit_once('/').expect("a file in a folder");
            present.insert((format!("{folder}/"), name.to_owned()));
        }
    }
    let mut problems = Vec::new();
    for (folder, name) in present.difference(&listed) {
        problems.push(format!(
            "README.md's Layout does not name {folder}{name}: add a line for it under {folder}, so a newcomer finds it"
        ));
    }
    for (folder, name) in listed.difference(&present) {
        problems.push(format!(
            "README.md's Layout names {folder}{name}, which is not there: drop or rename its line"
        ));
    }
    Ok(problems)
}

/// The `(folder/, file)` pairs of the README's Layout file list: the ```text block after
/// "## Layout", where a line that starts in the first column names a folder and an indented
/// line a file in it (the first word of each).
pub fn layout_entries(readme: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let Some(section) = readme.split("\n## Layout").nth(1) else {
        return out;
    };
    let section = section.split("\n## ").next().unwrap_or("");
    let Some(block) = section.split("```text\n").nth(1) else {
        return out;
    };
    let mut folder = String::new();
    for line in block.split("\n```").next().unwrap_or("").lines() {
        let Some(word) = line.split_whitespace().next() else {
            continue;
        };
        if line.starts_with(' ') {
            out.insert((folder.clone(), word.to_owned()));
        } else {
            folder = word.to_owned();
        }
    }
    out
}

/// Every file under `dir`, but Python's byte-code caches.
fn all_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            if !path.ends_with("__pycache__") {
                out.extend(all_files(&path)?);
            }
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

/// Lines before the test module: up to the `#[cfg(test)]` (and any attributes after it) that
/// opens a `mod`, all of them if none. A test-only item elsewhere (a `#[cfg(test)] struct`)
/// counts as the code around it.
pub fn lines_before_tests(text: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with("#[cfg(test)]") {
            continue;
        }
        let item = lines[i + 1..].iter().find(|l| !l.starts_with("#["));
        if item.is_some_and(|l| l.starts_with("mod ") || l.starts_with("pub mod ")) {
            return i;
        }
    }
    lines.len()
}

/// The problems of the JS or Python files (`ext`) under `dir`: each over [`MAX_LINES`], and
/// each cycle of JS imports.
fn scripts(dir: &Path, ext: &str) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files_of(dir, ext)? {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let lines = text.lines().count();
        if lines > MAX_LINES {
            problems.push(format!(
                "{}: {lines} lines, over {MAX_LINES}: {WHY_SHORT}",
                relative(&file)
            ));
        }
        if ext == "js" {
            let me = relative(&file);
            let here = file.parent().unwrap_or(dir);
            let needs = js_imports(&text)
                .into_iter()
                .map(|spec| relative(&normalize(&here.join(spec))))
                .collect();
            graph.insert(me, needs);
        }
    }
    problems.extend(find_cycles(&graph).into_iter().map(|c| {
        format!(
            "a JS import cycle, {}: a module is evaluated before what it needs is; move what both need into a module of its own",
            c.join(" -> ")
        )
    }));
    Ok(problems)
}

/// The relative specifiers (`./x.js`, `../y.js`) of `text`'s static imports and re-exports.
pub fn js_imports(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let l = line.trim_start();
        let statement = ["import ", "import{", "export ", "} from"]
            .iter()
            .any(|p| l.starts_with(p));
        if !statement {
            continue;
        }
        // `… from "./x.js"`, or a bare `import "./x.js"`.
        let spec = l
            .rsplit_once(" from ")
            .map(|(_, s)| s)
            .or_else(|| l.strip_prefix("import "));
        let Some(spec) = spec else { continue };
        let spec = spec.trim().trim_end_matches(';');
        let unquoted = spec
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .or_else(|| spec.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')));
        if let Some(s) = unquoted.filter(|s| s.starts_with("./") || s.starts_with("../")) {
            out.push(s.to_owned());
        }
    }
    out
}

/// `path` with its `.` and `..` folded away.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
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
    // The code before the test module, without comments and without the line of an item
    // marked test-only (`#[cfg(test)] use crate::x;`): what builds into the library.
    let mut test_only = false;
    let code: String = text
        .lines()
        .take(lines_before_tests(text))
        .filter(|l| {
            let attribute = l.starts_with("#[");
            let skip = test_only && !attribute;
            if l.starts_with("#[cfg(test)]") {
                test_only = true;
            } else if !attribute {
                test_only = false;
            }
            !skip && !l.trim_start().starts_with("//")
        })
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
                "{krate}: a module cycle, {}: neither can be read or changed without the other; move what both need into a module of its own",
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
    fn lines_stop_at_the_test_module_not_a_test_only_item() {
        assert_eq!(lines_before_tests("a\nb\n#[cfg(test)]\nmod tests {}\n"), 2);
        assert_eq!(lines_before_tests("a\nb\n"), 2);
        let item = "a\n#[cfg(test)]\n#[derive(Debug)]\nstruct T;\nb\n#[cfg(test)]\n#[allow(x)]\nmod tests {}\n";
        assert_eq!(lines_before_tests(item), 5);
        assert_eq!(
            lines_before_tests("a\n#[cfg(test)]\nfn only_in_tests() {}\nb\n"),
            4
        );
    }

    #[test]
    fn the_layout_block_names_folders_and_their_files() {
        let readme = "# x\n## Layout\n\ntext\n\n```text\nworker/js/     the worker's JS\n  a.js         one\n  b.js  two\nworker/js/direct/\n  c.js   three\n```\n\n```\nother/ not this block\n  d.js\n```\n## Next\n```text\nz/\n  e.js\n```\n";
        let pairs: Vec<(String, String)> = layout_entries(readme).into_iter().collect();
        let want = [
            ("worker/js/", "a.js"),
            ("worker/js/", "b.js"),
            ("worker/js/direct/", "c.js"),
        ]
        .map(|(f, n)| (f.to_owned(), n.to_owned()));
        assert_eq!(pairs, want);
    }

    #[test]
    fn js_imports_are_the_relative_static_ones() {
        let text = r#"import { a } from "./a.js";
import {
  b,
  c,
} from "../b.js";
export { d } from './d.js';
import "./side.js";
import init from "/dist/main/fshandles_main.js";
import { x } from "playwright-core";
export const load = () => import("./lazy.js");
// import { no } from "./comment.js" is a comment, not a statement
"#;
        assert_eq!(
            js_imports(text),
            ["./a.js", "../b.js", "./d.js", "./side.js"]
        );
    }
}
