//! The demo's Rust side, one wasm module for both threads:
//!
//! - in a worker, [`worker::DemoWorker`] is a gloo-worker that does folder operations with
//!   `fshandles-worker`'s `FsClient`;
//! - on the page, [`page::RustWorker`] spawns it (gloo-worker, postcard codec from
//!   `fshandles-shared`) and relays the buttons' commands.
//!
//! gloo's bridge owns the worker's `postMessage` channel and decodes every message on it, so
//! fshandles traffic goes over a `BroadcastChannel` of the page's choosing instead, which the
//! page's `FsHost` is attached to.

pub mod commands;
pub mod page;
pub mod worker;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    let in_worker =
        js_sys::Reflect::has(&js_sys::global(), &"WorkerGlobalScope".into()).unwrap_or(false);
    if in_worker {
        use gloo_worker::Registrable;
        worker::DemoWorker::registrar()
            .encoding::<fshandles_shared::codec::Postcard>()
            .register();
    }
}
