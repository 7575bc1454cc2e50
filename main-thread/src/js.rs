//! The JS face: `class FsHost` in `dist/main/fshandles_main.js`.

use crate::{FsHost, HostOptions};
use fshandles_shared::js::{args, to_js_error};
use fshandles_shared::protocol::Obtain;
use fshandles_shared::{Error, ErrorKind, MountOptions};
use js_sys::{Object, Promise, Reflect};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

// The constructor's options are read and checked in JS: most are read there (the prompt's
// words, `onPrompt`, `fallback`), and a Map or an object is one case there.
#[wasm_bindgen(module = "/js/options.js")]
extern "C" {
    type CheckedOptions;
    #[wasm_bindgen(catch, js_name = hostOptions)]
    fn host_options(given: &JsValue) -> Result<CheckedOptions, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn namespace(this: &CheckedOptions) -> Option<String>;
    #[wasm_bindgen(method, getter, js_name = permissionTtlMs)]
    fn permission_ttl_ms(this: &CheckedOptions) -> Option<f64>;
}

#[wasm_bindgen(typescript_custom_section)]
const SHARED_TS: &str = fshandles_shared::js::typescript::DECLARATIONS;

#[wasm_bindgen(typescript_custom_section)]
const HOST_TS: &str = r#"
/** How `new FsHost(options)` keeps its records. */
export interface HostOptions {
    /** Records live in the IndexedDB database `IDBMap/<namespace>` (default `"@pyscript.fs"`, PyScript's). */
    namespace?: string;
    /** For how many ms a "granted" the host has seen answers without asking the browser (default 200; 0 asks for every call, but calls arriving while it asks share that answer). */
    permissionTtlMs?: number;
    /** The dialog's words, each optional: for a first pick and for a re-grant; `{name}` in them is the folder's name, `{mode}` the access asked, as `modes` words it. */
    dialog?: {
        pick?: PromptWords;
        regrant?: PromptWords;
        /** fshandles_files.js's: a folder imported, a file opened or saved, a kept file's permission again. */
        import?: PromptWords;
        open?: PromptWords;
        save?: PromptWords;
        reopen?: PromptWords;
        modes?: { read?: string; readwrite?: string };
    };
    /** The page's own prompt instead of the dialog: resolve true from a click (the host uses that click to open the picker or ask the browser), false to decline. */
    onPrompt?: (prompt: Prompt) => boolean | Promise<boolean>;
    /** `"private"`: where the browser has no directory picker (Firefox, Safari), a store or get gives a folder of the origin-private file system, one per picker id, with no prompt. Without it, such browsers get `NotSupportedError`. */
    fallback?: "private";
}

/** The words of one kind of prompt. */
export interface PromptWords {
    title?: string;
    text?: string;
    authorize?: string;
    cancel?: string;
}

/** What `onPrompt` is asked. */
export interface Prompt {
    /** The record's key the worker asked for. */
    uid: string;
    /** "pick": the user will choose a folder; "regrant": a stored folder needs permission again; from fshandles_files.js, "import" (a folder copied in), "open" and "save" (one file), "reopen" (a kept file's permission again). */
    kind: "pick" | "regrant" | "import" | "open" | "save" | "reopen";
    mode: "read" | "readwrite";
    /** The folder's or file's name (a re-grant, a reopen, a save's suggested name); "" for a pick. */
    name: string;
    /** Aborted when no worker needs the answer any more: take the prompt down. */
    signal: AbortSignal;
}

/** PyScript's own main-thread methods, backed by a host: `Object.assign(xworker.sync, host.syncMethods())`. */
export interface SyncMethods {
    storeFSHandler(uid: string, options?: MountOptions): Promise<boolean>;
    getFSHandler(options?: MountOptions): Promise<boolean>;
    deleteFSHandler(uid: string): Promise<boolean>;
}
"#;

/// Owns folder handles, prompts and their IndexedDB records; answers attached workers.
#[wasm_bindgen(js_name = FsHost)]
pub struct JsFsHost {
    host: FsHost,
}

/// A promise of a boolean that rejects with an `Error` whose `name` is stable.
fn promise(f: impl Future<Output = Result<bool, Error>> + 'static) -> Promise {
    boxed_promise(Box::pin(async move { f.await.map(JsValue::from_bool) }))
}

/// The promise of `f`'s outcome. One function for every method's future (each is boxed): the
/// executor's glue is in the wasm once, not once for each.
fn boxed_promise(f: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>>) -> Promise {
    future_to_promise(async move { f.await.map_err(|e| to_js_error(&e)) })
}

fn rejected(e: Error) -> Promise {
    Promise::reject(&to_js_error(&e))
}

#[wasm_bindgen(js_class = FsHost)]
impl JsFsHost {
    /// `new FsHost({namespace?, permissionTtlMs?, dialog?, onPrompt?, fallback?})`; records go
    /// to the IndexedDB database `IDBMap/<namespace>` (default `"@pyscript.fs"`, PyScript's). A
    /// "granted" seen by the host is trusted for `permissionTtlMs` (default 200; 0 asks the
    /// browser on every call). `HostOptions` says what the others do.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "HostOptions")] options: JsValue,
    ) -> Result<JsFsHost, JsValue> {
        let given = host_options(&options)?;
        let mut o = HostOptions::default();
        // None given: nothing to read, and nothing for the host to keep.
        if !given.is_undefined() {
            if let Some(ns) = given.namespace() {
                o.namespace = ns;
            }
            if let Some(ttl) = given.permission_ttl_ms() {
                o.permission_ttl_ms = ttl as u32;
            }
            o.js_options = given.into();
        }
        Ok(JsFsHost {
            host: FsHost::unowned(o),
        })
    }

    /// Lets go of every attached worker and frees the host. Until then an attached host serves
    /// its workers whether or not the page keeps a reference to it: a garbage collection is
    /// not a `free()`. (This replaces the `free()` wasm-bindgen writes, which only frees.)
    pub fn free(self) {
        self.host.stop();
    }

    /// The records' namespace.
    #[wasm_bindgen(getter)]
    pub fn namespace(&self) -> String {
        self.host.namespace().to_owned()
    }

    /// Answers the fshandles requests of `worker` (a Worker or MessagePort).
    pub fn attach(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Worker | MessagePort | BroadcastChannel")]
        worker: JsValue,
    ) -> Result<(), JsValue> {
        self.host.attach(&worker).map_err(|e| to_js_error(&e))
    }

    /// Serves a sync-mode client on `port` (attached) through `buffer`, a SharedArrayBuffer the
    /// page handed to the client too (`FsClient.connect({port, buffer})`): sab mode over a
    /// BroadcastChannel, which no SharedArrayBuffer crosses.
    #[wasm_bindgen(js_name = attachBuffer)]
    pub fn attach_buffer(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Worker | MessagePort | BroadcastChannel")]
        port: JsValue,
        #[wasm_bindgen(unchecked_param_type = "SharedArrayBuffer")] buffer: JsValue,
    ) -> Result<(), JsValue> {
        self.host
            .attach_buffer(&port, &buffer)
            .map_err(|e| to_js_error(&e))
    }

    /// Stops answering `worker`; its open prompts close. False when it was not attached.
    pub fn detach(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Worker | MessagePort | BroadcastChannel")]
        worker: JsValue,
    ) -> bool {
        self.host.detach(&worker)
    }

    /// `Promise<boolean>`: a folder is stored under `uid` with permission for `options.mode`.
    #[wasm_bindgen(js_name = storeFSHandler, unchecked_return_type = "Promise<boolean>")]
    pub fn store_fs_handler(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MountOptions")] options: JsValue,
    ) -> Promise {
        self.obtain(Obtain::Store, uid, options)
    }

    /// `Promise<boolean>`: permission re-granted on the stored folder (or a new one picked).
    #[wasm_bindgen(js_name = getFSHandler, unchecked_return_type = "Promise<boolean>")]
    pub fn get_fs_handler(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MountOptions")] options: JsValue,
    ) -> Promise {
        self.obtain(Obtain::Get, uid, options)
    }

    /// `Promise<boolean>`: the folder stored under `uid` is forgotten; whether there was one.
    #[wasm_bindgen(js_name = deleteFSHandler, unchecked_return_type = "Promise<boolean>")]
    pub fn delete_fs_handler(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue,
    ) -> Promise {
        let uid = match args::uid(&uid) {
            Ok(u) => u,
            Err(e) => return rejected(e),
        };
        let host = self.host.clone();
        promise(async move { host.delete_fs_handler(&uid).await })
    }

    /// `Promise<FileSystemDirectoryHandle>`: the folder stored under `uid`.
    #[wasm_bindgen(unchecked_return_type = "Promise<FileSystemDirectoryHandle>")]
    pub fn handle(&self, #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue) -> Promise {
        let uid = match args::uid(&uid) {
            Ok(u) => u,
            Err(e) => return rejected(e),
        };
        let host = self.host.clone();
        boxed_promise(Box::pin(async move {
            host.handle(&uid).await.map(JsValue::from)
        }))
    }

    /// `{storeFSHandler(uid, options), getFSHandler(options), deleteFSHandler(uid)}` with the
    /// semantics of PyScript's own main-thread methods, backed by this host:
    /// `Object.assign(xworker.sync, host.syncMethods())` makes an unchanged PyScript worker's
    /// `from pyscript import fs; await fs.mount(...)` go through fshandles.
    ///
    /// PyScript calls `getFSHandler(options)` without a uid, after a `storeFSHandler(uid)` whose
    /// folder lost its permission; it re-grants on that uid's stored folder (no new picker
    /// unless refused). Each call returns a new object with its own memory of that uid: give
    /// each worker its own.
    #[wasm_bindgen(js_name = syncMethods, unchecked_return_type = "SyncMethods")]
    pub fn sync_methods(&self) -> Object {
        let last_uid: Rc<RefCell<Option<String>>> = Rc::default();
        let methods = Object::new();
        let store = {
            let (host, last_uid) = (self.host.clone(), last_uid.clone());
            Closure::<dyn Fn(JsValue, JsValue) -> Promise>::new(
                move |uid: JsValue, options: JsValue| {
                    let (uid, options) = match args::uid_and_options(&uid, &options) {
                        Ok(parsed) => parsed,
                        Err(e) => return rejected(e),
                    };
                    *last_uid.borrow_mut() = Some(uid.clone());
                    let host = host.clone();
                    promise(async move { host.store_fs_handler(&uid, &options).await })
                },
            )
        };
        let get = {
            let (host, last_uid) = (self.host.clone(), last_uid);
            Closure::<dyn Fn(JsValue) -> Promise>::new(move |options: JsValue| {
                let options = match MountOptions::from_js(&options) {
                    Ok(o) => o,
                    Err(e) => return rejected(e),
                };
                let Some(uid) = last_uid.borrow().clone() else {
                    return rejected(Error::new(
                        ErrorKind::NotFound,
                        "getFSHandler re-grants the folder of an earlier storeFSHandler; there was none",
                    ));
                };
                let host = host.clone();
                promise(async move { host.get_fs_handler(&uid, &options).await })
            })
        };
        let delete = {
            let host = self.host.clone();
            Closure::<dyn Fn(JsValue) -> Promise>::new(move |uid: JsValue| {
                let uid = match args::uid(&uid) {
                    Ok(u) => u,
                    Err(e) => return rejected(e),
                };
                let host = host.clone();
                promise(async move { host.delete_fs_handler(&uid).await })
            })
        };
        // into_js_value: the functions belong to the returned object and are freed with it.
        let _ = Reflect::set(&methods, &"storeFSHandler".into(), &store.into_js_value());
        let _ = Reflect::set(&methods, &"getFSHandler".into(), &get.into_js_value());
        let _ = Reflect::set(&methods, &"deleteFSHandler".into(), &delete.into_js_value());
        methods
    }

    /// How many prompts are queued or showing.
    #[wasm_bindgen(getter, js_name = pendingPrompts)]
    pub fn pending_prompts(&self) -> usize {
        self.host.pending_prompts()
    }

    /// How many requests `worker` has had answered (undefined when not attached).
    pub fn served(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Worker | MessagePort | BroadcastChannel")]
        worker: JsValue,
    ) -> Option<f64> {
        self.host.served(&worker).map(|n| n as f64)
    }
}

impl JsFsHost {
    /// A store or get, its arguments read from JS: a promise of the answer.
    fn obtain(&self, kind: Obtain, uid: JsValue, options: JsValue) -> Promise {
        let (uid, options) = match args::uid_and_options(&uid, &options) {
            Ok(parsed) => parsed,
            Err(e) => return rejected(e),
        };
        let host = self.host.clone();
        promise(async move { host.obtain(kind, &uid, &options).await })
    }
}
