//! IndexedDB requests and transactions as futures.

use fshandles_shared::js::{from_js_error, EventListener, Timer};
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind};
use futures_channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Which came first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The `ok` event.
    Done,
    /// One of the `fail` events (the target's `error` property says why).
    Failed,
    /// Neither, within the time allowed.
    TimedOut,
}

/// Waits for the first of `ok` or one of `fail` to fire on `target`, or for `within_ms` to
/// pass; the listeners and the timer go with the future, so a request that never fires leaks
/// nothing once the future is dropped.
async fn first_event(
    target: &JsValue,
    ok: &'static str,
    fail: &[&'static str],
    within_ms: Option<f64>,
) -> Outcome {
    let (tx, rx) = oneshot::channel::<Outcome>();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let settle = |outcome: Outcome| {
        let tx = tx.clone();
        move || {
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(outcome);
            }
        }
    };
    let on = |outcome| {
        let settle = settle(outcome);
        move |_: JsValue| settle()
    };
    let _ok = EventListener::new(target, ok, on(Outcome::Done));
    let _fails: Vec<_> = fail
        .iter()
        .map(|kind| EventListener::new(target, kind, on(Outcome::Failed)))
        .collect();
    let _timer = within_ms.map(|ms| Timer::new(ms, settle(Outcome::TimedOut)));
    rx.await.unwrap_or(Outcome::Failed)
}

/// How long opening the database may take. An open waits, with no event of its own, while
/// another tab holds the database open across an upgrade (that tab's request is `blocked`):
/// better a clear error than a worker waiting forever.
const OPEN_TIMEOUT_MS: f64 = 5000.0;

/// Opens a database: the `IDBDatabase`, or an error within [`OPEN_TIMEOUT_MS`].
pub(crate) async fn open(req: &web_sys::IdbOpenDbRequest) -> Result<JsValue, Error> {
    let target: &JsValue = req.as_ref();
    match first_event(target, "success", &["error"], Some(OPEN_TIMEOUT_MS)).await {
        Outcome::Done => req.result().map_err(|e| from_js_error(&e)),
        Outcome::Failed => Err(error_of(target, "open")),
        Outcome::TimedOut => {
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
            Err(Error::new(ErrorKind::Storage, open_timed_out()))
        }
    }
}

fn open_timed_out() -> String {
    text!(
        "IndexedDB did not open within ",
        OPEN_TIMEOUT_MS as u32 / 1000,
        " s: another tab may be upgrading this database (it is blocked until the tabs holding it open close it)"
    )
}

fn error_of(target: &JsValue, what: &str) -> Error {
    let error = js_sys::Reflect::get(target, &"error".into()).unwrap_or(JsValue::NULL);
    if error.is_null() || error.is_undefined() {
        return Error::new(ErrorKind::Storage, text!("IndexedDB ", what, " failed"));
    }
    let mut e = from_js_error(&error);
    if e.kind == ErrorKind::Unknown {
        e.kind = ErrorKind::Storage;
    }
    e.message = text!("IndexedDB ", what, " failed: ", e.message);
    e
}

/// The result of an `IDBRequest`.
pub(crate) async fn request(req: &web_sys::IdbRequest, what: &str) -> Result<JsValue, Error> {
    let target: &JsValue = req.as_ref();
    match first_event(target, "success", &["error"], None).await {
        Outcome::Done => req.result().map_err(|e| from_js_error(&e)),
        _ => Err(error_of(target, what)),
    }
}

/// Waits for a transaction to commit (its `complete` event): only then is a write durable.
pub(crate) async fn committed(tx: &web_sys::IdbTransaction, what: &str) -> Result<(), Error> {
    let target: &JsValue = tx.as_ref();
    match first_event(target, "complete", &["error", "abort"], None).await {
        Outcome::Done => Ok(()),
        _ => Err(error_of(target, what)),
    }
}
