//! The host's steps of a call: take the request, answer it; hold, watch and release the
//! buffer. The host never blocks.

use super::{Frame, Phase, Words, LENGTH, LINK, STATE, STATUS, STATUS_OK, STATUS_OVERFLOW};
use super::{LINK_HELD, LINK_RELEASED, LINK_UNKNOWN, LINK_WATCHED};
use alloc::vec::Vec;

/// What [`Frame::reply`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// The reply is in place and the worker woken.
    Done,
    /// The reply did not fit; the worker was told how much room it needs and will resume.
    Overflow,
    /// The worker no longer waits for this call (it timed out or moved on): nothing written.
    Stale,
}

impl<W: Words> Frame<W> {
    /// Host: copies the request of call `seq` into `out`. False when the buffer holds no
    /// request for `seq` (a late or forged doorbell) or a header that cannot be a frame's.
    pub fn read_request(&self, seq: u32, out: &mut Vec<u8>) -> bool {
        match self.header() {
            Some(h) if h.phase == Phase::Requested && super::same_seq(h.seq, seq) => {
                self.words.read_payload(h.len, out);
                true
            }
            _ => false,
        }
    }

    /// Host: marks call `seq` as taken, without waking the worker (most answers follow at
    /// once; one that must wait is announced by [`Frame::answer_later`]). False when the
    /// worker no longer waits for it, or it was taken already: a call is served once.
    pub fn ack(&self, seq: u32) -> bool {
        self.swap(
            super::state(seq, Phase::Requested),
            super::state(seq, Phase::Acked),
        )
    }

    /// Host: the call just taken is answered in a later turn (IndexedDB, a prompt): wakes the
    /// worker so that it sees the call taken. A worker waits for a known host with no deadline
    /// until its call is taken, and only then starts its reply deadline (`promptTimeoutMs`);
    /// one that blocked before [`Frame::ack`] would otherwise sleep through it.
    pub fn answer_later(&self) {
        self.words.notify();
    }

    /// Host: writes the reply to call `seq` and wakes the worker.
    pub fn reply(&self, seq: u32, payload: &[u8]) -> Written {
        let w = &self.words;
        // Claim the call before touching the payload: a worker that gave up on it may be
        // writing its next request there.
        loop {
            let current = w.load(STATE);
            let (s, phase) = super::split(current);
            if !super::same_seq(s, seq) || !matches!(phase, Some(Phase::Requested | Phase::Acked)) {
                return Written::Stale;
            }
            if self.swap(current, super::state(seq, Phase::Writing)) {
                break;
            }
        }
        let fits = payload.len() <= self.capacity();
        if fits {
            w.write_payload(payload);
        }
        w.store(LENGTH, payload.len() as i32);
        w.store(STATUS, if fits { STATUS_OK } else { STATUS_OVERFLOW });
        w.store(STATE, super::state(seq, Phase::Replied));
        w.notify();
        if fits {
            Written::Done
        } else {
            Written::Overflow
        }
    }

    /// Host: says it has this buffer, so its worker waits for a busy host instead of calling
    /// it absent. A released buffer stays released.
    pub fn hold(&self) {
        self.words.compare_exchange(LINK, LINK_UNKNOWN, LINK_HELD);
    }

    /// Host: says it waits on the state word itself, so its worker announces a request with
    /// [`Frame::ring`] alone. False when the buffer was released.
    pub fn mark_watched(&self) -> bool {
        let w = &self.words;
        w.compare_exchange(LINK, LINK_HELD, LINK_WATCHED);
        w.compare_exchange(LINK, LINK_UNKNOWN, LINK_WATCHED);
        w.load(LINK) == LINK_WATCHED
    }

    /// Host: stops waiting on this buffer; the worker rings by message again. A request
    /// already rung for a watcher may have no message coming: the call waiting now, if any,
    /// is returned for the host to take (it may also have its doorbell: it is taken once).
    #[must_use = "a call announced to the watcher just before this waits to be taken"]
    pub fn unwatch(&self) -> Option<u32> {
        self.words.compare_exchange(LINK, LINK_WATCHED, LINK_HELD);
        self.waiting()
    }

    /// Host, waiting on the buffer itself: serves the call waiting in it, if any, with
    /// `serve(seq)`, and returns the state word to wait for a change from; `None` when it has
    /// changed already (look again). Waiting from exactly the value read means a request
    /// published in between ends the wait at once: no wake-up is lost.
    pub fn look(&self, serve: impl FnOnce(u32)) -> Option<i32> {
        let seen = self.state_word();
        if let Some(seq) = waiting_in(seen) {
            serve(seq);
            if self.state_word() != seen {
                return None;
            }
            // Not taken (a header no frame of ours has): wait for the worker to move.
        }
        Some(seen)
    }

    /// Host: lets go of this buffer. The call in flight, if any, is answered with
    /// `reply_for(seq)`; a call begun later sees the released link and gives up by itself.
    /// Whoever waits on the buffer is woken: a host's own wait on it (`Atomics.waitAsync`)
    /// ends there, else it would hold the buffer, and what it serves, as long as the page lives.
    pub fn release(&self, reply_for: impl FnOnce(u32) -> Vec<u8>) {
        self.words.store(LINK, LINK_RELEASED);
        let (seq, phase) = super::split(self.words.load(STATE));
        if matches!(phase, Some(Phase::Requested | Phase::Acked)) {
            self.reply(seq, &reply_for(seq));
        } else {
            self.words.notify();
        }
    }

    /// Whether a host let go of this buffer.
    pub fn released(&self) -> bool {
        self.words.load(LINK) == LINK_RELEASED
    }

    /// Host: the state word, to wait for a change from.
    pub fn state_word(&self) -> i32 {
        self.words.load(STATE)
    }

    /// Host: wakes whoever waits on this buffer (a watcher that should look again).
    pub fn wake(&self) {
        self.words.notify();
    }

    /// Host: the call waiting in this buffer for a host to take it, if any.
    pub fn waiting(&self) -> Option<u32> {
        waiting_in(self.state_word())
    }
}

/// The call a state word read as `state` says is waiting, if any.
fn waiting_in(state: i32) -> Option<u32> {
    let (seq, phase) = super::split(state);
    (phase == Some(Phase::Requested)).then_some(seq)
}
