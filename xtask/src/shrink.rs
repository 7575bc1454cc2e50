//! Short import names between a package's wasm and its JS glue.
//!
//! Every function the wasm imports is named twice, in the wasm and in the glue, with
//! wasm-bindgen's names, which carry a 16-digit hash (`__wbg_postMessage_d9b34e55bfab4bdd`)
//! that gzip cannot squeeze, and the module `./fshandles_main_bg.js` repeated once an
//! import. This renames them in the wasm's import section (module `a`, names `a`, `b`, …) and
//! the same in the glue: about 4 KB gzip off the host, 2.5 KB off the worker.
//!
//! Exports keep their names, `init()` hands them to the caller (`memory` among them), except
//! wasm-bindgen's closure shims (`wasm_bindgen_<hash>___convert__closures_____invoke___…`, up
//! to 334 characters each), which only the glue calls: they become `_a`, `_b`, …
//! wasm-opt's `--minify-imports-and-exports-and-modules` would rename imports too, but only
//! with every export, and its `--minify-imports` leaves wasm-bindgen's module alone.
//!
//! The glue is checked as it is renamed: each import name must be found in it exactly once
//! (the key of the imports object), the module once, and each shim at least once under a new
//! name the glue does not use. A glue of another shape stops the build instead of shipping a
//! package that cannot load.

use crate::Result;
use std::path::Path;

/// (old name, new name) of each import.
type Renames = Vec<(String, String)>;

/// What `rename_names` says of a wasm whose imports come from more than one module.
const TWO_MODULES: &str = "imports from two modules";

/// The module every import comes from once renamed.
const MODULE: &str = "a";

/// Renames `artifact`'s imports and closure shims, in its wasm (`<artifact>_bg.wasm`) and its
/// glue (`<artifact>.js`) in `dir`.
pub fn shorten_names(dir: &Path, artifact: &str) -> Result {
    let wasm_path = dir.join(format!("{artifact}_bg.wasm"));
    let wasm = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let (wasm, renames) = match rename_names(&wasm) {
        Ok(renamed) => renamed,
        // A build on stable imports a snippet's functions from the snippet's own module too:
        // the names stay as they are there (that build is the larger one anyway).
        Err(e) if e.starts_with(TWO_MODULES) => {
            eprintln!(
                "xtask: {}: {e}; its names are left as they are",
                wasm_path.display()
            );
            return Ok(());
        }
        Err(e) => return Err(format!("{}: {e}", wasm_path.display())),
    };
    let glue_path = dir.join(format!("{artifact}.js"));
    let mut glue =
        std::fs::read_to_string(&glue_path).map_err(|e| format!("{}: {e}", glue_path.display()))?;
    let old_module = format!("\"./{artifact}_bg.js\"");
    let shape = |what: String| {
        format!(
            "{}: {what}: the glue is not the shape this build renames",
            glue_path.display()
        )
    };
    for (from, to) in renames
        .iter()
        .map(|(from, to)| (from.as_str(), to.as_str()))
        .chain([(old_module.as_str(), MODULE)])
    {
        // A shim's name is also the name of the glue's own wrapper of it, and may be called
        // from several places; its new name must be new to the glue.
        let shim = is_shim(from);
        if shim && replace_ident(&glue, to, to).1 != 0 {
            return Err(shape(format!("`{to}` is taken")));
        }
        glue = match replace_ident(&glue, from, to) {
            (out, 1) => out,
            (out, n) if shim && n > 1 => out,
            (_, n) => return Err(shape(format!("`{from}` found {n} times, not once"))),
        };
    }
    std::fs::write(&wasm_path, wasm).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    std::fs::write(&glue_path, glue).map_err(|e| format!("{}: {e}", glue_path.display()))
}

/// The `n`th short name: `a`…`z`, `A`…`Z`, then two letters, and so on.
fn short_name(mut n: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut name = Vec::new();
    loop {
        name.push(LETTERS[n % LETTERS.len()]);
        n /= LETTERS.len();
        if n == 0 {
            break;
        }
        n -= 1;
    }
    name.reverse();
    String::from_utf8(name).expect("letters")
}

/// Whether an export is one of wasm-bindgen's closure shims, which only its glue calls.
fn is_shim(export: &str) -> bool {
    export.starts_with("wasm_bindgen_") && export.contains("___convert__closures")
}

/// A wasm module whose imports all come from [`MODULE`] under short names and whose closure
/// shims are exported as `_a`, `_b`, …, and (old, new) for each import and shim.
/// wasm-bindgen's imports all come from its glue: a second module is an error.
fn rename_names(wasm: &[u8]) -> Result<(Vec<u8>, Renames)> {
    if wasm.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
        return Err("not a wasm module (version 1)".into());
    }
    let mut out = wasm[..8].to_vec();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let mut r = Reader {
            bytes: wasm,
            at: at + 1,
        };
        let size = r.leb()? as usize;
        let body = r.at..r.at + size;
        let section = wasm
            .get(body.clone())
            .ok_or("a section runs past the end")?;
        at = body.end;
        if id == 7 {
            let new = rename_shims(section, &mut renames)?;
            out.push(id);
            write_leb(&mut out, new.len() as u64);
            out.extend_from_slice(&new);
            continue;
        }
        if id != 2 {
            out.push(id);
            write_leb(&mut out, size as u64);
            out.extend_from_slice(section);
            continue;
        }
        let mut r = Reader {
            bytes: section,
            at: 0,
        };
        let count = r.leb()?;
        let mut from = None;
        let mut new = Vec::new();
        write_leb(&mut new, count);
        for _ in 0..count {
            let module = r.name()?;
            if *from.get_or_insert(module) != module {
                return Err(format!("{TWO_MODULES}, {from:?} and {module:?}"));
            }
            let name = r.name()?.to_string();
            let desc = r.at;
            match r.byte()? {
                0x00 => drop(r.leb()?),                 // function: its type
                0x01 => drop((r.byte()?, r.limits()?)), // table: reftype, limits
                0x02 => r.limits()?,                    // memory
                0x03 => drop((r.byte()?, r.byte()?)),   // global: type, mutability
                0x04 => drop((r.byte()?, r.leb()?)),    // tag: attribute, type
                kind => return Err(format!("an import of unknown kind {kind:#x}")),
            }
            let short = match renames.iter().find(|(old, _)| *old == name) {
                Some((_, short)) => short.clone(),
                None => {
                    let short = short_name(renames.len());
                    renames.push((name, short.clone()));
                    short
                }
            };
            for text in [MODULE, &short] {
                write_leb(&mut new, text.len() as u64);
                new.extend_from_slice(text.as_bytes());
            }
            new.extend_from_slice(&section[desc..r.at]);
        }
        if r.at != section.len() {
            return Err("stray bytes after the imports".into());
        }
        out.push(id);
        write_leb(&mut out, new.len() as u64);
        out.extend_from_slice(&new);
    }
    Ok((out, renames))
}

/// The export section with each closure shim named `_a`, `_b`, … (pushed onto `renames`).
fn rename_shims(section: &[u8], renames: &mut Renames) -> Result<Vec<u8>> {
    let mut r = Reader {
        bytes: section,
        at: 0,
    };
    let count = r.leb()?;
    let mut new = Vec::new();
    write_leb(&mut new, count);
    let mut shims = 0;
    for _ in 0..count {
        let name = r.name()?;
        let desc = r.at;
        r.byte()?; // kind
        r.leb()?; // index
        let name = if is_shim(name) {
            let short = ["_", &short_name(shims)].concat();
            shims += 1;
            renames.push((name.to_string(), short));
            &renames.last().expect("just pushed").1
        } else {
            name
        };
        write_leb(&mut new, name.len() as u64);
        new.extend_from_slice(name.as_bytes());
        new.extend_from_slice(&section[desc..r.at]);
    }
    if r.at != section.len() {
        return Err("stray bytes after the exports".into());
    }
    Ok(new)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self.bytes.get(self.at).ok_or("a section ends early")?;
        self.at += 1;
        Ok(b)
    }

    fn leb(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number that does not end".into())
    }

    fn name(&mut self) -> Result<&'a str> {
        let len = self.leb()? as usize;
        let bytes = self
            .bytes
            .get(self.at..self.at + len)
            .ok_or("a name runs past the end")?;
        self.at += len;
        std::str::from_utf8(bytes).map_err(|_| "a name that is not UTF-8".into())
    }

    fn limits(&mut self) -> Result {
        let flags = self.leb()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }
}

fn write_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let b = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `text` with each `from` that stands alone (no identifier character on either side) made
/// `to`, and how many there were.
fn replace_ident(text: &str, from: &str, to: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let (mut last, mut n) = (0, 0);
    for (at, _) in text.match_indices(from) {
        let end = at + from.len();
        let alone = !text[..at].ends_with(is_ident) && !text[end..].starts_with(is_ident);
        if at < last || !alone {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str(to);
        last = end;
        n += 1;
    }
    out.push_str(&text[last..]);
    (out, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with a type, three imports (a function, a memory with a maximum, a global)
    /// and a custom section after them.
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]); // type section: () -> ()
        let mut imports = vec![3];
        for (module, name, desc) in [
            ("./x_bg.js", "__wbg_log_0123456789abcdef", &[0x00, 0x00][..]),
            ("./x_bg.js", "mem", &[0x02, 0x01, 0x01, 0x80, 0x01][..]),
            ("./x_bg.js", "g", &[0x03, 0x7f, 0x00][..]),
        ] {
            for text in [module, name] {
                imports.push(text.len() as u8);
                imports.extend(text.as_bytes());
            }
            imports.extend(desc);
        }
        m.push(2);
        write_leb(&mut m, imports.len() as u64);
        m.extend(imports);
        m.extend([0, 3, 1, b'n', 7]); // custom section "n"
        m
    }

    #[test]
    fn renames_imports_and_keeps_the_rest() {
        let (out, renames) = rename_names(&module()).unwrap();
        assert_eq!(
            renames,
            [
                ("__wbg_log_0123456789abcdef".into(), "a".into()),
                ("mem".into(), "b".into()),
                ("g".into(), "c".into())
            ]
        );
        let mut want = b"\0asm\x01\0\0\0".to_vec();
        want.extend([1, 4, 1, 0x60, 0, 0]);
        want.extend([2, 23, 3]);
        want.extend([1, b'a', 1, b'a', 0x00, 0x00]);
        want.extend([1, b'a', 1, b'b', 0x02, 0x01, 0x01, 0x80, 0x01]);
        want.extend([1, b'a', 1, b'c', 0x03, 0x7f, 0x00]);
        want.extend([0, 3, 1, b'n', 7]);
        assert_eq!(out, want);
        let mut cut = module();
        cut.truncate(cut.len() - 10);
        assert!(rename_names(&cut).is_err());
        assert!(rename_names(b"not wasm").is_err());
        let two_modules = module();
        let at = two_modules
            .windows(3)
            .position(|w| w == b"\x01g\x03")
            .unwrap();
        let mut two_modules = two_modules;
        two_modules[at - 9..at].copy_from_slice(b"\x08./y_bg.j");
        assert!(rename_names(&two_modules)
            .unwrap_err()
            .contains("two modules"));
    }

    #[test]
    fn renames_closure_shims_and_keeps_other_exports() {
        let shim = "wasm_bindgen_0123456789abcdef___convert__closures_____invoke___x";
        let mut exports = vec![3];
        for (name, desc) in [
            ("memory", [0x02, 0x00]),
            (shim, [0x00, 0x00]),
            ("fshost_new", [0x00, 0x01]),
        ] {
            exports.push(name.len() as u8);
            exports.extend(name.as_bytes());
            exports.extend(desc);
        }
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.push(7);
        write_leb(&mut m, exports.len() as u64);
        m.extend(exports);
        let (out, renames) = rename_names(&m).unwrap();
        assert_eq!(renames, [(shim.into(), "_a".into())]);
        let mut want = b"\0asm\x01\0\0\0".to_vec();
        want.extend([7, 28, 3]);
        want.extend([6]);
        want.extend(b"memory");
        want.extend([0x02, 0x00, 2, b'_', b'a', 0x00, 0x00, 10]);
        want.extend(b"fshost_new");
        want.extend([0x00, 0x01]);
        assert_eq!(out, want);
    }

    #[test]
    fn short_names_are_unique() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(
            (names[0].as_str(), names[51].as_str(), names[52].as_str()),
            ("a", "Z", "aa")
        );
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
    }

    #[test]
    fn renames_whole_names_only() {
        let (out, n) = replace_ident("{ f_1: g, f_12: h, $f_1: i }", "f_1", "a");
        assert_eq!((out.as_str(), n), ("{ a: g, f_12: h, $f_1: i }", 1));
        let (out, n) = replace_ident("\"./x_bg.js\": import0", "\"./x_bg.js\"", "a");
        assert_eq!((out.as_str(), n), ("a: import0", 1));
    }
}
