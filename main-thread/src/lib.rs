//! `fshandles-main`: the main-thread half of fshandles.
//!
//! Only the main thread can show the directory picker and permission prompts (they need a
//! click), so [`FsHost`] owns the folder handles, the prompts and their IndexedDB records,
//! and answers the workers it is attached to. Workers ask through `fshandles-worker`.
//!
//! ```no_run
//! use fshandles_main::{FsHost, HostOptions, MountOptions, AccessMode};
//!
//! # async fn run(worker: web_sys::Worker) -> Result<(), fshandles_main::Error> {
//! let host = FsHost::new(HostOptions::default());
//! host.attach(&worker)?; // the worker's FsClient can now ask for folders
//!
//! // The page can ask too; this prompts only if no usable folder is stored under the uid.
//! let granted = host.store_fs_handler("/local@pyscript", &MountOptions::new(AccessMode::ReadWrite)).await?;
//! if granted {
//!     let folder = host.handle("/local@pyscript").await?;
//!     web_sys::console::log_1(&folder.name().into());
//! }
//! # Ok(()) }
//! ```
//!
//! Records use PyScript's layout (database `IDBMap/<namespace>`, store `entries`, value
//! `{handler, options}`), so they are shared with PyScript's own `pyscript.fs`.
//!
//! A worker whose channel is taken (a gloo-worker's) talks over a `BroadcastChannel` the host
//! is attached to; for its sab mode, the page hands the host the worker's shared buffer with
//! [`FsHost::attach_buffer`] (see `fshandles-worker`).
//!
//! From JS, the same API is the `FsHost` class of `dist/main/fshandles_main.js`.
//!
//! The prompt dialog's DOM, IndexedDB's steps and two reads of the page's globals are small JS
//! modules in `js/`, imported with `#[wasm_bindgen(module = …)]`: wasm-bindgen carries them
//! along as snippets, so a build of an app that uses this crate needs an ES-module target
//! (`--target web` or `bundler`; not `no-modules`).

mod access;
mod attachments;
mod core;
mod dialog;
mod grants;
mod hub;
mod idb;
mod js;
mod prompt;
mod rechecks;
mod records;
mod reply;
mod run;
mod tabs;

pub use fshandles_shared::{AccessMode, Error, ErrorKind, MountOptions, StartIn};

use fshandles_shared::protocol::Obtain;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::FileSystemDirectoryHandle;

/// The namespace PyScript uses for its records.
pub const DEFAULT_NAMESPACE: &str = "@pyscript.fs";

/// How long a folder's "granted" permission is trusted before the browser is asked again.
pub const DEFAULT_PERMISSION_TTL_MS: u32 = 200;

/// How to make an [`FsHost`].
#[derive(Debug, Clone)]
pub struct HostOptions {
    /// Records live in the IndexedDB database `IDBMap/<namespace>`.
    pub namespace: String,
    /// For how many milliseconds a "granted" seen by the host answers a store or get without
    /// asking the browser again (`queryPermission` costs far more than a call). A permission
    /// revoked in the browser is reported by the first call made this long after the last
    /// check. 0 asks for every call (calls that arrive while it asks share that answer).
    pub permission_ttl_ms: u32,
    /// The options of `new FsHost(options)` that are read in JS, as a JS object: `dialog` and
    /// `onPrompt` (the prompt in the page's words, or the page's own: the README's "The
    /// prompt"), and `fallback: "private"` (origin-private folders where the browser has no
    /// picker: the README's "Every browser"). `undefined`: the host's dialog in English, and
    /// `NotSupportedError` where there is no picker.
    pub js_options: JsValue,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            namespace: DEFAULT_NAMESPACE.to_owned(),
            permission_ttl_ms: DEFAULT_PERMISSION_TTL_MS,
            js_options: JsValue::UNDEFINED,
        }
    }
}

/// Owns folder handles, prompts and records; answers attached workers.
///
/// Cloning gives another reference to the same host. When the last one is dropped, the host
/// lets go of its workers (their calls end with `DetachedError`); a page that wants its host
/// for as long as it lives calls [`FsHost::forget`] instead.
#[derive(Clone)]
pub struct FsHost {
    /// What the host does: records, permissions, prompts.
    core: Rc<core::Core>,
    /// Whom it does it for: the attached workers, served from `core`.
    hub: Rc<hub::Hub>,
    namespace: Rc<str>,
    /// Stops the host when the last owner goes; `None` for the JS face, whose object the
    /// garbage collector may take while workers are still served (JS stops with `free()`).
    owner: Option<Rc<Owner>>,
}

/// Lets go of the workers when the last Rust [`FsHost`] is dropped.
struct Owner(Rc<hub::Hub>);

impl Drop for Owner {
    fn drop(&mut self) {
        self.0.stop();
    }
}

impl FsHost {
    /// A host keeping its records in `options.namespace`.
    pub fn new(options: HostOptions) -> FsHost {
        let mut host = FsHost::unowned(options);
        host.owner = Some(Rc::new(Owner(host.hub.clone())));
        host
    }

    /// A host that serves its workers until it is stopped or detached from each, however its
    /// references come and go.
    pub(crate) fn unowned(options: HostOptions) -> FsHost {
        let core = core::Core::new(
            &options.namespace,
            f64::from(options.permission_ttl_ms),
            options.js_options,
        );
        FsHost {
            hub: hub::Hub::new(core.clone()),
            core,
            namespace: options.namespace.into(),
            owner: None,
        }
    }

    /// Keeps the host serving for the rest of the page's life, with no reference kept (as
    /// gloo's `forget()` does for its listeners and timers): what a page that makes its host
    /// once, at start, wants.
    ///
    /// ```no_run
    /// # fn run(worker: web_sys::Worker) -> Result<(), fshandles_main::Error> {
    /// let host = fshandles_main::FsHost::new(Default::default());
    /// host.attach(&worker)?;
    /// host.forget(); // the worker is served until the page goes
    /// # Ok(()) }
    /// ```
    pub fn forget(self) {
        std::mem::forget(self.owner);
    }

    /// Lets go of every attached worker now, whoever else holds this host: their calls in
    /// flight end with `DetachedError`. The host still answers the page's own calls, and can
    /// be attached again.
    pub fn stop(&self) {
        self.hub.stop();
    }

    /// The records' namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The IndexedDB database the records live in (`IDBMap/<namespace>`).
    pub fn database_name(&self) -> &str {
        self.core.records.database_name()
    }

    /// Answers the fshandles requests of a `Worker` (or a `MessagePort`); other messages on
    /// the same channel are left alone. Attaching twice is a no-op.
    pub fn attach(&self, endpoint: &JsValue) -> Result<(), Error> {
        self.hub.attach(endpoint)
    }

    /// Serves a sync-mode client on `endpoint` (attached first) through `buffer`, a
    /// `SharedArrayBuffer` the page made and handed to the client too (its
    /// `ConnectOptions::buffer`): sab mode over a channel no `SharedArrayBuffer` crosses, such
    /// as the `BroadcastChannel` a gloo-worker talks over.
    pub fn attach_buffer(&self, endpoint: &JsValue, buffer: &JsValue) -> Result<(), Error> {
        self.hub.attach_buffer(endpoint, buffer)
    }

    /// Stops answering `endpoint` and lets its clients go: their calls in flight end with
    /// DetachedError (so does a later call that finds no host attached again), and its prompts
    /// that nobody else waits for are closed. False when it was not attached.
    pub fn detach(&self, endpoint: &JsValue) -> bool {
        self.hub.detach(endpoint)
    }

    /// Makes sure a folder is stored under `uid` with permission for `options.mode`. A usable
    /// stored folder answers true with no prompt; otherwise the person is asked (re-granting a
    /// stored folder, or picking one). Cancel or refusal answer false.
    pub async fn store_fs_handler(&self, uid: &str, options: &MountOptions) -> Result<bool, Error> {
        self.obtain(Obtain::Store, uid, options).await
    }

    /// Re-grants permission on the folder stored under `uid` without showing the picker again;
    /// picks anew (and stores the new folder) only when nothing is stored or the re-grant fails.
    pub async fn get_fs_handler(&self, uid: &str, options: &MountOptions) -> Result<bool, Error> {
        self.obtain(Obtain::Get, uid, options).await
    }

    async fn obtain(&self, op: Obtain, uid: &str, options: &MountOptions) -> Result<bool, Error> {
        let access = self.core.obtain(op, uid, options, prompt::PAGE).await?;
        Ok(access.granted)
    }

    /// Forgets the folder stored under `uid`; answers whether there was one.
    pub async fn delete_fs_handler(&self, uid: &str) -> Result<bool, Error> {
        self.core.delete(uid).await
    }

    /// The folder stored under `uid` (NotFound when there is none). It says nothing of
    /// permission: store or get first.
    pub async fn handle(&self, uid: &str) -> Result<FileSystemDirectoryHandle, Error> {
        self.core.handle(uid).await.map(|r| r.handle)
    }

    /// How many prompts are queued or showing.
    pub fn pending_prompts(&self) -> usize {
        self.core.prompts.pending()
    }

    /// How many requests the worker behind `endpoint` has had answered (None: not attached).
    pub fn served(&self, endpoint: &JsValue) -> Option<u64> {
        self.hub.served(endpoint)
    }
}
