//! The workers a host serves: each attached worker (or port), the channels its clients speak
//! on, the shared buffers they registered, and letting go of them.

use crate::prompt::{Requester, PAGE};
use fshandles_shared::error;
use fshandles_shared::js::bindings::post;
use fshandles_shared::js::{message, EventListener, SharedFrame};
use fshandles_shared::protocol::{encode_reply, Reply, Request};
use fshandles_shared::small_map::SmallMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Client ports kept per worker (one per FsClient); past that the oldest is closed.
const PORT_LIMIT: usize = 32;

/// The shared buffer a sync client registered on one channel: its doorbells (bare numbers)
/// say that a request waits in it.
pub(crate) type FrameSlot = Rc<RefCell<Option<SharedFrame>>>;

/// One channel clients speak on: the attached endpoint itself, or a client's own port.
pub(crate) struct Channel {
    pub listener: EventListener,
    pub slot: FrameSlot,
    /// Which record of each uid this client was last sent the folder of.
    pub sent: RefCell<SmallMap<String, u32>>,
    /// A port's last request read in full, for the client to repeat by number.
    pub last: RefCell<Option<Request>>,
}

impl Channel {
    /// Ports and BroadcastChannels belong to fshandles alone; a Worker's channel is shared
    /// with its owner (PyScript hands every message there to Python), so nothing is posted
    /// there unasked.
    fn is_own(&self) -> bool {
        self.listener
            .target()
            .dyn_ref::<web_sys::Worker>()
            .is_none()
    }

    /// Lets go: a sync client's call in flight is answered with an error and its buffer marked
    /// released; an async client is told by message; a port is closed.
    fn release(&self) {
        if let Some(frame) = self.slot.borrow().as_ref() {
            frame.release(|seq| {
                let mut bytes = Vec::new();
                let _ = encode_reply(seq, &Reply::Failed(error::detached()), &mut bytes);
                bytes
            });
        }
        if self.is_own() {
            let mut bytes = Vec::new();
            if encode_reply(0, &Reply::Detached, &mut bytes).is_ok() {
                let _ = post(self.listener.target(), &message::wrap(&bytes));
            }
        }
        if let Some(port) = self.listener.target().dyn_ref::<web_sys::MessagePort>() {
            port.close();
        }
    }
}

/// One attached worker (or port), with the channels its clients opened.
pub(crate) struct Attachment {
    pub key: Requester,
    pub endpoint: JsValue,
    channels: RefCell<Vec<Channel>>,
    /// Replies too long for a worker's buffer, kept until it resumes with a larger one.
    pub stash: RefCell<SmallMap<u32, Reply>>,
    /// How many requests were answered.
    pub served: Cell<u64>,
}

impl Attachment {
    /// Serves requests arriving on a client's own port too; the oldest past the limit is let go.
    pub fn adopt(&self, channel: Channel) {
        let mut channels = self.channels.borrow_mut();
        if channels.len() > PORT_LIMIT {
            // Index 0 is the endpoint's own channel; the oldest port comes next.
            channels.remove(1).release();
        }
        channels.push(channel);
    }

    /// The frame slot of the endpoint's own channel.
    pub fn own_slot(&self) -> FrameSlot {
        self.channels.borrow()[0].slot.clone()
    }

    /// Keeps `request`, read in full on the port `channel`, for its client to repeat; `None`
    /// after one that could not be read.
    pub fn remember(&self, channel: &JsValue, request: Option<&Request>) {
        if let Some(c) = self.channel(channel) {
            *c.last.borrow_mut() = request.cloned();
        }
    }

    /// The request the client on `channel` last sent in full.
    pub fn last_request(&self, channel: &JsValue) -> Option<Request> {
        self.channel(channel)?.last.borrow().clone()
    }

    fn channel(&self, target: &JsValue) -> Option<std::cell::Ref<'_, Channel>> {
        std::cell::Ref::filter_map(self.channels.borrow(), |cs| {
            cs.iter().find(|c| c.listener.target() == target)
        })
        .ok()
    }

    /// Notes that the client on `channel` now has record `generation` of `uid`; whether that
    /// is news to it (it had none, or an older one).
    pub fn note_sent(&self, channel: &JsValue, uid: &str, generation: u32) -> bool {
        let Some(c) = self.channel(channel) else {
            return false;
        };
        let mut sent = c.sent.borrow_mut();
        let news = sent.get(uid) != Some(&generation);
        if news {
            sent.insert(uid.to_owned(), generation);
        }
        news
    }

    fn release(&self) {
        for channel in self.channels.borrow_mut().drain(..) {
            channel.release();
        }
    }
}

/// The attached workers, by endpoint and by key.
pub(crate) struct Registry {
    list: RefCell<Vec<Rc<Attachment>>>,
    next_key: Cell<Requester>,
}

impl Registry {
    pub fn new() -> Self {
        Registry {
            list: RefCell::new(Vec::new()),
            next_key: Cell::new(PAGE + 1),
        }
    }

    pub fn find(&self, endpoint: &JsValue) -> Option<Rc<Attachment>> {
        self.list
            .borrow()
            .iter()
            .find(|a| a.endpoint == *endpoint)
            .cloned()
    }

    pub fn by_key(&self, key: Requester) -> Option<Rc<Attachment>> {
        self.list.borrow().iter().find(|a| a.key == key).cloned()
    }

    /// Adds `endpoint`, listening on it through the channel `listen` makes for the new key.
    pub fn add(
        &self,
        endpoint: &JsValue,
        listen: impl FnOnce(Requester, FrameSlot) -> EventListener,
    ) {
        let key = self.next_key.get();
        self.next_key.set(key + 1);
        let slot = FrameSlot::default();
        let own = Channel {
            listener: listen(key, slot.clone()),
            slot,
            sent: RefCell::default(),
            last: RefCell::default(),
        };
        self.list.borrow_mut().push(Rc::new(Attachment {
            key,
            endpoint: endpoint.clone(),
            channels: RefCell::new(vec![own]),
            stash: RefCell::new(SmallMap::new()),
            served: Cell::new(0),
        }));
    }

    /// Whether no worker is attached.
    pub fn is_empty(&self) -> bool {
        self.list.borrow().is_empty()
    }

    /// Removes `endpoint` (any attachment, for `None`) and lets its clients go; its key, if
    /// there was one.
    pub fn remove(&self, endpoint: Option<&JsValue>) -> Option<Requester> {
        let att = {
            let mut list = self.list.borrow_mut();
            let i = match endpoint {
                Some(e) => list.iter().position(|a| a.endpoint == *e)?,
                None => list.len().checked_sub(1)?,
            };
            list.remove(i)
        };
        att.release();
        Some(att.key)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // The host is going: no client may wait for it.
        for att in self.list.get_mut().drain(..) {
            att.release();
        }
    }
}

// With real MessagePorts, in Node (wasm-bindgen-test-runner; `cargo xtask test` runs these
// with the native tests).
#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use fshandles_shared::protocol::Obtain;
    use fshandles_shared::MountOptions;
    use wasm_bindgen_test::wasm_bindgen_test;
    use web_sys::MessageChannel;

    fn port() -> JsValue {
        MessageChannel::new().unwrap().port1().into()
    }

    fn channel(target: &JsValue) -> Channel {
        Channel {
            listener: EventListener::on_messages(target, |_| {}),
            slot: FrameSlot::default(),
            sent: RefCell::default(),
            last: RefCell::default(),
        }
    }

    /// A registry with one attached endpoint: the registry (which lets go of it when
    /// dropped), its attachment and the endpoint.
    fn one_attached() -> (Registry, Rc<Attachment>, JsValue) {
        let endpoint = port();
        let registry = registry_with(std::slice::from_ref(&endpoint));
        let att = registry.find(&endpoint).unwrap();
        (registry, att, endpoint)
    }

    fn registry_with(endpoints: &[JsValue]) -> Registry {
        let registry = Registry::new();
        for e in endpoints {
            registry.add(e, |_, _| EventListener::on_messages(e, |_| {}));
        }
        registry
    }

    #[wasm_bindgen_test]
    fn keys_count_up_from_after_the_page_and_are_never_reused() {
        let (a, b, c) = (port(), port(), port());
        let registry = registry_with(&[a.clone(), b.clone()]);
        assert_eq!(registry.find(&a).map(|x| x.key), Some(PAGE + 1));
        assert_eq!(registry.find(&b).map(|x| x.key), Some(PAGE + 2));
        assert!(registry.find(&c).is_none());
        assert_eq!(
            registry.by_key(PAGE + 2).map(|x| x.endpoint == b),
            Some(true)
        );
        assert_eq!(registry.remove(Some(&a)), Some(PAGE + 1));
        assert_eq!(registry.remove(Some(&a)), None, "already gone");
        registry.add(&a, |_, _| EventListener::on_messages(&a, |_| {}));
        assert_eq!(
            registry.find(&a).map(|x| x.key),
            Some(PAGE + 3),
            "a new key, not a reused one"
        );
        // `None` removes the newest; then the rest; then nothing is left.
        assert_eq!(registry.remove(None), Some(PAGE + 3));
        assert_eq!(registry.remove(None), Some(PAGE + 2));
        assert!(registry.is_empty());
        assert_eq!(registry.remove(None), None);
    }

    #[wasm_bindgen_test]
    fn a_client_learns_of_each_record_once_per_generation() {
        let (_registry, att, _) = one_attached();
        let own = att.channels.borrow()[0].listener.target().clone();
        assert!(att.note_sent(&own, "/a@x", 1), "first time: news");
        assert!(
            !att.note_sent(&own, "/a@x", 1),
            "the same record again: not news"
        );
        assert!(att.note_sent(&own, "/a@x", 2), "a newer record: news");
        assert!(att.note_sent(&own, "/b@x", 1), "another uid: news");
        // A second client, on its own port, keeps its own account.
        let theirs = port();
        att.adopt(channel(&theirs));
        assert!(att.note_sent(&theirs, "/a@x", 2));
        assert!(
            !att.note_sent(&port(), "/a@x", 3),
            "a port not adopted has no account"
        );
    }

    #[wasm_bindgen_test]
    fn a_port_remembers_its_last_request_for_a_repeat() {
        let (_registry, att, _) = one_attached();
        let client = port();
        att.adopt(channel(&client));
        assert_eq!(att.last_request(&client), None);
        let request = Request::obtain(Obtain::Get, "/a@x".into(), MountOptions::default(), true);
        att.remember(&client, Some(&request));
        assert_eq!(att.last_request(&client), Some(request));
        att.remember(&client, None);
        assert_eq!(
            att.last_request(&client),
            None,
            "a request that could not be read clears it"
        );
    }

    #[wasm_bindgen_test]
    fn past_the_limit_the_oldest_port_is_let_go_and_the_endpoint_kept() {
        let (_registry, att, endpoint) = one_attached();
        let ports: Vec<JsValue> = (0..PORT_LIMIT + 3).map(|_| port()).collect();
        for p in &ports {
            att.adopt(channel(p));
            att.note_sent(p, "/a@x", 1);
        }
        let kept = |p: &JsValue| att.channel(p).is_some();
        assert!(
            kept(&endpoint),
            "the endpoint's own channel is never evicted"
        );
        // Adopting past PORT_LIMIT + 1 channels lets the oldest ports go, oldest first.
        let gone = ports.len() + 1 - (PORT_LIMIT + 1);
        assert!(
            ports[..gone].iter().all(|p| !kept(p)),
            "the oldest {gone} ports are let go"
        );
        assert!(ports[gone..].iter().all(kept), "the newest are kept");
        assert_eq!(att.channels.borrow().len(), PORT_LIMIT + 1);
    }
}
