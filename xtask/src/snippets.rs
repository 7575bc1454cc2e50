//! wasm-bindgen's JS snippets, folded into the package's glue.
//!
//! A `#[wasm_bindgen(module = "/js/dialog.js")]` import makes wasm-bindgen copy the file to
//! `snippets/<crate>-<hash>/js/dialog.js` and import it from the glue: one more file that the
//! npm package would have to list under a path that changes with the hash, and one more fetch.
//! This puts each snippet inside the glue instead, in a function scope of its own (its names
//! cannot meet the glue's), and removes `snippets/`.
//!
//! A snippet may export only with `export function name(` (or `export async function`) at the
//! start of a line, and may import nothing; anything else, or an import line of another shape,
//! stops the build rather than ship a glue that cannot load. The glue imports a snippet by name
//! (`import { a, b as c } from …`), or whole (`import * as m from …`: seen on stable).

use crate::Result;
use std::path::Path;

const SNIPPETS: &str = "snippets";

/// Folds every snippet the glue of `artifact` in `dir` imports into the glue.
pub fn fold(dir: &Path, artifact: &str) -> Result {
    let glue_path = dir.join(format!("{artifact}.js"));
    let glue =
        std::fs::read_to_string(&glue_path).map_err(|e| format!("{}: {e}", glue_path.display()))?;
    let mut out = String::with_capacity(glue.len());
    for line in glue.split_inclusive('\n') {
        let read = |path: &str| {
            let file = dir.join(path);
            std::fs::read_to_string(&file)
                .map(|source| (file.display().to_string(), source))
                .map_err(|e| format!("{}: {e}", file.display()))
        };
        if let Some((names, path)) = import_of_snippet(line) {
            let (file, source) = read(path)?;
            out.push_str(&scoped(&source, &names).map_err(|e| format!("{file}: {e}"))?);
        } else if let Some((name, path)) = namespace_of_snippet(line) {
            let (file, source) = read(path)?;
            out.push_str(&as_object(&source, name).map_err(|e| format!("{file}: {e}"))?);
        } else {
            out.push_str(line);
        }
    }
    // (The names of the wasm's import modules may say "./snippets/…": a key, not a load.)
    if out.contains("from './snippets/") || out.contains("from \"./snippets/") {
        return Err(format!(
            "{}: a snippet is imported in a way this build does not fold",
            glue_path.display()
        ));
    }
    std::fs::write(&glue_path, out).map_err(|e| format!("{}: {e}", glue_path.display()))?;
    match std::fs::remove_dir_all(dir.join(SNIPPETS)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", dir.join(SNIPPETS).display()))
        }
        _ => Ok(()),
    }
}

/// `import { a, b as c } from './snippets/…';` → ([("a", "a"), ("b", "c")], "snippets/…").
fn import_of_snippet(line: &str) -> Option<(Vec<(&str, &str)>, &str)> {
    let rest = line.trim_end().strip_prefix("import { ")?;
    let (names, path) = rest.split_once(" } from '")?;
    let path = path.strip_suffix("';")?.strip_prefix("./")?;
    if !path.starts_with("snippets/") {
        return None;
    }
    let names = names
        .split(", ")
        .map(|n| n.split_once(" as ").unwrap_or((n, n)))
        .collect();
    Some((names, path))
}

/// `import * as m from "./snippets/…";` (either quote) → ("m", "snippets/…").
fn namespace_of_snippet(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_end().strip_prefix("import * as ")?;
    let (name, path) = rest.split_once(" from ")?;
    let path = path.trim_end_matches(';');
    let path = path
        .strip_prefix('"')
        .and_then(|p| p.strip_suffix('"'))
        .or_else(|| path.strip_prefix('\'').and_then(|p| p.strip_suffix('\'')))?;
    let path = path.strip_prefix("./")?;
    path.starts_with("snippets/").then_some((name, path))
}

/// The snippet as a statement that binds `name` to an object of everything it exports.
fn as_object(source: &str, name: &str) -> Result<String> {
    let (body, exported) = scope_body(source)?;
    Ok(format!(
        "const {name} = (() => {{\n{body}return {{ {} }};\n}})();\n",
        exported.join(", ")
    ))
}

/// The snippet as a statement that binds the glue's names for what it exports.
fn scoped(source: &str, names: &[(&str, &str)]) -> Result<String> {
    let (body, exported) = scope_body(source)?;
    let mut bind = Vec::new();
    let mut give = Vec::new();
    for (name, alias) in names {
        if !exported.contains(name) {
            return Err(format!(
                "the glue imports `{name}`, which it does not export"
            ));
        }
        bind.push(format!("{name}: {alias}"));
        give.push(*name);
    }
    Ok(format!(
        "const {{ {} }} = (() => {{\n{body}return {{ {} }};\n}})();\n",
        bind.join(", "),
        give.join(", ")
    ))
}

/// The snippet's code with its `export`s taken off, and the names it exported.
fn scope_body(source: &str) -> Result<(String, Vec<&str>)> {
    let mut body = String::with_capacity(source.len());
    let mut exported = Vec::new();
    for line in source.lines() {
        let exports = ["export function ", "export async function "]
            .iter()
            .find_map(|p| {
                line.strip_prefix(p)
                    .map(|rest| (&p["export ".len()..], rest))
            });
        if let Some((function, rest)) = exports {
            exported.push(rest.split('(').next().unwrap_or("").trim());
            body.push_str(function);
            body.push_str(rest);
        } else if line.starts_with("export") || line.starts_with("import") {
            return Err(format!(
                "`{line}`: a snippet may only `export function name(` (or `export async function`), and import nothing"
            ));
        } else {
            body.push_str(line);
        }
        body.push('\n');
    }
    Ok((body, exported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wasm_bindgens_import_lines() {
        let line = "import { showDialog, f as f_1 } from './snippets/m-1a2b/js/dialog.js';\n";
        assert_eq!(
            import_of_snippet(line),
            Some((
                vec![("showDialog", "showDialog"), ("f", "f_1")],
                "snippets/m-1a2b/js/dialog.js"
            ))
        );
        assert_eq!(import_of_snippet("import { a } from './other.js';"), None);
        assert_eq!(import_of_snippet("let wasm;"), None);
    }

    #[test]
    fn reads_a_whole_snippets_import() {
        let line = "import * as import1 from \"./snippets/m-1a2b/js/picker.js\"\n";
        assert_eq!(
            namespace_of_snippet(line),
            Some(("import1", "snippets/m-1a2b/js/picker.js"))
        );
        assert_eq!(
            namespace_of_snippet("import * as x from './other.js';"),
            None
        );
        let folded = as_object("export function a() {}\nexport function b() {}\n", "m").unwrap();
        assert_eq!(
            folded,
            "const m = (() => {\nfunction a() {}\nfunction b() {}\nreturn { a, b };\n})();\n"
        );
    }

    #[test]
    fn a_snippet_keeps_its_names_to_itself() {
        let source = "const A = 1;\nexport function show(x) {\n  return x + A;\n}\nexport async function later() {}\n";
        let folded = scoped(source, &[("show", "show_1")]).unwrap();
        assert_eq!(
            folded,
            "const { show: show_1 } = (() => {\nconst A = 1;\nfunction show(x) {\n  return x + A;\n}\nasync function later() {}\nreturn { show };\n})();\n"
        );
    }

    #[test]
    fn other_exports_and_imports_stop_the_build() {
        for source in [
            "export const show = 1;\n",
            "export default function show() {}\n",
            "import { x } from './x.js';\nexport function show() {}\n",
        ] {
            assert!(scoped(source, &[("show", "show")]).is_err(), "{source}");
        }
        assert!(scoped("export function other() {}\n", &[("show", "show")]).is_err());
    }
}
