//! The [frame] over a real `SharedArrayBuffer`, with the atomic steps of a call.
//!
//! The worker side calls [`SharedFrame::begin`] and [`SharedFrame::wait`] (this file); the host
//! side calls [`SharedFrame::ack`] and [`SharedFrame::reply`] (`host.rs`). The host never blocks.

use crate::error::{Error, ErrorKind};
use crate::frame::{
    self, Header, Phase, HEADER_BYTES, LENGTH, LINK, LINK_RELEASED, LINK_UNKNOWN, LINK_WATCHED,
    STATE, STATUS, STATUS_OK, STATUS_OVERFLOW,
};
use alloc::format;
use alloc::vec::Vec;
use js_sys::{Atomics, Int32Array, SharedArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

mod host;

/// How long a worker spins on the buffer before it blocks. A host answers a store-hit within
/// tens of microseconds, and a thread woken from `Atomics.wait` (with a timeout, as ours needs)
/// costs the host's `Atomics.notify` and the worker's wake-up tens of microseconds more than
/// one that is still looking; a prompt or an IndexedDB read takes far longer than this.
const SPIN_MS: f64 = 0.2;

#[wasm_bindgen]
extern "C" {
    // In windows and workers alike; microseconds, where `Date.now()` has milliseconds.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// A frame in a `SharedArrayBuffer`.
#[derive(Clone)]
pub struct SharedFrame {
    sab: SharedArrayBuffer,
    words: Int32Array,
    bytes: Uint8Array,
    len: usize,
}

/// What a wait ended with.
#[derive(Debug, PartialEq, Eq)]
pub enum Waited {
    /// The reply is in the buffer: read it with [`SharedFrame::read_reply`].
    Replied,
    /// The reply is too long for this buffer: it needs one of this many payload bytes.
    Overflow(usize),
    /// No host took the request within the acknowledgement timeout, and none has this buffer.
    NoHost,
    /// The host let go of this buffer; the call was given up.
    Released,
}

/// What [`SharedFrame::reply`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// The reply is in place and the worker woken.
    Done,
    /// The reply did not fit; the worker was told how much room it needs and will resume.
    Overflow,
    /// The worker no longer waits for this call (it timed out or moved on): nothing written.
    Stale,
}

impl SharedFrame {
    /// A new buffer of `buffer_bytes` (see [`frame::bytes_for`]).
    pub fn new(buffer_bytes: usize) -> Result<Self, Error> {
        frame::check_size(buffer_bytes)?;
        Ok(Self::over(SharedArrayBuffer::new(buffer_bytes as u32)))
    }

    /// The frame in a buffer received from a peer; refuses anything that is not a
    /// `SharedArrayBuffer` of a valid size.
    pub fn from_js(value: &JsValue) -> Result<Self, Error> {
        let sab = value.dyn_ref::<SharedArrayBuffer>().ok_or_else(|| {
            Error::new(
                ErrorKind::Protocol,
                "a sync request must carry a SharedArrayBuffer",
            )
        })?;
        frame::check_size(sab.byte_length() as usize)?;
        Ok(Self::over(sab.clone()))
    }

    fn over(sab: SharedArrayBuffer) -> Self {
        let len = sab.byte_length() as usize;
        SharedFrame {
            words: Int32Array::new(&sab),
            bytes: Uint8Array::new(&sab),
            sab,
            len,
        }
    }

    /// The buffer, to post to the host.
    pub fn buffer(&self) -> &SharedArrayBuffer {
        &self.sab
    }

    /// Whether `other` is this same buffer.
    pub fn is(&self, other: &JsValue) -> bool {
        JsValue::from(&self.sab) == *other
    }

    /// The buffer's size in bytes.
    pub fn byte_length(&self) -> usize {
        self.len
    }

    /// The payload room.
    pub fn capacity(&self) -> usize {
        frame::capacity(self.len)
    }

    fn load(&self, index: u32) -> i32 {
        Atomics::load(&self.words, index).unwrap_or(0)
    }

    fn store(&self, index: u32, value: i32) {
        let _ = Atomics::store(&self.words, index, value);
    }

    fn swap(&self, from: i32, to: i32) -> bool {
        Atomics::compare_exchange(&self.words, STATE, from, to).ok() == Some(from)
    }

    /// Worker: call `seq` starts with its request in the buffer; ring the doorbell (post `seq`)
    /// after this. False, and nothing written, when the request does not fit.
    pub fn begin_with(&self, seq: u32, request: &[u8]) -> bool {
        if request.len() > self.capacity() {
            return false;
        }
        self.bytes
            .subarray(HEADER_BYTES as u32, (HEADER_BYTES + request.len()) as u32)
            .copy_from(request);
        self.store(LENGTH, request.len() as i32);
        self.store(STATUS, STATUS_OK);
        self.store(STATE, frame::state(seq, Phase::Requested));
        true
    }

    fn header(&self) -> Option<Header> {
        let words = [STATE, LENGTH, STATUS, 3].map(|i| self.load(i));
        Header::parse(words, self.len)
    }

    fn copy_payload(&self, len: usize, out: &mut Vec<u8>) {
        out.clear();
        out.resize(len, 0);
        self.bytes
            .subarray(HEADER_BYTES as u32, (HEADER_BYTES + len) as u32)
            .copy_to(out);
    }

    /// Worker: call `seq` starts; post the request (with this buffer) after this.
    pub fn begin(&self, seq: u32) {
        self.begin_with(seq, &[]);
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
        let requested = frame::state(seq, Phase::Requested);
        let acked = frame::state(seq, Phase::Acked);
        let replied = frame::state(seq, Phase::Replied);
        let spin_until = performance_now() + SPIN_MS;
        while self.load(STATE) != replied && performance_now() < spin_until {}
        let started = js_sys::Date::now();
        let mut acked_at: Option<f64> = None;
        loop {
            let now = js_sys::Date::now();
            let s = self.load(STATE);
            if s == replied {
                return Ok(match self.load(STATUS) {
                    STATUS_OVERFLOW => Waited::Overflow(self.load(LENGTH).max(0) as usize),
                    _ => Waited::Replied,
                });
            }
            if s != requested && s != acked {
                return Err(Error::new(
                    ErrorKind::Protocol,
                    "the shared buffer was changed by someone else during a call",
                ));
            }
            let link = self.load(LINK);
            if link == LINK_RELEASED {
                // Give the call up, unless the host answered it this very moment.
                if self.swap(s, frame::state(seq, Phase::Idle)) {
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
                if self.swap(s, frame::state(seq, Phase::Idle)) {
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
            self.block(s, left)?;
        }
    }

    fn block(&self, expected: i32, timeout_ms: f64) -> Result<(), Error> {
        let r = if timeout_ms.is_finite() {
            Atomics::wait_with_timeout(&self.words, STATE, expected, timeout_ms)
        } else {
            Atomics::wait(&self.words, STATE, expected)
        };
        r.map(drop).map_err(|e| {
            let e = crate::js::from_js_error(&e);
            Error::new(
                ErrorKind::NotSupported,
                format!("cannot block on the shared buffer here: {}", e.message),
            )
        })
    }

    /// Worker: copies the reply of the last call into `out`.
    pub fn read_reply(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        match self.header() {
            Some(h) if h.status == STATUS_OK => {
                self.copy_payload(h.len, out);
                Ok(())
            }
            _ => Err(Error::new(
                ErrorKind::Protocol,
                "the reply length in the shared buffer is out of range",
            )),
        }
    }

    /// Worker: whether the host waits on this buffer itself (then [`SharedFrame::ring`] is the
    /// doorbell).
    pub fn watched(&self) -> bool {
        self.load(LINK) == LINK_WATCHED
    }

    /// Worker: tells a host that waits on this buffer that a request is in it.
    pub fn ring(&self) {
        let _ = Atomics::notify(&self.words, STATE);
    }
}
