//! The JS face: `class FsHost` in `dist/main/fshandles_main.js`.

use crate::{FsHost, HostOptions};
use fshandles_shared::js::to_js_error;
use fshandles_shared::{Error, ErrorKind, MountOptions};
use js_sys::{Promise, Reflect};
use std::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Owns folder handles, prompts and their IndexedDB records; answers attached workers.
#[wasm_bindgen(js_name = FsHost)]
pub struct JsFsHost {
    host: FsHost,
}

fn uid_of(uid: &JsValue) -> Result<String, Error> {
    uid.as_string()
        .ok_or_else(|| Error::new(ErrorKind::Data, "the uid must be a string"))
}

/// A promise of a boolean that rejects with an `Error` whose `name` is stable.
fn promise(f: impl Future<Output = Result<bool, Error>> + 'static) -> Promise {
    future_to_promise(async move { f.await.map(JsValue::from_bool).map_err(|e| to_js_error(&e)) })
}

fn rejected(e: Error) -> Promise {
    Promise::reject(&to_js_error(&e))
}

#[wasm_bindgen(js_class = FsHost)]
impl JsFsHost {
    /// `new FsHost({namespace?})`; records go to the IndexedDB database `IDBMap/<namespace>`
    /// (default `"@pyscript.fs"`, PyScript's).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsFsHost, JsValue> {
        let mut o = HostOptions::default();
        if options.is_object() {
            let ns = Reflect::get(&options, &"namespace".into()).unwrap_or(JsValue::UNDEFINED);
            if !ns.is_undefined() {
                o.namespace = ns.as_string().filter(|s| !s.is_empty()).ok_or_else(|| {
                    to_js_error(&Error::new(
                        ErrorKind::Data,
                        "namespace must be a non-empty string",
                    ))
                })?;
            }
        } else if !options.is_undefined() && !options.is_null() {
            return Err(to_js_error(&Error::new(
                ErrorKind::Data,
                "FsHost options must be an object like {namespace}",
            )));
        }
        Ok(JsFsHost {
            host: FsHost::new(o),
        })
    }

    /// The records' namespace.
    #[wasm_bindgen(getter)]
    pub fn namespace(&self) -> String {
        self.host.namespace().to_owned()
    }

    /// Answers the fshandles requests of `worker` (a Worker or MessagePort).
    pub fn attach(&self, worker: JsValue) -> Result<(), JsValue> {
        self.host.attach(&worker).map_err(|e| to_js_error(&e))
    }

    /// Stops answering `worker`; its open prompts close. False when it was not attached.
    pub fn detach(&self, worker: JsValue) -> bool {
        self.host.detach(&worker)
    }

    /// `Promise<boolean>`: a folder is stored under `uid` with permission for `options.mode`.
    #[wasm_bindgen(js_name = storeFSHandler)]
    pub fn store_fs_handler(&self, uid: JsValue, options: JsValue) -> Promise {
        let (uid, options) = match (uid_of(&uid), MountOptions::from_js(&options)) {
            (Ok(u), Ok(o)) => (u, o),
            (Err(e), _) | (_, Err(e)) => return rejected(e),
        };
        let host = self.host.clone();
        promise(async move { host.store_fs_handler(&uid, &options).await })
    }

    /// `Promise<boolean>`: permission re-granted on the stored folder (or a new one picked).
    #[wasm_bindgen(js_name = getFSHandler)]
    pub fn get_fs_handler(&self, uid: JsValue, options: JsValue) -> Promise {
        let (uid, options) = match (uid_of(&uid), MountOptions::from_js(&options)) {
            (Ok(u), Ok(o)) => (u, o),
            (Err(e), _) | (_, Err(e)) => return rejected(e),
        };
        let host = self.host.clone();
        promise(async move { host.get_fs_handler(&uid, &options).await })
    }

    /// `Promise<boolean>`: the folder stored under `uid` is forgotten; whether there was one.
    #[wasm_bindgen(js_name = deleteFSHandler)]
    pub fn delete_fs_handler(&self, uid: JsValue) -> Promise {
        let uid = match uid_of(&uid) {
            Ok(u) => u,
            Err(e) => return rejected(e),
        };
        let host = self.host.clone();
        promise(async move { host.delete_fs_handler(&uid).await })
    }

    /// `Promise<FileSystemDirectoryHandle>`: the folder stored under `uid`.
    pub fn handle(&self, uid: JsValue) -> Promise {
        let uid = match uid_of(&uid) {
            Ok(u) => u,
            Err(e) => return rejected(e),
        };
        let host = self.host.clone();
        future_to_promise(async move {
            host.handle(&uid)
                .await
                .map(JsValue::from)
                .map_err(|e| to_js_error(&e))
        })
    }

    /// How many prompts are queued or showing.
    #[wasm_bindgen(getter, js_name = pendingPrompts)]
    pub fn pending_prompts(&self) -> usize {
        self.host.pending_prompts()
    }

    /// How many requests `worker` has had answered (undefined when not attached).
    pub fn served(&self, worker: JsValue) -> Option<f64> {
        self.host.served(&worker).map(|n| n as f64)
    }
}
