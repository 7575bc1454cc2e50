//! `FsClient`: one connection from a worker to the host, in sync or async mode.

use crate::conn::Conn;
use crate::handles::Waiter;
use crate::link::OnMessage;
use crate::options::{ConnectOptions, Mode, ModeChoice};
use crate::post::{Post, Settle};
use crate::sab::Sab;
use fshandles_shared::js::message;
use fshandles_shared::protocol::{
    decode_reply, read_compact_answer, DecodeError, Obtain, Reply, Request,
};
use fshandles_shared::{error, Error, ErrorKind, MountOptions};
use js_sys::Reflect;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::FileSystemDirectoryHandle;

/// How this client's calls travel; each transport owns its state.
pub(crate) enum Transport {
    /// Blocking, on a shared buffer.
    Sab(Sab),
    /// Futures, over messages.
    Post(Post),
}

struct Inner {
    conn: Rc<Conn>,
    transport: Transport,
}

/// A worker's connection to the `FsHost` on the main thread.
///
/// Cloning gives another reference to the same connection.
#[derive(Clone)]
pub struct FsClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
extern "C" {
    // Every scope a worker runs in has `globalThis`: one import, where `js_sys::global()`
    // would try four names (the host has that anyway: js-sys' executor uses it).
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: JsValue;
}

/// The worker's global scope.
pub(crate) fn global() -> JsValue {
    GLOBAL.with(JsValue::clone)
}

fn global_has(name: &str) -> bool {
    Reflect::get(&global(), &name.into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false)
}

fn cross_origin_isolated() -> bool {
    Reflect::get(&global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
        && global_has("SharedArrayBuffer")
}

/// A worker's global scope (not `document`: PyScript's workers define a proxy of the page's).
fn in_worker() -> bool {
    global_has("WorkerGlobalScope") && global_has("importScripts")
}

fn not_supported(message: &str) -> Error {
    Error::new(ErrorKind::NotSupported, message)
}

/// The mode `choice` comes to here, or why it cannot be had.
fn choose(choice: ModeChoice, sab_can_cross: bool) -> Result<Mode, Error> {
    match choice {
        ModeChoice::Auto if cross_origin_isolated() && in_worker() && sab_can_cross => Ok(Mode::Sab),
        ModeChoice::Auto => Ok(Mode::Async),
        ModeChoice::Exactly(Mode::Sab) if !sab_can_cross => Err(not_supported(
            "sab mode cannot run over a BroadcastChannel (a SharedArrayBuffer cannot cross one); use a MessagePort or mode \"async\"",
        )),
        ModeChoice::Exactly(Mode::Sab) if !cross_origin_isolated() => Err(not_supported(
            "sab mode needs a cross-origin isolated page (served with COOP: same-origin and COEP: require-corp) and SharedArrayBuffer; use mode \"async\" or \"auto\"",
        )),
        ModeChoice::Exactly(Mode::Sab) if !in_worker() => Err(not_supported(
            "sab mode blocks with Atomics.wait, which only a worker may do",
        )),
        ModeChoice::Exactly(m) => Ok(m),
    }
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
        // BroadcastChannel: there, sync mode needs a buffer the page handed to its host.
        let sab_can_cross = options.buffer.is_some()
            || given_port
                .as_ref()
                .map_or(true, |p| p.dyn_ref::<web_sys::MessagePort>().is_some());
        let transport = match (choose(options.mode, sab_can_cross)?, &options.buffer) {
            (Mode::Sab, Some(handed)) => Transport::Sab(Sab::handed(handed)?),
            (Mode::Sab, None) => Transport::Sab(Sab::new(options.buffer_bytes)?),
            (Mode::Async, _) => Transport::Post(Post::default()),
        };
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let weak = weak.clone();
            let on_message: OnMessage = Rc::new(move |data| {
                if let Some(inner) = weak.upgrade() {
                    inner.on_message(&data);
                }
            });
            Inner {
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
            Transport::Post(_) => Mode::Async,
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

    /// Sync mode only: [`store_fs_handler`](Self::store_fs_handler), blocking the worker.
    pub fn store_fs_handler_blocking(
        &self,
        uid: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        self.inner
            .call_blocking(&self.inner.obtain(Obtain::Store, uid, options))
    }

    /// Sync mode only: [`get_fs_handler`](Self::get_fs_handler), blocking the worker.
    pub fn get_fs_handler_blocking(
        &self,
        uid: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        self.inner
            .call_blocking(&self.inner.obtain(Obtain::Get, uid, options))
    }

    /// Sync mode only: [`delete_fs_handler`](Self::delete_fs_handler), blocking the worker.
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

fn delete(uid: &str) -> Request {
    Request::Delete {
        uid: uid.to_owned(),
    }
}

impl Inner {
    /// A store or get request; the host sends the folder along unless we hold it.
    fn obtain(&self, kind: Obtain, uid: &str, options: &MountOptions) -> Request {
        let want_handle = !self.conn.handles.has_or_expects(uid);
        Request::obtain(kind, uid.to_owned(), options.clone(), want_handle)
    }

    async fn call(&self, request: Request) -> Result<bool, Error> {
        match &self.transport {
            Transport::Sab(sab) => sab.call(&self.conn, &request),
            Transport::Post(post) => post.call(&self.conn, request).await,
        }
    }

    fn call_promise(self: &Rc<Self>, request: &Request) -> Option<js_sys::Promise> {
        match &self.transport {
            Transport::Sab(_) => None,
            Transport::Post(post) => Some(post.call_promise(&self.conn, request, self.clone())),
        }
    }

    /// Makes the call in either mode; `then` gets its answer (at once in sab mode, from the
    /// answer's message handler in async mode).
    fn call_then(&self, request: &Request, then: impl FnOnce(Result<bool, Error>) + 'static) {
        match &self.transport {
            Transport::Sab(sab) => then(sab.call(&self.conn, request)),
            Transport::Post(post) => post.start(&self.conn, request, Settle::Then(Box::new(then))),
        }
    }

    fn call_blocking(&self, request: &Request) -> Result<bool, Error> {
        match &self.transport {
            Transport::Sab(sab) => sab.call(&self.conn, request),
            Transport::Post(_) => Err(not_supported(
                "blocking calls need sab mode; this client is in async mode (await the call instead)",
            )),
        }
    }

    /// The host let go of this client: what was in flight fails, and the next call starts over.
    fn detached(&self) {
        match &self.transport {
            Transport::Sab(sab) => sab.detached(&self.conn),
            Transport::Post(post) => {
                self.conn.detached();
                post.fail_all(&error::detached());
            }
        }
    }

    fn on_message(&self, data: &JsValue) {
        let conn = &self.conn;
        // A bare number from the host is an async answer (sab clients have theirs in the
        // buffer; doorbells go the other way).
        if let Some(n) = data.as_f64() {
            if let (Transport::Post(post), true, Some((id, answer))) =
                (&self.transport, conn.link.private(), read_compact_answer(n))
            {
                conn.link.hear();
                conn.link.heard_number();
                post.heard();
                post.on_reply(conn, id, Reply::Answer(answer), None);
            }
            return;
        }
        let decoded = {
            let mut buf = conn.buf.borrow_mut();
            if !message::unwrap_into(data, &mut buf) {
                return;
            }
            decode_reply(&buf)
        };
        let (id, reply) = match decoded {
            Ok(r) => r,
            Err(DecodeError::Foreign) => return,
            Err(e) => match e.id() {
                Some(id) => (id, Reply::Failed(e.to_error())),
                None => return,
            },
        };
        let handle = || {
            message::get(data, message::HANDLE)
                .and_then(|h| h.dyn_into::<FileSystemDirectoryHandle>().ok())
        };
        if reply == Reply::Detached {
            return self.detached();
        }
        conn.link.hear();
        match (&self.transport, reply) {
            (_, Reply::Handle { uid }) => match handle() {
                Some(h) => conn.handles.arrived(&uid, h),
                None => conn.handles.forget(&uid),
            },
            (Transport::Post(post), reply) => {
                post.heard();
                post.on_reply(conn, id, reply, handle());
            }
            (Transport::Sab(_), _) => {}
        }
    }
}
