//! Answering attached workers: read their messages, run the request, reply by `postMessage`
//! (async mode) or through the worker's shared buffer (sync mode).

use crate::host::{Access, Core, Op};
use crate::prompt::Origin;
use fshandles_shared::js::shared_frame::Written;
use fshandles_shared::js::{is_channel, message, EventListener, SharedFrame};
use fshandles_shared::protocol::{self, decode_request, DecodeError, Reply, Request};
use fshandles_shared::small_map::SmallMap;
use fshandles_shared::{Error, ErrorKind};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::FileSystemDirectoryHandle;

#[wasm_bindgen]
extern "C" {
    type Endpoint;

    #[wasm_bindgen(method, catch, js_name = postMessage)]
    fn post_message(this: &Endpoint, message: &JsValue) -> Result<(), JsValue>;
}

/// Replies too long for a worker's buffer, kept until it resumes with a larger one; at most
/// this many per worker (a worker that never resumes cannot grow the host).
const STASH_LIMIT: usize = 8;
/// Error messages are cut to this many characters before they cross: an answer must always fit.
const MAX_ERROR_CHARS: usize = 2000;
/// Client ports kept per worker (one per FsClient); past that the oldest is closed.
const PORT_LIMIT: usize = 32;

/// The shared buffer a sync client registered on one channel: its doorbells (bare numbers)
/// say that a request waits in it.
type FrameSlot = Rc<RefCell<Option<SharedFrame>>>;

/// One attached worker (or port), with the ports its clients gave.
pub(crate) struct Attachment {
    key: Origin,
    endpoint: JsValue,
    _listener: EventListener,
    ports: RefCell<Vec<EventListener>>,
    stash: RefCell<SmallMap<u32, Reply>>,
    served: Cell<u64>,
}

fn post(to: &JsValue, msg: &JsValue) -> Result<(), Error> {
    to.unchecked_ref::<Endpoint>()
        .post_message(msg)
        .map_err(|e| fshandles_shared::js::from_js_error(&e))
}

fn close_port(listener: &EventListener) {
    if let Some(port) = listener.target().dyn_ref::<web_sys::MessagePort>() {
        port.close();
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        for l in self.ports.get_mut().iter() {
            close_port(l);
        }
    }
}

/// The host: its core and the workers it serves.
pub(crate) struct Hub {
    pub core: Core,
    attachments: RefCell<Vec<Rc<Attachment>>>,
    next_key: Cell<Origin>,
    scratch: RefCell<Vec<u8>>,
}

/// Where the answer to one request goes.
enum Route {
    /// By message, to the worker or to the client's port.
    Message(JsValue),
    /// Into the client's shared buffer (a handle, if any, by message to `JsValue`).
    Frame(SharedFrame, JsValue),
}

impl Route {
    fn channel(&self) -> &JsValue {
        match self {
            Route::Message(to) | Route::Frame(_, to) => to,
        }
    }
}

impl Hub {
    pub fn new(core: Core) -> Rc<Hub> {
        Rc::new(Hub {
            core,
            attachments: RefCell::new(Vec::new()),
            next_key: Cell::new(crate::prompt::PAGE + 1),
            scratch: RefCell::new(Vec::with_capacity(256)),
        })
    }

    fn find(&self, endpoint: &JsValue) -> Option<Rc<Attachment>> {
        self.attachments
            .borrow()
            .iter()
            .find(|a| a.endpoint == *endpoint)
            .cloned()
    }

    /// Starts answering `endpoint`; attaching twice is a no-op.
    pub fn attach(self: &Rc<Self>, endpoint: &JsValue) -> Result<(), Error> {
        if !is_channel(endpoint) {
            return Err(Error::new(
                ErrorKind::Data,
                "attach() takes a Worker or a MessagePort",
            ));
        }
        if self.find(endpoint).is_some() {
            return Ok(());
        }
        let key = self.next_key.get();
        self.next_key.set(key + 1);
        // addEventListener, never onmessage: PyScript's own traffic shares this channel.
        let listener = self.listen(key, endpoint, FrameSlot::default());
        self.attachments.borrow_mut().push(Rc::new(Attachment {
            key,
            endpoint: endpoint.clone(),
            _listener: listener,
            ports: RefCell::new(Vec::new()),
            stash: RefCell::new(SmallMap::new()),
            served: Cell::new(0),
        }));
        Ok(())
    }

    /// Stops answering `endpoint`; its open prompts settle. False when it was not attached.
    pub fn detach(&self, endpoint: &JsValue) -> bool {
        let Some(att) = self.find(endpoint) else {
            return false;
        };
        self.attachments.borrow_mut().retain(|a| a.key != att.key);
        self.core.prompts.detach(att.key);
        true
    }

    /// How many requests the worker behind `endpoint` has had answered.
    pub fn served(&self, endpoint: &JsValue) -> Option<u64> {
        self.find(endpoint).map(|a| a.served.get())
    }

    /// Serves the requests arriving on `channel` (a worker, or a client's own port) as coming
    /// from attachment `key`.
    fn listen(self: &Rc<Self>, key: Origin, channel: &JsValue, slot: FrameSlot) -> EventListener {
        let hub: Weak<Hub> = Rc::downgrade(self);
        let from = channel.clone();
        EventListener::on_messages(channel, move |event| {
            if let Some(hub) = hub.upgrade() {
                hub.on_message(key, &from, &slot, &event);
            }
        })
    }

    /// Serves requests arriving on a client's own port, as if they came from its worker.
    fn adopt(self: &Rc<Self>, att: &Attachment, port: &web_sys::MessagePort, slot: FrameSlot) {
        let listener = self.listen(att.key, port.as_ref(), slot);
        let mut ports = att.ports.borrow_mut();
        if ports.len() >= PORT_LIMIT {
            close_port(&ports.remove(0));
        }
        ports.push(listener);
    }

    fn on_message(self: &Rc<Self>, key: Origin, from: &JsValue, slot: &FrameSlot, event: &JsValue) {
        let Some(att) = self
            .attachments
            .borrow()
            .iter()
            .find(|a| a.key == key)
            .cloned()
        else {
            return;
        };
        let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        let data = event.data();
        if let Some(seq) = data.as_f64() {
            return self.doorbell(&att, from, slot, seq);
        }
        let decoded = {
            let mut buf = self.scratch.borrow_mut();
            if !message::unwrap_into(&data, &mut buf) {
                return; // somebody else's message
            }
            decode_request(&buf)
        };
        if decoded == Err(DecodeError::Foreign) {
            return;
        }
        // A client's first request brings its own port: answer there from now on.
        let mut channel = from.clone();
        let mut slot = slot.clone();
        if let Some(port) = message::get(&data, message::PORT)
            .and_then(|p| p.dyn_into::<web_sys::MessagePort>().ok())
        {
            slot = FrameSlot::default();
            self.adopt(&att, &port, slot.clone());
            channel = port.into();
        }
        let route = match message::get(&data, message::SAB) {
            None => Route::Message(channel),
            Some(sab) => match SharedFrame::from_js(&sab) {
                Ok(frame) => {
                    // Its next requests will be in this buffer, announced by doorbells.
                    slot.replace(Some(frame.clone()));
                    Route::Frame(frame, channel)
                }
                Err(e) => {
                    // The worker cannot read a buffer we cannot write: say why by message.
                    let id = match &decoded {
                        Ok((id, _)) => Some(*id),
                        Err(d) => d.id(),
                    };
                    if let Some(id) = id {
                        self.send(&att, id, &Route::Message(channel), Reply::Failed(e), None);
                    }
                    return;
                }
            },
        };
        self.dispatch(&att, decoded, route);
    }

    /// A sync client's doorbell: call `seq` waits in the buffer it registered on `from`. Numbers
    /// that name no waiting call (another library's, a late or forged one) are ignored.
    fn doorbell(self: &Rc<Self>, att: &Rc<Attachment>, from: &JsValue, slot: &FrameSlot, seq: f64) {
        let Some(frame) = slot.borrow().clone() else {
            return;
        };
        if !(0.0..=f64::from(u32::MAX)).contains(&seq) || seq.fract() != 0.0 {
            return;
        }
        let seq = seq as u32;
        let decoded = {
            let mut buf = self.scratch.borrow_mut();
            if !frame.read_request(seq, &mut buf) {
                return;
            }
            decode_request(&buf)
        };
        let decoded = match decoded {
            Ok((id, _)) if id != seq => Err(DecodeError::Malformed {
                id: Some(seq),
                reason: format!("the buffer holds request {id}, the doorbell rang for {seq}"),
            }),
            other => other,
        };
        self.dispatch(att, decoded, Route::Frame(frame, from.clone()));
    }

    /// Runs a decoded request (or answers why it cannot be) and replies by `route`.
    fn dispatch(
        self: &Rc<Self>,
        att: &Rc<Attachment>,
        decoded: Result<(u32, Request), DecodeError>,
        route: Route,
    ) {
        match decoded {
            Err(DecodeError::Foreign) => {}
            Err(e) => {
                if let Some(id) = e.id() {
                    if let Route::Frame(f, _) = &route {
                        f.ack(id);
                    }
                    self.send(att, id, &route, Reply::Failed(e.to_error()), None);
                }
            }
            Ok((id, Request::Resume { id: of })) => self.resume(att, id, of, &route),
            Ok((id, request)) => {
                if let Route::Frame(f, _) = &route {
                    // Taken once: a second doorbell for the same call finds it acked.
                    if !f.ack(id) {
                        return;
                    }
                }
                let hub = self.clone();
                let att2 = att.clone();
                let message = matches!(route, Route::Message(_)).then(|| route.channel().clone());
                let done = crate::run::now_or_later(async move {
                    let (reply, handle) = hub.answer(&att2, request).await;
                    hub.send(&att2, id, &route, reply, handle);
                });
                // Async mode: a request that must wait (IndexedDB, a prompt) is acknowledged,
                // so the worker's "no FsHost" timeout does not mistake a slow host for none.
                if let (false, Some(to)) = (done, message) {
                    self.send(att, id, &Route::Message(to), Reply::Ack, None);
                }
            }
        }
    }

    async fn answer(
        &self,
        att: &Attachment,
        request: Request,
    ) -> (Reply, Option<(String, FileSystemDirectoryHandle)>) {
        let obtain = |op, uid: String, options, want_handle| async move {
            match self.core.obtain(op, &uid, &options, att.key).await {
                Ok(Access {
                    granted,
                    handle,
                    fresh,
                }) => {
                    let handle = handle.filter(|_| granted && (want_handle || fresh));
                    (Reply::Answer(granted), handle.map(|h| (uid, h)))
                }
                Err(e) => (Reply::Failed(e), None),
            }
        };
        match request {
            Request::Store {
                uid,
                options,
                want_handle,
            } => obtain(Op::Store, uid, options, want_handle).await,
            Request::Get {
                uid,
                options,
                want_handle,
            } => obtain(Op::Get, uid, options, want_handle).await,
            Request::Delete { uid } => match self.core.delete(&uid).await {
                Ok(existed) => (Reply::Answer(existed), None),
                Err(e) => (Reply::Failed(e), None),
            },
            Request::Handle { uid } => match self.core.handle(&uid).await {
                Ok(h) => (Reply::Answer(true), Some((uid, h))),
                Err(e) => (Reply::Failed(e), None),
            },
            // Handled as the message arrives (see `on_message`).
            Request::Resume { .. } => (
                Reply::Failed(Error::new(ErrorKind::Protocol, "misrouted resume")),
                None,
            ),
        }
    }

    /// Sync mode: the worker comes back with a larger buffer for a reply that did not fit.
    fn resume(&self, att: &Attachment, id: u32, of: u32, route: &Route) {
        let stashed = att.stash.borrow_mut().remove(&of);
        let reply = stashed.unwrap_or_else(|| {
            Reply::Failed(Error::new(
                ErrorKind::Protocol,
                format!("no reply to request {of} is waiting"),
            ))
        });
        self.send(att, id, route, reply, None);
    }

    /// Encodes `reply` for `id` into the scratch buffer. Never fails: an answer that cannot be
    /// encoded becomes an error answer that can (the worker must never be left waiting).
    fn encode(&self, id: u32, reply: Reply) -> std::cell::RefMut<'_, Vec<u8>> {
        let mut buf = self.scratch.borrow_mut();
        let reply = match reply {
            Reply::Failed(mut e) if e.message.chars().count() > MAX_ERROR_CHARS => {
                e.message = e.message.chars().take(MAX_ERROR_CHARS).collect::<String>() + "…";
                Reply::Failed(e)
            }
            other => other,
        };
        if let Err(e) = protocol::encode_reply(id, &reply, &mut buf) {
            let fallback = Reply::Failed(Error::new(
                ErrorKind::Protocol,
                format!("the host could not encode its answer ({})", e.kind.name()),
            ));
            let _ = protocol::encode_reply(id, &fallback, &mut buf);
        }
        buf
    }

    fn send(
        &self,
        att: &Attachment,
        id: u32,
        route: &Route,
        reply: Reply,
        handle: Option<(String, FileSystemDirectoryHandle)>,
    ) {
        // Answered even after a detach: a worker blocked in sync mode must be woken, and an
        // async one told its request was abandoned rather than left waiting.
        if !matches!(reply, Reply::Ack) {
            att.served.set(att.served.get() + 1);
        }
        let to = route.channel();
        match route {
            Route::Message(_) => {
                let msg = message::wrap(&self.encode(id, reply));
                if let Some((_, h)) = &handle {
                    message::attach(&msg, message::HANDLE, h);
                }
                if let Err(e) = post(to, &msg) {
                    let failed = Reply::Failed(Error::new(
                        e.kind,
                        format!("the host could not post its answer: {}", e.message),
                    ));
                    let _ = post(to, &message::wrap(&self.encode(id, failed)));
                }
            }
            Route::Frame(frame, _) => {
                // The handle goes first, by message: it is queued in the worker before the
                // worker wakes, so `client.handle(uid)` finds it at its next await.
                if let Some((uid, h)) = handle {
                    let msg = message::wrap(&self.encode(id, Reply::Handle { uid }));
                    message::attach(&msg, message::HANDLE, &h);
                    let _ = post(to, &msg);
                }
                let written = frame.reply(id, &self.encode(id, reply.clone()));
                if written == Written::Overflow {
                    let mut stash = att.stash.borrow_mut();
                    if stash.len() >= STASH_LIMIT {
                        stash.clear();
                    }
                    stash.insert(id, reply);
                }
            }
        }
    }
}
