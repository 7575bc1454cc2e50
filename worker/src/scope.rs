//! The worker's global scope: what it has, and so which mode a client can run in.

use crate::options::{Mode, ModeChoice};
use fshandles_shared::{Error, ErrorKind};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // Every scope a worker runs in has `globalThis`: one import, where `js_sys::global()`
    // would try four names (the host has that anyway: js-sys' executor uses it).
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: JsValue;
}

/// The worker's global scope.
pub(crate) fn global() -> JsValue {
    GLOBAL.with(JsValue::clone)
}

pub(crate) fn global_has(name: &str) -> bool {
    Reflect::get(&global(), &name.into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false)
}

pub(crate) fn cross_origin_isolated() -> bool {
    Reflect::get(&global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
        && global_has("SharedArrayBuffer")
}

/// A worker's global scope (not `document`: PyScript's workers define a proxy of the page's).
pub(crate) fn in_worker() -> bool {
    global_has("WorkerGlobalScope") && global_has("importScripts")
}

pub(crate) fn not_supported(message: &str) -> Error {
    Error::new(ErrorKind::NotSupported, message)
}

/// The mode `choice` comes to here, or why it cannot be had.
pub(crate) fn choose(choice: ModeChoice, sab_can_cross: bool) -> Result<Mode, Error> {
    match choice {
        ModeChoice::Auto if cross_origin_isolated() && in_worker() && sab_can_cross => Ok(Mode::Sab),
        ModeChoice::Auto => Ok(Mode::Async),
        ModeChoice::Exactly(Mode::Sab) if !sab_can_cross => Err(not_supported(
            "sab mode cannot run over a BroadcastChannel (a SharedArrayBuffer cannot cross one); use a MessagePort or mode \"async\"",
        )),
        ModeChoice::Exactly(Mode::Sab) if !cross_origin_isolated() => Err(not_supported(
            "sab mode needs a cross-origin isolated page (served with COOP: same-origin and COEP: require-corp) and SharedArrayBuffer; use mode \"async\" or \"auto\"",
        )),
        ModeChoice::Exactly(Mode::Sab) if !in_worker() => Err(not_supported(
            "sab mode blocks with Atomics.wait, which only a worker may do",
        )),
        ModeChoice::Exactly(m) => Ok(m),
    }
}
