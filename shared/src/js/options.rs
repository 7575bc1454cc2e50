//! [`MountOptions`] from the objects JS and Python callers pass, and back.
//!
//! Accepts a plain object or a `Map` (Pyodide's `to_js` turns a dict into a `Map` unless told
//! otherwise), `undefined`/`null` for the defaults, and PyScript's `hint` for `startIn`.

use super::args::{object, string_field};
use crate::error::Error;
use crate::options::{AccessMode, MountOptions, StartIn};
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

impl MountOptions {
    /// Reads `{id?, mode?, startIn?, hint?}`; `mode` defaults to `"readwrite"`.
    pub fn from_js(options: &JsValue) -> Result<MountOptions, Error> {
        let Some(options) = object(options, "{id, mode, startIn}")? else {
            return Ok(MountOptions::default());
        };
        let mode = match string_field(options, "mode")? {
            Some(m) => AccessMode::parse(&m)?,
            None => AccessMode::default(),
        };
        let start_in = match string_field(options, "startIn")?.or(string_field(options, "hint")?) {
            Some(s) => Some(StartIn::parse(&s)?),
            None => None,
        };
        let parsed = MountOptions {
            id: string_field(options, "id")?,
            mode,
            start_in,
        };
        parsed.validate()?;
        Ok(parsed)
    }

    /// `{id?, mode, startIn?, hint?}`: what `showDirectoryPicker` takes, and what PyScript keeps
    /// in a record (it reads `hint`, the picker reads `startIn`).
    pub fn to_js(&self) -> Object {
        let o = Object::new();
        let set = |k: &str, v: &str| {
            let _ = Reflect::set(&o, &k.into(), &v.into());
        };
        if let Some(id) = &self.id {
            set("id", id);
        }
        set("mode", self.mode.as_str());
        if let Some(s) = self.start_in {
            set("startIn", s.as_str());
            set("hint", s.as_str());
        }
        o
    }
}
