//! IndexedDB requests and transactions as futures.

use fshandles_shared::js::{from_js_error, EventListener};
use fshandles_shared::{Error, ErrorKind};
use futures_channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Waits for the first of `ok` or one of `fail` to fire on `target`; the listeners go with the
/// future, so a request that never fires leaks nothing once the future is dropped.
async fn first_event(
    target: &JsValue,
    ok: &'static str,
    fail: &[&'static str],
) -> Result<(), JsValue> {
    first_event_within(target, ok, fail, None).await
}

/// Like [`first_event`], failing with `timed_out` if neither fires within `ms`.
async fn first_event_within(
    target: &JsValue,
    ok: &'static str,
    fail: &[&'static str],
    within: Option<(i32, JsValue)>,
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
    let _timer = within.and_then(|(ms, why)| {
        let fire = settle(Err);
        let timer = Closure::once(move || fire(why));
        let id = web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                timer.as_ref().unchecked_ref(),
                ms,
            )
            .ok()?;
        Some(Timeout { id, _timer: timer })
    });
    rx.await.unwrap_or_else(|_| Err(JsValue::UNDEFINED))
}

/// A pending `setTimeout`, cleared when dropped.
struct Timeout {
    id: i32,
    _timer: Closure<dyn FnMut()>,
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(self.id);
        }
    }
}

/// How long opening the database may take. An open waits, with no event of its own, while
/// another tab holds the database open across an upgrade (that tab's request is `blocked`):
/// better a clear error than a worker waiting forever.
const OPEN_TIMEOUT_MS: i32 = 5000;

/// Opens a database: the `IDBDatabase`, or an error within [`OPEN_TIMEOUT_MS`].
pub(crate) async fn open(req: &web_sys::IdbOpenDbRequest) -> Result<JsValue, Error> {
    let target: &JsValue = req.as_ref();
    let why = JsValue::from_str("timeout");
    match first_event_within(target, "success", &["error"], Some((OPEN_TIMEOUT_MS, why))).await {
        Ok(()) => req.result().map_err(|e| from_js_error(&e)),
        Err(e) if e.as_string().as_deref() == Some("timeout") => {
            // Should it open after all, close it: an unused connection would block upgrades.
            let late = Closure::once_into_js({
                let req = req.clone();
                move || {
                    if let Ok(db) = req.result() {
                        db.unchecked_into::<web_sys::IdbDatabase>().close();
                    }
                }
            });
            req.set_onsuccess(Some(late.unchecked_ref()));
            Err(Error::new(
            ErrorKind::Storage,
            format!(
                "IndexedDB did not open within {} s: another tab may be upgrading this database (it is blocked until the tabs holding it open close it)",
                OPEN_TIMEOUT_MS / 1000
            ),
            ))
        }
        Err(_) => Err(error_of(target, "open")),
    }
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
