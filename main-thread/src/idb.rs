//! IndexedDB requests and transactions as futures.

use fshandles_shared::js::{from_js_error, EventListener};
use fshandles_shared::{Error, ErrorKind};
use futures_channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

/// Waits for the first of `ok` or one of `fail` to fire on `target`; the listeners go with the
/// future, so a request that never fires leaks nothing once the future is dropped.
async fn first_event(
    target: &JsValue,
    ok: &'static str,
    fail: &[&'static str],
) -> Result<(), JsValue> {
    let (tx, rx) = oneshot::channel::<Result<(), JsValue>>();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let settle = |outcome: fn(JsValue) -> Result<(), JsValue>| {
        let tx = tx.clone();
        move |event: JsValue| {
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(outcome(event));
            }
        }
    };
    let _ok = EventListener::new(target, ok, settle(|_| Ok(())));
    let _fails: Vec<_> = fail
        .iter()
        .map(|kind| EventListener::new(target, kind, settle(Err)))
        .collect();
    rx.await.unwrap_or_else(|_| Err(JsValue::UNDEFINED))
}

fn error_of(target: &JsValue, what: &str) -> Error {
    let error = js_sys::Reflect::get(target, &"error".into()).unwrap_or(JsValue::NULL);
    if error.is_null() || error.is_undefined() {
        return Error::new(ErrorKind::Storage, format!("IndexedDB {what} failed"));
    }
    let mut e = from_js_error(&error);
    if e.kind == ErrorKind::Unknown {
        e.kind = ErrorKind::Storage;
    }
    e.message = format!("IndexedDB {what} failed: {}", e.message);
    e
}

/// The result of an `IDBRequest`.
pub(crate) async fn request(req: &web_sys::IdbRequest, what: &str) -> Result<JsValue, Error> {
    let target: &JsValue = req.as_ref();
    match first_event(target, "success", &["error"]).await {
        Ok(()) => req.result().map_err(|e| from_js_error(&e)),
        Err(_) => Err(error_of(target, what)),
    }
}

/// Waits for a transaction to commit (its `complete` event): only then is a write durable.
pub(crate) async fn committed(tx: &web_sys::IdbTransaction, what: &str) -> Result<(), Error> {
    let target: &JsValue = tx.as_ref();
    first_event(target, "complete", &["error", "abort"])
        .await
        .map_err(|_| error_of(target, what))
}
