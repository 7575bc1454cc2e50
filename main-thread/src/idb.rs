//! IndexedDB's steps as futures, each one call into `js/idb.js`.

use fshandles_shared::js::from_js_error;
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore};

// In JS, where each is a few lines: from Rust each IndexedDB method and event listener was an
// import of its own, with its glue and its closure.
#[wasm_bindgen(module = "/js/idb.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = open)]
    fn open_js(name: &str, store: &str, timeout_ms: f64) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = read)]
    fn read_js(store: &IdbObjectStore, key: &str) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = write)]
    fn write_js(store: &IdbObjectStore, key: &str, value: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = remove)]
    fn remove_js(store: &IdbObjectStore, key: &str) -> Result<Promise, JsValue>;
}

/// How long opening the database may take. An open waits, with no event of its own, while
/// another tab holds the database open across an upgrade (that tab's request is `blocked`):
/// better a clear error than a worker waiting forever.
const OPEN_TIMEOUT_MS: f64 = 5000.0;

/// Opens database `name` (creating object store `store` on first use): the connection, an
/// error within [`OPEN_TIMEOUT_MS`], or `unavailable`'s error where there is no IndexedDB.
pub(crate) async fn open(
    name: &str,
    store: &str,
    unavailable: impl FnOnce(String) -> Error,
) -> Result<IdbDatabase, Error> {
    let opening = open_js(name, store, OPEN_TIMEOUT_MS)
        .map_err(|e| unavailable(from_js_error(&e).message))?;
    let db = awaited(Ok(opening), "open").await?;
    if db.is_null() {
        return Err(Error::new(ErrorKind::Storage, open_timed_out()));
    }
    Ok(db.unchecked_into())
}

fn open_timed_out() -> String {
    text!(
        "IndexedDB did not open within ",
        OPEN_TIMEOUT_MS as u32 / 1000,
        " s: another tab may be upgrading this database (it is blocked until the tabs holding it open close it)"
    )
}

/// The value under `key` in `store`, or `undefined`.
pub(crate) async fn read(store: &IdbObjectStore, key: &str) -> Result<JsValue, Error> {
    awaited(read_js(store, key), "read").await
}

/// Puts `value` under `key` in `store`, and waits for its transaction to commit.
pub(crate) async fn write(store: &IdbObjectStore, key: &str, value: &JsValue) -> Result<(), Error> {
    awaited(write_js(store, key, value), "write")
        .await
        .map(drop)
}

/// Deletes `key` from `store`, and waits for its transaction to commit; whether it was there.
pub(crate) async fn remove(store: &IdbObjectStore, key: &str) -> Result<bool, Error> {
    Ok(awaited(remove_js(store, key), "delete").await?.is_truthy())
}

/// What the promise a call answered comes to. A call that threw gives its error as it is
/// (as `access::awaited` does); a rejection (IndexedDB's error, or null) is a Storage error that
/// says which step (`what`) failed.
async fn awaited(called: Result<Promise, JsValue>, what: &str) -> Result<JsValue, Error> {
    let promise = called.map_err(|e| from_js_error(&e))?;
    JsFuture::from(promise).await.map_err(|error| {
        if error.is_null() || error.is_undefined() {
            return Error::new(ErrorKind::Storage, text!("IndexedDB ", what, " failed"));
        }
        let mut e = from_js_error(&error);
        if e.kind == ErrorKind::Unknown {
            e.kind = ErrorKind::Storage;
        }
        e.message = text!("IndexedDB ", what, " failed: ", e.message);
        e
    })
}
