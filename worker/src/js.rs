//! The JS face: `class FsClient` in `dist/worker/fshandles_worker.js`.
//!
//! In sab mode the three calls return a plain boolean (or throw); in async mode a
//! `Promise<boolean>` (that rejects) — as PyScript's own sync calls behave.

use crate::promise::new_promise;
use crate::{ConnectOptions, FsClient};
use fshandles_shared::error::quoted;
use fshandles_shared::js::{args, from_js_error, to_js_error};
use fshandles_shared::protocol::Obtain;
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind};
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/client.js")]
extern "C" {
    /// `p`'s outcome as `{ok: true, value}` or `{ok: false, name, message}`.
    fn settled(p: &Promise) -> Promise;
    #[wasm_bindgen(js_name = kindOf)]
    fn kind_of(handle: &Promise) -> Promise;
    #[wasm_bindgen(js_name = withLock)]
    fn with_lock(name: &JsValue, f: &JsValue, options: &JsValue) -> Promise;
    fn acquire(name: &JsValue, options: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = watchOf)]
    fn watch_of(folder: &JsValue, options: &JsValue) -> Promise;
}

#[wasm_bindgen(typescript_custom_section)]
const SHARED_TS: &str = fshandles_shared::js::typescript::DECLARATIONS;

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TS: &str = r#"
/** How `FsClient.connect` connects. */
export interface ConnectOptions {
    /** `"sab"`: blocking calls (a cross-origin isolated page); `"async"`: promises; `"auto"` (default): sab where it can. */
    mode?: "auto" | "sab" | "async";
    /** How long the first call waits for a host to take it, in ms (default 1000). */
    timeoutMs?: number;
    /** How long a call may wait for a person once the host took it, in ms (default: no limit). */
    promptTimeoutMs?: number;
    /** The shared buffer's size in sab mode (it grows when an answer needs more). */
    bufferBytes?: number;
    /** A channel the host is attached to, instead of the worker's own `postMessage`. */
    port?: MessagePort | BroadcastChannel;
    /** Sab mode over a BroadcastChannel: the buffer the page handed to its host (`host.attachBuffer`). */
    buffer?: SharedArrayBuffer;
}

/** Where a stored folder is: on the device (picked by the user), or in the origin-private file system. */
export type FolderKind = "device" | "private";

/** What the calls of `FsClient` answer: a plain boolean in sab mode, a promise in async mode. */
export type Answer = boolean | Promise<boolean>;

/** How `FsClient.lock` waits for its lock. */
export interface LockOptions {
    /** The longest wait, in ms; past it the call rejects with a `TimeoutError` (default: no limit). */
    timeoutMs?: number;
}

/** How `FsClient.watch` watches. */
export interface WatchOptions {
    /** Folders inside it too (default true). */
    recursive?: boolean;
    /** `"auto"` (default): the browser's FileSystemObserver where it has one, else polling; `"poll"` anywhere; `"observer"` or a `NotSupportedError`. */
    how?: "auto" | "observer" | "poll";
    /** How often a polled watch looks at the folder while it is iterated, in ms (default 1000). */
    pollMs?: number;
    /** Changes that follow within `stepMs` of each other come as one batch (default 50)... */
    stepMs?: number;
    /** ...for at most `debounceMs` after the first (default 200). */
    debounceMs?: number;
}

/** One change in a watched folder; `path` is under the folder (`"notes/a.txt"`). A move is deleted (old) and added (new). */
export interface FolderChange {
    type: "added" | "modified" | "deleted";
    path: string;
}

/** A watch: batches of changes, as they come; `break` (or `stop()`) ends it. */
export interface FolderWatch extends AsyncIterableIterator<FolderChange[]> {
    /** `"observer"`: the browser tells of each change, an idle watch costs nothing; `"poll"`: the folder is looked at every `pollMs` while iterated. */
    readonly how: "observer" | "poll";
    /** Stops watching: the iteration ends. */
    stop(): void;
}

export interface FsClient {
    /**
     * `fn()`'s value, run while the lock `name` is held: a Web Lock, one for every worker and
     * tab of the origin, the same as Python's `fshandles.lock(name)`. `options.timeoutMs` bounds
     * the wait (then a `TimeoutError`). Not re-entrant.
     */
    lock<T>(name: string, fn: () => T | PromiseLike<T>, options?: LockOptions): Promise<T>;
    /**
     * A watch of `folder` (a handle, or the uid of a stored folder), started: batches of its
     * changes as they come (`for await`); `break` or `stop()` ends it. The browser's
     * FileSystemObserver where it has one (Chromium), else the folder is polled every
     * `options.pollMs` while iterated (`how` says which). A folder removed ends it with a
     * `NotFoundError`, its permission taken back with a `NotAllowedError`. Its code
     * (`fshandles_watch.js`, beside this file) is loaded at the first watch.
     */
    watch(folder: string | FileSystemDirectoryHandle, options?: WatchOptions): Promise<FolderWatch>;
}
"#;

/// A worker's connection to the `FsHost` on the main thread.
#[wasm_bindgen(js_name = FsClient)]
pub struct JsFsClient {
    client: FsClient,
}

/// What a call does: obtain a folder (store or get), or forget one.
#[derive(Clone, Copy)]
enum Call {
    Obtain(Obtain),
    Delete,
}

#[wasm_bindgen(js_class = FsClient)]
impl JsFsClient {
    /// `FsClient.connect({mode: "auto" | "sab" | "async", timeoutMs, promptTimeoutMs, bufferBytes, port})`.
    pub fn connect(
        #[wasm_bindgen(unchecked_optional_param_type = "ConnectOptions")] options: JsValue,
    ) -> Result<JsFsClient, JsValue> {
        let options = ConnectOptions::from_js(&options).map_err(|e| to_js_error(&e))?;
        let client = FsClient::connect(options).map_err(|e| to_js_error(&e))?;
        Ok(JsFsClient { client })
    }

    /// `"sab"` or `"async"`.
    #[wasm_bindgen(getter, unchecked_return_type = "\"sab\" | \"async\"")]
    pub fn mode(&self) -> String {
        self.client.mode().as_str().to_owned()
    }

    /// Sab: `boolean`; async: `Promise<boolean>`. A folder is stored under `uid` with permission.
    #[wasm_bindgen(js_name = storeFSHandler, unchecked_return_type = "Answer")]
    pub fn store_fs_handler(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MountOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.dispatch(Call::Obtain(Obtain::Store), uid, options)
    }

    /// Sab: `boolean`; async: `Promise<boolean>`. Permission re-granted on the stored folder.
    #[wasm_bindgen(js_name = getFSHandler, unchecked_return_type = "Answer")]
    pub fn get_fs_handler(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MountOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.dispatch(Call::Obtain(Obtain::Get), uid, options)
    }

    /// Sab: `boolean`; async: `Promise<boolean>`. The stored folder is forgotten.
    #[wasm_bindgen(js_name = deleteFSHandler, unchecked_return_type = "Answer")]
    pub fn delete_fs_handler(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.dispatch(Call::Delete, uid, JsValue::UNDEFINED)
    }

    /// Like the method named `method` (`"storeFSHandler"`, `"getFSHandler"`,
    /// `"deleteFSHandler"`, `"handle"` or `"kind"`), but never throws or rejects: answers
    /// `{ok: true, value}` or `{ok: false, name, message}` — plainly in sab mode, as a Promise in
    /// async mode (and always for `"handle"` and `"kind"`). For callers that cannot catch a JS exception well
    /// (MicroPython's FFI), and it hands them the error's stable `name` as is. `"acquire"`
    /// (the uid is a lock's name, the options `{timeoutMs}`) waits for the lock and holds it:
    /// its value is the function that lets go. It is `fshandles.lock`'s way in from Python, and
    /// not in the TypeScript declarations: JS has `lock`.
    #[wasm_bindgen(
        unchecked_return_type = "Settled<boolean> | Promise<Settled<boolean | FileSystemDirectoryHandle | FolderKind>>"
    )]
    pub fn settle(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "\"storeFSHandler\" | \"getFSHandler\" | \"deleteFSHandler\" | \"handle\" | \"kind\""
        )]
        method: &str,
        #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MountOptions")] options: JsValue,
    ) -> JsValue {
        let call = match method {
            "storeFSHandler" => Call::Obtain(Obtain::Store),
            "getFSHandler" => Call::Obtain(Obtain::Get),
            "deleteFSHandler" => Call::Delete,
            "handle" => return settled(&self.handle(uid)).into(),
            "kind" => return settled(&self.kind(uid)).into(),
            "acquire" => return settled(&acquire(&uid, &options)).into(),
            other => {
                return outcome(Err(to_js_error(&Error::new(
                    ErrorKind::Data,
                    text!("settle() knows no method ", &quoted(other)),
                ))))
                .into()
            }
        };
        match self.dispatch(call, uid, options) {
            Ok(v) => match v.dyn_into::<Promise>() {
                Ok(p) => settled(&p).into(),
                Err(v) => outcome(Ok(v)).into(),
            },
            Err(e) => outcome(Err(e)).into(),
        }
    }

    /// `Promise<FileSystemDirectoryHandle>`: the folder stored under `uid`.
    #[wasm_bindgen(unchecked_return_type = "Promise<FileSystemDirectoryHandle>")]
    pub fn handle(&self, #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue) -> Promise {
        // The usual case (a store or get brought it): settled now, with no task to schedule.
        if let Some(h) = uid.as_string().and_then(|u| self.client.handle_now(&u)) {
            return Promise::resolve(&JsValue::from(h));
        }
        let uid = match args::uid(&uid) {
            Ok(uid) => uid,
            Err(e) => return Promise::reject(&to_js_error(&e)),
        };
        let (promise, resolvers) = new_promise();
        self.client.handle_then(&uid, move |answer| {
            resolvers.settle(answer.map(JsValue::from))
        });
        promise
    }

    /// `Promise<"device" | "private">`: where the folder stored under `uid` is. `"private"`: in
    /// the origin-private file system (the host's `fallback: "private"`, where the browser has
    /// no picker), kept by the browser for this site and cleared with the site's data;
    /// `"device"`: a folder the user picked.
    #[wasm_bindgen(unchecked_return_type = "Promise<FolderKind>")]
    pub fn kind(&self, #[wasm_bindgen(unchecked_param_type = "string")] uid: JsValue) -> Promise {
        kind_of(&self.handle(uid))
    }

    /// `Promise<T>`: `fn()`'s value, run while the lock `name` is held — a Web Lock, one for
    /// every worker and tab of the origin, the same as Python's `fshandles.lock(name)`.
    /// `options.timeoutMs` bounds the wait (then a `TimeoutError`). Not re-entrant.
    /// (Declared in the TypeScript above, where its value can be typed: `lock<T>`.)
    #[wasm_bindgen(skip_typescript)]
    pub fn lock(&self, name: JsValue, f: JsValue, options: JsValue) -> Promise {
        with_lock(&name, &f, &options)
    }

    /// `Promise<FolderWatch>`: a watch of `folder` (a handle, or the uid of a stored folder),
    /// started; an async iterable of batches of changes (`{type, path}`), loaded at the first
    /// watch (`fshandles_watch.js`, beside this file). (Declared in the TypeScript above, where
    /// `options` can be left out.)
    #[wasm_bindgen(skip_typescript)]
    pub fn watch(&self, folder: JsValue, options: JsValue) -> Promise {
        let folder = if folder.is_string() {
            self.handle(folder).into()
        } else {
            folder
        };
        watch_of(&folder, &options)
    }
}

/// `{ok: true, value}` or `{ok: false, name, message}`.
fn outcome(result: Result<JsValue, JsValue>) -> Object {
    let o = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&o, &k.into(), v);
    };
    match result {
        Ok(value) => {
            set("ok", &JsValue::TRUE);
            set("value", &value);
        }
        Err(e) => {
            let e = from_js_error(&e);
            set("ok", &JsValue::FALSE);
            set("name", &e.name().into());
            set("message", &e.message.into());
        }
    }
    o
}

impl JsFsClient {
    fn dispatch(&self, call: Call, uid: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let parsed = match call {
            Call::Obtain(_) => args::uid_and_options(&uid, &options),
            Call::Delete => args::uid(&uid).map(|uid| (uid, Default::default())),
        };
        let sync = self.client.mode() == crate::Mode::Sab;
        let (uid, options) = match parsed {
            Ok(p) => p,
            Err(e) if sync => return Err(to_js_error(&e)),
            Err(e) => return Ok(Promise::reject(&to_js_error(&e)).into()),
        };
        if sync {
            let answer = match call {
                Call::Obtain(kind) => self.client.obtain_blocking(kind, &uid, &options),
                Call::Delete => self.client.delete_fs_handler_blocking(&uid),
            };
            return answer.map(JsValue::from_bool).map_err(|e| to_js_error(&e));
        }
        let promise = match call {
            Call::Obtain(kind) => self.client.obtain_promise(kind, &uid, &options),
            Call::Delete => self.client.delete_promise(&uid),
        };
        Ok(promise.map_or(JsValue::UNDEFINED, JsValue::from))
    }
}
