//! The [frame] over a real `SharedArrayBuffer`: [`JsWords`] gives the frame's
//! steps (`crate::frame::Frame`) the buffer's words through `Atomics`; what only a browser
//! has (posting the buffer, `Atomics.waitAsync`) is here too.

use crate::error::{Error, ErrorKind};
use crate::frame::{self, Frame, Words, HEADER_BYTES, LINK, STATE};
use alloc::rc::Rc;
use alloc::vec::Vec;
use js_sys::{Atomics, Int32Array, SharedArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

pub use crate::frame::{Waited, Written};

#[wasm_bindgen]
extern "C" {
    // In windows and workers alike; never goes back, where `Date.now()` may.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;

    // Atomics on a frame's own `Int32Array` over a `SharedArrayBuffer`, at header indices:
    // these cannot throw, so they are imported without js-sys' `catch` wrapper, which costs a
    // closure, an `arguments` object and a try/catch per call (a waiting worker makes
    // thousands). `Atomics.wait` keeps it: it throws where a thread cannot block.
    #[wasm_bindgen(js_namespace = Atomics, js_name = load)]
    fn atomics_load(words: &Int32Array, index: u32) -> i32;
    #[wasm_bindgen(js_namespace = Atomics, js_name = store)]
    fn atomics_store(words: &Int32Array, index: u32, value: i32);
    #[wasm_bindgen(js_namespace = Atomics, js_name = compareExchange)]
    fn atomics_compare_exchange(words: &Int32Array, index: u32, from: i32, to: i32) -> i32;
    #[wasm_bindgen(js_namespace = Atomics, js_name = notify)]
    fn atomics_notify(words: &Int32Array, index: u32);

    // What `Atomics.waitAsync` returns; read by property, with no key crossing as a string.
    type WaitAsyncResult;
    #[wasm_bindgen(method, getter, js_name = "async")]
    fn is_async(this: &WaitAsyncResult) -> bool;
    #[wasm_bindgen(method, getter)]
    fn value(this: &WaitAsyncResult) -> JsValue;
}

/// A frame in a `SharedArrayBuffer`.
pub type SharedFrame = Frame<JsWords>;

/// A `SharedArrayBuffer`'s words and bytes, through `Atomics`. Cloning shares the views
/// (each side clones its frame per call).
#[derive(Clone)]
pub struct JsWords(Rc<Views>);

struct Views {
    sab: SharedArrayBuffer,
    words: Int32Array,
    bytes: Uint8Array,
    len: usize,
}

impl Words for JsWords {
    fn load(&self, index: u32) -> i32 {
        atomics_load(&self.0.words, index)
    }

    fn store(&self, index: u32, value: i32) {
        atomics_store(&self.0.words, index, value);
    }

    fn compare_exchange(&self, index: u32, from: i32, to: i32) -> bool {
        atomics_compare_exchange(&self.0.words, index, from, to) == from
    }

    fn notify(&self) {
        atomics_notify(&self.0.words, STATE);
    }

    fn wait(&self, expected: i32, timeout_ms: f64) -> Result<(), Error> {
        let r = if timeout_ms.is_finite() {
            Atomics::wait_with_timeout(&self.0.words, STATE, expected, timeout_ms)
        } else {
            Atomics::wait(&self.0.words, STATE, expected)
        };
        r.map(drop).map_err(|e| {
            let e = crate::js::from_js_error(&e);
            Error::new(
                ErrorKind::NotSupported,
                crate::text!("cannot block on the shared buffer here: ", e.message),
            )
        })
    }

    fn now_ms(&self) -> f64 {
        performance_now()
    }

    fn byte_length(&self) -> usize {
        self.0.len
    }

    fn write_payload(&self, bytes: &[u8]) {
        self.0
            .bytes
            .subarray(HEADER_BYTES as u32, (HEADER_BYTES + bytes.len()) as u32)
            .copy_from(bytes);
    }

    fn read_payload(&self, len: usize, out: &mut Vec<u8>) {
        out.clear();
        out.resize(len, 0);
        self.0
            .bytes
            .subarray(HEADER_BYTES as u32, (HEADER_BYTES + len) as u32)
            .copy_to(out);
    }
}

impl Frame<JsWords> {
    /// A new buffer of `buffer_bytes` (see [`frame::bytes_for`]).
    pub fn new(buffer_bytes: usize) -> Result<Self, Error> {
        frame::check_size(buffer_bytes)?;
        Ok(Self::in_buffer(SharedArrayBuffer::new(buffer_bytes as u32)))
    }

    /// The frame in a buffer received from a peer; refuses anything that is not a
    /// `SharedArrayBuffer` of a valid size.
    pub fn from_js(value: &JsValue) -> Result<Self, Error> {
        let sab = value.dyn_ref::<SharedArrayBuffer>().ok_or_else(|| {
            Error::new(
                ErrorKind::Protocol,
                "a sync request must carry a SharedArrayBuffer",
            )
        })?;
        frame::check_size(sab.byte_length() as usize)?;
        Ok(Self::in_buffer(sab.clone()))
    }

    fn in_buffer(sab: SharedArrayBuffer) -> Self {
        let len = sab.byte_length() as usize;
        Frame::over(JsWords(Rc::new(Views {
            words: Int32Array::new(&sab),
            bytes: Uint8Array::new(&sab),
            sab,
            len,
        })))
    }

    /// The buffer, to post to the host.
    pub fn buffer(&self) -> &SharedArrayBuffer {
        &self.words().0.sab
    }

    /// Whether `other` is this same buffer.
    pub fn is(&self, other: &JsValue) -> bool {
        JsValue::from(&self.words().0.sab) == *other
    }

    /// Host: waits on this buffer itself from now on, where `Atomics.waitAsync` exists; false
    /// where it does not (the worker goes on ringing by message).
    pub fn watch(&self) -> bool {
        let w = self.words();
        let probe = Atomics::wait_async(&w.0.words, STATE, !w.load(STATE));
        probe.is_ok() && self.mark_watched()
    }

    /// Host: a promise that settles when the state word is no longer `seen`; None when it
    /// already is not (or `Atomics.waitAsync` is missing).
    pub fn changed_from(&self, seen: i32) -> Option<js_sys::Promise> {
        let waited = Atomics::wait_async(&self.words().0.words, STATE, seen).ok()?;
        let waited = waited.unchecked_ref::<WaitAsyncResult>();
        if !waited.is_async() {
            return None;
        }
        waited.value().dyn_into().ok()
    }
}

// The link word is the last header word; the payload follows it.
const _: () = assert!(HEADER_BYTES == 4 * (LINK as usize + 1));
