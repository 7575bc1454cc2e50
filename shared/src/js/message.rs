//! The message object both sides post: `{fshandles: Uint8Array, handle?, sab?, port?}`.
//!
//! A plain object with one well-known key keeps a foreign message (a string, PyScript's own
//! traffic, a transferable) from ever being mistaken for ours, and lets a folder handle or
//! the shared buffer ride beside the bytes, structured-cloned.
//!
//! Three messages are bare numbers instead, each only where it cannot be mistaken: a sync
//! client's doorbell (it must name a call waiting in the buffer the client registered), and,
//! on a client's own port only, an async answer ([`crate::protocol::compact_answer`]) and an
//! async request that repeats the last one in full ([`crate::protocol::repeat_request`]).

use crate::protocol::is_ours;
use alloc::vec::Vec;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

// The properties read and written on every call, by name in the glue: a key passed from Rust
// would cross as a string (decoded anew) each time.
#[wasm_bindgen]
extern "C" {
    type Carrier;

    #[wasm_bindgen(method, getter)]
    fn data(this: &Carrier) -> JsValue;

    // A hostile object's getter may throw: caught, it reads as not ours.
    #[wasm_bindgen(method, getter, catch, js_name = fshandles)]
    fn fshandles(this: &Carrier) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, setter, js_name = fshandles)]
    fn set_fshandles(this: &Carrier, bytes: &Uint8Array);
}

/// The `data` of a `message` event.
pub fn event_data(event: &JsValue) -> JsValue {
    event.unchecked_ref::<Carrier>().data()
}

/// The key that marks a message as ours.
pub const KEY: &str = "fshandles";
/// The key of a folder handle riding on a message.
pub const HANDLE: &str = "handle";
/// The key of a sync-mode request's shared buffer.
pub const SAB: &str = "sab";
/// The key of a client's own `MessagePort`, sent with its first request: from then on its
/// requests and replies use that port, and leave the worker's shared channel alone (PyScript's
/// worker hands every message on that channel to Python's `xworker.onmessage`).
pub const PORT: &str = "port";

/// A message object carrying `bytes`.
pub fn wrap(bytes: &[u8]) -> Object {
    let msg = Object::new();
    msg.unchecked_ref::<Carrier>()
        .set_fshandles(&Uint8Array::from(bytes));
    msg
}

/// Adds a property (`handle` or `sab`) to a message object.
pub fn attach(msg: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(msg, &key.into(), value);
}

/// If `data` (a `MessageEvent`'s data) is ours, copies its bytes into `out` and returns true.
///
/// Never throws: getters of a hostile object are guarded by `Reflect`.
pub fn unwrap_into(data: &JsValue, out: &mut Vec<u8>) -> bool {
    if !data.is_object() {
        return false;
    }
    let Ok(bytes) = data.unchecked_ref::<Carrier>().fshandles() else {
        return false;
    };
    let Some(bytes) = bytes.dyn_ref::<Uint8Array>() else {
        return false;
    };
    let len = bytes.length() as usize;
    if len > crate::protocol::MAX_MESSAGE_BYTES {
        // Keep enough to read the header and answer with an error.
        out.clear();
        out.resize(crate::protocol::MAX_MESSAGE_BYTES + 1, 0);
        bytes.subarray(0, out.len() as u32).copy_to(out);
    } else {
        out.clear();
        out.resize(len, 0);
        bytes.copy_to(out);
    }
    is_ours(out)
}

/// A property of a message object (`handle`, `sab`), if present.
pub fn get(data: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(data, &key.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}
