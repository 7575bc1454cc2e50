//! The way to the host, and what the client knows of it.
//!
//! A client talks over a port of its own: the first message it sends carries the other end
//! (on the worker's channel, or on the port it was given), and everything after goes over it,
//! leaving the worker's channel to its owner (PyScript's worker hands every message there to
//! Python). Until a reply comes back the host is *unheard*: the first message may have found no
//! host, and only then may a call fail for want of one. A host once heard is waited for however
//! busy it is, until it says it let go (then the client is *detached*, and starts over).

use fshandles_shared::error;
use fshandles_shared::js::bindings::{post, post_with_transfer};
use fshandles_shared::js::{from_js_error, message, EventListener};
use fshandles_shared::protocol::Request;
use fshandles_shared::{Error, ErrorKind};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What to do with a message that arrives from the host.
pub(crate) type OnMessage = Rc<dyn Fn(JsValue)>;

/// This client's own port, and the other end until the host has it.
struct Inbox {
    port: web_sys::MessagePort,
    remote: RefCell<Option<web_sys::MessagePort>>,
    _listener: EventListener,
}

impl Drop for Inbox {
    fn drop(&mut self) {
        self.port.close();
    }
}

pub(crate) struct Link {
    /// Where the first message goes: the worker's own `postMessage`, or the port given.
    outbox: JsValue,
    /// A port given for fshandles alone: it is the inbox too.
    given: Option<EventListener>,
    inbox: RefCell<Option<Inbox>>,
    on_message: OnMessage,
    heard: Cell<bool>,
    detached: Cell<bool>,
    /// It listens on a `MessagePort` (its own, or one given): only the host posts there.
    private: bool,
    /// The host answered with a bare number here: it reads repeats, and has this port.
    numbers: Cell<bool>,
    /// The last request sent in full here, which a bare number may repeat.
    last: RefCell<Option<Request>>,
}

impl Link {
    pub fn new(given_port: Option<JsValue>, on_message: OnMessage) -> Link {
        let given = given_port.as_ref().map(|port| listen(port, &on_message));
        let private = given_port
            .as_ref()
            .map_or(true, |port| port.is_instance_of::<web_sys::MessagePort>());
        Link {
            private,
            numbers: Cell::new(false),
            last: RefCell::new(None),
            outbox: given_port.unwrap_or_else(crate::scope::global),
            given,
            inbox: RefCell::new(None),
            on_message,
            heard: Cell::new(false),
            detached: Cell::new(false),
        }
    }

    /// Whether the host answered on this link (and has not let go since).
    pub fn heard(&self) -> bool {
        self.heard.get()
    }

    /// Whether what arrives comes from the host alone, so that a bare number is its answer
    /// (on a `BroadcastChannel`, other clients' doorbells are bare numbers too).
    pub fn private(&self) -> bool {
        self.private
    }

    /// The host answered.
    pub fn hear(&self) {
        self.heard.set(true);
        self.detached.set(false);
    }

    /// The host answered with a bare number.
    pub fn heard_number(&self) {
        self.numbers.set(true);
    }

    /// Whether `request` may go as a repeat of the last one sent in full.
    pub fn repeats(&self, request: &Request) -> bool {
        self.numbers.get() && self.last.borrow().as_ref() == Some(request)
    }

    /// `request` went to the host in full.
    pub fn sent_in_full(&self, request: &Request) {
        let mut last = self.last.borrow_mut();
        if last.as_ref() != Some(request) {
            *last = Some(request.clone());
        }
    }

    /// The first message found no host: the next call brings a new port.
    pub fn unheard(&self) {
        self.heard.set(false);
        self.numbers.set(false);
        self.last.borrow_mut().take();
        if self.given.is_none() {
            self.inbox.borrow_mut().take();
        }
    }

    /// The host let go of this client: nothing sent on this link will be answered.
    pub fn detach(&self) {
        self.unheard();
        self.detached.set(true);
    }

    /// Why a first message went unanswered for `ms`: no host, or the one we had let go.
    pub fn no_host(&self, ms: f64) -> Error {
        if self.detached.get() {
            error::detached()
        } else {
            error::no_host(ms)
        }
    }

    /// Posts `msg` to the host: on this client's port once the host has it, else on the
    /// outbox with the port attached (`msg` must then be a message object, not a doorbell).
    pub fn post(&self, msg: &JsValue) -> Result<(), Error> {
        if self.given.is_some() {
            return post(&self.outbox, msg);
        }
        let mut inbox = self.inbox.borrow_mut();
        let inbox = match &mut *inbox {
            Some(inbox) => inbox,
            empty => empty.insert(self.new_inbox()?),
        };
        let Some(remote) = inbox.remote.borrow_mut().take() else {
            return post(&inbox.port, msg);
        };
        let Some(obj) = msg.dyn_ref::<js_sys::Object>() else {
            *inbox.remote.borrow_mut() = Some(remote);
            return Err(Error::new(
                ErrorKind::Protocol,
                "a doorbell went out before the host had this client's port",
            ));
        };
        message::attach(obj, message::PORT, &remote);
        let transfer = js_sys::Array::of1(&remote);
        let posted = post_with_transfer(&self.outbox, msg, &transfer);
        if posted.is_err() {
            // Not transferred: keep it for the next try.
            *inbox.remote.borrow_mut() = Some(remote);
        }
        posted
    }

    /// Whether the next message must be an object (it carries the port).
    pub fn needs_object(&self) -> bool {
        self.given.is_none()
            && self
                .inbox
                .borrow()
                .as_ref()
                .map_or(true, |i| i.remote.borrow().is_some())
    }

    fn new_inbox(&self) -> Result<Inbox, Error> {
        let channel = web_sys::MessageChannel::new().map_err(|e| from_js_error(&e))?;
        let port = channel.port1();
        Ok(Inbox {
            _listener: listen(port.as_ref(), &self.on_message),
            port,
            remote: RefCell::new(Some(channel.port2())),
        })
    }
}

// addEventListener, never onmessage: nothing of the worker's own is taken over.
fn listen(target: &JsValue, on_message: &OnMessage) -> EventListener {
    let on_message = on_message.clone();
    EventListener::on_messages(target, move |event| on_message(message::event_data(&event)))
}
