//! A JS promise settled from Rust: made with its resolving functions, which the answer's
//! message handler calls directly (no task to schedule between the answer and the caller).

use fshandles_shared::js::to_js_error;
use fshandles_shared::Error;
use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};

/// A new promise and the functions that settle it.
pub(crate) fn new_promise() -> (Promise, Resolvers) {
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some(Resolvers { resolve, reject }));
    // The executor runs before `new Promise` returns; were it not to, calling these would
    // throw in JS, caught where they are called.
    let resolvers = settle.unwrap_or_else(|| {
        let none = JsValue::UNDEFINED.unchecked_into::<Function>();
        Resolvers {
            resolve: none.clone(),
            reject: none,
        }
    });
    (promise, resolvers)
}

/// The functions that settle a promise from [`new_promise`].
pub(crate) struct Resolvers {
    resolve: Function,
    reject: Function,
}

impl Resolvers {
    /// Resolves with the value, or rejects with the error as a JS `Error`.
    pub fn settle(self, result: Result<JsValue, Error>) {
        let _ = match result {
            Ok(value) => self.resolve.call1(&JsValue::UNDEFINED, &value),
            Err(e) => self.reject.call1(&JsValue::UNDEFINED, &to_js_error(&e)),
        };
    }
}
