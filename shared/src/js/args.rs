//! The arguments JS callers pass to both faces: uids, option objects and their fields.
//!
//! Option objects may be plain objects or `Map`s (Pyodide's `to_js` turns a dict into a `Map`
//! unless told otherwise); `undefined` and `null` mean "not given".

use crate::error::{quoted, Error, ErrorKind};
use crate::options::MountOptions;
use alloc::string::String;
use js_sys::{Map, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

// The mount options' fields, read on every call: by name in the glue, since a key passed from
// Rust crosses as a string, decoded anew each time. A throwing getter reads as not given.
#[wasm_bindgen]
extern "C" {
    type Fields;
    #[wasm_bindgen(method, getter, catch)]
    fn id(this: &Fields) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn mode(this: &Fields) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch, js_name = startIn)]
    fn start_in(this: &Fields) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, catch)]
    fn hint(this: &Fields) -> Result<JsValue, JsValue>;
}

fn data(message: String) -> Error {
    Error::new(ErrorKind::Data, message)
}

/// A uid: a string (checked further by the protocol).
pub fn uid(value: &JsValue) -> Result<String, Error> {
    value
        .as_string()
        .ok_or_else(|| Error::new(ErrorKind::Data, "the uid must be a string"))
}

/// A uid and the mount options that go with it.
pub fn uid_and_options(uid: &JsValue, options: &JsValue) -> Result<(String, MountOptions), Error> {
    Ok((self::uid(uid)?, MountOptions::from_js(options)?))
}

/// An options object: None for `undefined` or `null`; a DataError naming `shape` for anything
/// that is not an object.
pub fn object<'a>(options: &'a JsValue, shape: &str) -> Result<Option<&'a JsValue>, Error> {
    if options.is_undefined() || options.is_null() {
        Ok(None)
    } else if options.is_object() {
        Ok(Some(options))
    } else {
        Err(data(crate::text!("options must be an object like ", shape)))
    }
}

/// Field `key` of an options object or `Map`, when given.
pub fn field(options: &JsValue, key: &str) -> Option<JsValue> {
    let value = match options.dyn_ref::<Map>() {
        Some(map) => map.get(&key.into()),
        None => {
            let fields = options.unchecked_ref::<Fields>();
            match key {
                "id" => fields.id(),
                "mode" => fields.mode(),
                "startIn" => fields.start_in(),
                "hint" => fields.hint(),
                _ => Reflect::get(options, &key.into()),
            }
            .ok()?
        }
    };
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

/// A string field, when given.
pub fn string_field(options: &JsValue, key: &str) -> Result<Option<String>, Error> {
    match field(options, key) {
        None => Ok(None),
        Some(v) => v
            .as_string()
            .map(Some)
            .ok_or_else(|| data(crate::text!("option ", &quoted(key), " must be a string"))),
    }
}

/// A number field that `accept`s, when given; else a DataError saying it must be `what`.
/// (`accept` is a plain function, not a generic: one copy of this in the wasm, whatever asks.)
pub fn number_field(
    options: &JsValue,
    key: &str,
    accept: fn(f64) -> bool,
    what: &str,
) -> Result<Option<f64>, Error> {
    match field(options, key) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if accept(n) => Ok(Some(n)),
            _ => Err(data(crate::text!(key, " must be ", what))),
        },
    }
}
