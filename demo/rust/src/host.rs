//! A page written in Rust that hosts: an `FsHost` made once, at start, and kept for the page's
//! life with `forget()` (dropping it would let go of the workers, as a Rust value's drop does).

use fshandles_main::{FsHost, HostOptions};
use wasm_bindgen::prelude::*;

/// Attaches `worker` to a new host that serves it for as long as the page lives; nothing of
/// it is kept on the JS side.
#[wasm_bindgen(js_name = serveForever)]
pub fn serve_forever(worker: &JsValue) -> Result<(), JsValue> {
    let host = FsHost::new(HostOptions::default());
    host.attach(worker)
        .map_err(|e| fshandles_shared::js::to_js_error(&e))?;
    host.forget();
    Ok(())
}
