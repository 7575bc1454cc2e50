//! Errors across the JS boundary: ours become `Error` objects whose `name` is the kind's
//! stable name; JS exceptions (DOMExceptions above all) become ours by their `name`.

use crate::error::{Error, ErrorKind};
use alloc::string::String;
use js_sys::Reflect;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen]
extern "C" {
    // What JS prints for a thrown value that is not an error (a number, a symbol). Rust's
    // `{:?}` of a `JsValue` would do the same through `core::fmt`, which nothing else here
    // needs. A function's own `toString` may throw.
    #[wasm_bindgen(catch, js_name = String)]
    fn js_string(value: &JsValue) -> Result<String, JsValue>;
}

/// A JS `Error` with `name` and `message` from `error`.
pub fn to_js_error(error: &Error) -> JsValue {
    let e = js_sys::Error::new(&error.message);
    e.set_name(error.name());
    e.into()
}

/// Reads a thrown JS value: its `name` picks the kind, its `message` is kept.
pub fn from_js_error(value: &JsValue) -> Error {
    let text = |key: &str| {
        Reflect::get(value, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    };
    if value.is_object() {
        let name = text("name").unwrap_or_default();
        let message = text("message").unwrap_or_default();
        let message = if message.is_empty() {
            name.clone()
        } else {
            message
        };
        return Error::new(ErrorKind::from_name(&name), message);
    }
    let message: String = value
        .as_string()
        .or_else(|| value.dyn_ref::<js_sys::JsString>().map(String::from))
        .or_else(|| js_string(value).ok())
        .unwrap_or_else(|| String::from("a value that cannot be printed"));
    Error::new(ErrorKind::Unknown, message)
}
