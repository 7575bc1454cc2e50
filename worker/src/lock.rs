//! Locks by name, one for every worker and tab of the origin (Web Locks): what two workers that
//! share a file (a log, an SQLite database) take around what must not interleave. Python's
//! `fshandles.lock` and JS's `client.lock` take the same ones.

use crate::FsClient;
use fshandles_shared::js::from_js_error;
use fshandles_shared::{Error, ErrorKind};
use futures_channel::oneshot;
use js_sys::{Function, Object, Reflect};
use std::future::Future;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/client.js")]
extern "C" {
    #[wasm_bindgen(js_name = acquireThen)]
    fn acquire_then(name: &str, options: &JsValue, done: &JsValue);
}

/// A lock held; dropping it lets go.
#[must_use = "the lock is let go when this is dropped"]
pub struct LockGuard {
    release: Function,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::UNDEFINED);
    }
}

impl FsClient {
    /// Waits for the lock `name` and holds it until the guard is dropped; at most `timeout_ms`
    /// when given (then [`ErrorKind::Timeout`]). [`ErrorKind::NotSupported`] where the browser
    /// has no Web Locks. Not re-entrant: a second `lock` of a name held waits for the first.
    ///
    /// A folder's files written by several workers need no lock of their own: each commit
    /// merges under the file's lock. A lock is for what spans several steps, such as read,
    /// change, write back.
    pub fn lock(
        &self,
        name: &str,
        timeout_ms: Option<u32>,
    ) -> impl Future<Output = Result<LockGuard, Error>> {
        let (tx, rx) = oneshot::channel();
        let done = Closure::once_into_js(move |error: JsValue, release: JsValue| {
            let _ = tx.send(match release.dyn_into::<Function>() {
                Ok(release) => Ok(LockGuard { release }),
                Err(_) => Err(from_js_error(&error)),
            });
        });
        let options = Object::new();
        if let Some(ms) = timeout_ms {
            let _ = Reflect::set(&options, &"timeoutMs".into(), &ms.into());
        }
        acquire_then(name, &options, &done);
        async move {
            rx.await.unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::Unknown,
                    "the lock's answer never came",
                ))
            })
        }
    }
}
