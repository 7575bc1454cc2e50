//! The worker's steps of a call: publish the request, then block until it is answered.

use super::{Frame, Phase, Words, LENGTH, LINK, STATE, STATUS};
use super::{LINK_RELEASED, LINK_UNKNOWN, LINK_WATCHED, STATUS_OK, STATUS_OVERFLOW};
use crate::error::{Error, ErrorKind};
use alloc::vec::Vec;

/// How long a worker spins on the buffer before it blocks. A host answers a store-hit within
/// tens of microseconds, and a thread woken from `Atomics.wait` (with a timeout, as ours needs)
/// costs the host's `Atomics.notify` and the worker's wake-up tens of microseconds more than
/// one that is still looking; a prompt or an IndexedDB read takes far longer than this.
pub const SPIN_MS: f64 = 0.2;

/// What a wait ended with.
#[derive(Debug, PartialEq, Eq)]
pub enum Waited {
    /// The reply is in the buffer: read it with [`Frame::read_reply`].
    Replied,
    /// The reply is too long for this buffer: it needs one of this many payload bytes.
    Overflow(usize),
    /// No host took the request within the acknowledgement timeout, and none has this buffer.
    NoHost,
    /// The host let go of this buffer; the call was given up.
    Released,
}

impl<W: Words> Frame<W> {
    /// Worker: call `seq` starts with its request in the buffer; announce it (a doorbell, or
    /// [`Frame::ring`] when [`Frame::watched`]) after this. False, and nothing written, when
    /// the request does not fit.
    pub fn begin_with(&self, seq: u32, request: &[u8]) -> bool {
        if request.len() > self.capacity() {
            return false;
        }
        self.words.write_payload(request);
        self.words.store(LENGTH, request.len() as i32);
        self.words.store(STATUS, STATUS_OK);
        self.words.store(STATE, super::state(seq, Phase::Requested));
        true
    }

    /// Worker: call `seq` starts; post the request (with this buffer) after this.
    pub fn begin(&self, seq: u32) {
        self.begin_with(seq, &[]);
    }

    /// Worker: whether the host waits on this buffer itself (then [`Frame::ring`] is the
    /// doorbell).
    pub fn watched(&self) -> bool {
        self.words.load(LINK) == LINK_WATCHED
    }

    /// Worker: tells a host that waits on this buffer that a request is in it.
    pub fn ring(&self) {
        self.words.notify();
    }

    /// Worker: blocks until call `seq` is answered.
    ///
    /// While no host has said it holds this buffer, waits at most `ack_timeout_ms` for one to
    /// take the request ([`Waited::NoHost`]); a host that holds it is waited for however long
    /// its queue takes. Once taken, waits at most `reply_timeout_ms` (`None`: as long as it
    /// takes, a person may be choosing a folder). A host that lets go ends the wait
    /// ([`Waited::Released`]).
    pub fn wait(
        &self,
        seq: u32,
        ack_timeout_ms: f64,
        reply_timeout_ms: Option<f64>,
    ) -> Result<Waited, Error> {
        let w = &self.words;
        let requested = super::state(seq, Phase::Requested);
        let acked = super::state(seq, Phase::Acked);
        let writing = super::state(seq, Phase::Writing);
        let replied = super::state(seq, Phase::Replied);
        let started = w.now_ms();
        let spin_until = started + SPIN_MS;
        while w.load(STATE) != replied && w.now_ms() < spin_until {}
        let mut acked_at: Option<f64> = None;
        loop {
            let now = w.now_ms();
            let s = w.load(STATE);
            if s == replied {
                return Ok(match w.load(STATUS) {
                    STATUS_OVERFLOW => Waited::Overflow(w.load(LENGTH).max(0) as usize),
                    _ => Waited::Replied,
                });
            }
            if s == writing {
                // The host has claimed the call: its reply is microseconds away.
                w.wait(s, f64::INFINITY)?;
                continue;
            }
            if s != requested && s != acked {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    "the shared buffer was changed by someone else during a call",
                ));
            }
            let link = w.load(LINK);
            if link == LINK_RELEASED {
                // Give the call up, unless the host answered it this very moment.
                if self.swap(s, super::state(seq, Phase::Idle)) {
                    return Ok(Waited::Released);
                }
                continue;
            }
            let left = if s == requested && link == LINK_UNKNOWN {
                ack_timeout_ms - (now - started)
            } else if s == requested {
                f64::INFINITY
            } else {
                let since = *acked_at.get_or_insert(now);
                reply_timeout_ms.map_or(f64::INFINITY, |limit| limit - (now - since))
            };
            if left <= 0.0 {
                if self.swap(s, super::state(seq, Phase::Idle)) {
                    return if s == requested {
                        Ok(Waited::NoHost)
                    } else {
                        Err(crate::error::no_answer(
                            reply_timeout_ms.unwrap_or_default(),
                        ))
                    };
                }
                continue;
            }
            w.wait(s, left)?;
        }
    }

    /// Worker: copies the reply of the last call into `out`.
    pub fn read_reply(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        match self.header() {
            Some(h) if h.status == STATUS_OK => {
                self.words.read_payload(h.len, out);
                Ok(())
            }
            _ => Err(Error::new(
                ErrorKind::Protocol,
                "the reply length in the shared buffer is out of range",
            )),
        }
    }
}
