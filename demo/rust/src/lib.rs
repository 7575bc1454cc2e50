//! The demo's Rust side, one wasm module for both threads:
//!
//! - in a worker, [`worker::DemoWorker`] is a gloo-worker that does folder operations with
//!   `fshandles-worker`'s `FsClient`;
//! - on the page, [`page::RustWorker`] spawns it (gloo-worker, with `fshandles-shared`'s
//!   `JsCodec`, which carries the shared buffer) and relays the buttons' commands;
//! - [`plain`]: a worker without gloo, calling `FsClient` straight from wasm-bindgen;
//! - [`host`]: a page that makes its `FsHost` in Rust and keeps it for the page's life.
//!
//! gloo's bridge owns the worker's `postMessage` channel and decodes every message on it, so
//! fshandles traffic goes over a `BroadcastChannel` of the page's choosing instead, which the
//! page's `FsHost` is attached to. No `SharedArrayBuffer` crosses a `BroadcastChannel`, so on a
//! cross-origin isolated page the page makes the buffer of sab mode and hands it to both: to
//! the host (`attachBuffer`) and, inside the bridge's first message, to the worker.
#![allow(clippy::disallowed_macros, clippy::disallowed_types)] // the demo: not the library users ship

pub mod commands;
pub mod host;
pub mod page;
pub mod plain;
pub mod worker;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    let global = js_sys::global();
    let has = |name: &str| js_sys::Reflect::has(&global, &name.into()).unwrap_or(false);
    // A worker that loads this module for `plain` says so, and keeps its channel to itself.
    if has("WorkerGlobalScope") && !has("fshandlesPlainWorker") {
        use gloo_worker::Registrable;
        worker::DemoWorker::registrar()
            .encoding::<fshandles_shared::codec::JsCodec>()
            .register();
    }
}
