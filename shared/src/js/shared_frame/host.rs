//! The host's side of a frame: taking requests, answering, holding and releasing the buffer,
//! and waiting on it (`Atomics.waitAsync`) instead of for doorbell messages.

use super::{SharedFrame, Written};
use crate::frame::{
    self, Phase, HEADER_BYTES, LENGTH, LINK, LINK_HELD, LINK_RELEASED, LINK_UNKNOWN, LINK_WATCHED,
    STATE, STATUS, STATUS_OK, STATUS_OVERFLOW,
};
use alloc::vec::Vec;
use js_sys::Atomics;
use wasm_bindgen::JsCast;

impl SharedFrame {
    /// Host: copies the request of call `seq` into `out`. False when the buffer holds no
    /// request for `seq` (a late or forged doorbell) or a header that cannot be a frame's.
    pub fn read_request(&self, seq: u32, out: &mut Vec<u8>) -> bool {
        match self.header() {
            Some(h) if h.phase == Phase::Requested && frame::same_seq(h.seq, seq) => {
                self.copy_payload(h.len, out);
                true
            }
            _ => false,
        }
    }

    /// Host: marks call `seq` as taken, without waking the worker. False when the worker no
    /// longer waits for it.
    pub fn ack(&self, seq: u32) -> bool {
        self.swap(
            frame::state(seq, Phase::Requested),
            frame::state(seq, Phase::Acked),
        )
    }

    /// Host: says it has this buffer, so its worker waits for a busy host instead of calling
    /// it absent. A released buffer stays released.
    pub fn hold(&self) {
        let _ = Atomics::compare_exchange(&self.words, LINK, frame::LINK_UNKNOWN, LINK_HELD);
    }

    /// Host: lets go of this buffer. The call in flight, if any, is answered with
    /// `reply_for(seq)`; a call begun later sees the released link and gives up by itself.
    pub fn release(&self, reply_for: impl FnOnce(u32) -> Vec<u8>) {
        self.store(LINK, LINK_RELEASED);
        let (seq, phase) = frame::split(self.load(STATE));
        if matches!(phase, Phase::Requested | Phase::Acked) {
            self.reply(seq, &reply_for(seq));
        }
    }

    /// Host: waits on this buffer itself from now on, where `Atomics.waitAsync` exists; false
    /// where it does not (the worker goes on ringing by message).
    pub fn watch(&self) -> bool {
        let probe = Atomics::wait_async(&self.words, STATE, !self.load(STATE));
        if probe.is_err() {
            return false;
        }
        let _ = Atomics::compare_exchange(&self.words, LINK, LINK_HELD, LINK_WATCHED);
        let _ = Atomics::compare_exchange(&self.words, LINK, LINK_UNKNOWN, LINK_WATCHED);
        self.load(LINK) == LINK_WATCHED
    }

    /// Host: stops waiting on this buffer; the worker rings by message again.
    pub fn unwatch(&self) {
        let _ = Atomics::compare_exchange(&self.words, LINK, LINK_WATCHED, LINK_HELD);
    }

    /// Host: the state word, to wait for a change from.
    pub fn state_word(&self) -> i32 {
        self.load(STATE)
    }

    /// Host: a promise that settles when the state word is no longer `seen`; None when it
    /// already is not (or `Atomics.waitAsync` is missing).
    pub fn changed_from(&self, seen: i32) -> Option<js_sys::Promise> {
        let waited = Atomics::wait_async(&self.words, STATE, seen).ok()?;
        let is_async = js_sys::Reflect::get(&waited, &"async".into())
            .ok()?
            .as_bool()?;
        if !is_async {
            return None;
        }
        js_sys::Reflect::get(&waited, &"value".into())
            .ok()?
            .dyn_into()
            .ok()
    }

    /// Host: wakes whoever waits on this buffer (a watcher that should look again).
    pub fn wake(&self) {
        let _ = Atomics::notify(&self.words, STATE);
    }

    /// Host: the call waiting in this buffer for a host to take it, if any.
    pub fn waiting(&self) -> Option<u32> {
        self.waiting_in(self.load(STATE))
    }

    /// Host: the call a state word read as `state` says is waiting, if any.
    pub fn waiting_in(&self, state: i32) -> Option<u32> {
        let (seq, phase) = frame::split(state);
        (phase == Phase::Requested).then_some(seq)
    }

    /// Whether a host let go of this buffer.
    pub fn released(&self) -> bool {
        self.load(LINK) == LINK_RELEASED
    }

    /// Host: writes the reply to call `seq` and wakes the worker.
    pub fn reply(&self, seq: u32, payload: &[u8]) -> Written {
        let current = self.load(STATE);
        let (s, phase) = frame::split(current);
        if !frame::same_seq(s, seq) || !matches!(phase, Phase::Requested | Phase::Acked) {
            return Written::Stale;
        }
        let fits = payload.len() <= self.capacity();
        if fits {
            self.bytes
                .subarray(HEADER_BYTES as u32, (HEADER_BYTES + payload.len()) as u32)
                .copy_from(payload);
        }
        self.store(LENGTH, payload.len() as i32);
        self.store(STATUS, if fits { STATUS_OK } else { STATUS_OVERFLOW });
        if !self.swap(current, frame::state(seq, Phase::Replied)) {
            return Written::Stale;
        }
        let _ = Atomics::notify(&self.words, STATE);
        if fits {
            Written::Done
        } else {
            Written::Overflow
        }
    }
}
