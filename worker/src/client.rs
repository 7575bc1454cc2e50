//! `FsClient`: one connection from a worker to the host, in sab or async mode.

use crate::calls::{delete, Calls, Transport};
use crate::conn::Conn;
use crate::handles::Waiter;
use crate::link::OnMessage;
use crate::options::{ConnectOptions, Mode};
use crate::post::Post;
use crate::sab::Sab;
use crate::scope::{choose, cross_origin_isolated, in_worker, not_supported, Facts};
use fshandles_shared::protocol::{Obtain, Request};
use fshandles_shared::{Error, ErrorKind, MountOptions};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::FileSystemDirectoryHandle;

/// A worker's connection to the `FsHost` on the main thread.
///
/// Cloning gives another reference to the same connection.
#[derive(Clone)]
pub struct FsClient {
    inner: Rc<Calls>,
}

impl FsClient {
    /// Connects to the host: through the worker's own `postMessage` unless `options.port`
    /// names a `MessagePort`. Fails in sab mode where the page is not cross-origin isolated.
    pub fn connect(options: ConnectOptions) -> Result<FsClient, Error> {
        let given_port = match &options.port {
            Some(port) if !fshandles_shared::js::is_channel(port) => {
                return Err(Error::new(
                    ErrorKind::Data,
                    "port must be a MessagePort or BroadcastChannel the host is attached to",
                ))
            }
            Some(port) => Some(port.clone()),
            None if in_worker() => None,
            None => return Err(not_supported(
                "FsClient runs in a dedicated worker (or over a MessagePort); on the main thread use FsHost",
            )),
        };
        // A SharedArrayBuffer crosses a worker's own channel or a MessagePort, never a
        // BroadcastChannel: there, sab mode needs a buffer the page handed to its host.
        let sab_can_cross = options.buffer.is_some()
            || given_port
                .as_ref()
                .map_or(true, |p| p.dyn_ref::<web_sys::MessagePort>().is_some());
        let transport = match (
            choose(options.mode, Facts::here(sab_can_cross))?,
            &options.buffer,
        ) {
            (Mode::Sab, Some(handed)) => Transport::Sab(Sab::handed(handed)?),
            (Mode::Sab, None) => Transport::Sab(Sab::new(options.buffer_bytes)?),
            (Mode::Async, _) => Transport::Async(Post::default()),
        };
        let inner = Rc::new_cyclic(|weak: &Weak<Calls>| {
            let weak = weak.clone();
            let on_message: OnMessage = Rc::new(move |data| {
                if let Some(inner) = weak.upgrade() {
                    inner.on_message(&data);
                }
            });
            Calls {
                conn: Rc::new(Conn::new(options, given_port, on_message)),
                transport,
            }
        });
        Ok(FsClient { inner })
    }

    /// A shared buffer for [`ConnectOptions::buffer`], made by the page: it hands it to its
    /// host (`host.attach_buffer(port, buffer)`) and to the worker (by any message that
    /// clones, such as a gloo-worker bridge's with `fshandles_shared::codec::JsCodec`).
    /// Needs a cross-origin isolated page.
    pub fn new_buffer() -> Result<js_sys::SharedArrayBuffer, Error> {
        if !cross_origin_isolated() {
            return Err(not_supported(
                "a shared buffer needs a cross-origin isolated page (served with COOP: same-origin and COEP: require-corp)",
            ));
        }
        Ok(
            fshandles_shared::js::SharedFrame::new(fshandles_shared::frame::HANDED_BYTES)?
                .buffer()
                .clone(),
        )
    }

    /// The mode in use.
    pub fn mode(&self) -> Mode {
        match self.inner.transport {
            Transport::Sab(_) => Mode::Sab,
            Transport::Async(_) => Mode::Async,
        }
    }

    /// Makes sure a folder is stored under `uid` with permission for `options.mode` (the host
    /// prompts only when it must). Works in both modes.
    pub async fn store_fs_handler(&self, uid: &str, options: &MountOptions) -> Result<bool, Error> {
        self.obtain(Obtain::Store, uid, options).await
    }

    /// Re-grants permission on the stored folder (picking anew only when nothing is stored or
    /// the re-grant fails). Works in both modes.
    pub async fn get_fs_handler(&self, uid: &str, options: &MountOptions) -> Result<bool, Error> {
        self.obtain(Obtain::Get, uid, options).await
    }

    pub(crate) async fn obtain(
        &self,
        kind: Obtain,
        uid: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        let request = self.inner.obtain(kind, uid, options);
        self.inner.call(request).await
    }

    /// Async mode: the call as a JS promise that the answer settles directly; `None` in sab
    /// mode.
    pub(crate) fn obtain_promise(
        &self,
        kind: Obtain,
        uid: &str,
        options: &MountOptions,
    ) -> Option<js_sys::Promise> {
        self.inner
            .call_promise(&self.inner.obtain(kind, uid, options))
    }

    /// Async mode: [`delete_fs_handler`](Self::delete_fs_handler) as a JS promise; `None` in
    /// sab mode.
    pub(crate) fn delete_promise(&self, uid: &str) -> Option<js_sys::Promise> {
        self.inner.conn.handles.forget(uid);
        self.inner.call_promise(&delete(uid))
    }

    pub(crate) fn obtain_blocking(
        &self,
        kind: Obtain,
        uid: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        self.inner
            .call_blocking(&self.inner.obtain(kind, uid, options))
    }

    /// Forgets the folder stored under `uid`; whether there was one. Works in both modes.
    pub async fn delete_fs_handler(&self, uid: &str) -> Result<bool, Error> {
        self.inner.conn.handles.forget(uid);
        self.inner.call(delete(uid)).await
    }

    /// Sab mode only: [`store_fs_handler`](Self::store_fs_handler), blocking the worker.
    pub fn store_fs_handler_blocking(
        &self,
        uid: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        self.inner
            .call_blocking(&self.inner.obtain(Obtain::Store, uid, options))
    }

    /// Sab mode only: [`get_fs_handler`](Self::get_fs_handler), blocking the worker.
    pub fn get_fs_handler_blocking(
        &self,
        uid: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        self.inner
            .call_blocking(&self.inner.obtain(Obtain::Get, uid, options))
    }

    /// Sab mode only: [`delete_fs_handler`](Self::delete_fs_handler), blocking the worker.
    pub fn delete_fs_handler_blocking(&self, uid: &str) -> Result<bool, Error> {
        self.inner.conn.handles.forget(uid);
        self.inner.call_blocking(&delete(uid))
    }

    /// The folder [`handle`](Self::handle) would answer at once, if it needs neither the host
    /// nor a message still on its way: the one that came with the last store or get.
    pub fn handle_now(&self, uid: &str) -> Option<FileSystemDirectoryHandle> {
        self.inner.conn.handles.ready(uid)
    }

    /// The folder stored under `uid`: the one that came with the last store or get when there
    /// was one (no round trip), else asked of the host. NotFound when nothing is stored.
    pub async fn handle(&self, uid: &str) -> Result<FileSystemDirectoryHandle, Error> {
        let (tx, rx) = futures_channel::oneshot::channel();
        self.handle_then(uid, move |answer| drop(tx.send(answer)));
        rx.await
            .unwrap_or_else(|_| Err(Error::new(ErrorKind::Abort, "the call was dropped")))
    }

    /// [`handle`](Self::handle) for a caller that cannot await (the JS face): `done` gets the
    /// answer from the callback that brings it, with no executor in between.
    pub(crate) fn handle_then(
        &self,
        uid: &str,
        done: impl FnOnce(Result<FileSystemDirectoryHandle, Error>) + 'static,
    ) {
        if let Err(e) = fshandles_shared::protocol::validate_uid(uid) {
            return done(Err(e));
        }
        HandleCall {
            client: self.clone(),
            uid: uid.to_owned(),
            asked: false,
            done: Box::new(done),
        }
        .step();
    }
}

/// One `handle(uid)` call, moved from step to step by the callbacks that end each wait.
struct HandleCall {
    client: FsClient,
    uid: String,
    /// The host was asked for the folder already.
    asked: bool,
    done: Box<dyn FnOnce(Result<FileSystemDirectoryHandle, Error>)>,
}

impl HandleCall {
    /// Waits for a folder on its way; answers a held one; else asks the host, once.
    fn step(mut self) {
        let handles = &self.client.inner.conn.handles;
        if handles.is_coming(&self.uid) {
            // In sab mode it sits in this worker's queue: it arrives once the caller yields.
            let (inner, uid) = (self.client.inner.clone(), self.uid.clone());
            return inner
                .conn
                .handles
                .on_arrival(&uid, Waiter(Box::new(move || self.step())));
        }
        if let Some(h) = handles.get(&self.uid) {
            return (self.done)(Ok(h));
        }
        if self.asked {
            return (self.done)(Err(Error::new(
                ErrorKind::Protocol,
                "the host answered without sending the folder",
            )));
        }
        self.asked = true;
        let request = Request::Handle {
            uid: self.uid.clone(),
        };
        // The answer comes first; the folder with it (async) or by message after it (sab).
        let inner = self.client.inner.clone();
        inner.call_then(&request, move |answer| match answer {
            Ok(_) => self.step(),
            Err(e) => (self.done)(Err(e)),
        });
    }
}
