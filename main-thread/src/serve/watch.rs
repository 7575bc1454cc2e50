//! Sync clients' buffers: adopting one, and waiting on it with `Atomics.waitAsync` so that a
//! request needs no doorbell message.

use super::Hub;
use crate::attachments::{Attachment, FrameSlot};
use crate::prompt::Origin;
use fshandles_shared::js::SharedFrame;
use std::rc::Rc;
use wasm_bindgen::JsValue;

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
            self.watch(att.key, channel.clone(), slot.clone(), frame.clone());
        }
    }

    /// Waits on `frame`'s state word and serves each request put in it, until the buffer is
    /// released, replaced, or the host or the attachment is gone.
    fn watch(self: &Rc<Self>, key: Origin, channel: JsValue, slot: FrameSlot, frame: SharedFrame) {
        let hub = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let current = slot.borrow().as_ref().is_some_and(|f| f.is(frame.buffer()));
                let (Some(hub), false, true) = (hub.upgrade(), frame.released(), current) else {
                    return;
                };
                let Some(att) = hub.attachments.by_key(key) else {
                    return;
                };
                let Some(seen) = frame.look(|seq| hub.doorbell(&att, &channel, &slot, seq.into()))
                else {
                    continue;
                };
                let change = match frame.changed_from(seen) {
                    Some(change) => change,
                    None if frame.state_word() != seen => continue,
                    None => {
                        // Cannot wait here after all: the worker goes back to doorbells. A
                        // call it announced to us alone is taken now.
                        if let Some(seq) = frame.unwatch() {
                            hub.doorbell(&att, &channel, &slot, seq.into());
                        }
                        return;
                    }
                };
                drop((hub, att));
                let _ = wasm_bindgen_futures::JsFuture::from(change).await;
            }
        });
    }
}
