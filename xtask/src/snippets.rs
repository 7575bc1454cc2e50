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
//! stops the build rather than ship a glue that cannot load.

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
        match import_of_snippet(line) {
            Some((names, path)) => {
                let file = dir.join(path);
                let source = std::fs::read_to_string(&file)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                out.push_str(
                    &scoped(&source, &names).map_err(|e| format!("{}: {e}", file.display()))?,
                );
            }
            None => out.push_str(line),
        }
    }
    if out.contains("./snippets/") {
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

/// The snippet as a statement that binds the glue's names for what it exports.
fn scoped(source: &str, names: &[(&str, &str)]) -> Result<String> {
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
