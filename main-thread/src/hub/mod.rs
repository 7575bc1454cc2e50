//! Answering attached workers: read their messages and run their requests. Which workers are
//! attached is `attachments`; what a request is answered is `answer`; how answers go back is
//! `reply`; how a sync client's buffer is waited on is `watch`.

use crate::attachments::{Attachment, Channel, FrameSlot, Registry};
use crate::core::Core;
use crate::prompt::Requester;
use crate::reply::{Replier, Route};
use fshandles_shared::js::{is_channel, message, EventListener, SharedFrame};
use fshandles_shared::protocol::{
    decode_request, read_repeat, version_of, whole_u32, DecodeError, Reply, COMPACT_ANSWERS_SINCE,
};
use fshandles_shared::text;
use fshandles_shared::{Error, ErrorKind};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

mod answer;
mod watch;

thread_local! {
    /// The hubs attached to at least one worker. A worker must not see its host go because the
    /// page dropped its last reference to it (a JS `FsHost` collected, say): a hub stays here
    /// from its first attachment until it is detached from every worker or stopped.
    static SERVING: RefCell<Vec<Rc<Hub>>> = const { RefCell::new(Vec::new()) };
}

/// The host: its core and the workers it serves.
pub(crate) struct Hub {
    core: Rc<Core>,
    attachments: Registry,
    replier: Replier,
    /// Where a request's bytes are read into.
    scratch: RefCell<Vec<u8>>,
}

impl Hub {
    pub fn new(core: Rc<Core>) -> Rc<Hub> {
        Rc::new(Hub {
            core,
            attachments: Registry::new(),
            replier: Replier::new(),
            scratch: RefCell::new(Vec::with_capacity(256)),
        })
    }

    /// Starts answering `endpoint`; attaching twice is a no-op.
    pub fn attach(self: &Rc<Self>, endpoint: &JsValue) -> Result<(), Error> {
        if !is_channel(endpoint) {
            return Err(Error::new(
                ErrorKind::Data,
                "attach() takes a Worker or a MessagePort",
            ));
        }
        if self.attachments.find(endpoint).is_none() {
            if self.attachments.is_empty() {
                SERVING.with(|s| s.borrow_mut().push(self.clone()));
            }
            // addEventListener, never onmessage: PyScript's own traffic shares this channel.
            self.attachments
                .add(endpoint, |key, slot| self.listen(key, endpoint, slot));
        }
        Ok(())
    }

    /// Stops answering `endpoint` and lets its clients go: calls in flight end with
    /// DetachedError and its open prompts end. False when it was not attached.
    pub fn detach(&self, endpoint: &JsValue) -> bool {
        self.let_go(Some(endpoint))
    }

    /// Lets go of every worker, as if each were detached.
    pub fn stop(&self) {
        while self.let_go(None) {}
    }

    /// Detaches `endpoint` (or any one, for `None`); false when there was none. Once no worker
    /// is attached, the hub lives only as long as its owners do.
    fn let_go(&self, endpoint: Option<&JsValue>) -> bool {
        let Some(key) = self.attachments.remove(endpoint) else {
            return false;
        };
        self.core.prompts.detach(key);
        if self.attachments.is_empty() {
            let kept = SERVING.with(|s| {
                let mut s = s.borrow_mut();
                let i = s.iter().position(|h| std::ptr::eq(Rc::as_ptr(h), self))?;
                Some(s.swap_remove(i))
            });
            // Dropped here, outside the borrow: it may be the last reference.
            drop(kept);
        }
        true
    }

    /// Serves a sync client on `endpoint` (attached) through `buffer`, which the page made and
    /// handed to the client itself: for channels no `SharedArrayBuffer` crosses.
    pub fn attach_buffer(
        self: &Rc<Self>,
        endpoint: &JsValue,
        buffer: &JsValue,
    ) -> Result<(), Error> {
        let Some(att) = self.attachments.find(endpoint) else {
            return Err(Error::new(
                ErrorKind::Data,
                "attach_buffer() needs an endpoint attached first (host.attach(port))",
            ));
        };
        let frame = SharedFrame::from_js(buffer)?;
        let slot = att.own_slot();
        self.adopt_frame(&att, endpoint, &slot, &frame);
        // A call may already wait in it, rung before we had the buffer: take it now.
        if let Some(seq) = frame.waiting() {
            self.doorbell(&att, endpoint, &slot, f64::from(seq));
        }
        Ok(())
    }

    /// How many requests the worker behind `endpoint` has had answered.
    pub fn served(&self, endpoint: &JsValue) -> Option<u64> {
        self.attachments.find(endpoint).map(|a| a.served.get())
    }

    /// Serves the requests arriving on `channel` (a worker, or a client's own port) as coming
    /// from attachment `key`.
    fn listen(
        self: &Rc<Self>,
        key: Requester,
        channel: &JsValue,
        slot: FrameSlot,
    ) -> EventListener {
        let hub: Weak<Hub> = Rc::downgrade(self);
        let from = channel.clone();
        EventListener::on_messages(channel, move |event| {
            if let Some(hub) = hub.upgrade() {
                hub.on_message(key, &from, &slot, &message::event_data(&event));
            }
        })
    }

    /// Serves requests arriving on a client's own port, as if they came from its worker.
    fn adopt(self: &Rc<Self>, att: &Attachment, port: &web_sys::MessagePort, slot: FrameSlot) {
        att.adopt(Channel {
            listener: self.listen(att.key, port.as_ref(), slot.clone()),
            slot,
            sent: Default::default(),
            last: Default::default(),
        });
    }

    /// Serves the `data` of a message that arrived on `from`.
    fn on_message(
        self: &Rc<Self>,
        key: Requester,
        from: &JsValue,
        slot: &FrameSlot,
        data: &JsValue,
    ) {
        let Some(att) = self.attachments.by_key(key) else {
            return;
        };
        if let Some(n) = data.as_f64() {
            return match read_repeat(n) {
                Some(id) => self.repeat(&att, from, id),
                None => self.doorbell(&att, from, slot, n),
            };
        }
        let (decoded, version) = {
            let mut buf = self.scratch.borrow_mut();
            if !message::unwrap_into(data, &mut buf) {
                return; // somebody else's message
            }
            (decode_request(&buf), version_of(&buf).unwrap_or(0))
        };
        if decoded == Err(DecodeError::Foreign) {
            return;
        }
        // A client's first request brings its own port: answer there from now on.
        let mut channel = from.clone();
        let mut slot = slot.clone();
        if let Some(port) = message::get(data, message::PORT)
            .and_then(|p| p.dyn_into::<web_sys::MessagePort>().ok())
        {
            slot = FrameSlot::default();
            self.adopt(&att, &port, slot.clone());
            channel = port.into();
        }
        let route = match message::get(data, message::SAB) {
            // Only on a port of fshandles' own is a bare number surely ours.
            None if channel.is_instance_of::<web_sys::MessagePort>() => {
                att.remember(&channel, decoded.as_ref().ok().map(|(_, r)| r));
                Route::Message {
                    compact: version >= COMPACT_ANSWERS_SINCE,
                    to: channel,
                }
            }
            None => Route::Message {
                compact: false,
                to: channel,
            },
            Some(sab) => match SharedFrame::from_js(&sab) {
                Ok(frame) => {
                    self.adopt_frame(&att, &channel, &slot, &frame);
                    Route::Frame(frame, channel)
                }
                Err(e) => {
                    // The worker cannot read a buffer we cannot write: say why by message.
                    let id = match &decoded {
                        Ok((id, _)) => Some(*id),
                        Err(d) => d.id(),
                    };
                    if let Some(id) = id {
                        self.replier.send(
                            &att,
                            id,
                            &Route::Message {
                                to: channel,
                                compact: false,
                            },
                            Reply::Failed(e),
                            None,
                        );
                    }
                    return;
                }
            },
        };
        self.dispatch(&att, decoded, route);
    }

    /// Async mode: call `id` asks again what the client on the port `from` asked last in full.
    /// A bare negative number anywhere but on a port of ours is somebody else's.
    fn repeat(self: &Rc<Self>, att: &Rc<Attachment>, from: &JsValue, id: u32) {
        if !from.is_instance_of::<web_sys::MessagePort>() {
            return;
        }
        let decoded =
            att.last_request(from)
                .map(|r| (id, r))
                .ok_or_else(|| DecodeError::Malformed {
                    id: Some(id),
                    reason:
                        "a repeated request, with no request read in full before it on this port"
                            .into(),
                });
        let route = Route::Message {
            to: from.clone(),
            compact: true,
        };
        self.dispatch(att, decoded, route);
    }

    /// A sync client's doorbell: call `seq` waits in the buffer it registered on `from`. Numbers
    /// that name no waiting call (another library's, a late or forged one) are ignored.
    fn doorbell(self: &Rc<Self>, att: &Rc<Attachment>, from: &JsValue, slot: &FrameSlot, seq: f64) {
        let Some(frame) = slot.borrow().clone() else {
            return;
        };
        let Some(seq) = whole_u32(seq) else {
            return;
        };
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
                reason: text!(
                    "the buffer holds request ",
                    id,
                    ", the doorbell rang for ",
                    seq
                ),
            }),
            other => other,
        };
        self.dispatch(att, decoded, Route::Frame(frame, from.clone()));
    }
}
