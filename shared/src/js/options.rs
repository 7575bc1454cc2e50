//! [`MountOptions`] from the objects JS and Python callers pass, and back.
//!
//! Accepts a plain object or a `Map` (Pyodide's `to_js` turns a dict into a `Map` unless told
//! otherwise), `undefined`/`null` for the defaults, and PyScript's `hint` for `startIn`.

use crate::error::{quoted, Error, ErrorKind};
use crate::options::{Mode, MountOptions, StartIn};
use alloc::string::String;
use js_sys::{Map, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

fn field(options: &JsValue, key: &str) -> Option<JsValue> {
    let value = match options.dyn_ref::<Map>() {
        Some(map) => map.get(&key.into()),
        None => Reflect::get(options, &key.into()).ok()?,
    };
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

fn string_field(options: &JsValue, key: &str) -> Result<Option<String>, Error> {
    match field(options, key) {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| {
            Error::new(
                ErrorKind::Data,
                ["option ", &quoted(key), " must be a string"].concat(),
            )
        }),
    }
}

impl MountOptions {
    /// Reads `{id?, mode?, startIn?, hint?}`; `mode` defaults to `"readwrite"`.
    pub fn from_js(options: &JsValue) -> Result<MountOptions, Error> {
        if options.is_undefined() || options.is_null() {
            return Ok(MountOptions::default());
        }
        if !options.is_object() {
            return Err(Error::new(
                ErrorKind::Data,
                "options must be an object like {id, mode, startIn}",
            ));
        }
        let mode = match string_field(options, "mode")? {
            Some(m) => Mode::parse(&m)?,
            None => Mode::default(),
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

    /// `{mode}`: the descriptor `queryPermission` and `requestPermission` take.
    pub fn permission_descriptor(&self) -> Object {
        let o = Object::new();
        let _ = Reflect::set(&o, &"mode".into(), &self.mode.as_str().into());
        o
    }
}
