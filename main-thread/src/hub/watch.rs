//! Sync clients' buffers: adopting one, and waiting on it with `Atomics.waitAsync` so that a
//! request needs no doorbell message.
//!
//! A wait's promise calls back one function made once per watcher (a bound `on_change`), with
//! the watcher's token: no future, closure or executor task per request, and no Rust closure
//! that a promise could call after it was dropped. A token whose watcher ended names nothing.

use super::Hub;
use crate::attachments::{Attachment, FrameSlot};
use crate::prompt::Requester;
use fshandles_shared::js::bindings::Thenable;
use fshandles_shared::js::SharedFrame;
use fshandles_shared::small_map::SmallMap;
use js_sys::Function;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

thread_local! {
    static WATCHERS: RefCell<SmallMap<u32, Rc<Watcher>>> = RefCell::new(SmallMap::new());
    static NEXT_TOKEN: Cell<u32> = const { Cell::new(0) };
    // Made once, never dropped: every wait's promise may call it, however late.
    static ON_CHANGE: Closure<dyn FnMut(JsValue, JsValue)> =
        Closure::new(|token: JsValue, _outcome: JsValue| {
            if let Some(token) = token.as_f64() {
                Watcher::resume(token as u32);
            }
        });
}

/// One buffer the host waits on.
struct Watcher {
    token: u32,
    hub: Weak<Hub>,
    key: Requester,
    channel: JsValue,
    slot: FrameSlot,
    frame: SharedFrame,
    /// `ON_CHANGE` bound to this watcher's token.
    callback: Function,
}

impl Hub {
    /// Serves the sync client on `channel` through `frame` from now on: it may wait for us
    /// however busy we are, and where `Atomics.waitAsync` exists we wait on the buffer
    /// ourselves, so its requests need no doorbell message.
    pub(super) fn adopt_frame(
        self: &Rc<Self>,
        att: &Attachment,
        channel: &JsValue,
        slot: &FrameSlot,
        frame: &SharedFrame,
    ) {
        frame.hold();
        if let Some(old) = slot.replace(Some(frame.clone())) {
            // Its watcher looks again, finds the buffer replaced, and ends.
            old.wake();
        }
        if frame.watch() {
            Watcher::start(self, att.key, channel.clone(), slot.clone(), frame.clone());
        }
    }
}

impl Watcher {
    /// Waits on `frame`'s state word and serves each request put in it, until the buffer is
    /// released, replaced, or the host or the attachment is gone.
    fn start(hub: &Rc<Hub>, key: Requester, channel: JsValue, slot: FrameSlot, frame: SharedFrame) {
        let token = NEXT_TOKEN.with(|n| {
            let t = n.get();
            n.set(t.wrapping_add(1));
            t
        });
        let callback = ON_CHANGE.with(|f| {
            f.as_ref()
                .unchecked_ref::<Function>()
                .bind1(&JsValue::NULL, &token.into())
                .unchecked_into::<Function>()
        });
        let watcher = Rc::new(Watcher {
            token,
            hub: Rc::downgrade(hub),
            key,
            channel,
            slot,
            frame,
            callback,
        });
        WATCHERS.with(|w| w.borrow_mut().insert(token, watcher.clone()));
        watcher.step();
    }

    /// A wait of watcher `token` ended.
    fn resume(token: u32) {
        let watcher = WATCHERS.with(|w| w.borrow().get(&token).cloned());
        if let Some(watcher) = watcher {
            watcher.step();
        }
    }

    /// Serves what waits in the buffer, then waits for its next change; or ends.
    fn step(&self) {
        if !self.serve_then_wait() {
            WATCHERS.with(|w| w.borrow_mut().remove(&self.token));
        }
    }

    /// False when this watcher is done.
    fn serve_then_wait(&self) -> bool {
        let frame = &self.frame;
        loop {
            let current = self
                .slot
                .borrow()
                .as_ref()
                .is_some_and(|f| f.is(frame.buffer()));
            let (Some(hub), false, true) = (self.hub.upgrade(), frame.released(), current) else {
                return false;
            };
            let Some(att) = hub.attachments.by_key(self.key) else {
                return false;
            };
            let serve = |seq: u32| hub.doorbell(&att, &self.channel, &self.slot, seq.into());
            let Some(seen) = frame.look(serve) else {
                continue;
            };
            match frame.changed_from(seen) {
                Some(change) => {
                    change.unchecked_ref::<Thenable>().then_call(&self.callback);
                    return true;
                }
                None if frame.state_word() != seen => continue,
                None => {
                    // Cannot wait here after all: the worker goes back to doorbells. A call
                    // it announced to us alone is taken now.
                    if let Some(seq) = frame.unwatch() {
                        hub.doorbell(&att, &self.channel, &self.slot, seq.into());
                    }
                    return false;
                }
            }
        }
    }
}
