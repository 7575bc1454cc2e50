//! Short names between a package's wasm and its JS glue.
//!
//! Every function the wasm imports or exports is named twice, in the wasm and in the glue,
//! and wasm-bindgen's names carry a 16-digit hash (`__wbg_postMessage_d9b34e55bfab4bdd`) that
//! gzip cannot squeeze, beside the import module `./fshandles_main_bg.js` repeated once an
//! import. wasm-opt's `--minify-imports-and-exports-and-modules` renames them all in the
//! wasm and prints what it renamed; this module renames the same in the glue and its
//! TypeScript declarations. About 4.5 KB gzip off the host, 2.8 KB off the worker.
//!
//! The renaming is checked as it goes: every import must be found in the glue exactly once
//! (the key of the imports object), every export only as `wasm.<name>`; a glue of another
//! shape stops the build instead of shipping a package that cannot load.

use crate::{output, Result};
use std::path::Path;
use std::process::Command;

/// The flag that makes wasm-opt rename, and print the renames as JSON on stdout.
pub const WASM_OPT_FLAG: &str = "--minify-imports-and-exports-and-modules";

/// What wasm-opt renamed: (old, new) for each import and each export.
#[derive(Debug, Default, PartialEq)]
pub struct Renames {
    imports: Vec<(String, String)>,
    exports: Vec<(String, String)>,
}

/// Reads wasm-opt's map: `{"imports": [[module, name, new], …], "exports": [[name, new], …]}`,
/// one entry a line. Names are identifiers, so no string in it has an escape.
pub fn parse(map: &str) -> Result<Renames> {
    let mut renames = Renames::default();
    let mut section = None;
    for line in map.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix('"') {
            section = rest.split('"').next();
            continue;
        }
        if !line.starts_with('[') || line.starts_with("[]") {
            continue;
        }
        let strings: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
        match (section, strings.as_slice()) {
            (Some("imports"), [_module, name, new]) => {
                renames.imports.push((name.to_string(), new.to_string()))
            }
            (Some("exports"), [name, new]) => {
                renames.exports.push((name.to_string(), new.to_string()))
            }
            _ => {
                return Err(format!(
                    "wasm-opt's rename map has a line not understood: {line}"
                ))
            }
        }
    }
    if renames.imports.is_empty() || renames.exports.is_empty() {
        return Err("wasm-opt printed no renames (is its map format new?)".into());
    }
    Ok(renames)
}

/// Renames in `artifact`'s glue (`<artifact>.js`) and declarations in `dir` what `renames`
/// renamed in its wasm, whose imports now come from `module`.
pub fn follow(dir: &Path, artifact: &str, renames: &Renames, module: &str) -> Result {
    let glue_path = dir.join(format!("{artifact}.js"));
    let mut glue = read(&glue_path)?;
    for (name, new) in &renames.imports {
        glue = replace_exactly_once(&glue, "", name, new, &glue_path)?;
    }
    for (name, new) in &renames.exports {
        glue = replace_ident(&glue, "wasm.", name, new).0;
    }
    let old_module = format!("\"./{artifact}_bg.js\"");
    glue = replace_exactly_once(&glue, "", &old_module, &format!("\"{module}\""), &glue_path)?;
    write(&glue_path, &glue)?;

    // The wasm's exports, as the types describe them (`InitOutput`, and the wasm's own).
    for (file, before) in [
        (format!("{artifact}.d.ts"), "readonly "),
        (format!("{artifact}_bg.wasm.d.ts"), "export const "),
    ] {
        let path = dir.join(file);
        let mut text = read(&path)?;
        for (name, new) in &renames.exports {
            text = replace_ident(&text, before, name, new).0;
        }
        write(&path, &text)?;
    }
    Ok(())
}

/// The one module every import of `wasm` comes from, read by the JS engine itself.
pub fn import_module(wasm: &Path) -> Result<String> {
    let script = "const m = new WebAssembly.Module(require('fs').readFileSync(process.argv[1]));\
                  console.log([...new Set(WebAssembly.Module.imports(m).map((i) => i.module))].join('\\n'))";
    let modules = output(Command::new("node").args(["-e", script]).arg(wasm))?;
    match modules.lines().collect::<Vec<_>>().as_slice() {
        [one] => Ok(one.to_string()),
        many => Err(format!(
            "{} imports from {} modules, not one: {many:?}",
            wasm.display(),
            many.len()
        )),
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `text` with each `before` + `from` that stands alone (no identifier character on either
/// side) made `before` + `to`, and how many there were.
fn replace_ident(text: &str, before: &str, from: &str, to: &str) -> (String, usize) {
    let needle = format!("{before}{from}");
    let mut out = String::with_capacity(text.len());
    let (mut last, mut n) = (0, 0);
    for (at, _) in text.match_indices(&needle) {
        let end = at + needle.len();
        let alone = !text[..at].ends_with(is_ident) && !text[end..].starts_with(is_ident);
        if at < last || !alone {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str(before);
        out.push_str(to);
        last = end;
        n += 1;
    }
    out.push_str(&text[last..]);
    (out, n)
}

fn replace_exactly_once(
    text: &str,
    before: &str,
    from: &str,
    to: &str,
    path: &Path,
) -> Result<String> {
    match replace_ident(text, before, from, to) {
        (out, 1) => Ok(out),
        (_, n) => Err(format!(
            "{}: `{from}` found {n} times, not once: the glue is not the shape this build renames",
            path.display()
        )),
    }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wasm_opts_map() {
        let map = r#"{
 "imports": [
  ["./x_bg.js", "__wbg_log_0123456789abcdef", "a"],
  ["./x_bg.js", "__wbindgen_init_externref_table", "$"]
 ],
 "exports": [
  ["memory", "b"],
  ["__wbindgen_start", "c"]
 ]
}"#;
        let r = parse(map).unwrap();
        assert_eq!(
            r.imports[1],
            ("__wbindgen_init_externref_table".into(), "$".into())
        );
        assert_eq!(
            r.exports,
            [
                ("memory".into(), "b".into()),
                ("__wbindgen_start".into(), "c".into())
            ]
        );
        assert!(parse("{\n \"imports\": [\n  [\"a\", \"b\"]\n ]\n}").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn renames_whole_names_only() {
        let js = "wasm.memory.buffer; mywasm.memory; wasm.memory2; x = { memory: 1 }; wasm.memory";
        let (out, n) = replace_ident(js, "wasm.", "memory", "b");
        assert_eq!(n, 2);
        assert_eq!(
            out,
            "wasm.b.buffer; mywasm.memory; wasm.memory2; x = { memory: 1 }; wasm.b"
        );
        let (out, n) = replace_ident("{ f_1: g, f_12: h, $f_1: i }", "", "f_1", "$");
        assert_eq!((out.as_str(), n), ("{ $: g, f_12: h, $f_1: i }", 1));
    }
}
