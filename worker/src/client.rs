//! `FsClient`: one connection from a worker to the host, in sync or async mode.

use crate::options::{ConnectOptions, Mode, ModeChoice};
use crate::timer::Timer;
use fshandles_shared::js::shared_frame::Waited;
use fshandles_shared::js::{from_js_error, message, EventListener, SharedFrame};
use fshandles_shared::protocol::{decode_reply, encode_request, DecodeError, Reply, Request};
use fshandles_shared::small_map::SmallMap;
use fshandles_shared::{error, frame, Error, ErrorKind, MountOptions};
use futures_channel::oneshot;
use js_sys::Reflect;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::FileSystemDirectoryHandle;

#[wasm_bindgen]
extern "C" {
    type Channel;

    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message(this: &Channel, message: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message_with_transfer(
        this: &Channel,
        message: &JsValue,
        transfer: &JsValue,
    ) -> Result<(), JsValue>;
}

/// Where replies arrive: a port of this client's own. The host learns of it from the first
/// request, which carries the other end; until a reply comes back on it, it is unconfirmed
/// (the first request may have found no host), and a call that times out then drops it.
struct Inbox {
    port: web_sys::MessagePort,
    /// The other end, until it is sent to the host.
    remote: RefCell<Option<web_sys::MessagePort>>,
    confirmed: Cell<bool>,
    _listener: EventListener,
}

struct Pending {
    uid: Option<String>,
    tx: oneshot::Sender<Result<bool, Error>>,
    _timer: Option<Timer>,
}

#[derive(Default)]
struct State {
    pending: SmallMap<u32, Pending>,
    /// Handles the host sent, by uid.
    handles: SmallMap<String, FileSystemDirectoryHandle>,
    /// Sync mode: handles the host posted just before answering, not yet dispatched to us
    /// (they wait in this worker's queue until it yields), with whoever waits for them.
    expected: SmallMap<String, Vec<oneshot::Sender<()>>>,
}

impl Drop for Inbox {
    fn drop(&mut self) {
        self.port.close();
    }
}

struct Inner {
    mode: Mode,
    /// Where the first request goes: the worker's own `postMessage`, or the port given.
    outbox: JsValue,
    /// Whether `outbox` is a port given for fshandles alone (then there is no inbox to set up).
    dedicated: Option<EventListener>,
    inbox: RefCell<Option<Rc<Inbox>>>,
    options: ConnectOptions,
    next_id: Cell<u32>,
    buf: RefCell<Vec<u8>>,
    frame: RefCell<Option<SharedFrame>>,
    /// Sync mode: the host has `frame` (it answered a request that carried it), so a request
    /// can be written into it and announced by a bare number.
    frame_known: Cell<bool>,
    state: RefCell<State>,
}

/// A worker's connection to the `FsHost` on the main thread.
///
/// Cloning gives another reference to the same connection.
#[derive(Clone)]
pub struct FsClient {
    inner: Rc<Inner>,
}

fn global_has(name: &str) -> bool {
    Reflect::get(&js_sys::global(), &name.into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false)
}

fn cross_origin_isolated() -> bool {
    Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
        && global_has("SharedArrayBuffer")
}

/// A worker's global scope (not `document`: PyScript's workers define a proxy of the page's).
fn in_worker() -> bool {
    global_has("WorkerGlobalScope") && global_has("importScripts")
}

impl FsClient {
    /// Connects to the host: through the worker's own `postMessage` unless `options.port`
    /// names a `MessagePort`. Fails in sab mode where the page is not cross-origin isolated.
    pub fn connect(options: ConnectOptions) -> Result<FsClient, Error> {
        let given_port = match &options.port {
            Some(port) => {
                if !fshandles_shared::js::is_channel(port) {
                    return Err(Error::new(
                        ErrorKind::Data,
                        "port must be a MessagePort or BroadcastChannel the host is attached to",
                    ));
                }
                Some(port.clone())
            }
            None if in_worker() => None,
            None => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    "FsClient runs in a dedicated worker (or over a MessagePort); on the main thread use FsHost",
                ))
            }
        };
        // A SharedArrayBuffer crosses a worker's own channel or a MessagePort, never a
        // BroadcastChannel.
        let sab_can_cross = given_port
            .as_ref()
            .map_or(true, |p| p.dyn_ref::<web_sys::MessagePort>().is_some());
        let mode = match options.mode {
            ModeChoice::Auto if cross_origin_isolated() && in_worker() && sab_can_cross => Mode::Sab,
            ModeChoice::Auto => Mode::Async,
            ModeChoice::Exactly(Mode::Sab) if !sab_can_cross => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    "sab mode cannot run over a BroadcastChannel (a SharedArrayBuffer cannot cross one); use a MessagePort or mode \"async\"",
                ))
            }
            ModeChoice::Exactly(Mode::Sab) if !cross_origin_isolated() => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    "sab mode needs a cross-origin isolated page (served with COOP: same-origin and COEP: require-corp) and SharedArrayBuffer; use mode \"async\" or \"auto\"",
                ))
            }
            ModeChoice::Exactly(Mode::Sab) if !in_worker() => {
                return Err(Error::new(
                    ErrorKind::NotSupported,
                    "sab mode blocks with Atomics.wait, which only a worker may do",
                ))
            }
            ModeChoice::Exactly(m) => m,
        };
        let frame = match mode {
            Mode::Sab => Some(SharedFrame::new(options.buffer_bytes)?),
            Mode::Async => None,
        };
        let outbox: JsValue = match &given_port {
            Some(port) => port.clone(),
            None => js_sys::global().into(),
        };
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let dedicated = given_port.map(|port| Inner::listen(weak.clone(), &port));
            Inner {
                mode,
                outbox,
                dedicated,
                inbox: RefCell::new(None),
                options,
                next_id: Cell::new(1),
                buf: RefCell::new(Vec::with_capacity(256)),
                frame: RefCell::new(frame),
                frame_known: Cell::new(false),
                state: RefCell::new(State::default()),
            }
        });
        Ok(FsClient { inner })
    }

    /// The mode in use.
    pub fn mode(&self) -> Mode {
        self.inner.mode
    }

    /// Makes sure a folder is stored under `uid` with permission for `options.mode` (the host
    /// prompts only when it must). Works in both modes.
    pub async fn store_fs_handler(&self, uid: &str, options: &MountOptions) -> Result<bool, Error> {
        let request = self.inner.obtain_request(true, uid, options);
        self.inner.call(request).await
    }

    /// Re-grants permission on the stored folder (picking anew only when nothing is stored or
    /// the re-grant fails). Works in both modes.
    pub async fn get_fs_handler(&self, uid: &str, options: &MountOptions) -> Result<bool, Error> {
        let request = self.inner.obtain_request(false, uid, options);
        self.inner.call(request).await
    }

    /// Forgets the folder stored under `uid`; whether there was one. Works in both modes.
    pub async fn delete_fs_handler(&self, uid: &str) -> Result<bool, Error> {
        self.inner.forget(uid);
        self.inner
            .call(Request::Delete {
                uid: uid.to_owned(),
            })
            .await
    }

    /// Sync mode only: [`store_fs_handler`](Self::store_fs_handler), blocking the worker.
    pub fn store_fs_handler_blocking(
        &self,
        uid: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        let request = self.inner.obtain_request(true, uid, options);
        self.inner.call_sync(request)
    }

    /// Sync mode only: [`get_fs_handler`](Self::get_fs_handler), blocking the worker.
    pub fn get_fs_handler_blocking(
        &self,
        uid: &str,
        options: &MountOptions,
    ) -> Result<bool, Error> {
        let request = self.inner.obtain_request(false, uid, options);
        self.inner.call_sync(request)
    }

    /// Sync mode only: [`delete_fs_handler`](Self::delete_fs_handler), blocking the worker.
    pub fn delete_fs_handler_blocking(&self, uid: &str) -> Result<bool, Error> {
        self.inner.forget(uid);
        self.inner.call_sync(Request::Delete {
            uid: uid.to_owned(),
        })
    }

    /// The folder stored under `uid`: the one that came with the last store or get when there
    /// was one (no round trip), else asked of the host. NotFound when nothing is stored.
    pub async fn handle(&self, uid: &str) -> Result<FileSystemDirectoryHandle, Error> {
        fshandles_shared::protocol::validate_uid(uid)?;
        let inner = &self.inner;
        let coming = {
            let mut st = inner.state.borrow_mut();
            if let Some(h) = st.handles.get(uid) {
                return Ok(h.clone());
            }
            st.expected.get_mut(uid).map(|waiters| {
                let (tx, rx) = oneshot::channel();
                waiters.push(tx);
                rx
            })
        };
        if let Some(rx) = coming {
            let _ = rx.await;
        } else {
            inner
                .call_async(Request::Handle {
                    uid: uid.to_owned(),
                })
                .await?;
        }
        inner
            .state
            .borrow()
            .handles
            .get(uid)
            .cloned()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Protocol,
                    "the host answered without sending the folder",
                )
            })
    }
}

impl Inner {
    fn obtain_request(&self, store: bool, uid: &str, options: &MountOptions) -> Request {
        let st = self.state.borrow();
        let want_handle = !st.handles.contains_key(uid) && !st.expected.contains_key(uid);
        let (uid, options) = (uid.to_owned(), options.clone());
        if store {
            Request::Store {
                uid,
                options,
                want_handle,
            }
        } else {
            Request::Get {
                uid,
                options,
                want_handle,
            }
        }
    }

    fn forget(&self, uid: &str) {
        let mut st = self.state.borrow_mut();
        st.handles.remove(uid);
        st.expected.remove(uid);
    }

    fn next_id(&self) -> u32 {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        id
    }

    fn listen(weak: Weak<Inner>, target: &JsValue) -> EventListener {
        // addEventListener, never onmessage: nothing of the worker's own is taken over.
        EventListener::on_messages(target, move |event| {
            if let Some(inner) = weak.upgrade() {
                inner.on_message(&event);
            }
        })
    }

    /// Posts a request: on this client's own port once the host has it, else on the outbox
    /// with the port attached.
    fn post(self: &Rc<Self>, msg: &JsValue) -> Result<(), Error> {
        let failed = |e: JsValue| from_js_error(&e);
        if self.dedicated.is_some() {
            return self
                .outbox
                .unchecked_ref::<Channel>()
                .post_message(msg)
                .map_err(failed);
        }
        let inbox = self.inbox()?;
        let remote = inbox.remote.borrow_mut().take();
        match remote {
            None => inbox
                .port
                .unchecked_ref::<Channel>()
                .post_message(msg)
                .map_err(failed),
            Some(remote) => {
                // Only a message object can carry the port; a doorbell never comes first.
                let Some(obj) = msg.dyn_ref::<js_sys::Object>() else {
                    *inbox.remote.borrow_mut() = Some(remote);
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        "a request went out before the host had this client's port",
                    ));
                };
                message::attach(obj, message::PORT, &remote);
                let transfer = js_sys::Array::of1(&remote);
                self.outbox
                    .unchecked_ref::<Channel>()
                    .post_message_with_transfer(msg, &transfer)
                    .map_err(failed)
            }
        }
    }

    fn inbox(self: &Rc<Self>) -> Result<Rc<Inbox>, Error> {
        if let Some(inbox) = self.inbox.borrow().as_ref() {
            return Ok(inbox.clone());
        }
        let channel = web_sys::MessageChannel::new().map_err(|e| from_js_error(&e))?;
        let port = channel.port1();
        let listener = Self::listen(Rc::downgrade(self), port.as_ref());
        let inbox = Rc::new(Inbox {
            port,
            remote: RefCell::new(Some(channel.port2())),
            confirmed: Cell::new(false),
            _listener: listener,
        });
        *self.inbox.borrow_mut() = Some(inbox.clone());
        Ok(inbox)
    }

    /// The host answered: it has our port.
    fn confirmed(&self) {
        if let Some(inbox) = self.inbox.borrow().as_ref() {
            inbox.confirmed.set(true);
        }
    }

    /// A call went unanswered: if the host never had our port, the next call brings a new one.
    fn unanswered(&self) {
        let mut inbox = self.inbox.borrow_mut();
        if inbox.as_ref().is_some_and(|i| !i.confirmed.get()) {
            inbox.take();
        }
    }

    async fn call(self: &Rc<Self>, request: Request) -> Result<bool, Error> {
        match self.mode {
            Mode::Sab => self.call_sync(request),
            Mode::Async => self.call_async(request).await,
        }
    }

    /// Fails call `id` with `error` after `ms`, unless it is answered first.
    fn timeout(self: &Rc<Self>, id: u32, ms: f64, error: fn(f64) -> Error) -> Timer {
        let weak = Rc::downgrade(self);
        Timer::new(ms, move || {
            let Some(inner) = weak.upgrade() else { return };
            let pending = inner.state.borrow_mut().pending.remove(&id);
            if let Some(p) = pending {
                inner.unanswered();
                let _ = p.tx.send(Err(error(ms)));
            }
        })
    }

    async fn call_async(self: &Rc<Self>, request: Request) -> Result<bool, Error> {
        let id = self.next_id();
        let msg = {
            let mut buf = self.buf.borrow_mut();
            encode_request(id, &request, &mut buf)?;
            message::wrap(&buf)
        };
        let (tx, rx) = oneshot::channel();
        let timer = self.timeout(id, self.options.timeout_ms, error::no_host);
        self.state.borrow_mut().pending.insert(
            id,
            Pending {
                uid: request.uid().map(str::to_owned),
                tx,
                _timer: Some(timer),
            },
        );
        if let Err(e) = self.post(&msg) {
            self.state.borrow_mut().pending.remove(&id);
            return Err(e);
        }
        rx.await
            .unwrap_or_else(|_| Err(Error::new(ErrorKind::Abort, "the call was dropped")))
    }

    fn call_sync(self: &Rc<Self>, request: Request) -> Result<bool, Error> {
        let Some(mut frame) = self.frame.borrow().clone() else {
            return Err(Error::new(
                ErrorKind::NotSupported,
                "blocking calls need sab mode; this client is in async mode (await the call instead)",
            ));
        };
        let uid = request.uid().map(str::to_owned);
        let want_handle = matches!(
            request,
            Request::Store {
                want_handle: true,
                ..
            } | Request::Get {
                want_handle: true,
                ..
            }
        );
        let mut id = self.next_id();
        let mut waited = self.exchange(&frame, id, &request)?;
        while let Waited::Overflow(needed) = waited {
            // The reply waits at the host: come back with a buffer it fits in, and keep that one.
            frame = SharedFrame::new(frame::bytes_for(needed))?;
            *self.frame.borrow_mut() = Some(frame.clone());
            self.frame_known.set(false);
            let of = id;
            id = self.next_id();
            waited = self.exchange(&frame, id, &Request::Resume { id: of })?;
        }
        let reply = {
            let mut buf = self.buf.borrow_mut();
            frame.read_reply(&mut buf)?;
            decode_reply(&buf).map_err(|e| e.to_error())?
        };
        match reply {
            (rid, _) if rid != id => Err(Error::new(
                ErrorKind::Protocol,
                format!("the shared buffer holds the answer to request {rid}, not {id}"),
            )),
            (_, Reply::Answer(granted)) => {
                if let (true, true, Some(uid)) = (granted, want_handle, uid) {
                    self.state
                        .borrow_mut()
                        .expected
                        .get_or_insert_with(uid, Vec::new);
                }
                Ok(granted)
            }
            (_, Reply::Failed(e)) => Err(e),
            (_, other) => Err(Error::new(
                ErrorKind::Protocol,
                ["unexpected reply ", other.name(), " in the shared buffer"].concat(),
            )),
        }
    }

    fn exchange(
        self: &Rc<Self>,
        frame: &SharedFrame,
        id: u32,
        request: &Request,
    ) -> Result<Waited, Error> {
        let posted = {
            let mut buf = self.buf.borrow_mut();
            encode_request(id, request, &mut buf)?;
            if self.frame_known.get() && frame.begin_with(id, &buf) {
                self.post(&JsValue::from(id))
            } else {
                let msg = message::wrap(&buf);
                message::attach(&msg, message::SAB, frame.buffer());
                frame.begin(id);
                self.post(&msg)
            }
        };
        posted?;
        let waited = frame.wait(id, self.options.timeout_ms, self.options.prompt_timeout_ms);
        match &waited {
            Ok(_) => {
                self.confirmed();
                self.frame_known.set(true);
            }
            Err(_) => {
                self.unanswered();
                self.frame_known.set(false);
            }
        }
        waited
    }

    fn on_message(self: &Rc<Self>, event: &JsValue) {
        let data = Reflect::get(event, &"data".into()).unwrap_or(JsValue::UNDEFINED);
        let decoded = {
            let mut buf = self.buf.borrow_mut();
            if !message::unwrap_into(&data, &mut buf) {
                return;
            }
            decode_reply(&buf)
        };
        let handle = || {
            message::get(&data, message::HANDLE)
                .and_then(|h| h.dyn_into::<FileSystemDirectoryHandle>().ok())
        };
        let (id, reply) = match decoded {
            Ok(r) => r,
            Err(DecodeError::Foreign) => return,
            Err(e) => match e.id() {
                Some(id) => (id, Reply::Failed(e.to_error())),
                None => return,
            },
        };
        self.confirmed();
        let mut st = self.state.borrow_mut();
        match reply {
            Reply::Ack => {
                // The host has the request and must wait (IndexedDB, a person): the no-host
                // timeout no longer applies.
                let prompt_timer = self
                    .options
                    .prompt_timeout_ms
                    .map(|ms| self.timeout(id, ms, error::no_answer));
                if let Some(p) = st.pending.get_mut(&id) {
                    p._timer = prompt_timer;
                }
            }
            Reply::Handle { uid } => {
                if let Some(h) = handle() {
                    st.handles.insert(uid.clone(), h);
                }
                for waiter in st.expected.remove(&uid).unwrap_or_default() {
                    let _ = waiter.send(());
                }
            }
            Reply::Answer(granted) => {
                if let Some(p) = st.pending.remove(&id) {
                    if let (true, Some(uid), Some(h)) = (granted, &p.uid, handle()) {
                        st.handles.insert(uid.clone(), h);
                    }
                    let _ = p.tx.send(Ok(granted));
                }
            }
            Reply::Failed(e) => {
                if let Some(p) = st.pending.remove(&id) {
                    let _ = p.tx.send(Err(e));
                }
            }
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let st = self.state.get_mut();
        for (_, p) in st.pending.drain() {
            let _ =
                p.tx.send(Err(Error::new(ErrorKind::Abort, "the client was dropped")));
        }
    }
}
