//! The few JS methods both faces call on values they know only by shape: bound once here, by
//! name in the glue (no `Reflect` lookup), for any object that has them.

use crate::error::Error;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A `Worker`, `MessagePort` or `BroadcastChannel`: anything with `postMessage`.
    pub type Endpoint;

    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message(this: &Endpoint, message: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message_with_transfer(
        this: &Endpoint,
        message: &JsValue,
        transfer: &JsValue,
    ) -> Result<(), JsValue>;

    /// A promise, handed plain JS functions (js-sys' `then` takes Rust closures).
    pub type Thenable;

    /// `promise.then(fulfilled)`.
    #[wasm_bindgen(method, js_name = then)]
    pub fn then_call(this: &Thenable, fulfilled: &Function);

    /// `promise.then(fulfilled, rejected)`.
    #[wasm_bindgen(method, js_name = then)]
    pub fn then_both(this: &Thenable, fulfilled: &Function, rejected: &Function) -> Promise;
}

/// Posts `message` on `to` (a worker, port or channel).
pub fn post(to: &JsValue, message: &JsValue) -> Result<(), Error> {
    to.unchecked_ref::<Endpoint>()
        .post_message(message)
        .map_err(|e| super::from_js_error(&e))
}

/// Posts `message` on `to`, transferring what `transfer` (an array) lists.
pub fn post_with_transfer(
    to: &JsValue,
    message: &JsValue,
    transfer: &JsValue,
) -> Result<(), Error> {
    to.unchecked_ref::<Endpoint>()
        .post_message_with_transfer(message, transfer)
        .map_err(|e| super::from_js_error(&e))
}
